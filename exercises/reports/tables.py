"""The report's tables as rows, and the CSV and XLSX files made from them.

The same rows go to CSV and XLSX (one sheet per table). Text cells are neutralised
against spreadsheet formula injection: a player's offer text that starts with
= + - @, a tab or a carriage return gets a leading apostrophe, so Excel or
LibreOffice shows it as text instead of running it (OWASP "CSV injection").
Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

OFFER_COLUMNS = (
    "offer", "round", "from", "to", "submitted_by", "parent", "status", "specificity", "reciprocity",
    "commitments", "main_reasons", "answers", "changes_from_parent", "message", "created_at", "decided_at",
)  # fmt: skip
COMMITMENT_COLUMNS = (
    "offer", "position", "round", "by", "to", "kind", "action", "object", "quantity", "unit", "site", "deadline",
    "verification", "conditional_on", "phase", "duration", "text", "specificity", "offer_reciprocity",
    "lesson_group", "outcome", "due_round", "resolved_in_round", "kept_probability", "draw", "overridden",
    "override_reason",
)  # fmt: skip
EVENT_COLUMNS = ("time", "round", "kind", "what", "actor", "team", "details")


def neutralise(value):
    """A cell value safe for a spreadsheet: text that could start a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)  # its first item may start a formula too
    return neutralise(value)


def offer_rows(report) -> list[list]:
    return [
        [
            _cell(v)
            for v in (
                o.number,
                o.round_number,
                o.from_key,
                o.to_keys,
                o.submitted_by,
                o.parent_number,
                o.status,
                o.specificity,
                o.reciprocity,
                len(o.commitments),
                o.main_reasons,
                [f"{r.team_key} {r.kind}" for r in o.responses],
                o.changes,
                o.message,
                o.created_at,
                o.decided_at,
            )
        ]
        for o in report.offers
    ]


def commitment_rows(report) -> list[list]:
    rows = []
    for c in report.commitments:
        f = c.fields
        rows.append(
            [
                _cell(v)
                for v in (
                    c.offer_number,
                    c.position,
                    c.round_number,
                    c.by,
                    c.to,
                    f["kind"],
                    f["action"],
                    f["object"],
                    f["quantity"],
                    f["unit"],
                    f["site"],
                    f["deadline"],
                    f["verification"],
                    f["conditional_on"],
                    f["phase"],
                    f["duration"],
                    f["text"],
                    c.specificity,
                    c.reciprocity,
                    c.group,
                    c.outcome,
                    c.due_round,
                    c.resolved_round,
                    round(c.kept_probability, 4) if c.kept_probability is not None else None,
                    round(c.draw, 4) if c.draw is not None else None,
                    c.overridden,
                    c.override_reason,
                )
            ]
        )
    return rows


def event_rows(report) -> list[list]:
    round_numbers, team_keys = report.round_numbers, report.team_keys
    return [
        [
            _cell(v)
            for v in (
                e.created_at,
                round_numbers.get(e.round_id),
                e.kind,
                e.get_kind_display(),
                e.actor,
                team_keys.get(e.team_id),
                json.dumps(e.details, sort_keys=True, ensure_ascii=False) if e.details else "",
            )
        ]
        for e in report.events
    ]


TABLES = {
    "offers": (OFFER_COLUMNS, offer_rows),
    "commitments": (COMMITMENT_COLUMNS, commitment_rows),
    "events": (EVENT_COLUMNS, event_rows),
}


def table(report, name: str) -> tuple[tuple[str, ...], list[list]]:
    columns, rows = TABLES[name]
    return columns, rows(report)


def to_csv(report, name: str) -> str:
    columns, rows = table(report, name)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


def to_xlsx(report) -> bytes:
    """One sheet per table; write-only mode keeps memory flat for long event logs."""
    from openpyxl import Workbook  # some 15 MB, loaded by the workers that export only

    workbook = Workbook(write_only=True)
    for name in TABLES:
        sheet = workbook.create_sheet(title=name.capitalize())
        columns, rows = table(report, name)
        sheet.append(list(columns))
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
