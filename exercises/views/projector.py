"""The room's screen and the printable join cards: public information only, never a brief."""

import hashlib

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from exercises import access, live, qr, rooms

TEMPLATE = "exercises/projector.html"
FRAGMENTS = ["header", "inject", "agreements", "leaderboard", "join"]
# Only exercise-wide changes alter these (news, the revealed leaderboard, the join codes):
# from the cache between them. The header (clock) and the agreements render every time.
CACHED = ("inject", "leaderboard", "join")


def _cache_keys(request, exercise) -> dict[str, str]:
    wide = live.last_wide(exercise.pk, exercise.revision)
    if wide is None:
        return {}
    # The join links name the site as this request reached it.
    site = hashlib.blake2s(qr.site_base(request).encode(), digest_size=4).hexdigest()
    return {name: f"frag:projector:{exercise.pk}:{name}:{wide}:{site}" for name in CACHED}


@login_required
@require_GET
def projector(request, exercise_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    access.grant_console(request, exercise.pk)
    state = rooms.projector_state(request, exercise)
    state["fragment_names"] = FRAGMENTS
    state["live"] = live.page_fragments(
        live.render_fragments(request, TEMPLATE, FRAGMENTS, state, _cache_keys(request, exercise))
    )
    return render(request, TEMPLATE, state)


@require_GET
def projector_poll(request, exercise_id: int):
    """Unchanged: 204 from the session and the cache, no query."""
    if access.has_console(request, exercise_id) and live.unchanged(request, exercise_id):
        return HttpResponse(status=204)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    exercise = access.exercise_for_facilitator(request, exercise_id)
    access.grant_console(request, exercise.pk)
    state = rooms.projector_state(request, exercise)
    state["fragment_names"] = FRAGMENTS
    state["fragment_cache_keys"] = _cache_keys(request, exercise)
    return live.live_response(request, TEMPLATE, state, state["poll_url"])


@login_required
@require_GET
def join_cards(request, exercise_id: int):
    """One card per team to print and cut: name, code, link and QR code."""
    exercise = access.exercise_for_facilitator(request, exercise_id)
    teams = list(exercise.teams.all())
    return render(
        request,
        "exercises/join_cards.html",
        {"exercise": exercise, "join_kit": qr.join_kit(request, teams), "join_base": qr.site_base(request) + "/join/"},
    )
