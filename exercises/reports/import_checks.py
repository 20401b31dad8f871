"""Everything an export must satisfy before import_exercise stores any of it.

An import is one transaction, so a bad file never leaves half an exercise behind; but
a file that fails half way tells its author nothing (a database error, a traceback).
So the whole document is checked first, and every problem is named in one line:

1. its shape (exercises/documents.py): size, depth, number of values, no NUL
   characters, finite numbers;
2. the JSON Schema (export-schema.json, schema.py): keys, types, enums, formats, ranges;
3. the limits the database will enforce, read from the models themselves: text
   lengths (CharField.max_length) and integer ranges (the widest column PostgreSQL
   gives each integer field), so the schema does not repeat them;
4. what no schema can say: natural keys are unique (team keys, round and offer
   numbers, one answer per team and offer ...) and every reference names a row of the
   file (an offer's round, a response's team ...);
5. the scenario snapshot, with the scenario packs' own validator, so a report never
   meets ``scenario.teams: "abc"``.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import CharField

from exercises.documents import Bounds, DocumentError, check_tree
from exercises.models import (
    Commitment,
    Event,
    Exercise,
    ImprovementItem,
    Inject,
    Observation,
    Observer,
    Offer,
    Participant,
    Response,
    Round,
    Team,
    TeamScore,
    name_key,
)
from exercises.reports.schema import validate_export
from exercises.scenarios import ScenarioError, validate_scenario

# A 60-team exercise of 20 rounds exports a few megabytes; these leave ample room.
IMPORT_BOUNDS = Bounds(max_chars=64_000_000, max_depth=40, max_values=5_000_000)
MAX_PROBLEMS = 10

# Each part of the export and the model its rows become.
MODELS = {
    "teams": Team,
    "participants": Participant,
    "rounds": Round,
    "injects": Inject,
    "offers": Offer,
    "commitments": Commitment,
    "responses": Response,
    "scores": TeamScore,
    "events": Event,
    "observers": Observer,
    "observations": Observation,
    "improvement_items": ImprovementItem,
}

# Natural keys that must be unique within a part, as functions of a row.
UNIQUE = {
    "teams": [("key", lambda r: r["key"])],
    "participants": [("name", lambda r: (r["team"], name_key(r["display_name"])))],
    "rounds": [("number", lambda r: r["number"])],
    "offers": [("number", lambda r: r["number"]), ("client_token", lambda r: (r["from"], r["client_token"]))],
    "commitments": [("position", lambda r: (r["offer"], r["position"]))],
    "responses": [("answer", lambda r: (r["offer"], r["team"]))],
    "scores": [("score", lambda r: (r["round"], r["team"]))],
    "observers": [("ref", lambda r: r["ref"])],
}

# (part, key in a row, what it names, whether it holds a list); null references are allowed.
REFERENCES = [
    ("participants", "team", "team", False),
    ("injects", "round", "round", False),
    ("injects", "audience", "team", True),
    ("offers", "round", "round", False),
    ("offers", "from", "team", False),
    ("offers", "to", "team", True),
    ("offers", "parent", "offer", False),
    ("offers", "submitted_by", "participant", False),
    ("commitments", "offer", "offer", False),
    ("commitments", "resolved_in", "round", False),
    ("commitments", "withdrawn_in", "round", False),
    ("responses", "offer", "offer", False),
    ("responses", "team", "team", False),
    ("responses", "participant", "participant", False),
    ("responses", "counter_offer", "offer", False),
    ("scores", "round", "round", False),
    ("scores", "team", "team", False),
    ("events", "round", "round", False),
    ("events", "team", "team", False),
    ("observations", "observer", "observer", False),
    ("observations", "round", "round", False),
    ("observations", "team", "team", False),
]


def import_problems(data) -> list[str]:
    """Every problem found, each as 'place: what is wrong'; empty when the file can be imported."""
    try:
        check_tree(data, IMPORT_BOUNDS)
    except DocumentError as exc:
        return [f"the file {exc}"]
    problems = validate_export(data)
    if problems:
        return problems[:MAX_PROBLEMS]
    problems += _field_limits(data)
    problems += _unique_keys(data)
    problems += _references(data)
    problems += _scenario(data)
    return problems[:MAX_PROBLEMS]


def _field_limits(data: dict) -> list[str]:
    problems = _row_limits(Exercise, data["exercise"], "$.exercise")
    for part, model in MODELS.items():
        for index, row in enumerate(data[part]):
            problems += _row_limits(model, row, f"$.{part}[{index}]")
    return problems


def _row_limits(model, row: dict, place: str) -> list[str]:
    problems = []
    ranges = BaseDatabaseOperations.integer_field_ranges
    for name, value in row.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # a natural key ("from", "ref"), checked as a reference
        if field.is_relation or value is None:
            continue
        if isinstance(field, CharField) and isinstance(value, str) and len(value) > field.max_length:
            problems.append(f"{place}.{name}: {len(value)} characters, at most {field.max_length}")
        low, high = ranges.get(field.get_internal_type(), (None, None))
        if low is not None and isinstance(value, int) and not low <= value <= high:
            problems.append(f"{place}.{name}: {value} is outside {low}..{high}")
    return problems


def _unique_keys(data: dict) -> list[str]:
    problems = []
    for part, keys in UNIQUE.items():
        for what, key in keys:
            seen = set()
            for index, row in enumerate(data[part]):
                value = key(row)
                if value in seen:
                    problems.append(f"$.{part}[{index}]: a second row with the same {what} {value!r}")
                seen.add(value)
    return problems


def _references(data: dict) -> list[str]:
    known = {
        "team": {t["key"] for t in data["teams"]},
        "round": {r["number"] for r in data["rounds"]},
        "offer": {o["number"] for o in data["offers"]},
        "participant": {(p["team"], p["display_name"]) for p in data["participants"]},
        "observer": {o["ref"] for o in data["observers"]},
    }
    problems = []
    for part, key, target, many in REFERENCES:
        for index, row in enumerate(data[part]):
            refs = row.get(key) if many else [row.get(key)]  # keys a later version added may be absent
            for ref in refs:
                ref = tuple(ref) if isinstance(ref, list) else ref
                if ref is not None and ref not in known[target]:
                    problems.append(f"$.{part}[{index}].{key}: no {target} {ref!r} in this file")
    return problems


def _scenario(data: dict) -> list[str]:
    try:
        scenario = validate_scenario(data["scenario"], "$.scenario")
    except ScenarioError as exc:
        return [str(error) for error in exc.errors]  # "$.scenario: teams: must be a list ..."
    parties = {team["key"] for team in scenario["teams"]}
    return [
        f"$.teams[{index}].key: {team['key']!r} is not a team of the scenario"
        for index, team in enumerate(data["teams"])
        if team["key"] not in parties
    ]
