"""What a facilitator's button does after its step: a message, then back to the console.

Every console control (round controls, news, umpire, roster, observers) is a POST that
runs one service step and redirects (post/redirect/get), so a reload never repeats it.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from exercises import services


def back(exercise, anchor: str = ""):
    """To the console, at the section the control belongs to."""
    return redirect(reverse("exercise_detail", args=[exercise.pk]) + (f"#{anchor}" if anchor else ""))


def act(request, exercise, action, success: str, anchor: str = "", *, already: str = ""):
    """Run ``action``; say ``success``, or why the game refused it.

    An action that returns False changed nothing because it was already done (a round
    closed twice): ``already`` says so.
    """
    try:
        done = action()
    except services.GameError as exc:
        messages.error(request, str(exc))
    else:
        if done is False and already:
            messages.info(request, already)
        else:
            messages.success(request, success)
    return back(exercise, anchor)
