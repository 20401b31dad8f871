"""Who may see what: every access gate. Every view starts with one of these helpers.

A facilitator reaches only their own exercises (others' answer 404, so ids leak
nothing). A player reaches only the team whose seat is in their signed session
(``team_seat``). An observer's share link is their only credential
(``observer_for_token``). The grants at the end let an unchanged poll answer from the
signed session and the cache, without a query.
"""

import functools
from datetime import datetime
from typing import NamedTuple

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from exercises.models import Event, Exercise, Observer, Participant, Scenario

SEATS = "seats"  # session key: {team_id: [participant_id, exercise_id]}
SEEN_EVERY_SECONDS = 10


def exercise_for_facilitator(request, exercise_id: int) -> Exercise:
    return get_object_or_404(Exercise.objects.for_facilitator(request.user), pk=exercise_id)


def scenario_for_facilitator(request, scenario_id: int) -> Scenario:
    """The facilitator's own studio scenario; another facilitator's answers 404 like a missing one."""
    return get_object_or_404(Scenario.objects.filter(owner=request.user), pk=scenario_id)


class Seat(NamedTuple):
    participant_id: int
    exercise_id: int


def seat(request, team_id: int) -> Seat | None:
    """The seat this browser holds on the team, read from the signed session: no query."""
    value = request.session.get(SEATS, {}).get(str(team_id))
    if not isinstance(value, list) or len(value) != 2:
        return None
    return Seat(*value)


def seat_participant_id(request, team_id: int) -> int | None:
    found = seat(request, team_id)
    return found.participant_id if found else None


def take_seat(request, participant: Participant) -> None:
    seats = dict(request.session.get(SEATS, {}))
    seats[str(participant.team_id)] = [participant.pk, participant.team.exercise_id]
    request.session[SEATS] = seats


def leave_seat(request, team_id: int) -> None:
    seats = dict(request.session.get(SEATS, {}))
    seats.pop(str(team_id), None)
    request.session[SEATS] = seats


def participant_for_team(request, team_id: int) -> Participant:
    """The player seated on this team in this browser, or 404."""
    participant_id = seat_participant_id(request, team_id)
    if participant_id is None:
        raise Http404("You have no seat on this team.")
    participant = (
        Participant.objects.seated()
        .select_related("team", "team__exercise")
        .filter(pk=participant_id, team_id=team_id)
        .first()
    )
    if participant is None:
        # The facilitator removed or moved this player.
        raise Http404("Your seat on this team is gone.")
    return participant


class SeatedPlayer(NamedTuple):
    """What the kept team room needs of its player (``pk`` and ``last_seen_at`` as mark_seen reads them)."""

    pk: int
    display_name: str
    last_seen_at: datetime | None


def seated_player(request, team_id: int) -> SeatedPlayer | None:
    """The kept room's seat check: the seated player's id, name and presence, in one small query.

    participant_for_team loads the team and the exercise, and with the exercise its whole
    scenario (a JSON document of tens of kilobytes, decoded on every request): four fifths of
    the kept room's time (docs/performance.md, run 7). None for anything but a player seated
    here now; the caller then goes the full way, through team_seat (moves, removals, the join
    page, a facilitator's own browser).
    """
    found = seat(request, team_id)
    if found is None or signed_in(request):
        return None
    # The seat's exercise id needs no join: the session is signed, and what is kept for a team
    # is kept under its real exercise's id (live.kept_team_page), so a wrong one finds nothing.
    rows = (
        Participant.objects.seated()
        .filter(pk=found.participant_id, team_id=team_id)
        .values_list("pk", "display_name", "last_seen_at")[:1]
    )
    return SeatedPlayer(*rows[0]) if rows else None


def signed_in(request) -> bool:
    """A logged-in user (a facilitator trying the room): the page's navigation is theirs alone."""
    return _AUTH_USER in request.session


def follow_move(request, team_id: int) -> int | None:
    """A player the facilitator moved to another team: move this browser's seat too.

    Returns the new team's id, or None when the seat is simply gone (removed player).
    """
    found = seat(request, team_id)
    if found is None:
        return None
    new_team_id = (
        Participant.objects.seated()
        .filter(pk=found.participant_id, team__exercise_id=found.exercise_id)
        .values_list("team_id", flat=True)
        .first()
    )
    if new_team_id is None or new_team_id == team_id:
        return None
    leave_seat(request, team_id)
    seats = dict(request.session.get(SEATS, {}))
    seats[str(new_team_id)] = [found.participant_id, found.exercise_id]
    request.session[SEATS] = seats
    return new_team_id


def removal(request, team_id: int) -> Event | None:
    """The facilitator's removal of the player seated on this team in this browser, if that is why the seat is gone."""
    found = seat(request, team_id)
    if found is None:
        return None
    return (
        Event.objects.filter(
            exercise_id=found.exercise_id,
            team_id=team_id,
            kind=Event.Kind.PLAYER_REMOVED,
            details__participant=found.participant_id,
        )
        .select_related("team", "exercise")
        .order_by("-created_at", "-pk")
        .first()
    )


def mark_seen(participant: Participant, *, drafting: bool = False) -> None:
    """Presence for the console, written at most every few seconds per player."""
    now = timezone.now()
    stale = participant.last_seen_at is None or (now - participant.last_seen_at).total_seconds() >= SEEN_EVERY_SECONDS
    if stale or drafting:
        fields = {"last_seen_at": now}
        if drafting:
            fields["drafting_at"] = now
        Participant.objects.filter(pk=participant.pk).update(**fields)


# --- players: the team_seat gate ------------------------------------------------------------


def team_seat(view):
    """Open only to a player seated on this team; others 404, strangers go to the join page."""

    @functools.wraps(view)
    def wrapper(request, team_id: int, *args, **kwargs):
        if not request.session.get(SEATS):
            return redirect(f"/join/?next=/play/{team_id}/")
        try:
            participant = participant_for_team(request, team_id)
        except Http404:
            moved_to = follow_move(request, team_id)
            if moved_to is not None:
                messages.info(request, "The facilitator moved you to another team.")
                return redirect("team_room", team_id=moved_to)
            removed = removal(request, team_id)
            if removed is None:
                raise
            return removed_page(request, team_id, removed)
        return view(request, participant, *args, **kwargs)

    return wrapper


def removed_page(request, team_id: int, removed: Event):
    """A player the facilitator removed is told so, on a reload as after a poll or a click."""
    if request.htmx:
        return HttpResponseClientRedirect(reverse("team_room", args=[team_id]))
    context = {"team": removed.team, "exercise": removed.exercise, "removed_at": removed.created_at}
    return render(request, "exercises/removed.html", context, status=403)


# --- observers ---------------------------------------------------------------------------------


def observer_for_token(request, token: str) -> Observer:
    """The observer whose share link this is, or 404; the session remembers it for the polls."""
    observer = get_object_or_404(Observer.objects.select_related("exercise"), token=token)
    grant_observer(request, token, observer.exercise_id)
    return observer


# --- who may take the fast path -----------------------------------------------------------------
#
# The console and projector record, in the signed-cookie session, that this logged-in
# user owns the exercise; observers record their token's exercise. An unchanged poll
# then checks the session (a cookie, no query) and the cache, and answers 204 without
# touching request.user, whose lazy lookup would cost a query.

CONSOLES = "consoles"  # session key: {exercise_id: user id}
OBSERVING = "observing"  # session key: {token: exercise_id}
_AUTH_USER = "_auth_user_id"  # django.contrib.auth.SESSION_KEY


def grant_console(request, exercise_id: int) -> None:
    granted = dict(request.session.get(CONSOLES, {}))
    user_key = str(request.session.get(_AUTH_USER, ""))
    if granted.get(str(exercise_id)) != user_key:
        granted[str(exercise_id)] = user_key
        request.session[CONSOLES] = granted


def has_console(request, exercise_id: int) -> bool:
    user_key = request.session.get(_AUTH_USER)
    return user_key is not None and request.session.get(CONSOLES, {}).get(str(exercise_id)) == str(user_key)


def grant_observer(request, token: str, exercise_id: int) -> None:
    observing = dict(request.session.get(OBSERVING, {}))
    if observing.get(token) != exercise_id:
        observing[token] = exercise_id
        request.session[OBSERVING] = observing


def observed_exercise(request, token: str) -> int | None:
    return request.session.get(OBSERVING, {}).get(token)
