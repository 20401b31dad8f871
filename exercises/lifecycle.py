"""An exercise's life outside play: its settings, a copy for the next section, archive, delete.

Like exercises/services/, each step locks the exercise row, checks its preconditions under the
lock and records an Event. Deleting is the exception: the exercise's event log goes with
it, so the deletion is written to the ``tabletop.audit`` log instead (docs/facilitator-guide.md).
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from exercises.models import Event, Exercise
from exercises.services import GameError, create_exercise, facilitator_label, locked_exercise, record

audit = logging.getLogger("tabletop.audit")

MAX_ROUND_MINUTES = 180


def change_settings(*, exercise: Exercise, user, title: str, num_rounds: int, round_minutes: int) -> list[str]:
    """New title, number of rounds and round length; returns the names of what changed.

    The length applies to rounds not yet started: a running round keeps its deadline (the
    console's +1 min / +5 min move that). Rounds already started cannot be planned away.
    """
    with transaction.atomic():
        locked = locked_exercise(exercise.pk)
        started = locked.rounds.count()
        if num_rounds < max(started, 1):
            raise GameError(f"{started} rounds have started already: plan at least {max(started, 1)}.")
        if not 1 <= num_rounds <= settings.TABLETOP_LIMITS["rounds_per_exercise"]:
            raise GameError(f"Plan 1 to {settings.TABLETOP_LIMITS['rounds_per_exercise']} rounds.")
        if not 1 <= round_minutes <= MAX_ROUND_MINUTES:
            raise GameError(f"A round lasts 1 to {MAX_ROUND_MINUTES} minutes.")
        if locked.is_ended and (num_rounds, round_minutes) != (locked.num_rounds, locked.round_minutes):
            raise GameError("The exercise has ended: only its title can change.")
        wanted = {"title": title, "num_rounds": num_rounds, "round_minutes": round_minutes}
        changes = {
            name: [getattr(locked, name), value] for name, value in wanted.items() if getattr(locked, name) != value
        }
        if not changes:
            return []
        for name, (_, value) in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(changes))
        record(locked, Event.Kind.EXERCISE_EDITED, facilitator_label(user), round=locked.current_round(), **changes)
    locked.bump()
    return list(changes)


def duplicate(*, exercise: Exercise, user, title: str) -> Exercise:
    """A fresh exercise for the next section: the same scenario as this one was given (its frozen
    copy, not today's file), the same teams and settings; new join codes, seed and observer link.
    Nothing played is copied: no players, rounds, offers, observers or report text."""
    return create_exercise(
        facilitator=user,
        scenario=exercise.scenario,
        title=title,
        team_keys=list(exercise.teams.values_list("key", flat=True)),
        num_rounds=exercise.num_rounds,
        round_minutes=exercise.round_minutes,
        copied_from=exercise,
        scenario_version=exercise.scenario_version,
    )


def archive(*, exercise: Exercise, user, archived: bool) -> None:
    """Take an exercise off the list (or put it back); a running one must be ended first."""
    with transaction.atomic():
        locked = locked_exercise(exercise.pk)
        if locked.is_archived == archived:
            return
        if archived and locked.is_running:
            raise GameError("The exercise is running: end it before you archive it.")
        locked.archived_at = timezone.now() if archived else None
        locked.save(update_fields=["archived_at"])
        kind = Event.Kind.EXERCISE_ARCHIVED if archived else Event.Kind.EXERCISE_RESTORED
        record(locked, kind, facilitator_label(user), round=locked.current_round())
    locked.bump()


def delete(*, exercise: Exercise, user) -> None:
    """Delete the exercise and everything in it (the view asks for its title first); never while it runs."""
    with transaction.atomic():
        locked = locked_exercise(exercise.pk)
        if locked.is_running:
            raise GameError("The exercise is running: end it before you delete it.")
        counts = {
            "teams": locked.teams.count(),
            "offers": locked.offers.count(),
            "events": locked.events.count(),
        }
        pk, title = locked.pk, locked.title
        locked.delete()
    audit.warning("Exercise %s (%r) deleted by %s; it held %s", pk, title, facilitator_label(user), counts)
