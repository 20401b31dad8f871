"""Hostile imports and scenario packs (issue 14, finding 11): every one is refused in one line,
before anything is stored, and quickly: sizes, depth and alias expansion are measured first."""

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from exercises.documents import Bounds, DocumentError, check_tree
from exercises.models import Exercise, Participant
from exercises.reports.export import export_exercise
from exercises.scenarios import ScenarioError, load_scenario_file, parse_scenario_text
from exercises.scenarios.loader import SCENARIO_DIR
from tests import factories

ROOT = Path(__file__).resolve().parents[1]
PACK = (SCENARIO_DIR / "second-summit-2019.yaml").read_text(encoding="utf-8")


@pytest.fixture
def exported(exercise, usa, dprk):
    from exercises import services

    services.start_round(exercise=exercise, actor="t")
    factories.send_offer(dprk, [usa.team])
    services.pause_round(round=exercise.rounds.get(), actor="t")
    return json.loads(json.dumps(export_exercise(exercise)))


def refused(tmp_path, data, facilitator, *, raw: str | None = None) -> str:
    """Import the document; return the one-line refusal and check that nothing was stored."""
    path = tmp_path / "hostile.json"
    path.write_text(raw if raw is not None else json.dumps(data), encoding="utf-8")
    exercises, players = Exercise.objects.count(), Participant.objects.count()
    with pytest.raises(CommandError) as caught:
        call_command("import_exercise", str(path), "--facilitator", facilitator.username)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    assert (Exercise.objects.count(), Participant.objects.count()) == (exercises, players)
    return message


def duplicate(data, part):
    data[part].append(copy.deepcopy(data[part][0]))
    return data


@pytest.mark.parametrize(
    "spoil, expected",
    [
        (lambda d: duplicate(d, "teams"), "$.teams[4]: a second row with the same key 'USA'"),
        (lambda d: duplicate(d, "rounds"), "$.rounds[1]: a second row with the same number 1"),
        (lambda d: duplicate(d, "participants"), "a second row with the same name"),
        (lambda d: duplicate(d, "offers"), "$.offers[1]: a second row with the same number 1"),
        (lambda d: d["rounds"][0].update(paused_remaining_s=1e300), "$.rounds[0].paused_remaining_s"),
        (lambda d: d["scenario"].update(teams="abc"), "$.scenario: teams: must be a list"),
        (lambda d: d["teams"][0].update(key="MARS"), "'MARS' is not a team of the scenario"),
        (lambda d: d["offers"][0].update(round=7), "$.offers[0].round: no round 7 in this file"),
        (lambda d: d["exercise"].update(title="t" * 201), "$.exercise.title: 201 characters, at most 200"),
        (lambda d: d["exercise"].update(num_rounds=70000), "$.exercise.num_rounds: 70000 is outside 0..32767"),
        (lambda d: d["exercise"].update(title="nul\x00"), "holds a NUL character (at exercise.title)"),
        (lambda d: d.update(version=True), "$.version"),
    ],
)
def test_hostile_exports_are_refused_in_one_line(tmp_path, facilitator, exported, spoil, expected):
    spoil(exported)
    assert expected in refused(tmp_path, exported, facilitator)


def test_non_numbers_and_deep_nesting_are_refused_in_one_line(tmp_path, facilitator, exported):
    text = json.dumps(exported).replace('"tension": ', '"tension": NaN, "x": ', 1)
    assert "NaN is not a number JSON allows" in refused(tmp_path, None, facilitator, raw=text)
    assert "nested too deeply" in refused(tmp_path, None, facilitator, raw="[" * 20000 + "]" * 20000)
    exported["scenario"]["scoring"] = {
        "a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
    }
    assert "nests more than 40 levels deep" in refused(tmp_path, exported, facilitator)


def test_a_valid_version_1_export_still_imports(tmp_path, facilitator, exported):
    exported["version"] = 1
    for participant in exported["participants"]:
        del participant["removed_at"]
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(exported))
    call_command("import_exercise", str(path), "--facilitator", facilitator.username)
    assert Exercise.objects.count() == 2


def test_the_command_prints_one_line_and_no_traceback(tmp_path, exported):
    exported["scenario"]["teams"] = "abc"
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(exported))
    result = subprocess.run(
        [sys.executable, "manage.py", "import_exercise", str(path)],  # refused before any query
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


# --- scenario packs --------------------------------------------------------------------------------


def billion_laughs(levels: int = 9) -> str:
    lines = ['scoring:\n  a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n']
    for i in range(1, levels + 1):
        lines.append(f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n")
    return "".join(lines)


def test_a_billion_laughs_pack_is_refused_before_it_is_built():
    text = PACK.replace("\nscoring: {}\n", "\n")  # the laughs come in its place
    with pytest.raises(ScenarioError, match="expands to more than 50,000 values") as caught:
        parse_scenario_text(text + "\n" + billion_laughs(), "laughs.yaml")
    assert str(caught.value).startswith("laughs.yaml: file: ")


def test_a_deeply_nested_pack_is_refused_in_one_line():
    for text in ("[" * 20000 + "]" * 20000, "a:\n" + "".join(f"{'  ' * i}- \n" for i in range(1, 200))):
        with pytest.raises(ScenarioError, match="nests more than 20 levels deep") as caught:
            parse_scenario_text(text, "deep.yaml")
        assert "\n" not in str(caught.value)


def test_an_oversized_or_nul_holding_pack_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match="1,000,001 characters long"):
        parse_scenario_text("#" * 1_000_001, "big.yaml")
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"#" * 4_000_001)
    with pytest.raises(ScenarioError, match="larger than 1,000,000 characters"):
        load_scenario_file(huge)
    with pytest.raises(ScenarioError, match="NUL character"):
        parse_scenario_text(PACK.replace("title: ", 'title: "\\0" # ', 1), "nul.yaml")


ANCHORED = """
key: anchored
title: &title Anchored
summary: *title
situation: Two sides meet.
teams:
  - {key: AA, name: Side A, brief: &brief Be specific.}
  - {key: BB, name: Side B, brief: *brief}
catalogue:
  - {key: freeze, title: Freeze, values: &values {AA: 1, BB: 2}}
  - {key: thaw, title: Thaw, values: *values}
"""


def test_the_shipped_pack_and_ordinary_anchors_still_load():
    assert parse_scenario_text(PACK, "second-summit-2019.yaml")["key"] == "second-summit-2019"
    snapshot = parse_scenario_text(ANCHORED, "anchored.yaml")
    assert snapshot["summary"] == "Anchored" and snapshot["teams"][1]["brief"] == "Be specific."
    assert snapshot["catalogue"][1]["values"] == {"AA": 1, "BB": 2}


def test_load_scenarios_answers_hostile_packs_in_one_line(tmp_path):
    pack = tmp_path / "laughs.yaml"
    pack.write_text(PACK.replace("\nscoring: {}\n", "\n") + "\n" + billion_laughs())
    result = subprocess.run(
        [sys.executable, "manage.py", "load_scenarios", str(pack)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "expands to more than" in result.stderr


def test_measuring_never_recurses():
    deep = current = []
    for _ in range(100_000):
        current.append([])
        current = current[0]
    with pytest.raises(DocumentError, match="nests more than 40 levels"):
        check_tree(deep, Bounds(max_chars=10, max_depth=40, max_values=10**6))
