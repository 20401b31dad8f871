"""Load and validate scenario packs (YAML files in this directory).

A scenario pack is data written by instructors, so the loader is strict and
talkative: every mistake is reported with the file, the exact place
(``catalogue[3].values.USA``) and what is wrong. It returns a plain,
JSON-serialisable dict (the "snapshot") that an exercise stores at creation, so
later edits to a pack never rewrite a past exercise.

Pure Python + PyYAML on purpose: the rules engine, management commands and
tests use it without Django settings. The format is documented in
docs/scenario-format.md.
"""

from __future__ import annotations

import copy
import datetime
import difflib
import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from exercises.documents import Bounds, DocumentError, check_tree, check_yaml_events
from exercises.rules.model import TEXT_FIELDS
from exercises.scenarios import referee, triggers

SCENARIO_DIR = Path(__file__).resolve().parent
DEFAULT_SCENARIO_KEY = "second-summit-2019"

SLUG_RE = re.compile(r"[a-z0-9-]{1,64}")
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


class ScenarioError(ValueError):
    """A scenario pack is wrong. ``str()`` is ``"file: place: message"``.

    Validation collects every problem it can find; the exception describes the
    first one and ``errors`` holds all of them (first included), so a command
    can print the whole list while callers that only show ``str(err)`` still
    get one precise line.
    """

    def __init__(
        self,
        file: str,
        place: str,
        message: str,
        errors: list[ScenarioError] | None = None,
    ) -> None:
        self.file = file
        self.place = place
        self.message = message
        self.errors: list[ScenarioError] = errors or [self]
        # the three fields as args keep the exception picklable (test workers)
        super().__init__(file, place, message)

    def __str__(self) -> str:
        return f"{self.file}: {self.place}: {self.message}"


class UnknownScenarioError(ScenarioError, KeyError):
    """No pack has this key; also a KeyError so ``dict``-style callers work."""


# --------------------------------------------------------------------------
# Reading YAML


# libyaml's parser is ~5x faster than the pure-Python one; fall back if absent.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):
    """SafeLoader that refuses duplicate keys.

    Plain YAML silently keeps the last of two equal keys, which would hide an
    instructor's copy-paste mistake (two ``values:`` in one item).
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:  # unhashable key: let PyYAML report it
                continue
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)


def _yaml_error(file: str, exc: yaml.YAMLError) -> ScenarioError:
    mark = getattr(exc, "problem_mark", None)
    problem = " ".join(str(getattr(exc, "problem", None) or exc).split())  # one line, always
    if mark is None:
        return ScenarioError(file, "file", f"not valid YAML: {problem}")
    place = f"line {mark.line + 1}, column {mark.column + 1}"
    return ScenarioError(file, place, f"not valid YAML: {problem}")


# A pack is a few dozen kilobytes (the shipped one: 28 KB, 5 levels, under 700 values).
# These bounds leave room for far larger ones and refuse hostile ones before they are built.
PACK_BOUNDS = Bounds(max_chars=1_000_000, max_depth=20, max_values=50_000)


def parse_scenario_text(text: str, file: str = "<text>") -> dict:
    """Parse YAML text (e.g. an uploaded pack) and validate it.

    The text is measured from the parser's events first (size, depth, values after
    alias expansion: exercises/documents.py), so a hostile pack is refused before a
    single object is built from it.
    """
    try:
        check_yaml_events(text, _StrictLoader, PACK_BOUNDS)
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - safe loader subclass
        check_tree(data, PACK_BOUNDS)
    except yaml.YAMLError as exc:
        raise _yaml_error(file, exc) from None
    except DocumentError as exc:
        raise ScenarioError(file, "file", str(exc)) from None
    return validate_scenario(data, file)


def load_scenario_file(path: str | Path) -> dict:
    """Read, validate and normalise one pack; return its snapshot dict."""
    path = Path(path)
    try:
        if path.stat().st_size > 4 * PACK_BOUNDS.max_chars:  # 4 bytes per character at most in UTF-8
            raise ScenarioError(path.name, "file", f"is larger than {PACK_BOUNDS.max_chars:,} characters")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(path.name, "file", f"cannot be read: {exc}") from None
    return parse_scenario_text(text, path.name)


# --------------------------------------------------------------------------
# Finding packs

# One directory's packs, keyed by a stamp of file names and mtimes so that an
# edited pack is picked up without a restart. Holds snapshots, so picking a
# scenario does not parse YAML again.
_cache: dict[tuple, dict[str, tuple[Path, dict]]] = {}


def _packs(directory: str | Path | None) -> dict[str, tuple[Path, dict]]:
    directory = Path(directory) if directory else SCENARIO_DIR
    files = sorted(directory.glob("*.yaml"))
    stamp = (str(directory), *((str(f), f.stat().st_mtime_ns) for f in files))
    if stamp not in _cache:
        packs = _index(files)  # may raise: then nothing is cached
        _cache.clear()
        _cache[stamp] = packs
    return _cache[stamp]


def _index(files: list[Path]) -> dict[str, tuple[Path, dict]]:
    found: dict[str, tuple[Path, dict]] = {}
    for path in files:
        snapshot = load_scenario_file(path)
        key = snapshot["key"]
        if key in found:
            message = f"{key!r} is already the key of {found[key][0].name}"
            raise ScenarioError(path.name, "key", message)
        found[key] = (path, snapshot)
    return found


def available_scenarios(directory: str | Path | None = None) -> dict[str, Path]:
    """Map scenario key -> file for every ``*.yaml`` in the directory.

    Every file is fully validated, so a broken pack shipped with the app fails
    loudly here rather than when a facilitator picks it.
    """
    return {key: path for key, (path, _) in _packs(directory).items()}


def load_scenario(key: str, directory: str | Path | None = None) -> dict:
    """Snapshot of the pack with this key; UnknownScenarioError if none."""
    packs = _packs(directory)
    if key not in packs:
        where = Path(directory).name if directory else SCENARIO_DIR.name
        listing = ", ".join(sorted(packs)) or "(none)"
        message = f"unknown scenario {key!r}; known scenarios: {listing}"
        raise UnknownScenarioError(where, "key", message)
    # a copy: callers store and may change it; the cached one must stay intact
    return copy.deepcopy(packs[key][1])


# --------------------------------------------------------------------------
# Validation: small checks that record problems instead of stopping, so an
# instructor sees every mistake in one run.


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[ScenarioError] = []

    def fail(self, place: str, message: str) -> None:
        self.errors.append(ScenarioError(self.file, place, message))

    @staticmethod
    def show(value: Any) -> str:
        return _show(value)

    def raise_if_failed(self) -> None:
        if self.errors:
            first = self.errors[0]
            raise ScenarioError(first.file, first.place, first.message, self.errors)

    def mapping(self, value: Any, place: str) -> bool:
        if isinstance(value, dict):
            return True
        self.fail(place, f"must be a mapping (key: value lines), got {_show(value)}")
        return False

    def keys(self, data: dict, allowed: tuple[str, ...], required: tuple[str, ...], place: str) -> None:
        for key in data:
            if key not in allowed:
                self.fail(_join(place, key), _unknown_key(key, allowed))
        for key in required:
            if key not in data:
                self.fail(place or "top level", f"missing required key '{key}'")

    def text(self, value: Any, place: str, *, blank_ok: bool = False) -> str:
        if not isinstance(value, str):
            self.fail(place, f"must be text, got {_show(value)}")
            return ""
        if not blank_ok and not value.strip():
            self.fail(place, "must not be empty")
        return value.strip()

    def slug(self, value: Any, place: str) -> str:
        if not isinstance(value, str) or not SLUG_RE.fullmatch(value):
            self.fail(place, f"must be a slug of a-z, 0-9 and '-' (at most 64), got {_show(value)}")
            return ""
        return value

    def boolean(self, value: Any, place: str) -> bool:
        if not isinstance(value, bool):
            self.fail(place, f"must be true or false, got {_show(value)}")
            return False
        return value

    def number(self, value: Any, place: str, low: float, high: float, *, integer: bool = False) -> Any:
        kind = "a whole number" if integer else "a number"
        ok_type = isinstance(value, int) if integer else isinstance(value, (int, float))
        # bool is an int subclass; 'yes' in YAML must not count as 1
        if isinstance(value, bool) or not ok_type or not (low <= value <= high):
            self.fail(place, f"must be {kind} between {low} and {high}, got {_show(value)}")
            return None
        return value

    def str_list(self, value: Any, place: str, check: Callable[[Any, str], str]) -> list[str]:
        if isinstance(value, str):  # `by: USA` is a natural shorthand for [USA]
            value = [value]
        if not isinstance(value, list):
            self.fail(place, f"must be a list, got {_show(value)}")
            return []
        result: list[str] = []
        for index, entry in enumerate(value):
            entry_place = f"{place}[{index}]"
            checked = check(entry, entry_place)
            if checked and checked in result:
                self.fail(entry_place, f"{checked!r} is listed twice")
            elif checked:
                result.append(checked)
        return result

    def unique(self, keys: list[str], place: str, what: str) -> None:
        seen: set[str] = set()
        for index, key in enumerate(keys):
            if key and key in seen:
                self.fail(f"{place}[{index}].key", f"duplicate {what} key {key!r}")
            seen.add(key)

    def json_like(self, value: Any, place: str) -> None:
        """Scoring overrides are free-form, but the snapshot must stay JSON."""
        if isinstance(value, dict):
            for key, inner in value.items():
                if not isinstance(key, str):
                    self.fail(place, f"keys must be text, got {_show(key)}")
                else:
                    self.json_like(inner, _join(place, key))
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                self.json_like(inner, f"{place}[{index}]")
        elif isinstance(value, float) and not math.isfinite(value):
            self.fail(place, f"must be a finite number, got {_show(value)}")
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            self.fail(place, f"must be text, a number, true/false, a list or a mapping, got {_show(value)}")


def _join(place: str, key: Any) -> str:
    return f"{place}.{key}" if place else str(key)


def _show(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):  # show it as the instructor typed it
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _unknown_key(key: Any, allowed: tuple[str, ...]) -> str:
    message = f"unknown key {key!r}"
    close = difflib.get_close_matches(str(key), allowed, n=1)
    if close:
        return f"{message} (did you mean '{close[0]}'?)"
    return f"{message}; allowed keys: {', '.join(allowed)}"


# --------------------------------------------------------------------------
# The sections


def validate_scenario(data: Any, file: str = "<scenario>") -> dict:
    """Validate a parsed pack and return its normalised snapshot.

    Also accepts a snapshot (the output is valid input), so stored exercise
    snapshots can be re-checked. Raises ScenarioError; never returns a
    half-valid dict.
    """
    check = _Checker(file)
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


def _defaults(check: _Checker, raw: Any) -> dict:
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


def _section_list(check: _Checker, raw: Any, place: str, *, minimum: int) -> list:
    if not isinstance(raw, list):
        check.fail(place, f"must be a list (lines starting with '- '), got {_show(raw)}")
        return []
    if len(raw) < minimum:
        check.fail(place, f"must have at least {minimum} entr{'y' if minimum == 1 else 'ies'}, got {len(raw)}")
    return raw


def _teams(check: _Checker, raw: Any) -> list[dict]:
    teams = [
        _team(check, entry, f"teams[{i}]") for i, entry in enumerate(_section_list(check, raw, "teams", minimum=2))
    ]
    check.unique([team["key"] for team in teams], "teams", "team")
    if isinstance(raw, list) and len(raw) >= 2 and sum(not team["optional"] for team in teams) < 2:
        check.fail("teams", "at least two teams must not be optional; a negotiation needs two sides")
    return teams


def _team_key(check: _Checker, value: Any, place: str) -> str:
    if not isinstance(value, str) or not TEAM_KEY_RE.fullmatch(value):
        check.fail(place, f"must be a team code of 2-10 letters/digits starting with a letter, got {_show(value)}")
        return ""
    return value


def _team(check: _Checker, raw: Any, place: str) -> dict:
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


def _catalogue(check: _Checker, raw: Any, team_keys: list[str]) -> list[dict]:
    entries = _section_list(check, raw, "catalogue", minimum=1)
    items = [_item(check, entry, f"catalogue[{i}]", i, team_keys) for i, entry in enumerate(entries)]
    check.unique([item["key"] for item in items], "catalogue", "item")
    _check_numbers(check, items)
    _resolve_conflicts(check, items)
    return items


def _item(check: _Checker, raw: Any, place: str, index: int, team_keys: list[str]) -> dict:
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
    check: _Checker,
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


def _fields(check: _Checker, raw: Any, place: str) -> dict:
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


def _check_numbers(check: _Checker, items: list[dict]) -> None:
    seen: dict[int, str] = {}
    for index, item in enumerate(items):
        number = item["number"]
        if number is not None and number in seen:
            check.fail(f"catalogue[{index}].number", f"number {number} is already used by {seen[number]!r}")
        elif number is not None:
            seen[number] = item["key"]


def _resolve_conflicts(check: _Checker, items: list[dict]) -> None:
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


def _injects(check: _Checker, raw: Any, defaults: dict, item_keys: list[str]) -> list[dict]:
    if raw is None:
        return []
    entries = _section_list(check, raw, "injects", minimum=0)
    rounds = defaults["rounds"]
    injects = [_inject(check, entry, f"injects[{i}]", rounds, item_keys) for i, entry in enumerate(entries)]
    check.unique([inject["key"] for inject in injects], "injects", "inject")
    return injects


def _inject(check: _Checker, raw: Any, place: str, rounds: int, item_keys: list[str]) -> dict:
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


def _scoring(check: _Checker, raw: Any) -> dict:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        check.fail("scoring", f"must be a mapping of overrides, got {_show(raw)}")
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
