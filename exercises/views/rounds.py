"""The round controls: start, pause, resume, extend and close a round; end the exercise.

Each is a POST from the console that runs one service step (see exercises/actions.py).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from exercises import access, numbers, services
from exercises.actions import act, back


def _round(exercise, number: int):
    return get_object_or_404(exercise.rounds, number=number)


@login_required
@require_POST
def round_start(request, exercise_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    actor = services.facilitator_label(request.user)
    return act(request, exercise, lambda: services.start_round(exercise=exercise, actor=actor), "Round started.")


@login_required
@require_POST
def round_pause(request, exercise_id: int, number: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    round_ = _round(exercise, number)
    actor = services.facilitator_label(request.user)
    return act(
        request,
        exercise,
        lambda: services.pause_round(round=round_, actor=actor),
        f"Round {number} paused: every clock is frozen and no offers can be sent.",
    )


@login_required
@require_POST
def round_resume(request, exercise_id: int, number: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    round_ = _round(exercise, number)
    actor = services.facilitator_label(request.user)
    return act(request, exercise, lambda: services.resume_round(round=round_, actor=actor), f"Round {number} resumed.")


@login_required
@require_POST
def round_extend(request, exercise_id: int, number: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    round_ = _round(exercise, number)
    minutes = numbers.int_or_none(request.POST.get("minutes"), low=1, high=services.MAX_EXTEND_MINUTES)
    if minutes is None:
        messages.error(request, f"Extend by a whole number of minutes, from 1 to {services.MAX_EXTEND_MINUTES}.")
        return back(exercise)
    actor = services.facilitator_label(request.user)
    return act(
        request,
        exercise,
        lambda: services.extend_round(round=round_, actor=actor, minutes=minutes),
        f"Round {number} extended by {minutes} minute{'s' if minutes != 1 else ''}.",
    )


@login_required
@require_POST
def round_close(request, exercise_id: int, number: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    round_ = _round(exercise, number)
    actor = services.facilitator_label(request.user)
    return act(
        request,
        exercise,
        lambda: services.close_round(round=round_, actor=actor),
        f"Round {number} closed. Results are below.",
        already=f"Round {number} was already closed.",
    )


@login_required
@require_POST
def exercise_end(request, exercise_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    actor = services.facilitator_label(request.user)
    return act(request, exercise, lambda: services.end_exercise(exercise=exercise, actor=actor), "Exercise ended.")
