"""Validating a parsed pack into its snapshot: the top level, defaults, teams, catalogue items and
their pre-filled fields, injects and scoring overrides (referee.py checks calendar, places,
verifiers, vague formulas, sources and delivery; triggers.py the injects' triggers).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from typing import Any

from exercises.rules.model import TEXT_FIELDS
from exercises.scenarios import referee, triggers
from exercises.scenarios.checks import Checker, show_value

TEAM_KEY_RE = re.compile(r"[A-Za-z][A-Za-z0-9]{1,9}")

VALUE_RANGE = (-10, 10)
INJECT_TENSION_RANGE = (-30, 30)
DEFAULT_RANGES = {"rounds": (1, 20), "round_minutes": (1, 180), "initial_tension": (0, 100)}
DEFAULTS = {"rounds": 4, "round_minutes": 15, "initial_tension": 50}

TOP_KEYS = (
    "key",
    "title",
    "summary",
    "situation",
    "values_note",
    "debrief_note",
    "sources",
    "defaults",
    "calendar",
    "places",
    "verifiers",
    "vague",
    "teams",
    "catalogue",
    "injects",
    "scoring",
)
TEAM_KEYS = ("key", "name", "optional", "brief", "objectives")
ITEM_KEYS = (
    "key",
    "number",
    "title",
    "category",
    "by",
    "to",
    "values",
    "default_value",
    "actions",
    "irreversible",
    "conflicts",
    "fields",
)
# What a catalogue item may pre-fill: every term a team writes as text, but its own words.
FIELD_KEYS = tuple(name for name in TEXT_FIELDS if name != "text")
INJECT_KEYS = ("key", "title", "text", "date", "tension", "round", "trigger")


def validate_scenario(data: Any, file: str = "<scenario>") -> dict:
    """Validate a parsed pack and return its normalised snapshot.

    Also accepts a snapshot (the output is valid input), so stored exercise
    snapshots can be re-checked. Raises ScenarioError; never returns a
    half-valid dict.
    """
    check = Checker(file)
    if data is None:
        check.fail("file", "is empty; a scenario must be a mapping with key, title, teams, catalogue ...")
    elif check.mapping(data, "top level"):
        check.keys(data, TOP_KEYS, ("key", "title", "situation", "teams", "catalogue"), "")
    check.raise_if_failed()

    snapshot = {
        "key": check.slug(data.get("key"), "key"),
        "title": check.text(data.get("title"), "title"),
        "summary": check.text(data.get("summary", ""), "summary", blank_ok=True),
        "situation": check.text(data.get("situation"), "situation"),
        "values_note": check.text(data.get("values_note", ""), "values_note", blank_ok=True),
        # For the facilitator's report only (what really happened, questions for the debrief).
        "debrief_note": check.text(data.get("debrief_note", ""), "debrief_note", blank_ok=True),
        "sources": referee.sources(check, data.get("sources")),
        "defaults": _defaults(check, data.get("defaults", {})),
        "calendar": referee.calendar(check, data.get("calendar")),
        "places": referee.names(check, data.get("places"), "places", referee.PLACE_KEYS),
        "verifiers": referee.names(check, data.get("verifiers"), "verifiers", referee.VERIFIER_KEYS),
        "vague": referee.names(check, data.get("vague"), "vague", referee.VAGUE_KEYS),
    }
    snapshot["teams"] = _teams(check, data.get("teams"))
    team_keys = [team["key"] for team in snapshot["teams"] if team["key"]]
    snapshot["catalogue"] = _catalogue(check, data.get("catalogue"), team_keys)
    referee.check_delivery(check, snapshot)
    item_keys = [item["key"] for item in snapshot["catalogue"] if item["key"]]
    snapshot["injects"] = _injects(check, data.get("injects", []), snapshot["defaults"], item_keys)
    snapshot["scoring"] = _scoring(check, data.get("scoring", {}))
    check.raise_if_failed()
    return snapshot


def _defaults(check: Checker, raw: Any) -> dict:
    result = dict(DEFAULTS)
    if raw is None or not check.mapping(raw, "defaults"):
        return result
    check.keys(raw, tuple(DEFAULT_RANGES), (), "defaults")
    for name, (low, high) in DEFAULT_RANGES.items():
        if name in raw:
            integer = name != "initial_tension"
            value = check.number(raw[name], f"defaults.{name}", low, high, integer=integer)
            result[name] = value if value is not None else DEFAULTS[name]
    return result


def _section_list(check: Checker, raw: Any, place: str, *, minimum: int) -> list:
    if not isinstance(raw, list):
        check.fail(place, f"must be a list (lines starting with '- '), got {show_value(raw)}")
        return []
    if len(raw) < minimum:
        check.fail(place, f"must have at least {minimum} entr{'y' if minimum == 1 else 'ies'}, got {len(raw)}")
    return raw


def _teams(check: Checker, raw: Any) -> list[dict]:
    teams = [
        _team(check, entry, f"teams[{i}]") for i, entry in enumerate(_section_list(check, raw, "teams", minimum=2))
    ]
    check.unique([team["key"] for team in teams], "teams", "team")
    if isinstance(raw, list) and len(raw) >= 2 and sum(not team["optional"] for team in teams) < 2:
        check.fail("teams", "at least two teams must not be optional; a negotiation needs two sides")
    return teams


def _team_key(check: Checker, value: Any, place: str) -> str:
    if not isinstance(value, str) or not TEAM_KEY_RE.fullmatch(value):
        check.fail(place, f"must be a team code of 2-10 letters/digits starting with a letter, got {show_value(value)}")
        return ""
    return value


def _team(check: Checker, raw: Any, place: str) -> dict:
    if not check.mapping(raw, place):
        return {"key": "", "name": "", "optional": False, "brief": "", "objectives": []}
    check.keys(raw, TEAM_KEYS, ("key", "name", "brief"), place)
    return {
        "key": _team_key(check, raw.get("key"), f"{place}.key"),
        "name": check.text(raw.get("name"), f"{place}.name"),
        "optional": check.boolean(raw.get("optional", False), f"{place}.optional"),
        "brief": check.text(raw.get("brief"), f"{place}.brief"),
        "objectives": check.str_list(raw.get("objectives", []), f"{place}.objectives", check.text),
    }


def _catalogue(check: Checker, raw: Any, team_keys: list[str]) -> list[dict]:
    entries = _section_list(check, raw, "catalogue", minimum=1)
    items = [_item(check, entry, f"catalogue[{i}]", i, team_keys) for i, entry in enumerate(entries)]
    check.unique([item["key"] for item in items], "catalogue", "item")
    _check_numbers(check, items)
    _resolve_conflicts(check, items)
    return items


def _item(check: Checker, raw: Any, place: str, index: int, team_keys: list[str]) -> dict:
    if not check.mapping(raw, place):
        raw = {}
    else:
        check.keys(raw, ITEM_KEYS, ("key", "title", "values"), place)

    def team_ref(value: Any, ref_place: str) -> str:
        key = _team_key(check, value, ref_place)
        if key and team_keys and key not in team_keys:
            check.fail(ref_place, f"{key!r} is not a team of this scenario ({', '.join(team_keys)})")
            return ""
        return key

    default_value = check.number(raw.get("default_value", 0), f"{place}.default_value", *VALUE_RANGE)
    default_value = 0 if default_value is None else default_value
    return {
        "key": check.slug(raw.get("key"), f"{place}.key"),
        "number": check.number(raw.get("number", index + 1), f"{place}.number", 1, 999, integer=True),
        "title": check.text(raw.get("title"), f"{place}.title"),
        "category": check.text(raw.get("category", "other"), f"{place}.category"),
        "by": check.str_list(raw.get("by", []), f"{place}.by", team_ref),
        "to": check.str_list(raw.get("to", []), f"{place}.to", team_ref),
        "values": _values(check, raw.get("values", {}), f"{place}.values", team_keys, default_value, team_ref),
        "default_value": default_value,
        "actions": check.str_list(raw.get("actions", []), f"{place}.actions", check.text),
        "irreversible": check.boolean(raw.get("irreversible", False), f"{place}.irreversible"),
        "conflicts": check.str_list(raw.get("conflicts", []), f"{place}.conflicts", check.slug),
        "fields": _fields(check, raw.get("fields", {}), f"{place}.fields"),
    }


def _values(
    check: Checker,
    raw: Any,
    place: str,
    team_keys: list[str],
    default_value: float,
    team_ref: Callable[[Any, str], str],
) -> dict:
    values = dict.fromkeys(team_keys, default_value)
    if raw is None or not check.mapping(raw, place):
        return values
    for key, value in raw.items():
        if team_ref(key, f"{place}.{key}"):
            number = check.number(value, f"{place}.{key}", *VALUE_RANGE)
            values[key] = default_value if number is None else number
    return values


def _fields(check: Checker, raw: Any, place: str) -> dict:
    fields: dict[str, Any] = dict.fromkeys(FIELD_KEYS)
    if raw is None or not check.mapping(raw, place):
        return fields
    check.keys(raw, FIELD_KEYS, (), place)
    for name in FIELD_KEYS:
        value = raw.get(name)
        field_place = f"{place}.{name}"
        if name == "quantity" and isinstance(value, (int, float)) and not isinstance(value, bool):
            fields[name] = check.number(value, field_place, 0, 1e12)
        elif isinstance(value, datetime.date):  # YAML reads 2019-03-01 as a date
            fields[name] = value.isoformat()
        elif value is not None:
            text = check.text(value, field_place, blank_ok=True)
            fields[name] = text or None
    return fields


def _check_numbers(check: Checker, items: list[dict]) -> None:
    seen: dict[int, str] = {}
    for index, item in enumerate(items):
        number = item["number"]
        if number is not None and number in seen:
            check.fail(f"catalogue[{index}].number", f"number {number} is already used by {seen[number]!r}")
        elif number is not None:
            seen[number] = item["key"]


def _resolve_conflicts(check: Checker, items: list[dict]) -> None:
    """Check conflict references and make them symmetric.

    A conflict is mutual by nature; storing it both ways lets the rules engine
    look at either item without searching the whole catalogue.
    """
    by_key = {item["key"]: item for item in items if item["key"]}
    for index, item in enumerate(items):
        for position, other in enumerate(item["conflicts"]):
            place = f"catalogue[{index}].conflicts[{position}]"
            if other == item["key"]:
                check.fail(place, "an item cannot conflict with itself")
            elif other not in by_key:
                check.fail(place, f"{other!r} is not a catalogue item key")
    for item in items:
        for other in item["conflicts"]:
            partner = by_key.get(other)
            if partner is not None and item["key"] and item["key"] not in partner["conflicts"]:
                partner["conflicts"].append(item["key"])


def _injects(check: Checker, raw: Any, defaults: dict, item_keys: list[str]) -> list[dict]:
    if raw is None:
        return []
    entries = _section_list(check, raw, "injects", minimum=0)
    rounds = defaults["rounds"]
    injects = [_inject(check, entry, f"injects[{i}]", rounds, item_keys) for i, entry in enumerate(entries)]
    check.unique([inject["key"] for inject in injects], "injects", "inject")
    return injects


def _inject(check: Checker, raw: Any, place: str, rounds: int, item_keys: list[str]) -> dict:
    if not check.mapping(raw, place):
        raw = {}
    else:
        check.keys(raw, INJECT_KEYS, ("key", "title", "text"), place)
    date = raw.get("date")
    if isinstance(date, datetime.date):  # YAML reads 2018-05-24 as a date
        date = date.isoformat()
    elif date is not None:
        date = check.text(date, f"{place}.date", blank_ok=True) or None
    round_ = raw.get("round")
    if round_ is not None:
        round_ = check.number(round_, f"{place}.round", 1, rounds, integer=True)
    tension = check.number(raw.get("tension", 0), f"{place}.tension", *INJECT_TENSION_RANGE)
    trigger = triggers.check_trigger(check, raw.get("trigger"), f"{place}.trigger", item_keys, rounds)
    if trigger is not None and round_ is not None:
        # Scheduled news arrives whatever the class does; triggered news only if play earns it.
        check.fail(place, "has both 'round' and 'trigger'; news is either scheduled or triggered, not both")
    return {
        "key": check.slug(raw.get("key"), f"{place}.key"),
        "title": check.text(raw.get("title"), f"{place}.title"),
        "text": check.text(raw.get("text"), f"{place}.text"),
        "date": date,
        "tension": 0 if tension is None else tension,
        "round": round_,
        "trigger": trigger,
    }


def _scoring(check: Checker, raw: Any) -> dict:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        check.fail("scoring", f"must be a mapping of overrides, got {show_value(raw)}")
        return {}
    check.json_like(raw, "scoring")
    # The rules engine owns its settings: ask it, so a typo fails here, not mid-game.
    from exercises.rules.config import DEFAULT_CONFIG, ConfigError

    try:
        DEFAULT_CONFIG.merged(raw)
    except ConfigError as exc:
        place, _, message = str(exc).partition(": ")
        check.fail(place or "scoring", message or str(exc))
    return dict(raw)
