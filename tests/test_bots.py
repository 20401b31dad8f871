"""Stand-ins (exercises/bots.py): a bot plays a team at a seeded pace, each move exactly once,
never while the round is paused or after it closed; hand-over, take-back, a human taking over."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from exercises import bots, services
from exercises.models import BotAction, Event, Offer, Response, Round
from tests import factories


def later(seconds: float):
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


@pytest.fixture
def game(exercise, usa):
    """USA played by a person; DPRK handed to a base hitter, round 1 open."""
    dprk = factories.team(exercise, "DPRK")
    services.start_round(exercise=exercise, actor="t")
    bots.hand_over(team=dprk, persona="base-hitter", actor="facilitator alice")
    exercise.refresh_from_db()
    return exercise, usa, dprk


def test_the_delay_is_seeded_and_between_half_and_one_and_a_half_times_the_pace(exercise):
    exercise.bot_delay_seconds = 40
    delays = [bots.delay(exercise, "USA", 1, f"answer-{n}").total_seconds() for n in range(200)]
    assert all(20 <= d <= 60 for d in delays) and max(delays) - min(delays) > 20
    assert bots.delay(exercise, "USA", 1, "open") == bots.delay(exercise, "USA", 1, "open")


def test_hand_over_is_recorded_and_refuses_a_persona_for_simulations_only(game):
    exercise, _, dprk = game
    dprk.refresh_from_db()
    assert dprk.bot_persona == "base-hitter" and dprk.bot_since is not None
    event = Event.objects.get(exercise=exercise, kind=Event.Kind.BOT_ASSIGNED)
    assert event.team == dprk and event.details["persona"] == "base-hitter"
    with pytest.raises(services.GameError):
        bots.hand_over(team=factories.team(exercise, "ROK"), persona="fake-specific", actor="f")
    assert not factories.team(exercise, "ROK").bot_persona


def test_nothing_before_the_delay_then_one_offer_exactly_once(game):
    exercise, _, dprk = game
    due = bots.due_moves(exercise, exercise.current_round())
    assert [(m.team.key, m.key) for m in due] == [("DPRK", "open")]
    assert bots.tick(exercise.pk) == []
    with later(bots.delay(exercise, "DPRK", 1, "open").total_seconds() + 0.5):
        [action] = bots.tick(exercise.pk)
        assert bots.tick(exercise.pk) == []
    assert action.outcome == "sent" and action.acted_at >= action.due_at
    offer = Offer.objects.get(exercise=exercise, from_team=dprk)
    assert offer.submitted_by.display_name == "Base hitter (bot)"
    assert offer.specificity >= 60 and BotAction.objects.filter(team=dprk).count() == 1


def test_an_offer_to_the_bot_is_answered_after_its_delay_with_a_reason(game):
    exercise, usa, dprk = game
    offer = factories.send_offer(usa, [dprk], factories.vague_rows("USA", "DPRK"))
    key = f"answer-{offer.number}"
    # Absolute times: on a busy machine seconds pass between sending and looking.
    due = offer.created_at + bots.delay(exercise, "DPRK", 1, key)
    with time_machine.travel(due - timedelta(seconds=1), tick=False):
        assert not any(a.key == key for a in bots.tick(exercise.pk))
    with time_machine.travel(due + timedelta(seconds=60), tick=False):
        bots.tick(exercise.pk)
    answer = Response.objects.get(offer=offer, team=dprk)
    assert answer.kind in ("reject", "counter")
    reason = answer.note or answer.counter_offer.message
    assert reason and ("vague" in reason.lower() or "nothing" in reason.lower() or "give" in reason.lower())
    assert BotAction.objects.get(team=dprk, key=key).outcome == answer.kind


def test_nothing_while_paused_then_the_move_after_the_resume(game):
    exercise, _, dprk = game
    services.pause_round(round=exercise.current_round(), actor="t")
    with later(600):
        assert bots.tick(exercise.pk) == []
        assert not BotAction.objects.exists()
        services.resume_round(round=exercise.current_round(), actor="t")
        [action] = bots.tick(exercise.pk)
    assert action.key == "open"


def test_nothing_after_the_round_closed(game):
    exercise, usa, dprk = game
    factories.send_offer(usa, [dprk])
    services.close_round(round=exercise.current_round(), actor="t")
    with later(600):
        assert bots.tick(exercise.pk) == []
    assert not BotAction.objects.exists()
    assert not Offer.objects.filter(from_team=dprk).exists()


def test_a_round_past_its_deadline_is_closed_first_and_nothing_is_played_in_it(game):
    exercise, _, _ = game
    with later(11 * 60):
        assert bots.tick(exercise.pk) == []
    assert exercise.current_round().is_closed and not BotAction.objects.exists()


def test_take_back_and_a_human_joining_take_over(game, client):
    exercise, _, dprk = game
    assert bots.take_back(team=dprk, actor="facilitator alice")
    assert not bots.take_back(team=dprk, actor="facilitator alice")
    with later(600):
        assert bots.tick(exercise.pk) == []
    bots.hand_over(team=dprk, persona="hardliner", actor="facilitator alice")
    response = client.post("/join/", {"code": dprk.join_code, "display_name": "Kim"})
    assert response.status_code == 302
    dprk.refresh_from_db()
    assert dprk.bot_persona == ""
    event = Event.objects.get(exercise=exercise, kind=Event.Kind.BOT_REPLACED)
    assert event.actor == "DPRK: Kim" and event.details["persona"] == "hardliner"
    kinds = list(Event.objects.filter(team=dprk, kind__startswith="bot_").values_list("kind", flat=True))
    assert kinds == ["bot_assigned", "bot_released", "bot_assigned", "bot_replaced"]


def test_a_poll_of_the_room_makes_the_due_move(game, facilitator_client):
    exercise, _, dprk = game
    facilitator_client.get(f"/exercises/{exercise.pk}/")
    with later(120):
        facilitator_client.get(f"/exercises/{exercise.pk}/poll/", {"rev": exercise.revision})
    assert BotAction.objects.filter(team=dprk, key="open").count() == 1


def test_a_strangers_requests_move_nothing(game, client, other_facilitator_client):
    exercise, _, _ = game
    with later(120):
        client.get(f"/exercises/{exercise.pk}/poll/", {"rev": exercise.revision})
        other_facilitator_client.get(f"/exercises/{exercise.pk}/poll/", {"rev": exercise.revision})
        client.get(f"/observe/{exercise.observer_token}/poll/")
    assert not BotAction.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_workers_ticking_at_once_make_each_move_once(facilitator):
    exercise = factories.make_exercise(facilitator)
    for key, persona in zip(("USA", "DPRK", "ROK", "China"), bots.CLASSROOM_PERSONAS, strict=True):
        bots.hand_over(team=factories.team(exercise, key), persona=persona, actor="f")
    services.start_round(exercise=exercise, actor="t")
    barrier = threading.Barrier(6)
    errors = []

    def run():
        try:
            barrier.wait()
            for _ in range(3):
                bots.tick(exercise.pk)
        except Exception as exc:  # collected and checked below
            errors.append(exc)
        finally:
            connection.close()

    with later(100):
        threads = [threading.Thread(target=run) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    assert not errors
    actions = list(BotAction.objects.filter(exercise=exercise))
    assert len({(a.team_id, a.round_id, a.key) for a in actions}) == len(actions)
    assert sum(a.key == "open" for a in actions) == 4
    sent = Event.objects.filter(exercise=exercise, kind=Event.Kind.OFFER_SUBMITTED).count()
    assert sent == Offer.objects.filter(exercise=exercise).count()
    assert sent == sum(a.outcome in ("sent", "counter") for a in actions)


def test_a_rehearsal_plays_itself_to_the_end(exercise, facilitator):
    rehearsal = bots.start_rehearsal(exercise=exercise, facilitator=facilitator)
    assert rehearsal.rehearsal and rehearsal.title.startswith("Rehearsal: ")
    assert sorted(rehearsal.teams.values_list("bot_persona", flat=True)) == sorted(bots.CLASSROOM_PERSONAS)
    first = rehearsal.current_round()
    assert first.is_open and first.deadline - first.opened_at == timedelta(seconds=30)
    moment = timezone.now()
    for _ in range(rehearsal.num_rounds * 40):
        moment += timedelta(seconds=2)
        with time_machine.travel(moment, tick=False):
            bots.tick(rehearsal.pk)
        rehearsal.refresh_from_db()
        if rehearsal.is_ended:
            break
    assert rehearsal.is_ended
    assert rehearsal.rounds.filter(status=Round.Status.CLOSED).count() == rehearsal.num_rounds
    assert Offer.objects.filter(exercise=rehearsal).count() >= rehearsal.num_rounds
    assert BotAction.objects.filter(exercise=rehearsal, outcome="accept").exists()
