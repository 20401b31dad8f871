"""The facilitator's live console: the room at a glance, the clock, injects, umpire, roster.

The page is made of live fragments ({% partialdef %} in console.html). A poll with an
unchanged revision answers 204 from the cache; otherwise only the fragments whose HTML
changed are swapped (see exercises/live.py).
"""

import time
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Max, prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling

from exercises import access, charts, live, numbers, offer_diff, qr, roster, rules, services, triggered_news
from exercises.console_forms import InjectForm, ObserverForm
from exercises.models import SUMMARY_TERMS, Commitment, Event, Exercise, Offer, Participant, Response, TeamScore

TEMPLATE = "exercises/console.html"
FRAGMENTS = ["round", "teams", "matrix", "injects", "results", "umpire", "roster", "observations", "events"]
PRESENT_SECONDS = 30
# A player's composer previews the draft 0.6 s after each pause in typing; this long
# after the last one the team no longer counts as drafting.
DRAFTING_SECONDS = 30
# What a team does, as opposed to having a room open (its polls only say it is present).
ACTIVITY_KINDS = (
    Event.Kind.OFFER_SUBMITTED,
    Event.Kind.OFFER_ACCEPTED,
    Event.Kind.OFFER_REJECTED,
    Event.Kind.OFFER_COUNTERED,
)


# --- what the console shows --------------------------------------------------------------------


def room_state(exercise: Exercise) -> dict:
    """The whole room for the console and the observer view, in a fixed number of queries."""
    if services.close_if_expired(exercise):
        exercise.refresh_from_db()
    rounds = list(exercise.rounds.all())
    current = rounds[-1] if rounds else None
    teams = list(exercise.teams.prefetch_related("participants"))
    offers, recipients, answers = [], {}, set()
    if current:
        # Only what the teams table and the matrix show: 300 offers with their score
        # details and messages cost more to load than the whole fragment to render.
        offers = list(current.offers.only(*MATRIX_OFFER_FIELDS).order_by("number"))
        recipients = recipient_ids(current.offers.all())
        answers = set(Response.objects.filter(offer__round=current).values_list("offer_id", "team_id"))
    latest_closed = next((r for r in reversed(rounds) if r.is_closed), None)
    scores = {s.team_id: s for s in TeamScore.objects.filter(round=latest_closed)} if latest_closed else {}
    acted = dict(
        exercise.events.filter(kind__in=ACTIVITY_KINDS, team__isnull=False)
        .values("team_id")
        .annotate(at=Max("created_at"))
        .values_list("team_id", "at")
    )
    matrix = _annotate_teams(teams, offers, recipients, answers, scores, acted, typing=not exercise.is_ended)
    player_count = sum(len(t.players) for t in teams)
    # Read only when the news fragment is rendered, not when it comes from the cache.
    injects = SimpleLazyObject(lambda: list(exercise.injects.select_related("round").prefetch_related("audience")))
    return {
        "exercise": exercise,
        "rounds": rounds,
        "current": current,
        "teams": teams,
        "offers": offers,
        "player_count": player_count,
        "matrix": matrix,
        "injects": SimpleLazyObject(lambda: injects[:8]),
        "scenario_injects": SimpleLazyObject(lambda: _scenario_injects(exercise, injects)),
        "triggers": SimpleLazyObject(lambda: triggered_news.trigger_rows(exercise)),
        "leaderboard": rules.standings((t for t in teams if t.score), score=lambda t: t.score.total),
        "latest_closed": latest_closed,
        # Computed only when the results fragment is rendered, not taken from the cache.
        "charts": SimpleLazyObject(lambda: charts.exercise_charts(exercise, teams, rounds)),
        "resolved": Commitment.objects.filter(
            offer__exercise=exercise, outcome__in=[Commitment.Outcome.KEPT, Commitment.Outcome.BROKEN]
        )
        .order_by("-resolved_in__number", "offer__number", "position")
        .values_list(*UMPIRE_FIELDS, named=True),
        "observations": exercise.observations.select_related("round", "team").order_by("-created_at", "-pk")[:20],
        "events": exercise.events.order_by("-created_at", "-pk")[:15],
        "revision": exercise.revision,
        "rendered_at": int(time.time()),
    }


def _scenario_injects(exercise: Exercise, injects: list) -> list[dict]:
    """The scenario's prepared news, each marked when it was already pushed (triggered news is listed apart)."""
    pushed_keys = {i.key for i in injects if i.key}
    return [
        dict(i, pushed=i.get("key") in pushed_keys)
        for i in exercise.scenario.get("injects", [])
        if not i.get("trigger")
    ]


MATRIX_OFFER_FIELDS = ("number", "status", "specificity", "reciprocity", "from_team")

# What the umpire's table shows of a resolved commitment (its summary and the ruling): read
# as value rows, as after ten rounds there are hundreds, each with its offer, team and round.
UMPIRE_FIELDS = (
    *("pk", "position", *SUMMARY_TERMS),
    *("outcome", "kept_probability", "overridden", "override_reason"),
    *("offer__number", "offer__from_team__key", "resolved_in__number"),
)


def recipient_ids(offers) -> dict[int, list[int]]:
    """Offer id -> its recipients' team ids, for the offers of a queryset, in one query without Team rows."""
    found = {}
    for offer_id, team_id in Offer.recipients.through.objects.filter(offer__in=offers).values_list(
        "offer_id", "team_id"
    ):
        found.setdefault(offer_id, []).append(team_id)
    return found


def _annotate_teams(teams, offers, recipients, answers, scores, acted, *, typing: bool) -> dict:
    """Each team's row of the teams table, in one pass over the round's offers.

    ``acted`` maps a team to its last offer or answer; with the players' last keystroke
    in the composer it makes the team's "last active". ``typing`` is False once the
    exercise has ended (there is no composer left to type in).
    Returns the matrix's cells: (sending team, receiving team) -> offers, by number.
    """
    now = timezone.now()
    present, drafting = timedelta(seconds=PRESENT_SECONDS), timedelta(seconds=DRAFTING_SECONDS)
    by_pk = {t.pk: t for t in teams}
    for team in teams:
        everyone = list(team.participants.all())
        team.players = [p for p in everyone if not p.is_removed]
        team.removed_players = [p for p in everyone if p.is_removed]
        for player in team.players:
            player.is_present = bool(player.last_seen_at and now - player.last_seen_at < present)
        team.present_count = sum(p.is_present for p in team.players)
        team.drafting = typing and any(p.drafting_at and now - p.drafting_at < drafting for p in team.players)
        moments = [p.drafting_at for p in team.players if p.drafting_at] + [acted.get(team.pk)]
        team.last_active = max((m for m in moments if m), default=None)
        team.sent = team.received = team.answered = team.waiting = 0
        team.score = scores.get(team.pk)
    cells = {}
    for offer in offers:  # by number, so every cell lists its offers in order
        if sender := by_pk.get(offer.from_team_id):
            sender.sent += 1
        for team_id in recipients.get(offer.pk, ()):
            cells.setdefault((offer.from_team_id, team_id), []).append(offer)
            if (team := by_pk.get(team_id)) is None:
                continue
            team.received += 1
            if (offer.pk, team_id) in answers:
                team.answered += 1
            elif offer.status == Offer.Status.PENDING:
                team.waiting += 1
    return cells


# Fragments that only exercise-wide changes alter (not an offer, not an answer, not the
# clock): rendered once per exercise-wide revision and kept in the cache, so a poll after
# an offer re-renders only the round, teams, matrix and events. The results' charts also
# show the open round's mean scores, which offers move: refreshed every REFRESH_SECONDS.
WIDE_ONLY = ("injects", "umpire", "roster", "observations", "write_news")


def fragment_cache_keys(exercise, names, variant: str, *, timed=("results",)) -> dict[str, str]:
    """Cache keys for the fragments of ``names`` that may come from the cache (none if unsure)."""
    wide = live.last_wide(exercise.pk, exercise.revision)
    if wide is None:
        return {}
    bucket = int(time.time()) // live.REFRESH_SECONDS
    keys = {name: f"frag:{variant}:{exercise.pk}:{name}:{wide}" for name in names if name in WIDE_ONLY}
    keys.update({name: f"frag:{variant}:{exercise.pk}:{name}:{wide}:{bucket}" for name in names if name in timed})
    return keys


def changed_since(exercise, names, rev: str) -> list[str]:
    """The fragments of ``names`` that may differ from those of the page at revision ``rev``.

    When no exercise-wide change came after ``rev`` (only offers and answers), the WIDE_ONLY
    fragments are the ones the page already shows: a poll need not fetch them from the
    cache and hash them (the roster alone is 1 MB with 300 players) only to find their
    stamps unchanged.
    """
    wide = live.last_wide(exercise.pk, exercise.revision)
    seen = numbers.int_or_none(rev, low=0, high=numbers.MAX_ID)
    if seen is None or wide is None or not wide <= seen <= exercise.revision:
        return list(names)
    return [name for name in names if name not in WIDE_ONLY]


def _poll_url(exercise) -> str:
    return reverse("console_poll", args=[exercise.pk])


def live_response(request, template: str, state: dict, poll_url: str) -> HttpResponse:
    """A poll's answer: a fresh poll element plus out-of-band swaps of the changed fragments."""
    exercise = state["exercise"]
    current = state["current"]
    deadline = current.deadline.timestamp() if current and current.is_open and current.deadline else None
    # Fill or re-sync the cache without marking the revision as a change: team polls stay 204.
    live.refresh_state(exercise.pk, exercise.revision, deadline)
    state["poll_url"] = poll_url
    fragments = live.render_fragments(
        request, template, state["fragment_names"], state, state.get("fragment_cache_keys")
    )
    body = live.render_fragments(request, template, ["poll"], state)["poll"] + live.changed_fragments(
        request, fragments
    )
    response = HttpResponse(body)
    if exercise.is_ended:
        response.status_code = HttpResponseStopPolling.status_code
    return response


def console_page(request, exercise, *, inject_form=None, observer_form=None, status: int = 200):
    live.grant_console(request, exercise.pk)
    state = room_state(exercise)
    state.update(
        {
            "fragment_names": FRAGMENTS,
            "poll_url": _poll_url(exercise),
            "inject_form": inject_form or InjectForm(exercise=exercise),
            "observer_form": observer_form or ObserverForm(),
            "observers": list(exercise.observers.all()),
            "join_kit": qr.join_kit(request, state["teams"]),
        }
    )
    keys = fragment_cache_keys(exercise, FRAGMENTS, "console")
    state["live"] = live.page_fragments(live.render_fragments(request, TEMPLATE, FRAGMENTS, state, keys))
    # A blank news form changes only with the exercise (when it ends), and its audience list
    # costs a widget template per team: from the cache too. Never one with errors.
    form_keys = fragment_cache_keys(exercise, ["write_news"], "console") if inject_form is None else {}
    state["write_news"] = mark_safe(
        live.render_fragments(request, TEMPLATE, ["write_news"], state, form_keys)["write_news"]
    )
    return render(request, TEMPLATE, state, status=status)


# --- pages ---------------------------------------------------------------------------------------


@login_required
@require_GET
def exercise_console(request, exercise_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    return console_page(request, exercise)


@require_GET
def console_poll(request, exercise_id: int):
    """Unchanged: 204 from the session and the cache, no query. Changed: the changed fragments."""
    if live.has_console(request, exercise_id) and live.unchanged(request, exercise_id):
        return HttpResponse(status=204)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    exercise = access.exercise_for_facilitator(request, exercise_id)
    live.grant_console(request, exercise.pk)
    state = room_state(exercise)
    state["fragment_names"] = changed_since(exercise, FRAGMENTS, request.GET.get("rev", ""))
    state["fragment_cache_keys"] = fragment_cache_keys(exercise, state["fragment_names"], "console")
    return live_response(request, TEMPLATE, state, _poll_url(exercise))


@login_required
@require_GET
def console_offer(request, exercise_id: int, number: int):
    """One offer with its scores and reasons: a modal on the console, a page without JavaScript."""
    exercise = access.exercise_for_facilitator(request, exercise_id)
    return offer_page(request, exercise, number, back_url=reverse("exercise_detail", args=[exercise.pk]))


def offer_page(request, exercise, number: int, *, back_url: str):
    """An offer of the exercise with its scores, answers and, for a counter, what it changed."""
    offer = get_object_or_404(
        exercise.offers.select_related("from_team", "round", "parent__from_team").prefetch_related(
            "recipients", "commitments", "responses__team", "responses__counter_offer"
        ),
        number=number,
    )
    if offer.parent is not None:
        prefetch_related_objects([offer.parent], "recipients", "commitments")
    template = "exercises/console_offer.html#modal_body" if request.htmx else "exercises/console_offer.html"
    context = {"exercise": exercise, "offer": offer, "diff": offer_diff.counter_diff(offer), "back_url": back_url}
    return render(request, template, context)


# --- round control -------------------------------------------------------------------------------


def _back(exercise, anchor: str = ""):
    return redirect(reverse("exercise_detail", args=[exercise.pk]) + (f"#{anchor}" if anchor else ""))


def _act(request, exercise, action, success: str, anchor: str = ""):
    try:
        action()
    except services.GameError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return _back(exercise, anchor)


@login_required
@require_POST
def round_pause(request, exercise_id: int, number: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    round_ = get_object_or_404(exercise.rounds, number=number)
    actor = services.facilitator_label(request.user)
    return _act(
        request,
        exercise,
        lambda: services.pause_round(round=round_, actor=actor),
        f"Round {number} paused: every clock is frozen and no offers can be sent.",
    )


@login_required
@require_POST
def round_resume(request, exercise_id: int, number: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    round_ = get_object_or_404(exercise.rounds, number=number)
    actor = services.facilitator_label(request.user)
    return _act(request, exercise, lambda: services.resume_round(round=round_, actor=actor), f"Round {number} resumed.")


@login_required
@require_POST
def round_extend(request, exercise_id: int, number: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    round_ = get_object_or_404(exercise.rounds, number=number)
    minutes = numbers.int_or_none(request.POST.get("minutes"), low=1, high=services.MAX_EXTEND_MINUTES)
    if minutes is None:
        messages.error(request, f"Extend by a whole number of minutes, from 1 to {services.MAX_EXTEND_MINUTES}.")
        return _back(exercise)
    actor = services.facilitator_label(request.user)
    return _act(
        request,
        exercise,
        lambda: services.extend_round(round=round_, actor=actor, minutes=minutes),
        f"Round {number} extended by {minutes} minute{'s' if minutes != 1 else ''}.",
    )


# --- injects, leaderboard, umpire ----------------------------------------------------------------


@login_required
@require_POST
def inject_push(request, exercise_id: int):
    """Push one of the scenario's prepared injects."""
    exercise = access.exercise_for_facilitator(request, exercise_id)
    key = request.POST.get("key", "")
    data = next((i for i in exercise.scenario.get("injects", []) if i.get("key") == key), None)
    if data is None:
        messages.error(request, "That news item is not in this scenario.")
        return _back(exercise, "injects-heading")
    actor = services.facilitator_label(request.user)
    return _act(
        request,
        exercise,
        lambda: services.push_inject(exercise=exercise, actor=actor, inject_data=data),
        f"Pushed to every team: {data['title']}",
        "injects-heading",
    )


@login_required
@require_POST
def inject_write(request, exercise_id: int):
    """Push news written on the spot, to everyone or to chosen teams."""
    exercise = access.exercise_for_facilitator(request, exercise_id)
    form = InjectForm(request.POST, exercise=exercise)
    if not form.is_valid():
        return console_page(request, exercise, inject_form=form, status=400)
    audience = list(form.cleaned_data["audience"])
    actor = services.facilitator_label(request.user)
    who = ", ".join(t.name for t in audience) if audience else "every team"
    return _act(
        request,
        exercise,
        lambda: services.push_inject(exercise=exercise, actor=actor, inject_data=form.inject_data(), audience=audience),
        f"Pushed to {who}: {form.cleaned_data['title']}",
        "injects-heading",
    )


def _trigger_title(exercise, key: str) -> str:
    return next((i["title"] for i in triggered_news.triggered_injects(exercise.scenario) if i["key"] == key), key)


@login_required
@require_POST
def trigger_fire(request, exercise_id: int):
    """Fire an armed trigger by hand: its news goes to every team now, once."""
    exercise = access.exercise_for_facilitator(request, exercise_id)
    key = request.POST.get("key", "")
    actor = services.facilitator_label(request.user)
    return _act(
        request,
        exercise,
        lambda: triggered_news.fire_trigger(exercise=exercise, key=key, actor=actor),
        f"Fired by hand and pushed to every team: {_trigger_title(exercise, key)}",
        "triggers-heading",
    )


@login_required
@require_POST
def trigger_disarm(request, exercise_id: int):
    """Disarm a trigger: its news will not fire, by play or by hand."""
    exercise = access.exercise_for_facilitator(request, exercise_id)
    key = request.POST.get("key", "")
    actor = services.facilitator_label(request.user)
    return _act(
        request,
        exercise,
        lambda: triggered_news.disarm_trigger(exercise=exercise, key=key, actor=actor),
        f"Disarmed; this news will not fire: {_trigger_title(exercise, key)}",
        "triggers-heading",
    )


@login_required
@require_POST
def leaderboard_reveal(request, exercise_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    reveal = request.POST.get("reveal") == "1"
    actor = services.facilitator_label(request.user)
    return _act(
        request,
        exercise,
        lambda: services.reveal_leaderboard(exercise=exercise, revealed=reveal, actor=actor),
        "The projector now shows the leaderboard." if reveal else "The leaderboard is hidden from the projector.",
        "results-heading",
    )


@login_required
@require_POST
def commitment_override(request, exercise_id: int, commitment_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    commitment = get_object_or_404(
        Commitment.objects.select_related("offer", "offer__exercise"), pk=commitment_id, offer__exercise=exercise
    )
    outcome = request.POST.get("outcome")
    if outcome not in ("kept", "broken"):
        messages.error(request, "Choose kept or broken.")
        return _back(exercise, "umpire-heading")
    actor = services.facilitator_label(request.user)
    return _act(
        request,
        exercise,
        lambda: services.override_resolution(
            commitment=commitment, kept=outcome == "kept", reason=request.POST.get("reason", ""), actor=actor
        ),
        f"Offer #{commitment.offer.number}, commitment {commitment.position}: ruled {outcome}. Scores updated.",
        "umpire-heading",
    )


# --- roster and observers ------------------------------------------------------------------------


def _participant(exercise, participant_id: int) -> Participant:
    return get_object_or_404(Participant.objects.select_related("team"), pk=participant_id, team__exercise=exercise)


@login_required
@require_POST
def player_move(request, exercise_id: int, participant_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    participant = _participant(exercise, participant_id)
    team_id = numbers.int_or_none(request.POST.get("team"), low=1, high=numbers.MAX_ID)
    team = exercise.teams.filter(pk=team_id).first() if team_id else None
    if team is None:
        messages.error(request, "Choose the team to move the player to.")
        return _back(exercise, "roster-heading")
    actor = services.facilitator_label(request.user)
    return _act(
        request,
        exercise,
        lambda: roster.move_participant(participant=participant, team=team, actor=actor),
        f"{participant.display_name} moved to {team.name}.",
        "roster-heading",
    )


@login_required
@require_POST
def player_remove(request, exercise_id: int, participant_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    participant = _participant(exercise, participant_id)
    actor = services.facilitator_label(request.user)
    return _act(
        request,
        exercise,
        lambda: roster.remove_participant(participant=participant, actor=actor),
        f"{participant.display_name} removed from {participant.team.name}. They cannot join it again until"
        " you readmit them.",
        "roster-heading",
    )


@login_required
@require_POST
def player_readmit(request, exercise_id: int, participant_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    participant = _participant(exercise, participant_id)
    actor = services.facilitator_label(request.user)
    return _act(
        request,
        exercise,
        lambda: roster.readmit_participant(participant=participant, actor=actor),
        f"{participant.display_name} readmitted to {participant.team.name}.",
        "roster-heading",
    )


@login_required
@require_POST
def join_code_rotate(request, exercise_id: int, team_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    team = get_object_or_404(exercise.teams, pk=team_id)
    actor = services.facilitator_label(request.user)
    return _act(
        request,
        exercise,
        lambda: roster.rotate_join_code(team=team, actor=actor),
        f"{team.name} has a new join code; the old one no longer works. Players already seated stay seated.",
        "join-heading",
    )


@login_required
@require_POST
def observer_invite(request, exercise_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    form = ObserverForm(request.POST)
    if not form.is_valid():
        return console_page(request, exercise, observer_form=form, status=400)
    actor = services.facilitator_label(request.user)
    return _act(
        request,
        exercise,
        lambda: services.invite_observer(exercise=exercise, name=form.cleaned_data["name"], actor=actor),
        f"{form.cleaned_data['name']} invited: send them the share link below.",
        "observers-heading",
    )
