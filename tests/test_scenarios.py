"""Scenario packs: the default 2019 scenario, as the loader reads it.

No database and no Django settings: the loader is pure Python + PyYAML. How the loader
judges other packs (the mistakes an instructor can make) is tests/test_scenario_validation.py.
"""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from exercises.scenarios import (
    DEFAULT_SCENARIO_KEY,
    ScenarioError,
    available_scenarios,
    load_scenario,
    load_scenario_file,
)
from exercises.scenarios.loader import parse_scenario_text
from exercises.scenarios.validation import FIELD_KEYS

# USA / DPRK / ROK / China values from docs/SCORING.md, item number -> values.
SCORING_VALUES = {
    1: (6, -3, 6, 6),
    2: (8, -6, 6, 5),
    3: (10, -9, 7, 5),
    4: (8, -7, 7, 5),
    5: (6, -3, 4, 3),
    6: (9, -8, 6, 4),
    7: (9, -8, 5, 4),
    8: (4, -1, 1, 0),
    9: (-3, 6, 6, 4),
    10: (-1, 4, 2, 1),
    11: (-3, 6, -2, 7),
    12: (-5, 5, -3, 6),
    13: (-4, 7, 9, 4),
    14: (-6, 8, 3, 6),
    15: (-6, 7, 2, 5),
    16: (-5, 6, 1, 5),
    17: (-1, 4, 4, 2),
    18: (-5, 6, 3, 4),
    19: (-2, 6, 9, 4),
    20: (0, -2, 8, 1),
    21: (8, -8, 3, -5),
    22: (2, 5, 3, 7),
    23: (-2, 6, 2, 3),
    24: (1, -3, 6, 1),
}


@pytest.fixture(scope="module")
def summit() -> dict:
    return load_scenario(DEFAULT_SCENARIO_KEY)


def _items(snapshot: dict) -> dict[str, dict]:
    return {item["key"]: item for item in snapshot["catalogue"]}


# --------------------------------------------------------------------------
# The default scenario


def test_default_scenario_is_available():
    assert DEFAULT_SCENARIO_KEY in available_scenarios()


def test_default_scenario_teams(summit):
    teams = {team["key"]: team for team in summit["teams"]}
    assert list(teams) == ["USA", "DPRK", "ROK", "China", "Japan", "Russia"]
    assert [key for key, team in teams.items() if team["optional"]] == ["Japan", "Russia"]


def test_team_briefs_are_private_and_classroom_sized(summit):
    briefs = [team["brief"] for team in summit["teams"]]
    assert len(set(briefs)) == len(briefs)
    for team in summit["teams"]:
        assert 150 <= len(team["brief"].split()) <= 300, team["key"]
        assert 2 <= len(team["objectives"]) <= 5, team["key"]


def test_default_catalogue_has_the_24_scoring_items_and_the_working_level_channel(summit):
    numbers = [item["number"] for item in summit["catalogue"]]
    # 1-24 are SCORING.md's; 25, the standing channel the brief credits, was added by the scenario author
    assert numbers == list(range(1, 26))
    assert summit["catalogue"][24]["key"] == "working-level-channel"


@pytest.mark.parametrize("number", sorted(SCORING_VALUES))
def test_default_values_match_scoring_md(summit, number):
    item = next(item for item in summit["catalogue"] if item["number"] == number)
    values = item["values"]
    assert (values["USA"], values["DPRK"], values["ROK"], values["China"]) == SCORING_VALUES[number]
    assert set(values) == {"USA", "DPRK", "ROK", "China", "Japan", "Russia"}


def test_default_items_have_sensible_givers(summit):
    items = _items(summit)
    freeze = items["yongbyon-freeze"]
    assert (freeze["by"], freeze["to"]) == (["DPRK"], ["USA"])
    assert freeze["fields"]["action"] == "freeze"
    assert "Yongbyon" in freeze["fields"]["site"]
    assert "IAEA" in freeze["fields"]["verification"]
    assert items["end-of-war-declaration"]["by"] == ["USA", "ROK"]
    assert items["sectoral-relief"]["by"] == ["USA"]
    assert items["china-customs-enforcement"]["by"] == ["China"]
    assert items["yongbyon-dismantlement"]["irreversible"] is True
    assert items["sectoral-relief"]["irreversible"] is False


def test_every_item_is_normalised(summit):
    team_keys = {team["key"] for team in summit["teams"]}
    for item in summit["catalogue"]:
        assert set(item["by"]) <= team_keys and item["by"]
        assert set(item["to"]) <= team_keys
        assert tuple(item["fields"]) == FIELD_KEYS
        assert isinstance(item["irreversible"], bool)


def test_conflicts_resolve_and_are_mutual(summit):
    items = _items(summit)
    assert "sectoral-relief" in items["china-customs-enforcement"]["conflicts"]
    for item in summit["catalogue"]:
        for other in item["conflicts"]:
            assert item["key"] in items[other]["conflicts"]


def test_default_injects(summit):
    injects = {inject["key"]: inject for inject in summit["injects"]}
    assert len(injects) == 14
    assert injects["undeclared-enrichment-site"]["tension"] > 0
    assert all(inject["round"] in (None, 1, 2, 3, 4) for inject in injects.values())
    # 2018 is the situation, not news: nothing scheduled is dated before the game opens.
    scheduled = [inject for inject in injects.values() if inject["round"]]
    assert all("2018" not in (inject["date"] or "") for inject in scheduled)
    for old in ("punggye-ri-demolition", "exercise-suspended", "remains-repatriated"):
        assert old not in injects
    # News that happens whatever the class does barely moves tension; the rest answers play.
    assert sum(inject["tension"] for inject in scheduled) <= 3


def test_the_aftermath_of_hanoi_follows_broken_deals_and_tension(summit):
    triggers = {inject["key"]: inject["trigger"] for inject in summit["injects"]}
    for key in ("short-range-missile-tests", "buffer-zone-artillery", "liaison-office-destroyed"):
        assert triggers[key].get("tension_at_least", 0) >= 70, key
    assert triggers["buffer-zone-artillery"]["broken"] == "any"
    assert "test-site-inspection" in triggers["sohae-test-stand-rebuilt"]["broken"]
    assert triggers["summit-breaks-up"] == {"no_agreement_by": 2}
    # good news only from kept commitments, and it calms things down
    for key, item in (("rail-link-work", "inter-korean-exemption"), ("family-reunions", "family-reunion-facility")):
        assert triggers[key] == {"kept": [item]}
    good = [i for i in summit["injects"] if (i["trigger"] or {}).get("kept")]
    assert len(good) >= 5 and all(inject["tension"] < 0 for inject in good)


def test_the_default_situation_names_the_2018_texts_and_precedents(summit):
    situation = summit["situation"]
    for words in (
        "Panmunjom Declaration",
        "Pyongyang Joint Declaration",
        "Comprehensive Military Agreement",
        "Resolution 2397",
        "exempted a joint survey of the North's",
        "Kaesong industrial zone and tours to Mount Kumgang",
        "invite inspectors to Punggye-ri",
    ):
        assert " ".join(words.split()) in " ".join(situation.split()), words
    assert "Hanoi" in summit["debrief_note"] and "Ri Yong Ho" not in summit["situation"]
    assert any("Gomez" in source["title"] for source in summit["sources"])


def test_the_default_catalogue_carries_the_pyongyang_promises(summit):
    items = _items(summit)
    promised = items["test-site-inspection"]
    assert "Sohae" in promised["title"] and "Punggye-ri" in promised["title"]
    assert "Pyongyang" in promised["fields"]["object"] and "October 2018" in promised["fields"]["object"]
    assert "corresponding measures" in items["yongbyon-dismantlement"]["fields"]["object"]
    channel = items["working-level-channel"]
    assert channel["by"] == channel["to"] == ["USA", "DPRK"] and channel["values"]["ROK"] > 0
    # Seoul benefits from the exemption but owes nothing in it
    exemption = items["inter-korean-exemption"]
    assert exemption["by"] == ["USA"] and exemption["to"] == ["DPRK"] and exemption["values"]["ROK"] > 0
    assert "1718 Committee" in exemption["fields"]["verification"]


def test_default_scenario_defaults_and_notes(summit):
    assert summit["defaults"] == {"rounds": 4, "round_minutes": 15, "initial_tension": 60}
    assert "expert judgement" in summit["values_note"]
    assert summit["scoring"] == {}


def test_snapshot_is_json_and_reloads_unchanged(summit, tmp_path):
    again = json.loads(json.dumps(summit))
    assert again == summit
    path = tmp_path / "again.yaml"
    path.write_text(yaml.safe_dump(summit, sort_keys=False), encoding="utf-8")
    assert load_scenario_file(path) == summit


def test_the_default_pack_declares_what_a_referee_recognises(summit):
    assert summit["calendar"] == {"start": "2019-01-14", "round_days": 30, "horizon": "2020-12-31"}
    places = {p["name"] for p in summit["places"]}
    assert {"Yongbyon", "Punggye-ri", "Sohae", "Kaesong", "Joint Security Area"} <= places
    verifiers = {v["name"]: v["kind"] for v in summit["verifiers"]}
    assert verifiers["IAEA"] == verifiers["Neutral Nations Supervisory Commission"] == "third-party"
    assert verifiers["inter-Korean joint military committee"] == "party"
    for item in summit["catalogue"]:
        assert item["actions"], item["key"]  # every item says how it is delivered


def test_scoring_overrides_are_checked_by_the_rules_engine(summit):
    data = copy.deepcopy(summit)
    data["scoring"] = {"specificity": {"deadlne_date": 20}}
    with pytest.raises(ScenarioError) as caught:
        parse_scenario_text(yaml.safe_dump(data), "typo.yaml")
    assert str(caught.value).startswith("typo.yaml: scoring.specificity.deadlne_date: unknown setting")


def test_valid_scoring_overrides_load(summit):
    data = copy.deepcopy(summit)
    data["scoring"] = {"specificity": {"deadline_date": 20}}
