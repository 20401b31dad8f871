"""The console's own steps: revealing the leaderboard, inviting observers, and their notes."""

from django.db import transaction

from exercises.models import Event, Exercise, Observation, Observer, Round, Team
from exercises.services.base import GameError, check_length, locked_exercise, record


def reveal_leaderboard(*, exercise: Exercise, revealed: bool, actor: str) -> None:
    with transaction.atomic():
        locked = locked_exercise(exercise.pk)
        if locked.leaderboard_revealed == revealed:
            return
        locked.leaderboard_revealed = revealed
        locked.save(update_fields=["leaderboard_revealed"])
        record(locked, Event.Kind.LEADERBOARD_REVEALED, actor, round=locked.current_round(), revealed=revealed)
    exercise.bump()


def invite_observer(*, exercise: Exercise, name: str, actor: str) -> Observer:
    name = " ".join(name.split())
    if not name:
        raise GameError("Give the observer a name.")
    with transaction.atomic():
        locked = locked_exercise(exercise.pk)
        observer = Observer.objects.create(exercise=locked, name=name)
        record(locked, Event.Kind.OBSERVER_INVITED, actor, observer=observer.pk, name=name)
    exercise.bump()
    return observer


def record_observation(*, observer: Observer, text: str, round: Round | None = None, team: Team | None = None):
    """An observer's note, tagged to a round and a team, for the after-action report."""
    text = text.strip()
    if not text:
        raise GameError("Write the observation first.")
    check_length(text, "The observation")
    exercise_id = observer.exercise_id
    if (round and round.exercise_id != exercise_id) or (team and team.exercise_id != exercise_id):
        raise GameError("Choose a round and a team of this exercise.")
    with transaction.atomic():
        exercise = locked_exercise(exercise_id)
        observation = Observation.objects.create(
            exercise=exercise, observer=observer, author=observer.name, round=round, team=team, text=text
        )
        record(
            exercise,
            Event.Kind.OBSERVATION_RECORDED,
            f"observer {observer.name}",
            round=round,
            team=team,
            observation=observation.pk,
            text=text,
        )
    exercise.bump()
    return observation
