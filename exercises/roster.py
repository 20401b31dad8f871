"""Who sits where: joining a team, moving, removing and readmitting players, join codes.

The same rules as exercises/services/: each step checks its preconditions under the exercise
row's lock and records an Event. A player is identified on a team by their name
(models.name_key: case and width do not matter); the facilitator removes a player
without deleting them, so that the removal sticks until they readmit them.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from exercises.models import Event, Participant, Team, name_key, new_join_code
from exercises.services import GameError, locked_exercise, record


@dataclass
class JoinResult:
    participant: Participant
    returning: bool


# A player back within this long was never really away: no event, no new revision.
REJOIN_QUIET = timedelta(minutes=10)


def join_team(*, team: Team, display_name: str, seat_id: int | None = None) -> JoinResult:
    """Seat a player on a team; the same name on the same team is the same player coming back.

    A player the facilitator removed stays out until readmitted: under the same name, or
    from the browser that held the removed seat (``seat_id``, from its session).
    """
    if seat_id is not None and team.participants.filter(pk=seat_id, removed_at__isnull=False).exists():
        raise GameError(_removed_message(team))
    name = " ".join(display_name.split())
    key = name_key(name)
    existing = team.participants.filter(name_key=key).first()
    if existing:
        return _return_to_seat(team, existing)
    try:
        with transaction.atomic():
            _check_room(team)
            participant = Participant.objects.create(team=team, display_name=name, last_seen_at=timezone.now())
            record(team.exercise, Event.Kind.PLAYER_JOINED, participant.label, team=team, name=name)
    except IntegrityError:
        # Two tabs joined with the same name (in any case) at once: both get the one seat.
        return _return_to_seat(team, team.participants.get(name_key=key))
    team.exercise.bump()
    return JoinResult(participant, False)


def _removed_message(team: Team) -> str:
    return f"The facilitator removed you from {team.name}. Ask them to readmit you if this was a mistake."


def _return_to_seat(team: Team, existing: Participant) -> JoinResult:
    """A returning player. News for the console only after a real absence, so a browser
    re-posting the join form in a loop writes no events and leaves every poll at rest."""
    if existing.is_removed:
        raise GameError(_removed_message(team))
    now = timezone.now()
    away = existing.last_seen_at is None or now - existing.last_seen_at >= REJOIN_QUIET
    Participant.objects.filter(pk=existing.pk).update(last_seen_at=now)
    if away:
        record(team.exercise, Event.Kind.PLAYER_REJOINED, existing.label, team=team, name=existing.display_name)
        team.exercise.bump()
    return JoinResult(existing, True)


# --- the facilitator's roster ------------------------------------------------------------------


def move_participant(*, participant: Participant, team: Team, actor: str) -> Participant:
    """Seat a player on another team of the same exercise; their browser follows (see access.follow_move)."""
    with transaction.atomic():
        exercise = locked_exercise(participant.team.exercise_id)
        locked = Participant.objects.select_for_update().select_related("team").get(pk=participant.pk)
        if team.exercise_id != exercise.pk:
            raise GameError("Choose a team of this exercise.")
        if locked.is_removed:
            raise GameError(f"{locked.display_name} was removed; readmit them first.")
        if locked.team_id == team.pk:
            raise GameError(f"{locked.display_name} is already on {team.name}.")
        if team.participants.filter(name_key=locked.name_key).exists():
            raise GameError(f"{team.name} already has a player called {locked.display_name}.")
        _check_room(team)
        before = locked.team
        locked.team = team
        locked.drafting_at = None
        locked.save(update_fields=["team", "drafting_at"])
        record(
            exercise,
            Event.Kind.PLAYER_MOVED,
            actor,
            team=team,
            name=locked.display_name,
            participant=locked.pk,
            before=before.key,
            after=team.key,
        )
    exercise.bump()
    return locked


def _check_room(team: Team) -> None:
    limit = settings.TABLETOP_LIMITS["players_per_team"]
    if team.participants.seated().count() >= limit:
        raise GameError(f"{team.name} already has {limit} players, the most a team can have.")


def remove_participant(*, participant: Participant, actor: str) -> None:
    """The seat stops opening the room at once; the name stays taken until a readmission."""
    with transaction.atomic():
        exercise = locked_exercise(participant.team.exercise_id)
        locked = Participant.objects.select_for_update().select_related("team").get(pk=participant.pk)
        if locked.is_removed:
            raise GameError(f"{locked.display_name} was already removed.")
        locked.removed_at = timezone.now()
        locked.drafting_at = None
        locked.save(update_fields=["removed_at", "drafting_at"])
        record(
            exercise,
            Event.Kind.PLAYER_REMOVED,
            actor,
            team=locked.team,
            name=locked.display_name,
            participant=locked.pk,
        )
    exercise.bump()


def readmit_participant(*, participant: Participant, actor: str) -> Participant:
    """Undo a removal: the player's browser opens the room again, and their name joins again."""
    with transaction.atomic():
        exercise = locked_exercise(participant.team.exercise_id)
        locked = Participant.objects.select_for_update().select_related("team").get(pk=participant.pk)
        if not locked.is_removed:
            raise GameError(f"{locked.display_name} is on {locked.team.name} already.")
        _check_room(locked.team)
        locked.removed_at = None
        locked.save(update_fields=["removed_at"])
        record(
            exercise,
            Event.Kind.PLAYER_READMITTED,
            actor,
            team=locked.team,
            name=locked.display_name,
            participant=locked.pk,
        )
    exercise.bump()
    return locked


def rotate_join_code(*, team: Team, actor: str) -> Team:
    """A new code for the team: the old one stops working; players already seated stay seated.

    The event names the team, not the code: codes are secrets and the log is exported.
    """
    with transaction.atomic():
        exercise = locked_exercise(team.exercise_id)
        locked = Team.objects.select_for_update().get(pk=team.pk)
        code = new_join_code()
        while Team.objects.filter(join_code=code).exists():  # 1 in 10**11; still, never reuse one
            code = new_join_code()
        locked.join_code = code
        locked.save(update_fields=["join_code"])
        record(exercise, Event.Kind.JOIN_CODE_CHANGED, actor, team=locked)
    exercise.bump()
    return locked
