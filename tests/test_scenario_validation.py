"""The validating loader: a small valid pack, every mistake an instructor can make in it (each named
by file, place and problem), finding packs by key, and random packs that load or are refused.

No database and no Django settings: the loader is pure Python + PyYAML.
"""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercises.scenarios import (
    DEFAULT_SCENARIO_KEY,
    ScenarioError,
    available_scenarios,
    load_scenario,
    load_scenario_file,
)
from exercises.scenarios.loader import parse_scenario_text, validate_scenario
from exercises.scenarios.validation import FIELD_KEYS

# --------------------------------------------------------------------------
# A small valid scenario, and the mistakes an instructor can make in it


def minimal() -> dict:
    return {
        "key": "tiny",
        "title": "Tiny",
        "situation": "Two sides meet.",
        "teams": [
            {"key": "USA", "name": "United States", "brief": "Get a freeze."},
            {"key": "DPRK", "name": "North Korea", "brief": "Get relief."},
            {"key": "Japan", "name": "Japan", "optional": True, "brief": "Watch."},
        ],
        "catalogue": [
            {
                "key": "freeze",
                "title": "Freeze",
                "by": ["DPRK"],
                "to": ["USA"],
                "values": {"USA": 8, "DPRK": -6},
                "fields": {"action": "freeze", "site": "Yongbyon"},
            },
            {"key": "relief", "title": "Relief", "by": ["USA"], "values": {"USA": -5, "DPRK": 7}},
        ],
        "injects": [{"key": "test", "title": "A test", "text": "A missile flies.", "tension": 10}],
    }


def test_minimal_scenario_is_normalised(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(minimal()), encoding="utf-8")
    snapshot = load_scenario_file(path)
    assert snapshot["teams"][0]["optional"] is False
    assert snapshot["teams"][0]["objectives"] == []
    relief = snapshot["catalogue"][1]
    assert relief["number"] == 2
    assert relief["to"] == [] and relief["conflicts"] == []
    assert relief["values"] == {"USA": -5, "DPRK": 7, "Japan": 0}
    assert relief["fields"] == dict.fromkeys(FIELD_KEYS)
    assert snapshot["injects"][0]["round"] is None
    assert snapshot["defaults"] == {"rounds": 4, "round_minutes": 15, "initial_tension": 50}
    assert snapshot["scoring"] == {} and snapshot["summary"] == "" and snapshot["debrief_note"] == ""
    # no calendar, gazetteer or verifiers: deadlines are not judged in game time, no place is known
    assert (snapshot["calendar"], snapshot["places"], snapshot["verifiers"]) == ({}, [], [])
    assert relief["actions"] == []


def test_triggers_are_normalised_and_reload_unchanged(tmp_path):
    data = minimal()
    data["injects"][0]["trigger"] = {"tension_at_least": 80, "broken": "freeze", "kept": "any", "no_agreement_by": 2}
    data["injects"].append({"key": "plain", "title": "Plain", "text": "No trigger."})
    snapshot = validate_scenario(data, "x.yaml")
    trigger = snapshot["injects"][0]["trigger"]
    assert trigger == {"tension_at_least": 80, "broken": ["freeze"], "kept": "any", "no_agreement_by": 2}
    assert snapshot["injects"][1]["trigger"] is None
    assert validate_scenario(snapshot, "again.yaml") == snapshot


def test_places_may_be_bare_names(tmp_path):
    data = minimal()
    data["places"] = ["Yongbyon", {"name": "Old Bridge", "aliases": ["the bridge"]}]
    snapshot = validate_scenario(data, "x.yaml")
    assert snapshot["places"] == [
        {"name": "Yongbyon", "aliases": []},
        {"name": "Old Bridge", "aliases": ["the bridge"]},
    ]


def test_default_value_fills_missing_teams(tmp_path):
    data = minimal()
    data["catalogue"][0]["default_value"] = 2
    data["catalogue"][0]["by"] = "DPRK"  # a single team without brackets is accepted
    snapshot = validate_scenario(data, "x.yaml")
    assert snapshot["catalogue"][0]["values"]["Japan"] == 2
    assert snapshot["catalogue"][0]["by"] == ["DPRK"]


def _set(path: str, value) -> Callable[[dict], None]:
    """Mutation that sets data[a][b]... (path 'catalogue.0.values.USA')."""

    def mutate(data: dict) -> None:
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return mutate


def _delete(path: str) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        del target[last]

    return mutate


def _duplicate(section: str) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        data[section].append(copy.deepcopy(data[section][0]))

    return mutate


# (id, mutation, expected place, expected words in the message)
BROKEN = [
    ("missing-title", _delete("title"), "top level", "missing required key 'title'"),
    ("missing-teams", _delete("teams"), "top level", "missing required key 'teams'"),
    ("typo-top-key", _set("sumary", "x"), "sumary", "unknown key 'sumary' (did you mean 'summary'?)"),
    ("bad-scenario-slug", _set("key", "Second Summit"), "key", "must be a slug"),
    ("title-not-text", _set("title", 12), "title", "must be text, got 12"),
    ("empty-situation", _set("situation", "  "), "situation", "must not be empty"),
    ("teams-not-list", _set("teams", "USA, DPRK"), "teams", "must be a list"),
    ("team-not-mapping", _set("teams.1", "DPRK"), "teams[1]", "must be a mapping"),
    ("duplicate-team", _duplicate("teams"), "teams[3].key", "duplicate team key 'USA'"),
    ("bad-team-code", _set("teams.0.key", "U S A"), "teams[0].key", "must be a team code"),
    ("empty-brief", _set("teams.0.brief", ""), "teams[0].brief", "must not be empty"),
    ("missing-brief", _delete("teams.1.brief"), "teams[1]", "missing required key 'brief'"),
    ("typo-team-key", _set("teams.0.objectves", []), "teams[0].objectves", "did you mean 'objectives'"),
    ("optional-not-bool", _set("teams.2.optional", "maybe"), "teams[2].optional", "must be true or false"),
    ("objective-not-text", _set("teams.0.objectives", ["ok", 3]), "teams[0].objectives[1]", "must be text"),
    ("one-real-team", _set("teams.1.optional", True), "teams", "at least two teams must not be optional"),
    ("empty-catalogue", _set("catalogue", []), "catalogue", "at least 1 entry"),
    ("duplicate-item", _duplicate("catalogue"), "catalogue[2].key", "duplicate item key 'freeze'"),
    ("duplicate-number", _set("catalogue.1.number", 1), "catalogue[1].number", "number 1 is already used"),
    ("bad-item-slug", _set("catalogue.0.key", "Freeze_Now"), "catalogue[0].key", "must be a slug"),
    ("empty-item-title", _set("catalogue.1.title", ""), "catalogue[1].title", "must not be empty"),
    ("typo-item-key", _set("catalogue.0.irreversable", True), "catalogue[0].irreversable", "did you mean"),
    ("by-unknown-team", _set("catalogue.0.by", ["UK"]), "catalogue[0].by[0]", "'UK' is not a team"),
    ("to-unknown-team", _set("catalogue.0.to", ["USA", "PRC"]), "catalogue[0].to[1]", "'PRC' is not a team"),
    ("by-listed-twice", _set("catalogue.0.by", ["DPRK", "DPRK"]), "catalogue[0].by[1]", "listed twice"),
    ("values-unknown-team", _set("catalogue.0.values.China", 3), "catalogue[0].values.China", "not a team"),
    ("value-too-big", _set("catalogue.0.values.USA", 11), "catalogue[0].values.USA", "between -10 and 10, got 11"),
    ("value-not-number", _set("catalogue.0.values.USA", "lots"), "catalogue[0].values.USA", "got 'lots'"),
    (
        "value-is-bool",
        _set("catalogue.0.values.USA", True),
        "catalogue[0].values.USA",
        "must be a number between -10 and 10, got true",
    ),
    ("values-not-mapping", _set("catalogue.1.values", [1, 2]), "catalogue[1].values", "must be a mapping"),
    ("default-value-range", _set("catalogue.0.default_value", -11), "catalogue[0].default_value", "between -10"),
    (
        "conflict-unknown",
        _set("catalogue.0.conflicts", ["nope"]),
        "catalogue[0].conflicts[0]",
        "'nope' is not a catalogue item",
    ),
    (
        "conflict-self",
        _set("catalogue.0.conflicts", ["freeze"]),
        "catalogue[0].conflicts[0]",
        "cannot conflict with itself",
    ),
    (
        "typo-field",
        _set("catalogue.0.fields", {"verfication": "IAEA"}),
        "catalogue[0].fields.verfication",
        "did you mean 'verification'",
    ),
    ("field-not-text", _set("catalogue.0.fields", {"site": ["a", "b"]}), "catalogue[0].fields.site", "must be text"),
    ("irreversible-not-bool", _set("catalogue.0.irreversible", "no way"), "catalogue[0].irreversible", "true or false"),
    ("rounds-zero", _set("defaults", {"rounds": 0}), "defaults.rounds", "between 1 and 20, got 0"),
    ("minutes-too-long", _set("defaults", {"round_minutes": 500}), "defaults.round_minutes", "between 1 and 180"),
    ("tension-negative", _set("defaults", {"initial_tension": -5}), "defaults.initial_tension", "between 0 and 100"),
    ("typo-defaults", _set("defaults", {"round": 3}), "defaults.round", "did you mean 'rounds'"),
    ("duplicate-inject", _duplicate("injects"), "injects[1].key", "duplicate inject key 'test'"),
    ("inject-tension-range", _set("injects.0.tension", 50), "injects[0].tension", "between -30 and 30, got 50"),
    ("inject-round-after-end", _set("injects.0.round", 9), "injects[0].round", "between 1 and 4, got 9"),
    ("inject-missing-text", _delete("injects.0.text"), "injects[0]", "missing required key 'text'"),
    ("trigger-not-mapping", _set("injects.0.trigger", "tension 80"), "injects[0].trigger", "must be a mapping"),
    ("trigger-empty", _set("injects.0.trigger", {}), "injects[0].trigger", "must name at least one condition"),
    (
        "trigger-typo",
        _set("injects.0.trigger", {"tension_at_lest": 80}),
        "injects[0].trigger.tension_at_lest",
        "did you mean 'tension_at_least'",
    ),
    (
        "trigger-tension-range",
        _set("injects.0.trigger", {"tension_at_least": 120}),
        "injects[0].trigger.tension_at_least",
        "between 0 and 100, got 120",
    ),
    (
        "trigger-unknown-item",
        _set("injects.0.trigger", {"broken": ["freze"]}),
        "injects[0].trigger.broken[0]",
        "'freze' is not a catalogue item (did you mean 'freeze'?)",
    ),
    (
        "trigger-item-not-slug",
        _set("injects.0.trigger", {"kept": "All of them"}),
        "injects[0].trigger.kept[0]",
        "must be a slug",
    ),
    ("trigger-no-items", _set("injects.0.trigger", {"agreed": []}), "injects[0].trigger.agreed", "at least one"),
    (
        "trigger-round-after-end",
        _set("injects.0.trigger", {"no_agreement_by": 5}),
        "injects[0].trigger.no_agreement_by",
        "between 1 and 4, got 5",
    ),
    (
        "trigger-and-round",
        _set("injects.0", {"key": "t", "title": "T", "text": "x", "round": 2, "trigger": {"kept": "any"}}),
        "injects[0]",
        "either scheduled or triggered, not both",
    ),
    ("calendar-not-mapping", _set("calendar", "2019"), "calendar", "must be a mapping"),
    (
        "calendar-missing-horizon",
        _set("calendar", {"start": "2019-01-14", "round_days": 30}),
        "calendar",
        "missing required key 'horizon'",
    ),
    (
        "calendar-bad-date",
        _set("calendar", {"start": "14/1/2019", "round_days": 30, "horizon": "2020-12-31"}),
        "calendar.start",
        "must be a date written YYYY-MM-DD, got '14/1/2019'",
    ),
    (
        "calendar-horizon-first",
        _set("calendar", {"start": "2019-01-14", "round_days": 30, "horizon": "2018-12-31"}),
        "calendar.horizon",
        "must be after calendar.start (2019-01-14)",
    ),
    (
        "calendar-round-days",
        _set("calendar", {"start": "2019-01-14", "round_days": 0, "horizon": "2020-12-31"}),
        "calendar.round_days",
        "between 1 and 3650, got 0",
    ),
    ("places-not-list", _set("places", "Yongbyon"), "places", "must be a list"),
    (
        "place-twice",
        _set("places", ["Yongbyon", {"name": "Nyongbyon", "aliases": ["yongbyon"]}]),
        "places[1]",
        "'yongbyon' is already listed in places[0]",
    ),
    ("place-typo", _set("places", [{"name": "Yongbyon", "alias": ["x"]}]), "places[0].alias", "did you mean 'aliases'"),
    (
        "verifier-kind",
        _set("verifiers", [{"name": "IAEA", "kind": "friendly"}]),
        "verifiers[0].kind",
        "must be one of third-party, party, got 'friendly'",
    ),
    ("verifier-bare-name", _set("verifiers", ["IAEA"]), "verifiers[0]", "must be a mapping"),
    ("verifier-no-kind", _set("verifiers", [{"name": "IAEA"}]), "verifiers[0]", "missing required key 'kind'"),
    ("actions-not-text", _set("catalogue.0.actions", ["freeze", 3]), "catalogue[0].actions[1]", "must be text"),
    (
        "prefill-not-an-action",
        _set("catalogue.0.actions", ["dismantle"]),
        "catalogue[0].fields.action",
        "'freeze' is not one of the item's actions (dismantle)",
    ),
    (
        "site-not-a-place",
        _set("places", ["Punggye-ri"]),
        "catalogue[0].fields.site",
        "'Yongbyon' names no place listed under 'places'",
    ),
    ("scoring-not-mapping", _set("scoring", ["weights"]), "scoring", "must be a mapping"),
    ("scoring-int-keys", _set("scoring", {"weights": {1: 2}}), "scoring.weights", "keys must be text"),
]


@pytest.mark.parametrize(("mutate", "place", "words"), [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN])
def test_broken_scenario_names_file_place_and_problem(tmp_path, mutate, place, words):
    data = minimal()
    mutate(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario_file(path)
    error = caught.value
    assert (error.file, error.place) == ("broken.yaml", place), str(error)
    assert words in error.message
    assert str(error) == f"broken.yaml: {place}: {error.message}"


# Mistakes that only exist as text: YAML syntax and the overall shape.
BROKEN_TEXT = [
    ("not-yaml", "key: tiny\ntitle: [unclosed\nsituation: x\n", "line 3, column", "not valid YAML"),
    ("tab-indent", "key: tiny\nteams:\n\t- key: USA\n", "line 3, column 1", "not valid YAML"),
    ("duplicate-yaml-key", "key: tiny\ntitle: A\ntitle: B\n", "line 3, column 1", "duplicate key 'title'"),
    ("top-level-list", "- key: tiny\n", "top level", "must be a mapping"),
    ("empty-file", "# nothing yet\n", "file", "is empty"),
]


@pytest.mark.parametrize(
    ("text", "place", "words"), [case[1:] for case in BROKEN_TEXT], ids=[case[0] for case in BROKEN_TEXT]
)
def test_broken_yaml_text(tmp_path, text, place, words):
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario_file(path)
    assert caught.value.file == "broken.yaml"
    assert caught.value.place.startswith(place), str(caught.value)
    assert words in caught.value.message


def test_missing_file_is_a_scenario_error(tmp_path):
    with pytest.raises(ScenarioError, match=r"^nope\.yaml: file: cannot be read"):
        load_scenario_file(tmp_path / "nope.yaml")


def test_all_mistakes_are_collected_first_one_raised():
    data = minimal()
    data["title"] = ""
    data["catalogue"][0]["values"]["USA"] = 99
    with pytest.raises(ScenarioError) as caught:
        validate_scenario(data, "two.yaml")
    assert caught.value.place == "title"
    assert [error.place for error in caught.value.errors] == ["title", "catalogue[0].values.USA"]


def test_scenario_error_pickles():
    error = pickle.loads(pickle.dumps(ScenarioError("a.yaml", "key", "bad")))
    assert str(error) == "a.yaml: key: bad"


def test_parse_text_uses_given_file_name():
    with pytest.raises(ScenarioError, match=r"^upload\.yaml: top level: missing required key 'key'"):
        parse_scenario_text("title: x\n", "upload.yaml")


# --------------------------------------------------------------------------
# Finding packs by key


def test_unknown_scenario_lists_known_keys():
    with pytest.raises(ScenarioError) as caught:
        load_scenario("first-summit-1994")
    assert "unknown scenario 'first-summit-1994'" in str(caught.value)
    assert DEFAULT_SCENARIO_KEY in str(caught.value)
    assert isinstance(caught.value, KeyError)


def test_packs_are_found_by_key_not_file_name(tmp_path):
    (tmp_path / "whatever.yaml").write_text(yaml.safe_dump(minimal()), encoding="utf-8")
    assert available_scenarios(tmp_path) == {"tiny": tmp_path / "whatever.yaml"}
    assert load_scenario("tiny", tmp_path)["title"] == "Tiny"


def test_two_packs_with_one_key_are_refused(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(yaml.safe_dump(minimal()), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"^b\.yaml: key: 'tiny' is already the key of a\.yaml"):
        available_scenarios(tmp_path)


# --------------------------------------------------------------------------
# Whatever an instructor types, the loader answers with a ScenarioError or a
# valid snapshot, never a crash.

scalars = st.none() | st.booleans() | st.integers(-50, 50) | st.floats(allow_nan=True) | st.text(max_size=12)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def _paths(node, prefix=()) -> list[tuple]:
    """Every place in a nested structure, as a tuple of keys/indexes."""
    found = [prefix]
    if isinstance(node, dict):
        for key, inner in node.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(node, list):
        for index, inner in enumerate(node):
            found += _paths(inner, (*prefix, index))
    return found


def _mutate(data: dict, path: tuple, action: str, value, new_key: str) -> dict:
    data = copy.deepcopy(data)
    if not path:
        return value if action == "replace" else data
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "replace":
        parent[last] = value
    elif isinstance(parent[last], dict):
        parent[last][new_key] = value
    elif isinstance(parent[last], list):
        parent[last].append(value)
    return data


BASE = minimal()
BASE["defaults"] = {"rounds": 4}
BASE["catalogue"][0]["conflicts"] = ["relief"]
BASE["catalogue"][0]["fields"] = {"site": "Yongbyon", "quantity": 5}
BASE["scoring"] = {"weights": {"balance": 35}}
BASE_PATHS = _paths(BASE)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    mutations=st.lists(
        st.tuples(
            st.sampled_from(BASE_PATHS),
            st.sampled_from(["delete", "replace", "add"]),
            values,
            st.text(max_size=12),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_random_mutations_load_or_raise_scenario_error(tmp_path_factory, mutations):
    data = BASE
    for path, action, value, new_key in mutations:
        if path in _paths(data):  # an earlier mutation may have removed it
            data = _mutate(data, path, action, value, new_key)
    path = Path(tmp_path_factory.getbasetemp()) / "mutated.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        snapshot = load_scenario_file(path)
    except ScenarioError as error:
        assert str(error).startswith("mutated.yaml: ")
        return
    # Whatever loads is a complete, JSON-safe snapshot that loads again unchanged.
    assert json.loads(json.dumps(snapshot, allow_nan=False)) == snapshot
    assert validate_scenario(snapshot, "again") == snapshot
