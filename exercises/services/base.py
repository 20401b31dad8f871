"""What every step of the game shares: the refusal a user reads, the event record, the exercise lock."""

from django.conf import settings

from exercises.models import Event, Exercise


class GameError(Exception):
    """A refusal the user should read: the round is closed, the offer was answered ..."""


SYSTEM = "system"


def check_length(text: str, what: str) -> None:
    """Free text is bounded everywhere (docs/security.md), in the services too: not only forms call them."""
    limit = settings.TABLETOP_LIMITS["text_length"]
    if len(text) > limit:
        raise GameError(f"{what} is {len(text):,} characters long; keep it within {limit:,}.")


def facilitator_label(user) -> str:
    return f"facilitator {user.get_username()}"


def record(exercise, kind, actor: str, *, round=None, team=None, **details) -> Event:
    return Event.objects.create(exercise=exercise, kind=kind, actor=actor, round=round, team=team, details=details)


def locked_exercise(exercise_id: int) -> Exercise:
    return Exercise.objects.select_for_update().get(pk=exercise_id)


def round_to(value: float, digits: int = 1) -> float:
    return round(float(value), digits)
