"""The report's tables as rows, and the CSV and XLSX files made from them.

The same rows go to CSV and XLSX (one sheet per table): first what an instructor grades
from (teams with their final standing, participants, each round's scores), then the
offers, commitments and event log. Times are local to the server's TIME_ZONE, to the
second, and each time column's heading names the zone ("created_at (Europe/Berlin)").
CSV files start with a UTF-8 byte-order mark, so Excel reads arrows and curly quotes
as written instead of guessing a legacy encoding. Text cells are neutralised
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

from django.utils import timezone

from exercises import rules
from exercises.rules.model import COMMITMENT_TERMS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

OFFER_COLUMNS = (
    "offer", "round", "from", "to", "submitted_by", "parent", "status", "specificity", "reciprocity",
    "commitments", "main_reasons", "answers", "changes_from_parent", "message", "created_at", "decided_at",
)  # fmt: skip
COMMITMENT_COLUMNS = (
    "offer", "position", "round", *COMMITMENT_TERMS, "specificity", "offer_reciprocity",
    "lesson_group", "outcome", "due_round", "resolved_in_round", "kept_probability", "draw", "overridden",
    "override_reason",
)  # fmt: skip
EVENT_COLUMNS = ("time", "round", "kind", "what", "actor", "team", "details")
TEAM_COLUMNS = (
    "rank", "tied", "team", "name", "final_score", "offers_sent", "mean_specificity", "mean_reciprocity",
    "agreements", "commitments_made", "kept", "broken", "participants",
)  # fmt: skip
PARTICIPANT_COLUMNS = (
    "team", "team_name", "participant", "joined_at", "last_seen_at", "offers_sent", "answers_given",
    "team_rank", "team_final_score",
)  # fmt: skip
SCORE_COLUMNS = (
    "round", "rank", "tied", "team", "name", "delivered", "stability", "total", "offers_sent",
    "mean_specificity", "mean_reciprocity",
)  # fmt: skip
# Columns holding a time: their heading names the time zone the values are in.
TIME_COLUMNS = {"created_at", "decided_at", "time", "joined_at", "last_seen_at"}
BOM = "\ufeff"


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
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if timezone.is_aware(value) else str(value)
    if isinstance(value, date):
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


def team_rows(report) -> list[list]:
    """Every team, best first: those with a score in the standings' order, then any without."""
    standings = {id(s.item): s for s in report.standings}
    ranked = [s.item for s in report.standings] + [t for t in report.teams if id(t) not in standings]
    rows = []
    for team in ranked:
        standing = standings.get(id(team))
        rows.append(
            [
                _cell(v)
                for v in (
                    standing.rank if standing else None,
                    standing.tied if standing else None,
                    team.key,
                    team.name,
                    team.final_score,
                    team.offers_sent,
                    team.mean_s,
                    team.mean_r,
                    team.agreements,
                    team.commitments_made,
                    team.kept,
                    team.broken,
                    team.participants,
                )
            ]
        )
    return rows


def participant_rows(report) -> list[list]:
    standings = {s.item.key: s for s in report.standings}
    return [
        [
            _cell(v)
            for v in (
                p.team_key,
                p.team_name,
                p.name,
                p.joined_at,
                p.last_seen_at,
                p.offers_sent,
                p.answers_given,
                standings[p.team_key].rank if p.team_key in standings else None,
                standings[p.team_key].score if p.team_key in standings else None,
            )
        ]
        for p in report.participants
    ]


def score_rows(report) -> list[list]:
    """Each round's scores, the round's best team first, ranked as the standings are."""
    rows = []
    for number in [r.number for r in report.rounds]:
        scored = [
            (team, row)
            for team in report.teams
            for row in team.rounds
            if row.number == number and row.total is not None
        ]
        for s in rules.standings(scored, score=lambda pair: pair[1].total):
            team, row = s.item
            values = (number, s.rank, s.tied, team.key, team.name, row.delivered, row.stability, row.total)
            rows.append([_cell(v) for v in (*values, row.offers_sent, row.mean_s, row.mean_r)])
    return rows


TABLES = {
    "teams": (TEAM_COLUMNS, team_rows),
    "participants": (PARTICIPANT_COLUMNS, participant_rows),
    "scores": (SCORE_COLUMNS, score_rows),
    "offers": (OFFER_COLUMNS, offer_rows),
    "commitments": (COMMITMENT_COLUMNS, commitment_rows),
    "events": (EVENT_COLUMNS, event_rows),
}


def headings(columns: tuple[str, ...]) -> list[str]:
    """Column headings; a time column's names the zone its values are in."""
    zone = timezone.get_current_timezone_name()
    return [f"{name} ({zone})" if name in TIME_COLUMNS else name for name in columns]


def table(report, name: str) -> tuple[list[str], list[list]]:
    columns, rows = TABLES[name]
    return headings(columns), rows(report)


def to_csv(report, name: str) -> str:
    """With a byte-order mark first: Excel then opens the file as UTF-8."""
    columns, rows = table(report, name)
    buffer = io.StringIO()
    buffer.write(BOM)
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
        sheet.append(columns)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
