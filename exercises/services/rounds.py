"""An exercise's course: created, each round opened, paused, resumed, extended and closed, and the end.

A close (and the final reckoning at the end) expires what was not answered, then settles
the ledger, moves tension and scores through ``settlement``.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from exercises import triggered_news
from exercises.models import Commitment, Event, Exercise, Round, Team, TeamScore
from exercises.services import offers, settlement
from exercises.services.base import SYSTEM, GameError, facilitator_label, locked_exercise, record, round_to
from exercises.services.injects import push_inject_locked


def create_exercise(
    *,
    facilitator,
    scenario: dict,
    title: str,
    team_keys: list[str],
    num_rounds: int,
    round_minutes: int,
    copied_from: Exercise | None = None,
    scenario_version=None,
) -> Exercise:
    """A new exercise in setup; ``copied_from`` names the exercise it duplicates (lifecycle.duplicate),
    ``scenario_version`` the studio version ``scenario`` is a copy of (None for a built-in pack)."""
    origin = {"copied_from": copied_from.pk, "copied_title": copied_from.title} if copied_from else {}
    with transaction.atomic():
        exercise = Exercise.objects.create(
            facilitator=facilitator,
            title=title,
            scenario_key=scenario["key"],
            scenario=scenario,
            scenario_version=scenario_version,
            num_rounds=num_rounds,
            round_minutes=round_minutes,
            tension=float(scenario.get("defaults", {}).get("initial_tension", 60)),
        )
        chosen = [t for t in scenario["teams"] if t["key"] in set(team_keys)]
        Team.objects.bulk_create(
            Team(exercise=exercise, key=t["key"], name=t["name"], order=i) for i, t in enumerate(chosen)
        )
        record(
            exercise,
            Event.Kind.EXERCISE_CREATED,
            facilitator_label(facilitator),
            scenario=scenario["key"],
            teams=[t["key"] for t in chosen],
            rounds=num_rounds,
            round_minutes=round_minutes,
            **origin,
        )
    exercise.bump()
    return exercise


def start_round(*, exercise: Exercise, actor: str) -> Round:
    with transaction.atomic():
        exercise = locked_exercise(exercise.pk)
        if exercise.is_ended:
            raise GameError("The exercise has ended.")
        current = exercise.current_round()
        if current and not current.is_closed:
            raise GameError(f"Round {current.number} is still running; close it first.")
        number = (current.number if current else 0) + 1
        if number > exercise.num_rounds:
            raise GameError(f"All {exercise.num_rounds} rounds have been played; end the exercise.")
        now = timezone.now()
        new_round = Round.objects.create(
            exercise=exercise,
            number=number,
            opened_at=now,
            deadline=now + exercise.round_length,
            tension_before=exercise.tension,
        )
        if exercise.status == Exercise.Status.SETUP:
            exercise.status = Exercise.Status.RUNNING
            exercise.started_at = now
            exercise.save(update_fields=["status", "started_at"])
            record(exercise, Event.Kind.EXERCISE_STARTED, actor)
        record(
            exercise,
            Event.Kind.ROUND_OPENED,
            actor,
            round=new_round,
            number=number,
            deadline=new_round.deadline.isoformat(),
        )
        for inject in exercise.scenario.get("injects", []):
            if inject.get("round") == number:
                push_inject_locked(exercise, new_round, actor, inject_data=inject)
    exercise.bump()
    return new_round


def pause_round(*, round: Round, actor: str) -> None:
    with transaction.atomic():
        exercise = locked_exercise(round.exercise_id)
        locked = Round.objects.select_for_update().get(pk=round.pk)
        if locked.status != Round.Status.OPEN or locked.is_expired():
            raise GameError("Only a running round can be paused.")
        locked.paused_remaining = locked.remaining()
        locked.status = Round.Status.PAUSED
        locked.deadline = None
        locked.save(update_fields=["paused_remaining", "status", "deadline"])
        record(exercise, Event.Kind.ROUND_PAUSED, actor, round=locked, remaining_s=_seconds(locked.paused_remaining))
    exercise.bump()


def resume_round(*, round: Round, actor: str) -> None:
    with transaction.atomic():
        exercise = locked_exercise(round.exercise_id)
        locked = Round.objects.select_for_update().get(pk=round.pk)
        if locked.status != Round.Status.PAUSED:
            raise GameError("The round is not paused.")
        locked.deadline = timezone.now() + (locked.paused_remaining or timedelta(0))
        locked.status = Round.Status.OPEN
        locked.paused_remaining = None
        locked.save(update_fields=["paused_remaining", "status", "deadline"])
        record(exercise, Event.Kind.ROUND_RESUMED, actor, round=locked, deadline=locked.deadline.isoformat())
    exercise.bump()


MAX_EXTEND_MINUTES = 120


def extend_round(*, round: Round, actor: str, minutes: int) -> None:
    if not 1 <= minutes <= MAX_EXTEND_MINUTES:
        raise GameError(f"Extend by 1 to {MAX_EXTEND_MINUTES} minutes.")
    with transaction.atomic():
        exercise = locked_exercise(round.exercise_id)
        locked = Round.objects.select_for_update().get(pk=round.pk)
        extra = timedelta(minutes=minutes)
        if locked.status == Round.Status.PAUSED:
            locked.paused_remaining = (locked.paused_remaining or timedelta(0)) + extra
        elif locked.status == Round.Status.OPEN and not locked.is_expired():
            locked.deadline = locked.deadline + extra
        else:
            raise GameError("The round has already closed.")
        locked.save(update_fields=["paused_remaining", "deadline"])
        record(exercise, Event.Kind.ROUND_EXTENDED, actor, round=locked, minutes=minutes)
    exercise.bump()


def _seconds(delta) -> int:
    return int(delta.total_seconds()) if delta else 0


def close_round(*, round: Round, actor: str) -> bool:
    """Close the round once: expire unanswered offers, resolve due commitments, score.

    Returns False when someone else closed it first (nothing is done twice), or when the
    exercise has ended (nothing is resolved or scored after the end).
    """
    with transaction.atomic():
        exercise = locked_exercise(round.exercise_id)
        closed = _close_locked(exercise, round.pk, actor)
    if closed:
        exercise.bump()
    return closed


def _close_locked(exercise: Exercise, round_id: int, actor: str) -> bool:
    """close_round's work, for a caller that holds the exercise row's lock."""
    locked = Round.objects.select_for_update().get(pk=round_id)
    if locked.is_closed or exercise.is_ended:
        return False
    now = timezone.now()
    locked.status = Round.Status.CLOSED
    locked.closed_at = now
    locked.paused_remaining = None
    offers.expire_pending(exercise, locked, actor)
    tally = settlement.resolve_due_commitments(exercise, locked)
    settlement.move_tension(exercise, locked, tally)
    triggered_news.fire_met_triggers(exercise, locked)
    locked.tension_after = exercise.tension
    locked.save(update_fields=["status", "closed_at", "paused_remaining", "tension_after"])
    settlement.score_teams(exercise, locked)
    record(
        exercise,
        Event.Kind.ROUND_CLOSED,
        actor,
        round=locked,
        number=locked.number,
        kept=tally.kept,
        broken=tally.broken,
        voided=tally.voided,
        withdrawn=tally.withdrawn,
        tension=round_to(exercise.tension),
    )
    return True


def close_if_expired(exercise: Exercise) -> bool:
    """Close the current round when its deadline has passed: any request touching it does."""
    if exercise.is_ended:
        return False
    current = exercise.rounds.filter(status=Round.Status.OPEN, deadline__lte=timezone.now()).first()
    if current is None:
        return False
    return close_round(round=current, actor=f"{SYSTEM} (deadline)")


def close_expired_rounds() -> int:
    closed = 0
    expired = Round.objects.filter(status=Round.Status.OPEN, deadline__lte=timezone.now())
    for open_round in expired.exclude(exercise__status=Exercise.Status.ENDED):
        closed += close_round(round=open_round, actor=f"{SYSTEM} (deadline)")
    return closed


def end_exercise(*, exercise: Exercise, actor: str) -> None:
    """Close the open round, if any, and end. All under one lock: a round started at the
    same moment is either closed here or refused because the exercise has ended."""
    with transaction.atomic():
        locked = locked_exercise(exercise.pk)
        if locked.is_ended:
            return
        current = locked.current_round()
        if current and not current.is_closed:
            _close_locked(locked, current.pk, actor)
        _final_reckoning(locked, actor)
        locked.status = Exercise.Status.ENDED
        locked.ended_at = timezone.now()
        locked.save(update_fields=["status", "ended_at"])
        record(locked, Event.Kind.EXERCISE_ENDED, actor, round=locked.current_round(), tension=round_to(locked.tension))
    exercise.bump()


def _final_reckoning(exercise: Exercise, actor: str) -> None:
    """Every agreed step still due is settled now, in the last round, like a round close:
    the ledger, tension, then that round's scores again. ``reckoning_from`` keeps the
    tension the round itself closed with, so pages can show the two apart."""
    last = settlement.last_closed_round(exercise)
    if last is None or not Commitment.objects.filter(offer__exercise=exercise, outcome=Commitment.Outcome.DUE).exists():
        return
    last.reckoning_from = exercise.tension
    tally = settlement.resolve_due_commitments(exercise, last, final=True)
    settlement.move_tension(exercise, last, tally, cause="final reckoning: ")
    # The last deals make news too (the debrief's epilogue), as at any close.
    news = triggered_news.fire_met_triggers(exercise, last)
    last.tension_after = exercise.tension
    last.save(update_fields=["reckoning_from", "tension_after"])
    TeamScore.objects.filter(round=last).delete()
    settlement.score_teams(exercise, last)
    record(
        exercise,
        Event.Kind.FINAL_RECKONING,
        actor,
        round=last,
        kept=tally.kept,
        broken=tally.broken,
        voided=tally.voided,
        withdrawn=tally.withdrawn,
        news=news,
        tension_before=round_to(last.reckoning_from),
        tension=round_to(exercise.tension),
    )
