"""The studio in the browser: who reaches what, saving versions with inline errors, the
previews, downloads and uploads. Every view refuses other facilitators (404) and the
logged-out (login), and the POST-only ones refuse GET."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exercises.scenarios import DEFAULT_SCENARIO_KEY, load_scenario
from exercises.scenarios.loader import parse_scenario_text
from exercises.studio import editor, library
from exercises.studio.models import Scenario, ScenarioVersion
from exercises.studio.yaml_io import to_yaml

IRAN = "iran-nuclear-talks-2015"


@pytest.fixture
def own(facilitator):
    return library.duplicate(facilitator, DEFAULT_SCENARIO_KEY).scenario


def form_data(snapshot: dict) -> dict:
    """The studio form as the browser sends it for ``snapshot`` (what the page renders)."""
    built = editor.build(snapshot)
    data: dict = {}
    fields = [*built.general, *built.referee, built.scoring]
    for row in (*built.teams, *built.items, *built.injects):
        fields += list(row.fields) + [f for _, group in row.groups for f in group]
    for f in fields:
        if f.kind == "checkbox":
            if f.value:
                data[f.name] = "1"
        elif f.kind == "checks":
            data[f.name] = list(f.value)
        else:
            data[f.name] = f.value
    return data


def test_the_form_round_trips_every_built_in_pack(facilitator):
    """What the page shows, sent back unchanged, is the same scenario: nothing lost on the way."""
    for key in (DEFAULT_SCENARIO_KEY, IRAN):
        snapshot = load_scenario(key)
        post = form_data(snapshot)

        class Post(dict):
            def getlist(self, name):
                value = self.get(name, [])
                return value if isinstance(value, list) else [value]

        parsed, _, problem = editor.parse(Post(post), Post(post).getlist)
        assert problem == ""
        assert parse_scenario_text(to_yaml(parsed), "x") == snapshot


def test_the_library_lists_built_ins_and_own_only(facilitator_client, own, other_facilitator):
    theirs = library.duplicate(other_facilitator, IRAN).scenario
    page = facilitator_client.get(reverse("studio_list")).content.decode()
    assert "Second summit, 2019 (copy)" in page and "Iran nuclear talks, 2015" in page
    assert reverse("studio_edit", args=[own.pk]) in page
    assert reverse("studio_edit", args=[theirs.pk]) not in page


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("studio_edit", {}),
        ("studio_preview", {"team_key": "USA"}),
    ],
)
def test_another_facilitators_scenario_is_not_found(other_facilitator_client, own, name, kwargs):
    url = reverse(name, kwargs={"scenario_id": own.pk, **kwargs})
    assert other_facilitator_client.get(url).status_code == 404
    if name == "studio_edit":
        assert other_facilitator_client.post(url, {"action": "save", "title": "x"}).status_code == 404
    assert own.versions.count() == 1
    assert other_facilitator_client.get(reverse("studio_download", args=[library.ref_of(own)])).status_code == 404
    assert other_facilitator_client.post(reverse("studio_simulate", args=[own.pk])).status_code == 404


def test_the_studio_requires_a_login(client, own):
    for url in (reverse("studio_list"), reverse("studio_edit", args=[own.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("name", ["studio_new", "studio_duplicate", "studio_upload"])
def test_post_only_views_refuse_get(facilitator_client, name):
    assert facilitator_client.get(reverse(name)).status_code == 405
    assert Scenario.objects.count() == 0


def test_simulate_refuses_get(facilitator_client, own):
    assert facilitator_client.get(reverse("studio_simulate", args=[own.pk])).status_code == 405


def test_new_and_duplicate_make_own_scenarios(facilitator_client, facilitator):
    response = facilitator_client.post(reverse("studio_new"))
    blank = Scenario.objects.get(owner=facilitator)
    assert response["Location"] == reverse("studio_edit", args=[blank.pk])
    response = facilitator_client.post(reverse("studio_duplicate"), {"ref": IRAN})
    copy = Scenario.objects.get(owner=facilitator, key="iran-nuclear-talks-2015-copy")
    assert response["Location"] == reverse("studio_edit", args=[copy.pk])
    assert facilitator_client.post(reverse("studio_duplicate"), {"ref": "mine:999"}).status_code == 404


def test_saving_changed_values_makes_a_new_version(facilitator_client, own):
    data = form_data(own.latest().data)
    data["catalogue[1].values.USA"] = "9"
    data["catalogue[1].title"] = "A tighter freeze"
    data["action"] = "save"
    response = facilitator_client.post(reverse("studio_edit", args=[own.pk]), data)
    assert response.status_code == 302
    latest = own.latest()
    assert latest.number == 2 and latest.origin == "studio"
    assert latest.data["catalogue"][1]["values"]["USA"] == 9
    assert latest.data["catalogue"][1]["title"] == "A tighter freeze"
    assert own.versions.get(number=1).data["catalogue"][1]["values"]["USA"] == 8


def test_bad_input_is_shown_inline_and_nothing_is_saved(facilitator_client, own):
    data = form_data(own.latest().data)
    data.update({"catalogue[1].values.USA": "lots", "teams[0].brief": "", "scoring": "a: [", "action": "save"})
    response = facilitator_client.post(reverse("studio_edit", args=[own.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Not saved: 3 problems" in page
    assert (
        'id="f-catalogue-1-values-USA-err"' in page
        and "must be a number between -10 and 10, got &#x27;lots&#x27;" in page
    )
    assert 'id="f-teams-0-brief-err"' in page and "must not be empty" in page
    assert 'id="f-scoring-err"' in page and "not valid YAML" in page
    assert 'value="lots"' in page  # what was typed stays
    assert own.versions.count() == 1


def test_add_a_row_keeps_what_was_typed_and_saves_nothing(facilitator_client, own):
    data = form_data(own.latest().data)
    data.update({"title": "Typed but not saved", "action": "add-inject"})
    response = facilitator_client.post(reverse("studio_edit", args=[own.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Typed but not saved"' in page
    assert f'name="injects[{len(own.latest().data["injects"])}].title"' in page
    assert own.versions.count() == 1


def test_remove_a_row_on_save(facilitator_client, own):
    data = form_data(own.latest().data)
    data.update({"injects[0]._remove": "1", "action": "save"})
    facilitator_client.post(reverse("studio_edit", args=[own.pk]), data)
    assert len(own.latest().data["injects"]) == len(own.versions.get(number=1).data["injects"]) - 1


def test_the_preview_shows_a_teams_room_and_only_its_values(facilitator_client, own):
    page = facilitator_client.get(reverse("studio_preview", args=[own.pk, "DPRK"])).content.decode()
    assert "Democratic People&#x27;s Republic of Korea: your private brief" in page
    assert "You represent the leadership in Pyongyang" in page
    assert "You represent President Moon" not in page  # another team's brief
    assert facilitator_client.get(reverse("studio_preview", args=[own.pk, "Nobody"])).status_code == 404


def test_download_any_visible_scenario_as_yaml(facilitator_client, own):
    response = facilitator_client.get(reverse("studio_download", args=[IRAN]))
    assert response["Content-Disposition"] == 'attachment; filename="iran-nuclear-talks-2015.yaml"'
    assert parse_scenario_text(response.content.decode(), "x") == load_scenario(IRAN)
    mine = facilitator_client.get(reverse("studio_download", args=[library.ref_of(own)]) + "?version=1")
    assert parse_scenario_text(mine.content.decode(), "x") == own.latest().data
    missing = facilitator_client.get(reverse("studio_download", args=[library.ref_of(own)]) + "?version=7")
    assert missing.status_code == 404


def test_an_upload_is_stored_or_refused_with_every_problem(facilitator_client, facilitator):
    text = to_yaml(load_scenario(IRAN)).replace("key: iran-nuclear-talks-2015", "key: my-iran", 1)
    response = facilitator_client.post(
        reverse("studio_upload"), {"pack": SimpleUploadedFile("iran.yaml", text.encode())}
    )
    mine = Scenario.objects.get(owner=facilitator, key="my-iran")
    assert response["Location"] == reverse("studio_edit", args=[mine.pk])
    bad = text.replace("rounds: 4", "rounds: many").replace("title: Iran nuclear talks, 2015", "title: ''")
    response = facilitator_client.post(reverse("studio_upload"), {"pack": SimpleUploadedFile("bad.yaml", bad.encode())})
    page = response.content.decode()
    assert response.status_code == 400
    assert "bad.yaml: title: must not be empty" in page
    assert "bad.yaml: defaults.rounds: must be a whole number between 1 and 20, got &#x27;many&#x27;" in page
    assert ScenarioVersion.objects.count() == 1


def test_a_huge_upload_is_refused_in_one_line(facilitator_client):
    huge = SimpleUploadedFile("huge.yaml", b"#" * (10 * 1024 * 1024))
    response = facilitator_client.post(reverse("studio_upload"), {"pack": huge})
    assert response.status_code == 400
    assert "huge.yaml: file: is 10,485,760 bytes; a scenario pack may be at most 1,000,000 bytes" in (
        response.content.decode()
    )
    assert Scenario.objects.count() == 0


def test_an_upload_without_a_file_says_so(facilitator_client):
    response = facilitator_client.post(reverse("studio_upload"))
    assert response.status_code == 400 and "Choose a YAML file to upload." in response.content.decode()


class _Summary:
    def __init__(self, value: float):
        self.value_per_team, self.kept_rate, self.final_tension = value, 0.5, 50.0


class _Engine:
    """Stands in for exercises.simulation: what a few seeds of each strategy delivered."""

    def __init__(self, base: float, grand: float):
        self.values = {"base-hits": base, "grand-bargain": grand}
        self.calls = []

    def simulate(self, scenario, strategies, seeds):
        self.calls.append((scenario["key"], tuple(strategies), seeds))
        return {name: _Summary(self.values[name]) for name in strategies}


@pytest.mark.parametrize(
    ("base", "grand", "ok", "verdict"),
    [
        (18.0, 2.0, True, "Base hits deliver 9.0 times the value of grand bargains. The lesson holds."),
        (9.0, 4.5, False, "Base hits deliver only 2.0 times the value of grand bargains (the aim is 3 times)"),
        (5.0, 0.0, True, "grand bargains delivered nothing. The lesson holds."),
        (0.0, 0.0, False, "Base hits delivered nothing"),
    ],
)
def test_the_quick_simulation_says_whether_base_hits_still_win(monkeypatch, base, grand, ok, verdict):
    from exercises.studio import simulate

    engine = _Engine(base, grand)
    monkeypatch.setattr(simulate, "_engine", engine)
    table = simulate.quick_table(load_scenario(IRAN))
    assert engine.calls == [(IRAN, ("base-hits", "grand-bargain"), simulate.QUICK_SEEDS)]
    assert table.ok is ok and verdict in table.verdict
    assert [r.label for r in table.rows] == ["Base hits", "Grand bargains"]


def test_the_simulate_view_shows_the_table_for_the_saved_version(monkeypatch, facilitator_client, own):
    from exercises.studio import simulate

    monkeypatch.setattr(simulate, "_engine", _Engine(18.0, 2.0))
    page = facilitator_client.post(reverse("studio_simulate", args=[own.pk])).content.decode()
    assert "Medians over 3 seeded classes of version 1" in page
    assert "9.0 times the value of grand bargains" in page
    monkeypatch.setattr(simulate, "_engine", None)
    page = facilitator_client.post(reverse("studio_simulate", args=[own.pk])).content.decode()
    assert "The simulation engine is not installed" in page


def test_duplicate_without_a_choice_says_so(facilitator_client):
    response = facilitator_client.post(reverse("studio_duplicate"), {"ref": " "})
    assert response.status_code == 400 and "Choose a scenario to duplicate." in response.content.decode()
    assert Scenario.objects.count() == 0
