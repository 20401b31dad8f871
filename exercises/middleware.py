"""Turn a database that is down or locked too long into a clear 503, never a stack trace."""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class StandInsMiddleware:
    """Before a view about an exercise runs, let its bots make the moves that fell due (exercises/bots.py).

    Only requests that show the exercise to someone entitled to it count: the owner's
    console and projector (the session's grant), a seated player's room (the seat), an
    observer's view (the token's grant). All three are read from the signed session, so a
    stranger's requests move nothing, and an exercise without bots costs a cached flag.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        granted = getattr(request, "_stand_ins_ungranted", None)
        if granted is not None and response.status_code == 200:
            from exercises import access, bots

            # The console or projector page just granted this session the exercise: learn now,
            # with the page's own queries, whether it has bots, so that its polls stay query-free.
            if access.has_console(request, granted):
                bots.has_bots(granted)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        from exercises import access, bots, numbers

        exercise_id = numbers.int_or_none(view_kwargs.get("exercise_id"), low=1, high=numbers.MAX_ID)
        if exercise_id is not None and not access.has_console(request, exercise_id):
            request._stand_ins_ungranted = exercise_id
            exercise_id = None  # only the owner's console and projector (a session grant, no query) move the bots
        if exercise_id is None and "team_id" in view_kwargs:
            seat = access.seat(request, view_kwargs["team_id"])
            exercise_id = seat.exercise_id if seat else None
        if exercise_id is None and "token" in view_kwargs:
            exercise_id = access.observed_exercise(request, view_kwargs["token"])
        if exercise_id is None:
            return None
        try:
            bots.maybe_tick(exercise_id)
        except (OperationalError, InterfaceError) as exc:  # the view will say the database is down
            logger.warning("stand-ins skipped on %s: %s", request.path, exc)
        return None


RETRY_AFTER_SECONDS = 5


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)) and type(exception) is not DatabaseError:
            return None
        logger.warning("database unavailable on %s: %s", request.path, exception)
        if getattr(request, "htmx", False):
            body = ""
        else:
            body = render_to_string("503.html", request=request)
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
