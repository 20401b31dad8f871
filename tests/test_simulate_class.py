"""manage.py simulate_class: whole seeded classes through the services, measured."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from exercises import simulation
from exercises.models import Exercise
from exercises.scenarios import DEFAULT_SCENARIO_KEY, load_scenario


def run(*args) -> str:
    out = io.StringIO()
    call_command("simulate_class", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_json_has_the_documented_shape_and_the_database_is_left_as_it_was():
    data = json.loads(run("--json", "--seeds", "1", "--rounds", "2", "--strategies", "base-hits,fake-specific"))
    assert data["scenario"] == DEFAULT_SCENARIO_KEY and data["seeds"] == 1
    assert list(data["strategies"]) == ["base-hits", "fake-specific"]
    for summary in data["strategies"].values():
        assert set(summary) == {
            "value_per_team",
            "kept_rate",
            "final_tension",
            "start_tension",
            "void_steps",
            "conditional_paid_after_broken",
        }
        assert isinstance(summary["void_steps"], int) and summary["conditional_paid_after_broken"] == 0
        assert summary["start_tension"] == 60
    assert not Exercise.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_game_is_reproducible_settles_everything_and_fakes_earn_nothing():
    scenario = load_scenario(DEFAULT_SCENARIO_KEY)
    first = simulation.play_game(scenario, "base-hits", 3, rounds=2)
    again = simulation.play_game(scenario, "base-hits", 3, rounds=2)
    assert first == again
    assert first.agreements > 0 and first.drawn > 0 and first.value_per_team > 0
    fake = simulation.play_game(scenario, "fake-specific", 3, rounds=2)
    assert fake.value_per_team <= 0.5 * first.value_per_team


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.django_db(transaction=True)
def test_a_terminal_sees_a_progress_bar_and_a_pipe_does_not():
    args = ("--seeds", "2", "--rounds", "1", "--strategies", "fake-specific")
    terminal, pipe = Terminal(), io.StringIO()
    call_command("simulate_class", *args, stdout=io.StringIO(), stderr=terminal)
    call_command("simulate_class", *args, stdout=io.StringIO(), stderr=pipe)
    frames = terminal.getvalue().split("\r")
    assert "[" + "." * 30 + "]" not in terminal.getvalue()  # no frame before the first game ends
    assert frames[1].startswith("[" + "#" * 15 + "." * 15 + "] 1/2 games")
    assert frames[2].startswith("[" + "#" * 30 + "] 2/2 games")
    assert pipe.getvalue() == ""


def test_mixed_deals_the_classroom_personas_by_seed():
    cast = simulation.personas_for("mixed", ["USA", "DPRK", "ROK", "China"], 1)
    assert sorted(cast.values()) == sorted(simulation.MIXED)
    assert simulation.personas_for("one-sided", ["USA"], 1) == {"USA": "hardliner"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["--strategies", "nice"], "unknown strategy nice"),
        (["--seeds", "0"], "--seeds must be at least 1"),
        (["--rounds", "0"], "--rounds must be between 1 and 20"),
        (["--scenario", "atlantis"], "unknown scenario 'atlantis'"),
    ],
)
def test_bad_arguments_are_refused_with_a_message(db, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
