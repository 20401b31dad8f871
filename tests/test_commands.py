"""Management commands: seed_demo, close_expired_rounds, load_scenarios, score_offers."""

import json
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from exercises import services
from exercises.models import Commitment, Exercise, Offer, Round

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "rules" / "fixtures"


def seed(*args) -> dict:
    out = StringIO()
    call_command("seed_demo", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_seed_demo_prints_logins_and_links(db, client):
    payload = seed()
    assert payload["facilitator"]["username"] == "demo"
    assert len(payload["teams"]) == 4
    exercise = Exercise.objects.get(pk=payload["exercise"]["id"])
    assert client.login(username="demo", password=payload["facilitator"]["password"])
    assert client.get(payload["exercise"]["dashboard_url"]).status_code == 200
    team = payload["teams"][0]
    assert team["join_url"] == f"/join/{team['code']}/"
    assert exercise.teams.get(join_code=team["code"]).name == team["name"]


def test_seed_demo_twice_reuses_the_demo(db):
    first = seed()["exercise"]["id"]
    assert seed()["exercise"]["id"] == first
    assert Exercise.objects.count() == 1
    assert seed("--new")["exercise"]["id"] != first
    assert Exercise.objects.count() == 2


def test_seed_demo_plays_rounds_with_scripted_teams(db):
    payload = seed("--new", "--teams", "5", "--played-rounds", "3", "--seed", "fixed")
    exercise = Exercise.objects.get(pk=payload["exercise"]["id"])
    assert exercise.rounds.filter(status=Round.Status.CLOSED).count() == 3
    assert Offer.objects.filter(exercise=exercise).count() == 15
    assert Offer.objects.filter(exercise=exercise, status="accepted").exists()
    assert Commitment.objects.filter(offer__exercise=exercise, outcome__in=["kept", "broken"]).exists()
    assert payload["exercise"]["played_rounds"] == 3


def test_seed_demo_with_a_seed_replays_the_same_game(db):
    """The same --seed, whatever the database's ids, gives the same offers and outcomes."""

    def game():
        payload = seed("--new", "--played-rounds", "2", "--seed", "same")
        return list(
            Commitment.objects.filter(offer__exercise_id=payload["exercise"]["id"])
            .order_by("offer__number", "position")
            .values_list("offer__number", "position", "by", "kind", "outcome", "specificity")
        )

    first, again = game(), game()
    assert first and first == again


def test_seed_demo_adds_delegations_beyond_the_scenario(db):
    payload = seed("--new", "--teams", "12")
    assert len(payload["teams"]) == 12
    assert payload["teams"][-1]["name"] == "Delegation 12"


def test_seed_demo_refuses_silly_team_counts(db):
    with pytest.raises(CommandError, match="between 2 and 60"):
        call_command("seed_demo", "--teams", "1")


def test_close_expired_rounds_command(exercise):
    with time_machine.travel("2026-03-01 10:00:00Z", tick=False) as clock:
        services.start_round(exercise=exercise, actor="t")
        out = StringIO()
        call_command("close_expired_rounds", stdout=out)
        assert "Closed 0 expired rounds" in out.getvalue()
        clock.shift(timedelta(minutes=11))
        call_command("close_expired_rounds", stdout=out)
    assert "Closed 1 expired round." in out.getvalue()


def test_load_scenarios_lists_the_packs(db):
    out = StringIO()
    call_command("load_scenarios", stdout=out)
    assert "second-summit-2019: Second summit, 2019" in out.getvalue()


def test_load_scenarios_names_the_place_of_a_mistake(db, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("key: bad\ntitle: Bad\nteams: nope\n")
    with pytest.raises(CommandError, match="bad.yaml: "):
        call_command("load_scenarios", str(bad))


def run_cli(*args, stdin: str | None = None):
    return subprocess.run(
        [sys.executable, "manage.py", "score_offers", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_score_offers_reads_a_file():
    result = run_cli(str(FIXTURES / "military-agreement-2018.json"))
    assert result.returncode == 0, result.stderr
    scored = json.loads(result.stdout)["results"][0]
    assert scored["specificity"] >= 80 and scored["reciprocity"] >= 75
    assert scored["reasons"] and scored["commitments"][0]["reasons"]


def test_score_offers_reads_stdin():
    text = (FIXTURES / "singapore-2018.json").read_text()
    result = run_cli("-", stdin=text)
    assert result.returncode == 0, result.stderr
    scored = json.loads(result.stdout)["results"][0]
    assert scored["specificity"] <= 25 and scored["reciprocity"] <= 40


@pytest.mark.parametrize(
    "payload, fragment",
    [
        ("not json", "not valid JSON"),
        ('{"offers": [{"id": "o1", "commitments": [{"to": ["USA"]}]}]}', '"by"'),
        ('{"scenario": "atlantis", "offers": []}', "atlantis"),
        ('{"offers": [{"id": "o1", "commitments": [{"by": "USA", "conditional_on": ["zz"]}]}]}', "zz"),
    ],
)
def test_score_offers_bad_input_is_one_clear_line(payload, fragment):
    result = run_cli("-", stdin=payload)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_seed_demo_prints_links_on_the_port_the_server_uses(db):
    out = StringIO()
    call_command("seed_demo", "--port", "8101", stdout=out)
    links = [word for word in out.getvalue().split() if word.startswith("http")]
    assert len(links) >= 8  # login, dashboard, projector, report, a join link per team
    assert all(link.startswith("http://127.0.0.1:8101/") for link in links), links
    out = StringIO()
    call_command("seed_demo", "--host", "0.0.0.0", "--port", "9000", stdout=out)
    assert "http://127.0.0.1:9000/accounts/login/" in out.getvalue()


def test_make_run_passes_its_host_and_port_to_seed_demo_and_the_readme_says_how():
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8101", "HOST=127.0.0.2"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert dry_run.returncode == 0, dry_run.stderr
    assert "seed_demo --host 127.0.0.2 --port 8101" in dry_run.stdout
    assert "runserver 127.0.0.2:8101" in dry_run.stdout
    assert "make run PORT=8101" in (ROOT / "README.md").read_text()


@pytest.mark.parametrize("key", ["second-summit-2019", "iran-nuclear-talks-2015"])
def test_seed_demo_plays_either_built_in_scenario(db, key):
    payload = seed("--new", "--scenario", key, "--played-rounds", "2", "--seed", "fixed")
    exercise = Exercise.objects.get(pk=payload["exercise"]["id"])
    assert exercise.scenario_key == payload["exercise"]["scenario_key"] == key
    assert [t["key"] for t in payload["teams"]] == [t["key"] for t in exercise.scenario["teams"][:4]]
    assert Offer.objects.filter(exercise=exercise, specificity__gte=60).exists()
    assert seed("--scenario", key)["exercise"]["id"] == exercise.pk  # run twice: the same demo


def test_seed_demo_refuses_an_unknown_scenario(db):
    with pytest.raises(CommandError, match="unknown scenario 'nope'; known scenarios: "):
        call_command("seed_demo", "--scenario", "nope")
