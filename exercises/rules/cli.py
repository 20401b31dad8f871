"""Core of the ``score_offers`` command: JSON offers in, scores with reasons out.

Input (a file, or ``-`` for stdin)::

    {"scenario": "second-summit-2019",          # optional
     "calendar": {"start": "2018-06-12", "round_days": 30, "horizon": "2028-12-31"},  # optional
     "offers": [{"id": "o1", "parties": ["North", "South"],  # parties optional
                 "round": 1, "proposer": "North",            # optional
                 "commitments": [{"id": "c1", "by": "North", "to": ["South"],
                                  "kind": "checkpoint-reopened", "action": "reopen", ...,
                                  "conditional_on": ["c2"], "phase": 1,
                                  "value": {"South": 6, "North": -3}}]}]}

Keys starting with "_" are comments. ``calendar`` replaces the scenario's (so a
historical agreement is judged in its own time); ``round`` is the round the offer
is made in (deadlines before it earn nothing) and ``proposer`` the team hints are
phrased for. Bad input exits with status 2 and one line on stderr naming the
offer and field; never a traceback.

    python -m exercises.rules.cli tests/rules/fixtures/base-hits.json
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import sys
from collections.abc import Callable, Mapping
from typing import IO, Any

from . import model
from .calendar import Calendar
from .config import ConfigError
from .model import Catalogue, Commitment, Offer
from .offers import score_offer

# Read as text from the JSON; a quantity may also be a number, so it is checked on its own.
TEXT_FIELDS = ("kind", *(name for name in model.TEXT_FIELDS if name != "quantity"))
COMMITMENT_FIELDS = frozenset({"id", "value", *model.COMMITMENT_TERMS})
OFFER_FIELDS = frozenset({"id", "parties", "commitments", "round", "proposer"})
TOP_FIELDS = frozenset({"scenario", "calendar", "offers"})
CALENDAR_FIELDS = frozenset({"start", "round_days", "horizon"})


class InputError(Exception):
    """One line for stderr."""


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _unknown(data: Mapping, known: frozenset, where: str) -> None:
    for key in data:
        if not isinstance(key, str) or (key not in known and not key.startswith("_")):
            raise InputError(f'{where}field "{key}" is not known (known: {", ".join(sorted(known))})')


def _str_list(raw: Any, where: str, name: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) and x for x in raw):
        raise InputError(f'{where}field "{name}" must be a list of names, got {json.dumps(raw)}')
    return tuple(raw)


def _commitment(raw: Any, n: int, where_offer: str, catalogue: Catalogue, scenario: str | None) -> Commitment:
    where = f"{where_offer} commitment {n}: "
    if not isinstance(raw, dict):
        raise InputError(f"{where}must be an object, got {json.dumps(raw)}")
    _unknown(raw, COMMITMENT_FIELDS, where)
    cid = raw.get("id", f"c{n}")
    if isinstance(cid, int) and not isinstance(cid, bool):
        cid = str(cid)
    if not isinstance(cid, str) or not cid:
        raise InputError(f'{where}field "id" must be text, got {json.dumps(cid)}')
    by = raw.get("by")
    if by is None or by == "":
        raise InputError(f'{where}field "by" is required')
    if not isinstance(by, str):
        raise InputError(f'{where}field "by" must be a party name, got {json.dumps(by)}')
    fields: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = raw.get(name)
        if value is not None and not isinstance(value, str):
            raise InputError(f'{where}field "{name}" must be text, got {json.dumps(value)}')
        fields[name] = value or None
    kind = fields["kind"]
    if kind is not None and kind not in catalogue:
        if scenario is None:
            raise InputError(f'{where}field "kind": "{kind}" needs a scenario (no "scenario" given)')
        raise InputError(f'{where}field "kind": unknown kind "{kind}" in scenario "{scenario}"')
    quantity = raw.get("quantity")
    if quantity is not None and not (_is_number(quantity) or isinstance(quantity, str)):
        raise InputError(f'{where}field "quantity" must be a number or text, got {json.dumps(quantity)}')
    phase = raw.get("phase")
    if phase is not None and not (isinstance(phase, int) and not isinstance(phase, bool)):
        raise InputError(f'{where}field "phase" must be a whole number, got {json.dumps(phase)}')
    value = raw.get("value")
    pairs = None
    if value is not None:
        if not isinstance(value, dict) or not all(_is_number(v) for v in value.values()):
            raise InputError(f'{where}field "value" must be an object of party: number, got {json.dumps(value)}')
        pairs = tuple((str(k), float(v)) for k, v in value.items())
    return Commitment(
        id=cid,
        by=by,
        to=_str_list(raw.get("to"), where, "to"),
        quantity=quantity if quantity != "" else None,
        conditional_on=_str_list(raw.get("conditional_on"), where, "conditional_on"),
        phase=phase,
        value=pairs,
        **fields,
    )


def _offer(raw: Any, n: int, catalogue: Catalogue, scenario: str | None) -> Offer:
    if not isinstance(raw, dict):
        raise InputError(f"offer {n}: must be an object, got {json.dumps(raw)}")
    oid = raw.get("id", f"o{n}")
    if isinstance(oid, int) and not isinstance(oid, bool):
        oid = str(oid)
    if not isinstance(oid, str) or not oid:
        raise InputError(f'offer {n}: field "id" must be text, got {json.dumps(oid)}')
    where = f'offer "{oid}"'
    _unknown(raw, OFFER_FIELDS, where + ": ")
    parties = _str_list(raw.get("parties"), where + ": ", "parties")
    round_number = raw.get("round")
    if round_number is not None and not (
        isinstance(round_number, int) and not isinstance(round_number, bool) and 1 <= round_number <= 1000
    ):
        raise InputError(
            f'{where}: field "round" must be a whole number from 1 to 1000, got {json.dumps(round_number)}'
        )
    proposer = raw.get("proposer")
    if proposer is not None and not (isinstance(proposer, str) and proposer):
        raise InputError(f'{where}: field "proposer" must be a party name, got {json.dumps(proposer)}')
    commitments_raw = raw.get("commitments")
    if not isinstance(commitments_raw, list):
        raise InputError(f'{where}: field "commitments" must be a list, got {json.dumps(commitments_raw)}')
    commitments = [_commitment(c, i, where, catalogue, scenario) for i, c in enumerate(commitments_raw, 1)]
    ids: dict[str, int] = {}
    for i, c in enumerate(commitments, 1):
        if c.id in ids:
            raise InputError(f'{where} commitment {i}: field "id": "{c.id}" is already commitment {ids[c.id]}')
        ids[c.id] = i
    for i, c in enumerate(commitments, 1):
        for target in c.conditional_on:
            if target not in ids:
                raise InputError(
                    f'{where} commitment {i}: field "conditional_on": no commitment "{target}" in this offer'
                )
    return Offer(id=oid, commitments=tuple(commitments), parties=parties, round=round_number, proposer=proposer)


def parse(data: Any, scenario_loader: Callable[[str], Mapping] | None) -> tuple[Catalogue, list[Offer]]:
    """Validate the input document; InputError with one line on the first mistake."""
    if not isinstance(data, dict):
        raise InputError('input must be a JSON object with an "offers" list')
    _unknown(data, TOP_FIELDS, "")
    key = data.get("scenario")
    catalogue = Catalogue.empty()
    if key is not None:
        if not isinstance(key, str) or not key:
            raise InputError(f'field "scenario" must be a scenario key, got {json.dumps(key)}')
        if scenario_loader is None:
            raise InputError(f'unknown scenario "{key}": no scenario loader available')
        try:
            scenario = scenario_loader(key)
        except Exception as exc:  # the loader's own message says what is wrong
            raise InputError(f'unknown scenario "{key}": {_one_line(exc)}') from None
        try:
            catalogue = Catalogue.from_scenario(scenario)
        except (ConfigError, KeyError, TypeError, ValueError) as exc:
            raise InputError(f'scenario "{key}": {_one_line(exc)}') from None
    if data.get("calendar") is not None:
        catalogue = dataclasses.replace(catalogue, calendar=_calendar(data["calendar"]))
    offers_raw = data.get("offers")
    if not isinstance(offers_raw, list):
        raise InputError(f'field "offers" must be a list, got {json.dumps(offers_raw)}')
    offers = [_offer(o, i, catalogue, key) for i, o in enumerate(offers_raw, 1)]
    return catalogue, offers


def _calendar(raw: Any) -> Calendar:
    where = 'field "calendar"'
    if not isinstance(raw, dict):
        raise InputError(f"{where} must be an object with start, round_days and horizon, got {json.dumps(raw)}")
    _unknown(raw, CALENDAR_FIELDS, f"{where}: ")
    for name in ("start", "horizon"):
        try:
            datetime.date.fromisoformat(str(raw.get(name)))
        except ValueError:
            raise InputError(
                f'{where}: "{name}" must be a date written YYYY-MM-DD, got {json.dumps(raw.get(name))}'
            ) from None
    days = raw.get("round_days")
    if not (isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= 3650):
        raise InputError(f'{where}: "round_days" must be a whole number from 1 to 3650, got {json.dumps(days)}')
    calendar = Calendar.from_dict(raw)
    if calendar.horizon <= calendar.start:
        raise InputError(f'{where}: "horizon" must come after "start"')
    return calendar


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, KeyError) and text.startswith(("'", '"')) and not isinstance(exc.args[0], Exception):
        text = str(exc.args[0])
    return " ".join(text.split())


def result(score) -> dict:
    return {
        "id": score.id,
        "specificity": score.specificity,
        "reciprocity": score.reciprocity,
        "commitments": [
            {"id": c.id, "specificity": c.specificity, "reasons": [r.to_dict() for r in c.reasons]}
            | ({"value_note": c.value_note} if c.value_note else {})
            for c in score.commitments
        ],
        "reasons": [r.to_dict() for r in score.reasons],
        "improvements": [i.to_dict() for i in score.improvements],
    }


def run(
    argv_path: str,
    stdin: IO[str],
    stdout: IO[str],
    stderr: IO[str],
    scenario_loader: Callable[[str], Mapping] | None = None,
) -> int:
    """Score the offers in ``argv_path`` (``-`` = stdin); 0 on success, 2 on bad input."""
    try:
        if argv_path == "-":
            text = stdin.read()
        else:
            try:
                with open(argv_path, encoding="utf-8") as fh:
                    text = fh.read()
            except OSError as exc:
                raise InputError(f'cannot read "{argv_path}": {exc.strerror or exc}') from None
            except UnicodeDecodeError:
                raise InputError(f'cannot read "{argv_path}": not UTF-8 text') from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"input is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
        catalogue, offers = parse(data, scenario_loader)
    except InputError as exc:
        # Names echoed from the input may hold line breaks of their own: the message stays one line.
        stderr.write(f"error: {_one_line(exc)}\n")
        return 2
    try:
        results = [result(score_offer(offer, catalogue)) for offer in offers]
    except Exception as exc:  # a bug, not bad input: still one line
        stderr.write(f"error: internal error while scoring: {type(exc).__name__}: {_one_line(exc)}\n")
        return 1
    stdout.write(json.dumps({"results": results}, indent=2, ensure_ascii=False) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        sys.stderr.write("usage: python -m exercises.rules.cli PATH|-\n")
        return 2
    from exercises.scenarios import load_scenario  # pure Python, no Django

    return run(argv[0], sys.stdin, sys.stdout, sys.stderr, load_scenario)


if __name__ == "__main__":
    raise SystemExit(main())
