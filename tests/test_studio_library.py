"""Own scenarios and their versions; YAML out and in, from the browser's helpers and the shell.

Built-in packs are read-only; a facilitator sees them and their own scenarios, never another
facilitator's; each save is a new version and an exercise keeps the one it was made from.
"""

from __future__ import annotations

import io
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.urls import reverse

from exercises.models import Exercise
from exercises.scenarios import DEFAULT_SCENARIO_KEY, ScenarioError, UnknownScenarioError, load_scenario
from exercises.scenarios.loader import SCENARIO_DIR, parse_scenario_text
from exercises.studio import library
from exercises.studio.models import Scenario, ScenarioVersion
from exercises.studio.yaml_io import MAX_UPLOAD_BYTES, read_upload, to_yaml

IRAN = "iran-nuclear-talks-2015"
PACK = (SCENARIO_DIR / "second-summit-2019.yaml").read_text(encoding="utf-8")


def stored() -> tuple[int, int]:
    return Scenario.objects.count(), ScenarioVersion.objects.count()


# --- library: what a facilitator sees and may change -----------------------------------------


def test_a_facilitator_sees_the_built_in_packs_and_only_their_own(facilitator, other_facilitator):
    mine = library.duplicate(facilitator, DEFAULT_SCENARIO_KEY)
    theirs = library.duplicate(other_facilitator, IRAN)
    refs = [e.ref for e in library.entries(facilitator)]
    assert refs[:2] == [IRAN, DEFAULT_SCENARIO_KEY] or set(refs[:2]) == {IRAN, DEFAULT_SCENARIO_KEY}
    assert library.ref_of(mine.scenario) in refs
    assert library.ref_of(theirs.scenario) not in refs
    with pytest.raises(UnknownScenarioError):
        library.resolve(facilitator, library.ref_of(theirs.scenario))
    for ref in ("mine:", "mine:abc", "mine:999999", "no-such-pack"):
        with pytest.raises(UnknownScenarioError):
            library.resolve(facilitator, ref)


def test_duplicating_a_built_in_pack_makes_an_own_copy_and_leaves_the_pack_alone(facilitator):
    version = library.duplicate(facilitator, DEFAULT_SCENARIO_KEY)
    assert version.number == 1 and version.scenario.owner == facilitator
    assert version.data["key"] == "second-summit-2019-copy"
    assert version.data["title"] == "Second summit, 2019 (copy)"
    assert version.origin == "copy of Second summit, 2019 (built-in)"
    assert version.data["catalogue"] == load_scenario(DEFAULT_SCENARIO_KEY)["catalogue"]
    again = library.duplicate(facilitator, DEFAULT_SCENARIO_KEY)
    assert again.data["key"] == "second-summit-2019-copy-2"
    copy_of_copy = library.duplicate(facilitator, library.ref_of(version.scenario))
    assert copy_of_copy.origin == "copy of Second summit, 2019 (copy), version 1"


def test_each_save_is_a_new_version_and_an_exercise_keeps_the_one_it_was_made_from(facilitator, client):
    first = library.duplicate(facilitator, DEFAULT_SCENARIO_KEY)
    scenario = first.scenario
    client.force_login(facilitator)
    ref = library.ref_of(scenario)
    response = client.post(
        reverse("exercise_create"),
        {"title": "Section A", "scenario": ref, "teams": ["USA", "DPRK"], "num_rounds": 4, "round_minutes": 15},
    )
    assert response.status_code == 302
    earlier = Exercise.objects.get(title="Section A")
    assert earlier.scenario_version == first

    changed = library.resolve(facilitator, ref)[0]
    changed["catalogue"][0]["values"]["USA"] = 10
    second = library.save_version(scenario, changed, origin="studio")
    assert (second.number, scenario.latest()) == (2, second)

    client.post(
        reverse("exercise_create"),
        {"title": "Section B", "scenario": ref, "teams": ["USA", "DPRK"], "num_rounds": 4, "round_minutes": 15},
    )
    later = Exercise.objects.get(title="Section B")
    assert later.scenario_version == second
    assert later.scenario["catalogue"][0]["values"]["USA"] == 10
    earlier.refresh_from_db()
    assert earlier.scenario["catalogue"][0]["values"]["USA"] == 6  # unchanged
    first.refresh_from_db()
    assert first.data["catalogue"][0]["values"]["USA"] == 6
    with pytest.raises(TypeError):
        first.save()


def test_another_facilitators_scenario_cannot_start_an_exercise(facilitator, other_facilitator, client):
    theirs = library.duplicate(other_facilitator, DEFAULT_SCENARIO_KEY)
    client.force_login(facilitator)
    response = client.post(
        reverse("exercise_create"),
        {
            "title": "Stolen",
            "scenario": library.ref_of(theirs.scenario),
            "teams": ["USA", "DPRK"],
            "num_rounds": 4,
            "round_minutes": 15,
        },
    )
    assert response.status_code == 200  # the form again, with its error inline
    assert "is not one of the available choices" in response.content.decode()
    assert not Exercise.objects.filter(title="Stolen").exists()


def test_a_duplicate_exercise_keeps_the_scenario_version(facilitator):
    from exercises import lifecycle, services

    version = library.duplicate(facilitator, IRAN)
    exercise = services.create_exercise(
        facilitator=facilitator,
        scenario=version.data,
        title="First",
        team_keys=["Iran", "USA"],
        num_rounds=4,
        round_minutes=15,
        scenario_version=version,
    )
    copy = lifecycle.duplicate(exercise=exercise, user=facilitator, title="Second")
    assert copy.scenario_version == version


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (DEFAULT_SCENARIO_KEY, "key: 'second-summit-2019' is the key of a built-in scenario; choose another"),
        ("taken", "key: 'taken' is already the key of another of your scenarios; choose another"),
    ],
)
def test_a_key_must_be_free_and_nothing_is_stored_when_it_is_not(facilitator, key, expected):
    library.create(facilitator, dict(library.blank_snapshot(), key="taken"), origin="blank")
    other = library.create_blank(facilitator)
    before = stored()
    with pytest.raises(ScenarioError) as caught:
        library.save_version(other.scenario, dict(other.data, key=key), origin="studio")
    assert str(caught.value) == f"scenario: {expected}"
    assert stored() == before


def test_an_invalid_save_reports_every_problem_and_stores_nothing(facilitator):
    version = library.create_blank(facilitator)
    data = dict(version.data, title="", teams="abc")
    before = stored()
    with pytest.raises(ScenarioError) as caught:
        library.save_version(version.scenario, data, origin="studio")
    assert [e.place for e in caught.value.errors][:2] == ["title", "teams"]
    assert stored() == before


def test_a_blank_scenario_is_valid_and_gets_a_free_key(facilitator):
    first = library.create_blank(facilitator)
    second = library.create_blank(facilitator)
    assert (first.data["key"], second.data["key"]) == ("new-scenario", "new-scenario-2")
    assert first.origin == "blank"


# --- YAML out and in ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", [DEFAULT_SCENARIO_KEY, IRAN])
def test_a_pack_written_as_yaml_reads_back_the_same(key):
    snapshot = load_scenario(key)
    text = to_yaml(snapshot)
    assert "situation: |" in text  # long texts stay readable blocks
    assert "site: null" not in text
    assert parse_scenario_text(text, "x.yaml") == snapshot


def upload(text: str | bytes, name: str = "pack.yaml") -> dict:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return read_upload(io.BytesIO(raw), name, len(raw))


def laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, levels)]
    return PACK.replace("\nscoring: {}\n", "\n") + "\nscoring:\n  " + "\n  ".join(lines) + "\n"


HOSTILE = {
    "billion laughs": (laughs(), "laughs.yaml: file: expands to more than 50,000 values"),
    "deep nesting": (PACK.replace("scoring: {}", "scoring: " + "[" * 200 + "]" * 200), "nests more than 20 levels"),
    "wrong types": (PACK.replace("rounds: 4,", "rounds: many,"), "defaults.rounds: must be a whole number"),
    "10 MB": ("# " + "x" * (10 * 1024 * 1024), "is 10,485,762 bytes; a scenario pack may be at most 1,000,000 bytes"),
    "not UTF-8": (b"key: \xff\xfe", "is not UTF-8 text (byte 6 cannot be read)"),
    "not YAML": ("key: [unclosed", "not valid YAML"),
    "a python object": ("!!python/object/apply:os.system ['true']", "not valid YAML"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_upload_is_refused_in_one_line(case):
    text, expected = HOSTILE[case]
    name = "laughs.yaml" if case == "billion laughs" else "pack.yaml"
    with pytest.raises(ScenarioError) as caught:
        upload(text, name)
    message = str(caught.value)
    assert expected in message and "\n" not in message, message


def test_a_lying_size_does_not_get_a_big_upload_read_whole():
    big = io.BytesIO(b"#" * (MAX_UPLOAD_BYTES + 10))
    with pytest.raises(ScenarioError, match="larger than 1,000,000 bytes"):
        read_upload(big, "pack.yaml", size=10)
    assert big.tell() == MAX_UPLOAD_BYTES + 1


def test_an_upload_name_is_shown_without_directories_or_control_characters():
    with pytest.raises(ScenarioError) as caught:
        upload("key: [", "../../etc/\x1bpass\nwd.yaml")
    assert str(caught.value).startswith("passwd.yaml: ")


# --- the shell: export_scenario and import_scenario ----------------------------------------------


def export(*args) -> str:
    out = StringIO()
    call_command("export_scenario", *args, stdout=out)
    return out.getvalue()


def test_export_and_import_a_built_in_pack_round_trip(facilitator, tmp_path):
    path = tmp_path / "iran.yaml"
    path.write_text(export(IRAN).replace("key: iran-nuclear-talks-2015", "key: iran-mine", 1), encoding="utf-8")
    out = StringIO()
    call_command("import_scenario", str(path), "--owner", "alice", stdout=out)
    assert out.getvalue().strip() == "iran-mine: version 1 of alice's 'Iran nuclear talks, 2015'"
    call_command("import_scenario", str(path), "--owner", "alice", stdout=StringIO())
    scenario = Scenario.objects.get(owner=facilitator, key="iran-mine")
    assert [v.number for v in scenario.versions.order_by("number")] == [1, 2]
    assert export("iran-mine", "--owner", "alice", "--number", "1") == path.read_text(encoding="utf-8")


def test_export_refuses_what_does_not_exist(facilitator):
    with pytest.raises(CommandError, match="unknown scenario 'nope'"):
        export("nope")
    with pytest.raises(CommandError, match="alice has no scenario with the key 'nope'"):
        export("nope", "--owner", "alice")


@pytest.mark.parametrize("case", HOSTILE)
def test_import_refuses_hostile_packs_in_one_line_and_stores_nothing(facilitator, tmp_path, case):
    text, expected = HOSTILE[case]
    path = tmp_path / ("laughs.yaml" if case == "billion laughs" else "pack.yaml")
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    before = stored()
    with pytest.raises(CommandError) as caught:
        call_command("import_scenario", str(path), "--owner", "alice")
    assert expected in str(caught.value) and "\n" not in str(caught.value)
    assert stored() == before


def test_import_prints_one_line_per_problem(facilitator, tmp_path):
    data = yaml.safe_load(PACK)
    data["key"] = "mine"
    data["title"] = ""
    data["catalogue"][0]["values"]["USA"] = "lots"
    path = tmp_path / "pack.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_scenario", str(path), "--owner", "alice")
    assert str(caught.value).splitlines() == [
        "pack.yaml: title: must not be empty",
        "pack.yaml: catalogue[0].values.USA: must be a number between -10 and 10, got 'lots'",
    ]
    assert stored() == (0, 0)


def test_the_library_reads_only_the_newest_version_of_each_scenario(facilitator, django_assert_num_queries):
    version = library.duplicate(facilitator, IRAN)
    for n in range(3):
        data = dict(version.data, title=f"Take {n}")
        library.save_version(version.scenario, data, origin="studio")
    library.duplicate(facilitator, DEFAULT_SCENARIO_KEY)
    with django_assert_num_queries(2):  # the scenarios with their newest version's id; those versions
        rows = library.entries(facilitator)
    assert [(r.title, r.version) for r in rows if not r.built_in] == [
        ("Second summit, 2019 (copy)", 1),
        ("Take 2", 4),
    ]
