"""Fragments: render each live part of a page once, keep it, send only what changed.

A live page (console, projector, observer view, team room) is made of named
{% partialdef %} fragments. Content that is the same for every viewer is kept in the
cache per revision (``render_fragments``, ``keep_team_fragment``), with the CSRF token
as a placeholder filled in per request. A poll's answer (``live_response``) carries
out-of-band swaps for the fragments whose HTML changed only.
"""

import hashlib
import re
import time

from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django_htmx.http import HttpResponseStopPolling

from exercises import numbers
from exercises.live.revisions import REFRESH_SECONDS, TTL_SECONDS, last_wide, refresh_state, team_unchanged

# --- fragments cached across requests -------------------------------------------------------------
#
# A fragment that is the same for every viewer is rendered once and kept in the cache. The
# one thing in it that belongs to a browser, the CSRF token of its forms, is stored as a
# placeholder and filled in with the requester's own token on the way out.

_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_CSRF_PLACEHOLDER = "\x00csrf\x00"


def to_cache(html: str) -> str:
    return _CSRF_INPUT.sub(lambda m: m.group(1) + _CSRF_PLACEHOLDER + m.group(2), html)


def from_cache(request, html: str) -> str:
    if _CSRF_PLACEHOLDER not in html:
        return html
    from django.middleware.csrf import get_token

    return html.replace(_CSRF_PLACEHOLDER, get_token(request))


def _team_fragment_key(exercise_id: int, team_id: int) -> str:
    return f"team-live:{exercise_id}:{team_id}"


def cached_team_fragment(request, exercise_id: int, team_id: int) -> tuple[str, bool] | None:
    """The team's live fragment rendered by a teammate's poll, if nothing the team sees changed since."""
    found = cache.get(_team_fragment_key(exercise_id, team_id))
    if not found or not team_unchanged(exercise_id, team_id, str(found[0])):
        return None
    return from_cache(request, found[1]), found[2]


def keep_team_fragment(exercise_id: int, team_id: int, revision: int, html: str, ended: bool) -> None:
    key = _team_fragment_key(exercise_id, team_id)
    found = cache.get(key)
    if not found or found[0] <= revision:
        cache.set(key, (revision, to_cache(html), ended), TTL_SECONDS)


# --- fragments: swap only what changed ---------------------------------------------------------
#
# A live page is made of named fragments. Each is wrapped with a hidden "stamp" input
# (a short hash of its HTML); the poll sends the stamps it has (hx-include=".live-stamp")
# and the answer carries out-of-band swaps only for the fragments whose HTML changed,
# so a form half filled in an unchanged fragment is never wiped.

# Django masks the CSRF token differently on every render; it must not count as a change.
_CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def stamp(html: str) -> str:
    return hashlib.blake2s(_CSRF_VALUE.sub("", html).encode(), digest_size=6).hexdigest()


def wrap(name: str, html: str, *, oob: bool = False) -> SafeString:
    return format_html(
        '<div id="live-{}" class="live-fragment"{}><input type="hidden" class="live-stamp" name="s-{}" value="{}">{}</div>',
        name,
        mark_safe(' hx-swap-oob="true"') if oob else "",
        name,
        stamp(html),
        mark_safe(html),
    )


def render_fragments(
    request, template: str, names: list[str], context: dict, cache_keys: dict[str, str] | None = None
) -> dict[str, str]:
    """Each {% partialdef %} named here, rendered on its own.

    A fragment named in ``cache_keys`` is taken from the cache when there, and kept there
    when rendered (see to_cache: the CSRF token is the requester's).
    """
    cache_keys = cache_keys or {}
    cached = cache.get_many([cache_keys[n] for n in names if n in cache_keys]) if cache_keys else {}
    out, fresh = {}, {}
    for name in names:
        key = cache_keys.get(name)
        if key in cached:
            out[name] = from_cache(request, cached[key])
        else:
            out[name] = render_to_string(f"{template}#{name}", context, request)
            if key:
                fresh[key] = to_cache(out[name])
    if fresh:
        cache.set_many(fresh, TTL_SECONDS)
    return out


def page_fragments(fragments: dict[str, str]) -> dict[str, SafeString]:
    return {name: wrap(name, html) for name, html in fragments.items()}


def changed_fragments(request, fragments: dict[str, str]) -> SafeString:
    """Out-of-band swaps for the fragments whose stamp differs from the one the page sent."""
    parts = [
        wrap(name, html, oob=True) for name, html in fragments.items() if request.GET.get(f"s-{name}") != stamp(html)
    ]
    return mark_safe("".join(parts))


# --- which fragments a poll renders, and from where ---------------------------------------------
#
# Fragments that only exercise-wide changes alter (not an offer, not an answer, not the
# clock): rendered once per exercise-wide revision and kept in the cache, so a poll after
# an offer re-renders only the round, teams, matrix and events. The results' charts also
# show the open round's mean scores, which offers move: refreshed every REFRESH_SECONDS.
WIDE_ONLY = ("injects", "umpire", "roster", "observations", "write_news", "stand_ins")


def fragment_cache_keys(exercise, names, variant: str, *, timed=("results",)) -> dict[str, str]:
    """Cache keys for the fragments of ``names`` that may come from the cache (none if unsure)."""
    wide = last_wide(exercise.pk, exercise.revision)
    if wide is None:
        return {}
    bucket = int(time.time()) // REFRESH_SECONDS
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
    wide = last_wide(exercise.pk, exercise.revision)
    seen = numbers.int_or_none(rev, low=0, high=numbers.MAX_ID)
    if seen is None or wide is None or not wide <= seen <= exercise.revision:
        return list(names)
    return [name for name in names if name not in WIDE_ONLY]


def live_response(request, template: str, state: dict, poll_url: str) -> HttpResponse:
    """A poll's answer: a fresh poll element plus out-of-band swaps of the changed fragments."""
    exercise = state["exercise"]
    current = state["current"]
    deadline = current.deadline.timestamp() if current and current.is_open and current.deadline else None
    # Fill or re-sync the cache without marking the revision as a change: team polls stay 204.
    refresh_state(exercise.pk, exercise.revision, deadline)
    state["poll_url"] = poll_url
    fragments = render_fragments(request, template, state["fragment_names"], state, state.get("fragment_cache_keys"))
    body = render_fragments(request, template, ["poll"], state)["poll"] + changed_fragments(request, fragments)
    response = HttpResponse(body)
    if exercise.is_ended:
        response.status_code = HttpResponseStopPolling.status_code
    return response
