"""The facilitator's live console: the room at a glance, the clock, injects, umpire, roster.

The page is made of live fragments ({% partialdef %} in console.html). A poll with an
unchanged revision answers 204 from the cache; otherwise only the fragments whose HTML
changed are swapped (exercises/live/). What the fragments show: exercises/rooms.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from exercises import access, live, numbers, qr, rooms, roster, services, triggered_news
from exercises.actions import act, back
from exercises.console_forms import InjectForm, ObserverForm
from exercises.models import Commitment, Participant

TEMPLATE = "exercises/console.html"
FRAGMENTS = [
    *("round", "teams", "stand_ins", "matrix", "injects", "results", "umpire", "roster", "observations", "events"),
]


def _poll_url(exercise) -> str:
    return reverse("console_poll", args=[exercise.pk])


def console_page(request, exercise, *, inject_form=None, observer_form=None, status: int = 200):
    access.grant_console(request, exercise.pk)
    state = rooms.room_state(exercise)
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
    keys = live.fragment_cache_keys(exercise, FRAGMENTS, "console")
    state["live"] = live.page_fragments(live.render_fragments(request, TEMPLATE, FRAGMENTS, state, keys))
    # A blank news form changes only with the exercise (when it ends), and its audience list
    # costs a widget template per team: from the cache too. Never one with errors.
    form_keys = live.fragment_cache_keys(exercise, ["write_news"], "console") if inject_form is None else {}
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
    if access.has_console(request, exercise_id) and live.unchanged(request, exercise_id):
        return HttpResponse(status=204)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    exercise = access.exercise_for_facilitator(request, exercise_id)
    access.grant_console(request, exercise.pk)
    state = rooms.room_state(exercise)
    state["fragment_names"] = live.changed_since(exercise, FRAGMENTS, request.GET.get("rev", ""))
    state["fragment_cache_keys"] = live.fragment_cache_keys(exercise, state["fragment_names"], "console")
    return live.live_response(request, TEMPLATE, state, _poll_url(exercise))


@login_required
@require_GET
def console_offer(request, exercise_id: int, number: int):
    """One offer with its scores and reasons: a modal on the console, a page without JavaScript."""
    exercise = access.exercise_for_facilitator(request, exercise_id)
    return render(
        request, *rooms.offer_page(request, exercise, number, back_url=reverse("exercise_detail", args=[exercise.pk]))
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
        return back(exercise, "injects-heading")
    actor = services.facilitator_label(request.user)
    return act(
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
    return act(
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
    return act(
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
    return act(
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
    return act(
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
        return back(exercise, "umpire-heading")
    actor = services.facilitator_label(request.user)
    return act(
        request,
        exercise,
        lambda: services.override_resolution(
            commitment=commitment, kept=outcome == "kept", reason=request.POST.get("reason", ""), actor=actor
        ),
        f"Offer #{commitment.offer.number}, commitment {commitment.position}: ruled {outcome}. Scores updated.",
        "umpire-heading",
    )


@login_required
@require_POST
def commitment_value(request, exercise_id: int, commitment_id: int):
    """The umpire's "value this step": what a step is worth to its giver and each receiver."""
    exercise = access.exercise_for_facilitator(request, exercise_id)
    commitment = get_object_or_404(
        Commitment.objects.select_related("offer", "offer__exercise"), pk=commitment_id, offer__exercise=exercise
    )
    try:
        giver, receiver = (_optional_number(request.POST.get(name, "")) for name in ("giver", "receiver"))
    except ValueError:
        messages.error(request, "Values are numbers, such as -3 or 4.5; leave both empty to clear.")
        return back(exercise, "umpire-heading")
    cleared = giver is None and receiver is None
    actor = services.facilitator_label(request.user)
    return act(
        request,
        exercise,
        lambda: services.value_step(commitment=commitment, giver=giver, receiver=receiver, actor=actor),
        f"Offer #{commitment.offer.number}, commitment {commitment.position}: "
        + ("umpire's value cleared." if cleared else "valued by the umpire.")
        + " Scores updated.",
        "umpire-heading",
    )


def _optional_number(raw: str) -> float | None:
    """A number typed in the console ("4", "-2.5", "4,5"); empty is None; ValueError otherwise."""
    raw = raw.strip().replace(",", ".")
    if not raw:
        return None
    value = float(raw)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(raw)
    return value


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
        return back(exercise, "roster-heading")
    actor = services.facilitator_label(request.user)
    return act(
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
    return act(
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
    return act(
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
    return act(
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
    return act(
        request,
        exercise,
        lambda: services.invite_observer(exercise=exercise, name=form.cleaned_data["name"], actor=actor),
        f"{form.cleaned_data['name']} invited: send them the share link below.",
        "observers-heading",
    )
