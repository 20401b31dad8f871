"""The studio's form: a scenario snapshot as editable fields, and a POST back to a pack dict.

Every input is named by the place the pack validator reports (``catalogue[3].values.USA``),
so each error lands under the field that caused it, in the validator's own words: the
browser and the YAML loader share one set of rules (docs/scenario-format.md). Lists the
validator reads as lists of names (places, verifiers, vague formulas, sources) are edited
one entry a line. Pure Python: rows are typed dataclasses the template renders.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from exercises.documents import DocumentError, check_tree, check_yaml_events
from exercises.scenarios import ScenarioError
from exercises.scenarios.loader import PACK_BOUNDS
from exercises.scenarios.validation import FIELD_KEYS, INJECT_KEYS

__all__ = [
    "Editor",
    "Field",
    "Row",
    "blank_inject",
    "blank_item",
    "blank_team",
    "build",
    "error_map",
    "parse",
]

# Triggered injects (issue 12B): shown when the pack loader knows the ``trigger`` key.
TRIGGERS = "trigger" in INJECT_KEYS
TRIGGER_FIELDS = (
    ("tension_at_least", "Tension at least (0-100)", "number"),
    ("broken", "A commitment broken on item(s)", "items"),
    ("kept", "A commitment kept on item(s)", "items"),
    ("agreed", "An agreement on item(s)", "items"),
    ("no_agreement_by", "No agreement by round", "number"),
)
MAX_ROWS = 200  # teams, items or injects in one form: far beyond any pack, far below harm


@dataclass(frozen=True)
class Field:
    """One input. ``name`` is the validator's place; ``kind`` picks the widget."""

    name: str
    label: str
    value: Any = ""
    kind: str = "text"  # text | textarea | number | checkbox | checks | date | select
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    errors: tuple[str, ...] = ()
    wide: bool = False  # takes the whole row of the grid
    rows: int = 3

    @property
    def input_id(self) -> str:
        return "f-" + re.sub(r"[^A-Za-z0-9]+", "-", self.name).strip("-")

    @property
    def checked(self) -> frozenset[str]:
        return frozenset(self.value or ())


@dataclass(frozen=True)
class Row:
    """A team, catalogue item or inject: its fields, and the errors that name it as a whole."""

    index: int
    prefix: str  # "teams[2]"
    heading: str
    fields: tuple[Field, ...]
    groups: tuple[tuple[str, tuple[Field, ...]], ...] = ()  # ("Values per team", fields) ...
    errors: tuple[str, ...] = ()

    @property
    def problems(self) -> int:
        """Every problem in the row, its fields' included: a row with one is shown open."""
        fields = [*self.fields, *(f for _, group in self.groups for f in group)]
        return len(self.errors) + sum(len(f.errors) for f in fields)

    @property
    def anchor(self) -> str:
        """``catalogue[3]`` -> ``catalogue-3``: the row's element id."""
        return re.sub(r"[^A-Za-z0-9]+", "-", self.prefix).strip("-")

    @property
    def is_new(self) -> bool:
        """A row just added (no key yet): shown open, ready to fill in."""
        return not any(f.value for f in self.fields if f.name == f"{self.prefix}.key")


@dataclass(frozen=True)
class Editor:
    general: tuple[Field, ...]
    referee: tuple[Field, ...]
    teams: tuple[Row, ...]
    items: tuple[Row, ...]
    injects: tuple[Row, ...]
    scoring: Field
    section_errors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    other_errors: tuple[str, ...] = ()
    error_count: int = 0


# --- errors -------------------------------------------------------------------------------------

_SECTIONS = ("teams", "catalogue", "injects")
_LINE_FIELDS = ("sources", "places", "verifiers", "vague")


def error_map(error: ScenarioError | None) -> dict[str, list[str]]:
    """Each problem under the place the validator names ("top level" and the like under "")."""
    found: dict[str, list[str]] = defaultdict(list)
    for problem in error.errors if error else ():
        place = problem.place
        if place in ("top level", "file") or place.startswith("line "):
            place = ""
        for name in _LINE_FIELDS:  # places[3].aliases -> the places box, "entry 4: ..."
            m = re.match(rf"{name}\[(\d+)\]", place)
            if m:
                found[name].append(f"line {int(m.group(1)) + 1}: {problem.message}")
                break
        else:
            found[place].append(problem.message)
    return dict(found)


def _take(errors: dict[str, list[str]], name: str) -> tuple[str, ...]:
    """The problems of one input: at its place, or at an entry of the list it holds (``by[1]``)."""
    mine = list(errors.pop(name, ()))
    for place in [p for p in errors if p.startswith(name + "[")]:
        mine += [f"{place[len(name) :]}: {m}" for m in errors.pop(place)]
    return tuple(mine)


# --- snapshot -> fields -------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _lines_of_names(entries: list, with_kind: bool = False, with_definition: bool = False) -> str:
    lines = []
    for entry in entries or ():
        if isinstance(entry, str):
            lines.append(entry)
            continue
        parts = [entry.get("name", "")]
        if with_kind:
            parts.append(entry.get("kind", ""))
        if with_definition:
            parts.append("needs definition" if entry.get("needs_definition") else "")
        aliases = "; ".join(entry.get("aliases") or ())
        if aliases:
            parts.append(aliases)
        lines.append(" | ".join(parts).rstrip(" |"))
    return "\n".join(lines)


def _lines_of_sources(entries: list) -> str:
    lines = []
    for entry in entries or ():
        if isinstance(entry, str):
            lines.append(entry)
        else:
            lines.append(" | ".join([entry.get("title", ""), entry.get("url", ""), entry.get("note", "")]).rstrip(" |"))
    return "\n".join(lines)


def build(data: Mapping, error: ScenarioError | None = None, *, scoring_text: str | None = None) -> Editor:
    """The form for ``data`` (a snapshot, or what a POST held), with ``error``'s problems in place."""
    errors = error_map(error)
    total = len(error.errors) if error else 0
    defaults = data.get("defaults") or {}
    calendar = data.get("calendar") or {}
    team_keys = [t.get("key", "") for t in data.get("teams") or () if isinstance(t, Mapping) and t.get("key")]

    def f(name: str, label: str, value: Any = "", **kw) -> Field:
        return Field(name, label, value, errors=_take(errors, name), **kw)

    general = (
        f("title", "Title", _text(data.get("title")), help="Shown to facilitators and on the projector."),
        f("key", "Key", _text(data.get("key")), help="a-z, 0-9 and '-': names the scenario in files and commands."),
        f("summary", "Summary", _text(data.get("summary")), help="One line for the list of scenarios.", wide=True),
        f(
            "situation",
            "Situation (public, Markdown)",
            _text(data.get("situation")),
            kind="textarea",
            rows=8,
            wide=True,
            help="Everyone sees it, the projector too: never put a secret here.",
        ),  # fmt: skip
        f("values_note", "Where the values come from", _text(data.get("values_note")), wide=True),
        f(
            "debrief_note",
            "Debrief note (facilitator only, Markdown)",
            _text(data.get("debrief_note")),
            kind="textarea",
            rows=5,
            wide=True,
            help="What really happened, and questions for the debrief: shown in the facilitator's report only.",
        ),  # fmt: skip
        f(
            "sources",
            "Sources",
            _lines_of_sources(data.get("sources")),
            kind="textarea",
            rows=4,
            wide=True,
            help="One a line: title | https://address | note (address and note optional).",
        ),  # fmt: skip
        f("defaults.rounds", "Rounds", _text(defaults.get("rounds")), kind="number"),
        f("defaults.round_minutes", "Minutes per round", _text(defaults.get("round_minutes")), kind="number"),
        f("defaults.initial_tension", "Initial tension (0-100)", _text(defaults.get("initial_tension")), kind="number"),
        f(
            "calendar.start",
            "In-game start",
            _text(calendar.get("start")),
            kind="date",
            help="The date round 1 opens in the game's world.",
        ),  # fmt: skip
        f("calendar.round_days", "In-game days per round", _text(calendar.get("round_days")), kind="number"),
        f("calendar.horizon", "Last date a deadline may name", _text(calendar.get("horizon")), kind="date"),
    )
    referee = (
        f(
            "places",
            "Places a referee recognises",
            _lines_of_names(data.get("places")),
            kind="textarea",
            rows=5,
            help="One a line: name | other spellings separated by ';'.",
        ),  # fmt: skip
        f(
            "verifiers",
            "Recognised verifiers",
            _lines_of_names(data.get("verifiers"), with_kind=True),
            kind="textarea",
            rows=5,
            help="One a line: name | third-party or party | other spellings separated by ';'.",
        ),  # fmt: skip
        f(
            "vague",
            "Vague formulas of this case",
            _lines_of_names(data.get("vague"), with_definition=True),
            kind="textarea",
            rows=3,
            help="One a line: phrase | 'needs definition' or nothing | other spellings separated by ';'.",
        ),  # fmt: skip
    )
    teams = tuple(_team_row(i, t, errors) for i, t in enumerate(_rows(data.get("teams"))))
    items = tuple(_item_row(i, it, team_keys, errors) for i, it in enumerate(_rows(data.get("catalogue"))))
    injects = tuple(_inject_row(i, it, errors) for i, it in enumerate(_rows(data.get("injects"))))
    scoring = f("scoring", "Scoring overrides (YAML)",
                scoring_text if scoring_text is not None else _yaml_text(data.get("scoring") or {}),
                kind="textarea", rows=4, wide=True,
                help="Leave {} for the standard rubric; docs/scoring.md lists the settings.")  # fmt: skip
    sections = {name: _take(errors, name) for name in _SECTIONS}
    leftovers = tuple(f"{place}: {m}" if place else m for place, ms in errors.items() for m in ms)
    return Editor(general, referee, teams, items, injects, scoring, sections, leftovers, total)


def _rows(raw: Any) -> list[Mapping]:
    return [r if isinstance(r, Mapping) else {} for r in raw] if isinstance(raw, list) else []


def _yaml_text(value: Any) -> str:
    if value in ({}, None):
        return "{}"
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True).strip()


def _row_errors(errors: dict[str, list[str]], prefix: str) -> tuple[str, ...]:
    """Errors at the row itself, or at a part of it no field shows (``catalogue[2].values.UK``)."""
    mine = list(errors.pop(prefix, ()))
    for place in [p for p in errors if p.startswith(prefix + ".")]:
        mine += [f"{place[len(prefix) + 1 :]}: {m}" for m in errors.pop(place)]
    return tuple(mine)


def _team_row(i: int, team: Mapping, errors: dict) -> Row:
    p = f"teams[{i}]"

    def f(name, label, value="", **kw):
        return Field(f"{p}.{name}", label, value, errors=_take(errors, f"{p}.{name}"), **kw)

    fields = (
        f("key", "Code", _text(team.get("key")), help="2-10 letters or digits, starting with a letter."),
        f("name", "Name", _text(team.get("name"))),
        f("optional", "Optional (may be left out of a small class)", bool(team.get("optional")), kind="checkbox"),
        f(
            "brief",
            "Private brief (Markdown)",
            _text(team.get("brief")),
            kind="textarea",
            rows=6,
            wide=True,
            help="Only this team's players see it: interests, red lines, what it can offer.",
        ),  # fmt: skip
        f(
            "objectives",
            "Objectives",
            "\n".join(team.get("objectives") or ()),
            kind="textarea",
            wide=True,
            help="One a line.",
        ),  # fmt: skip
    )
    heading = f"{_text(team.get('name')) or 'New team'} ({_text(team.get('key')) or '?'})"
    return Row(i, p, heading, fields, errors=_row_errors(errors, p))


def _item_row(i: int, item: Mapping, team_keys: list[str], errors: dict) -> Row:
    p = f"catalogue[{i}]"

    def f(name, label, value="", **kw):
        return Field(f"{p}.{name}", label, value, errors=_take(errors, f"{p}.{name}"), **kw)

    teams = tuple((k, k) for k in team_keys)
    values = item.get("values") or {}
    fields_ = item.get("fields") or {}
    fields = (
        f("title", "Title", _text(item.get("title")), wide=True),
        f("key", "Key", _text(item.get("key"))),
        f("number", "Number", _text(item.get("number")), kind="number"),
        f("category", "Category", _text(item.get("category"))),
        f(
            "by",
            "Who can give it",
            list(item.get("by") or ()),
            kind="checks",
            choices=teams,
            help="None ticked: any team.",
        ),  # fmt: skip
        f("to", "Who normally receives it", list(item.get("to") or ()), kind="checks", choices=teams),
        f(
            "actions",
            "Actions that deliver it",
            ", ".join(item.get("actions") or ()),
            help="Verbs, separated by commas: freeze, halt, seal.",
        ),  # fmt: skip
        f(
            "conflicts",
            "Conflicts with",
            ", ".join(item.get("conflicts") or ()),
            help="Keys of items, separated by commas.",
        ),  # fmt: skip
        f("default_value", "Value for unlisted teams", _text(item.get("default_value", 0)), kind="number"),
        f("irreversible", "Irreversible once delivered", bool(item.get("irreversible")), kind="checkbox"),
    )
    value_fields = tuple(f(f"values.{k}", k, _text(values.get(k, "")), kind="number") for k in team_keys)
    composer = tuple(f(f"fields.{name}", name.capitalize(), _text(fields_.get(name))) for name in FIELD_KEYS)
    heading = f"{_text(item.get('number')) or i + 1}. {_text(item.get('title')) or 'New item'}"
    groups = (("Values per team (-10 to 10)", value_fields), ("Composer defaults", composer))
    return Row(i, p, heading, fields, groups, errors=_row_errors(errors, p))


def _inject_row(i: int, inject: Mapping, errors: dict) -> Row:
    p = f"injects[{i}]"

    def f(name, label, value="", **kw):
        return Field(f"{p}.{name}", label, value, errors=_take(errors, f"{p}.{name}"), **kw)

    fields = (
        f("title", "Headline", _text(inject.get("title")), wide=True),
        f("key", "Key", _text(inject.get("key"))),
        f("date", "Date", _text(inject.get("date")), help="A historical anchor (May 2018) or 'hypothetical'."),
        f("tension", "Tension change (-30 to 30)", _text(inject.get("tension", 0)), kind="number"),
        f(
            "round",
            "Scheduled for round",
            _text(inject.get("round")),
            kind="number",
            help="Empty: the facilitator decides when.",
        ),  # fmt: skip
        f("text", "What the room is told", _text(inject.get("text")), kind="textarea", wide=True),
    )
    groups = ()
    if TRIGGERS:
        trigger = inject.get("trigger") or {}
        if not isinstance(trigger, Mapping):
            trigger = {}
        conditions = tuple(
            f(f"trigger.{name}", label, _items_text(trigger.get(name)) if kind == "items" else _text(trigger.get(name)),
              kind="number" if kind == "number" else "text",
              help="Item keys separated by commas, or 'any'." if kind == "items" else "")
            for name, label, kind in TRIGGER_FIELDS
        )  # fmt: skip
        groups = (("Or triggered by play (all conditions filled in must hold; leave the round empty)", conditions),)
    heading = _text(inject.get("title")) or "New inject"
    return Row(i, p, heading, fields, groups, errors=_row_errors(errors, p))


def _items_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else ", ".join(str(v) for v in value)


def blank_team(n: int) -> dict:
    return {"key": "", "name": "", "optional": False, "brief": "", "objectives": []}


def blank_item(n: int) -> dict:
    return {"key": "", "number": n, "title": "", "values": {}, "fields": {}}


def blank_inject(n: int) -> dict:
    return {"key": "", "title": "", "text": "", "tension": 0}


# --- POST -> pack dict --------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_ROW = re.compile(r"(teams|catalogue|injects)\[(\d{1,3})\]\.(.+)")


def _number(text: str) -> Any:
    """A typed number as a number; anything else as typed, for the validator to name."""
    text = text.strip().replace(",", "") if _NUMBER.fullmatch(text.strip().replace(",", "")) else text.strip()
    if _NUMBER.fullmatch(text):
        value = float(text)
        return int(value) if value.is_integer() and "." not in text else value
    return text


def _split(text: str, sep: str) -> list[str]:
    return [part.strip() for part in text.split(sep) if part.strip()]


def _names_from_lines(text: str, *, kind: bool = False, definition: bool = False) -> list:
    out: list = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        entry: dict[str, Any] = {"name": parts.pop(0)}
        if kind:
            entry["kind"] = parts.pop(0) if parts else "third-party"
        if definition:
            flag = parts.pop(0).lower() if parts else ""
            entry["needs_definition"] = flag.startswith("needs") or flag in ("yes", "true")
        aliases = _split(parts[0], ";") if parts else []
        if aliases:
            entry["aliases"] = aliases
        out.append(entry)
    return out


def _sources_from_lines(text: str) -> list:
    out = []
    for line in text.splitlines():
        if line.strip():
            title, url, note = ([part.strip() for part in line.split("|", 2)] + ["", ""])[:3]
            out.append({k: v for k, v in (("title", title), ("url", url), ("note", note)) if v or k == "title"})
    return out


def parse_scoring(text: str) -> tuple[Any, str]:
    """The scoring box read as YAML (bounded like a pack), or (None, the problem)."""
    text = text.strip() or "{}"
    if len(text) > 20_000:
        return None, "is longer than 20,000 characters"
    try:
        check_yaml_events(text, yaml.SafeLoader, PACK_BOUNDS)
        value = yaml.safe_load(text)
        check_tree(value, PACK_BOUNDS)
    except yaml.YAMLError as exc:
        return None, "not valid YAML: " + " ".join(str(getattr(exc, "problem", None) or exc).split())
    except DocumentError as exc:
        return None, str(exc)
    return ({} if value is None else value), ""


def parse(post: Mapping[str, Any], getlist) -> tuple[dict, str, str]:
    """A POST as a pack dict, plus the scoring box as typed and its problem ("" if none).

    ``getlist(name)`` reads a multi-valued field (the who-gives checkboxes). Rows ticked
    "remove" are left out; numbers typed as numbers become numbers.
    """
    data: dict[str, Any] = {}
    for name in ("key", "title", "summary", "situation", "values_note", "debrief_note"):
        data[name] = str(post.get(name, ""))
    data["sources"] = _sources_from_lines(str(post.get("sources", "")))
    data["defaults"] = {
        k: _number(str(post.get(f"defaults.{k}", "")))
        for k in ("rounds", "round_minutes", "initial_tension")
        if str(post.get(f"defaults.{k}", "")).strip()
    }
    calendar = {k: str(post.get(f"calendar.{k}", "")).strip() for k in ("start", "round_days", "horizon")}
    if any(calendar.values()):
        data["calendar"] = {k: (_number(v) if k == "round_days" else v) for k, v in calendar.items()}
    data["places"] = _names_from_lines(str(post.get("places", "")))
    data["verifiers"] = _names_from_lines(str(post.get("verifiers", "")), kind=True)
    data["vague"] = _names_from_lines(str(post.get("vague", "")), definition=True)

    rows: dict[str, dict[int, dict]] = {name: {} for name in _SECTIONS}
    for name in post:
        m = _ROW.fullmatch(name)
        if m and int(m.group(2)) < MAX_ROWS:
            rows[m.group(1)].setdefault(int(m.group(2)), {})
    removed = {(s, i) for s, found in rows.items() for i in found if post.get(f"{s}[{i}]._remove")}
    data["teams"] = [_team(post, getlist, i) for i in sorted(rows["teams"]) if ("teams", i) not in removed]
    data["catalogue"] = [_item(post, getlist, i) for i in sorted(rows["catalogue"]) if ("catalogue", i) not in removed]
    data["injects"] = [_inject(post, i) for i in sorted(rows["injects"]) if ("injects", i) not in removed]
    scoring_text = str(post.get("scoring", ""))
    scoring, problem = parse_scoring(scoring_text)
    data["scoring"] = scoring if not problem else {}
    return data, scoring_text, problem


def _team(post, getlist, i: int) -> dict:
    p = f"teams[{i}]"
    return {
        "key": str(post.get(f"{p}.key", "")).strip(),
        "name": str(post.get(f"{p}.name", "")),
        "optional": bool(post.get(f"{p}.optional")),
        "brief": str(post.get(f"{p}.brief", "")),
        "objectives": [line.strip() for line in str(post.get(f"{p}.objectives", "")).splitlines() if line.strip()],
    }


def _item(post, getlist, i: int) -> dict:
    p = f"catalogue[{i}]"
    values = {}
    for name in post:
        if name.startswith(f"{p}.values.") and str(post.get(name, "")).strip():
            values[name[len(f"{p}.values.") :]] = _number(str(post.get(name)))
    fields = {}
    for key in FIELD_KEYS:
        text = str(post.get(f"{p}.fields.{key}", "")).strip()
        if text:
            fields[key] = _number(text) if key == "quantity" and _NUMBER.fullmatch(text.replace(",", "")) else text
    item: dict[str, Any] = {
        "key": str(post.get(f"{p}.key", "")).strip(),
        "title": str(post.get(f"{p}.title", "")),
        "category": str(post.get(f"{p}.category", "")).strip() or "other",
        "by": [str(k) for k in getlist(f"{p}.by")],
        "to": [str(k) for k in getlist(f"{p}.to")],
        "values": values,
        "actions": _split(str(post.get(f"{p}.actions", "")), ","),
        "irreversible": bool(post.get(f"{p}.irreversible")),
        "conflicts": _split(str(post.get(f"{p}.conflicts", "")), ","),
        "fields": fields,
    }
    number = str(post.get(f"{p}.number", "")).strip()
    if number:
        item["number"] = _number(number)
    default_value = str(post.get(f"{p}.default_value", "")).strip()
    if default_value:
        item["default_value"] = _number(default_value)
    return item


def _inject(post, i: int) -> dict:
    p = f"injects[{i}]"
    inject: dict[str, Any] = {
        "key": str(post.get(f"{p}.key", "")).strip(),
        "title": str(post.get(f"{p}.title", "")),
        "text": str(post.get(f"{p}.text", "")),
    }
    date = str(post.get(f"{p}.date", "")).strip()
    if date:
        inject["date"] = date
    tension = str(post.get(f"{p}.tension", "")).strip()
    inject["tension"] = _number(tension) if tension else 0
    round_ = str(post.get(f"{p}.round", "")).strip()
    if round_:
        inject["round"] = _number(round_)
    if TRIGGERS:
        trigger = {}
        for name, _, kind in TRIGGER_FIELDS:
            text = str(post.get(f"{p}.trigger.{name}", "")).strip()
            if text:
                trigger[name] = (text if text == "any" else _split(text, ",")) if kind == "items" else _number(text)
        if trigger:
            inject["trigger"] = trigger
    return inject


def date_text(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else _text(value)
