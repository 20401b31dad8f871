"""The facilitator's stand-ins: hand a team to a bot or take it back; start a rehearsal (exercises/bots.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from exercises import access, bots, numbers, services


def _console(exercise, anchor: str = "stand-ins-heading"):
    return redirect(reverse("exercise_detail", args=[exercise.pk]) + f"#{anchor}")


@login_required
@require_POST
def team_bot(request, exercise_id: int, team_id: int):
    """persona=<key>: a bot plays the team from now on; persona empty: people play it again."""
    exercise = access.exercise_for_facilitator(request, exercise_id)
    team = get_object_or_404(exercise.teams, pk=team_id)
    persona = request.POST.get("persona", "")
    actor = services.facilitator_label(request.user)
    try:
        if persona:
            bots.hand_over(team=team, persona=persona, actor=actor)
            label = bots.CLASSROOM_PERSONAS[persona].label
            messages.success(
                request, f"{team.name} is played by the {label} bot until you take it back or a player joins."
            )
        elif bots.take_back(team=team, actor=actor):
            messages.success(request, f"{team.name} is played by people again; its bot has stopped.")
        else:
            messages.error(request, f"{team.name} has no bot to take back.")
    except services.GameError as exc:
        messages.error(request, str(exc))
    return _console(exercise)


@login_required
@require_POST
def bot_pace(request, exercise_id: int):
    """The bots' thinking time, in seconds (each move waits from half to one and a half times it)."""
    exercise = access.exercise_for_facilitator(request, exercise_id)
    low, high = bots.PACE_SECONDS
    seconds = numbers.int_or_none(request.POST.get("seconds"), low=low, high=high)
    if seconds is None:
        messages.error(request, f"The bots' pace is a whole number of seconds, from {low} to {high}.")
        return _console(exercise)
    try:
        changed = bots.set_pace(exercise=exercise, seconds=seconds, actor=services.facilitator_label(request.user))
    except services.GameError as exc:
        messages.error(request, str(exc))
    else:
        if changed:
            messages.success(request, f"Bots now take about {seconds} seconds over each move.")
    return _console(exercise)


@login_required
@require_POST
def rehearsal_start(request, exercise_id: int):
    """A copy of the exercise played by bots alone, with 30-second rounds, opened on its console."""
    exercise = access.exercise_for_facilitator(request, exercise_id)
    rehearsal = bots.start_rehearsal(exercise=exercise, facilitator=request.user)
    messages.success(
        request,
        f"Rehearsal started: {rehearsal.num_rounds} rounds of {bots.REHEARSAL_ROUND_SECONDS} seconds, every team a bot. "
        "Keep this console or the projector open: the rounds run while someone watches.",
    )
    return redirect("exercise_detail", exercise_id=rehearsal.pk)
