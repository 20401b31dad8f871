"""The team room kept per team: a page as cheap as a poll.

The room is two fragments, each rendered once and kept in the cache:

- the live fragment, per team revision: what polling refreshes (round, clock, results,
  news, inbox, sent offers). It is the very entry a teammate's poll keeps
  (``keep_team_fragment``), so a poll's render serves the next reload and the other way
  round;
- the shell, per exercise-wide revision: everything else (the composer, the private brief,
  the teammates). Offers and answers, which are scoped to teams, leave it as it is.

What belongs to one browser is left as a slot and filled per request: the CSRF token, the
player's name, the composer's client token (two teammates must never send with the same
one) and the messages. Whether both fragments are still true is read from the revisions
(``team_unchanged``, ``wide_unchanged``): the same records the polls read, so whatever
reaches a team's poll also renews its page.
"""

from django.core.cache import cache
from django.utils.html import escape

from exercises.live.fragments import _CSRF_PLACEHOLDER, _team_fragment_key, from_cache, to_cache
from exercises.live.revisions import TTL_SECONDS, team_unchanged, wide_unchanged

# Slots of the page, filled per request.
CSRF = _CSRF_PLACEHOLDER
LIVE = "\x00live\x00"
NAME = "\x00name\x00"
CLIENT_TOKEN = "\x00client-token\x00"
MESSAGES = "\x00messages\x00"


def _shell_key(exercise_id: int, team_id: int) -> str:
    return f"team-shell:{exercise_id}:{team_id}"


def kept_team_page(exercise_id: int, team_id: int, *, also: tuple[str, ...] = ()) -> tuple[str | None, dict]:
    """The team's room as kept, with its slots, if nothing it shows changed; and the ``also`` keys' values.

    One read of the cache for both fragments and whatever the caller needs besides.
    """
    keys = [_shell_key(exercise_id, team_id), _team_fragment_key(exercise_id, team_id), *also]
    found = cache.get_many(keys)
    extra = {key: found[key] for key in also if key in found}
    shell, live = found.get(keys[0]), found.get(keys[1])
    if not shell or not live:
        return None, extra
    if not team_unchanged(exercise_id, team_id, str(live[0])) or not wide_unchanged(exercise_id, shell[0]):
        return None, extra
    return shell[1].replace(LIVE, live[1], 1), extra


def keep_team_page(exercise_id: int, team_id: int, revision: int, shell: str) -> None:
    """Keep the shell rendered at ``revision``, unless a newer one is kept already."""
    key = _shell_key(exercise_id, team_id)
    found = cache.get(key)
    if not found or found[0] <= revision:
        cache.set(key, (revision, to_cache(shell)), TTL_SECONDS)


def fill_page(request, page: str, *, name: str, client_token: str, messages: str = "") -> str:
    """The kept page for this browser: its CSRF token, its player's name, a fresh client token, its messages."""
    page = from_cache(request, page)
    return page.replace(NAME, escape(name)).replace(CLIENT_TOKEN, client_token, 1).replace(MESSAGES, messages, 1)
