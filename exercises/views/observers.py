"""Observers: a share link with a read-only view of the whole exercise and a notebook.

The link's token is the observer's only credential; nothing here changes the game
except recording observations, which feed the after-action report.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from exercises import access, live, rooms, services
from exercises.console_forms import ObservationForm
from exercises.models import Observer

TEMPLATE = "exercises/console.html"  # the console's fragments, rendered read-only
FRAGMENTS = ["round", "teams", "matrix", "injects", "results", "umpire", "observations", "events"]


def _state(observer: Observer) -> dict:
    state = rooms.room_state(observer.exercise)
    state.update({"observer": observer, "read_only": True, "fragment_names": FRAGMENTS})
    return state


def _page(request, observer: Observer, form=None, status: int = 200):
    state = _state(observer)
    state["poll_url"] = reverse("observer_poll", args=[observer.token])
    state["form"] = form or ObservationForm(exercise=observer.exercise, initial={"round": state["current"]})
    state["live"] = live.page_fragments(live.render_fragments(request, TEMPLATE, FRAGMENTS, state))
    return render(request, "exercises/observe.html", state, status=status)


@require_GET
def observe(request, token: str):
    return _page(request, access.observer_for_token(request, token))


@require_GET
def observer_poll(request, token: str):
    """Unchanged: 204 from the session and the cache, no query."""
    exercise_id = access.observed_exercise(request, token)
    if exercise_id is not None and live.unchanged(request, exercise_id):
        return HttpResponse(status=204)
    observer = access.observer_for_token(request, token)
    state = _state(observer)
    # As on the console: after offers and answers only, the exercise-wide fragments
    # (the umpire's table, the news, the notebook) are the ones the page already shows.
    state["fragment_names"] = live.changed_since(observer.exercise, FRAGMENTS, request.GET.get("rev", ""))
    return live.live_response(request, TEMPLATE, state, reverse("observer_poll", args=[token]))


@require_GET
def observer_offer(request, token: str, number: int):
    observer = access.observer_for_token(request, token)
    return render(
        request, *rooms.offer_page(request, observer.exercise, number, back_url=reverse("observe", args=[token]))
    )


@require_POST
def observation_create(request, token: str):
    observer = access.observer_for_token(request, token)
    form = ObservationForm(request.POST, exercise=observer.exercise)
    if not form.is_valid():
        return _page(request, observer, form=form, status=400)
    try:
        services.record_observation(
            observer=observer,
            text=form.cleaned_data["text"],
            round=form.cleaned_data["round"],
            team=form.cleaned_data["team"],
        )
    except services.GameError as exc:
        form.add_error(None, str(exc))
        return _page(request, observer, form=form, status=400)
    messages.success(request, "Observation recorded. It will appear in the after-action report.")
    return redirect(reverse("observe", args=[token]) + "#observe-form")
