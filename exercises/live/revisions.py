"""Revisions: what changed in an exercise, and whom it concerns, read from the cache.

Every change bumps the exercise's revision (Exercise.bump) and publishes it here with its
scope: an offer or an answer touches only the teams involved (``scoped_to``), anything
else the whole exercise. A poll carries the revision its page shows; ``unchanged`` and
``team_unchanged`` answer "nothing new" from the cache alone, without a database query.
The cache is local memory by default and Redis when REDIS_URL is set, so several app
servers share one view of the revisions.
"""

import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache

from exercises import numbers

# Entries are refreshed on every change; a day covers any class session and a
# missing entry only costs one database read.
TTL_SECONDS = 60 * 60 * 24


def _key(exercise_id: int) -> str:
    return f"exercise-rev:{exercise_id}"


def publish_revision(exercise_id: int, revision: int, deadline_ts: float | None = None) -> None:
    """After a change (Exercise.bump) or a read of the database (a poll's refresh).

    The first publication of a revision records what it touched: only some teams inside
    ``scoped_to(teams)`` (an offer, an answer), the whole exercise anywhere else. A
    revision already recorded is a refresh and records nothing more.
    """
    teams = _SCOPE.get()
    if teams is not None:
        cache.set(_teams_key(exercise_id, revision), sorted(teams), TTL_SECONDS)
    elif not cache.get_many([_teams_key(exercise_id, revision), _wide_key(exercise_id, revision)]):
        cache.set(_wide_key(exercise_id, revision), 1, TTL_SECONDS)
    refresh_state(exercise_id, revision, deadline_ts)


def refresh_state(exercise_id: int, revision: int, deadline_ts: float | None = None) -> None:
    """Fill a missing entry or move it forward; never back to an older revision."""
    # The shared entry itself, not this worker's copy: a copy a moment old could be
    # behind another worker's publication, and writing from it would move the entry back.
    state = _read_shared(exercise_id)
    if state is None or state[0] < revision or (state[0] == revision and state[1] != deadline_ts):
        state = (revision, deadline_ts)
        cache.set(_key(exercise_id), state, TTL_SECONDS)
    _remember(exercise_id, state)


# --- this worker's copy of each exercise's state ---------------------------------------------------
#
# Almost every request in a lecture hall is a poll asking "anything new?", and the
# answer is in one small cache entry per exercise. Reading it from the shared cache (a
# file, or a round trip to Redis) cost more than the rest of an unchanged poll, so each
# worker keeps its own copy for at most LOCAL_SECONDS: a change made in another worker
# reaches a poll at most that much later (polls come every 2 s), and a change made in
# this worker updates the copy at once.

LOCAL_SECONDS = 0.5
# The copies' clock, on its own so that tests can move it without moving everyone's.
clock = time.monotonic
_local: dict[int, tuple[float, tuple[int, float | None] | None]] = {}


def _read_shared(exercise_id: int) -> tuple[int, float | None] | None:
    state = cache.get(_key(exercise_id))
    _remember(exercise_id, state)
    return state


def _remember(exercise_id: int, state) -> None:
    _local[exercise_id] = (clock(), state)


def cached_state(exercise_id: int) -> tuple[int, float | None] | None:
    """(revision, open round's deadline as a timestamp) or None when unknown."""
    copy = _local.get(exercise_id)
    if copy is not None and clock() - copy[0] < LOCAL_SECONDS:
        return copy[1]
    return _read_shared(exercise_id)


def forget_local() -> None:
    """Drop this worker's copies (tests; a worker's restart does it by itself)."""
    _local.clear()


# --- team-scoped changes ------------------------------------------------------------------------
#
# In a lecture hall, offers arrive several times a second and each bumps the exercise
# revision; if every bump made all 300 team pages re-render, the polls alone would need
# more than two cores. An offer or an answer changes only the rooms of the teams it
# involves, so those changes are recorded per revision with their teams. A team's poll
# holding revision r while the cache has s > r answers 204 when every revision in
# (r, s] is recorded as touching other teams only. Records are written once per
# revision, by the change itself (a refresh of an already recorded revision adds
# nothing), so concurrent writers cannot lose one; a missing record, or a revision
# marked exercise-wide (any change outside ``scoped_to``), means "render": the safe
# answer.

_SCOPE: ContextVar[frozenset[int] | None] = ContextVar("live_scope", default=None)
# Beyond this many revisions behind, a poll simply renders (and catches up).
MAX_SKIP = 300


def _teams_key(exercise_id: int, revision: int) -> str:
    return f"exercise-rev:{exercise_id}:{revision}:teams"


def _wide_key(exercise_id: int, revision: int) -> str:
    return f"exercise-rev:{exercise_id}:{revision}:wide"


@contextmanager
def scoped_to(team_ids):
    """Changes made inside (via Exercise.bump) concern these teams' rooms only."""
    token = _SCOPE.set(frozenset(int(t) for t in team_ids))
    try:
        yield
    finally:
        _SCOPE.reset(token)


def _index_key(exercise_id: int) -> str:
    return f"exercise-rev:{exercise_id}:index"


# The records folded into one entry, so that a poll reads two keys (the state and this
# index) instead of every record since its revision: (start, upto, wide, teams) means
# every revision in (start, upto] is recorded, the last exercise-wide one is ``wide``
# (``start`` when none, as anything at or before ``start`` is unknown) and ``teams``
# maps a team to the last revision that touched it. Records never change once written,
# so an index is true forever; a writer that loses a race only leaves a shorter one.
# A record still missing this far behind the latest revision will never come (a lost
# publication): it is recorded as exercise-wide, which only means "render".
STALE_GAP = 50


def _advance(exercise_id: int, index, latest: int, seen: int | None = None):
    """The index moved forward toward ``latest`` as far as the records go (saved if it moved)."""
    if index is None or latest - index[1] > MAX_SKIP or (seen is not None and not index[0] <= seen <= index[1]):
        # No index, or none that can answer for ``seen``: one that starts at ``seen`` can.
        start = latest if seen is None else seen
        if not 0 <= latest - start <= MAX_SKIP:
            return None
        index = (start, start, start, {})
        moved = True
    else:
        moved = False
    start, upto, wide, teams = index
    if upto >= latest:
        if moved:
            cache.set(_index_key(exercise_id), index, TTL_SECONDS)
        return index
    revisions = range(upto + 1, latest + 1)
    keys = [_teams_key(exercise_id, r) for r in revisions] + [_wide_key(exercise_id, r) for r in revisions]
    found = cache.get_many(keys)
    teams = dict(teams)
    for r in revisions:
        touched = found.get(_teams_key(exercise_id, r))
        if _wide_key(exercise_id, r) in found:
            wide = r
        elif touched is not None:
            for team_id in touched:
                teams[team_id] = r
        elif latest - r >= STALE_GAP:
            cache.add(_wide_key(exercise_id, r), 1, TTL_SECONDS)
            wide = r
        else:
            break  # not published yet: stop here, the next poll goes on
        upto, moved = r, True
    index = (start, upto, wide, teams)
    if moved:
        cache.set(_index_key(exercise_id), index, TTL_SECONDS)
    return index


def team_unchanged(exercise_id: int, team_id: int, rev: str) -> bool:
    """The team poll's fast path: nothing this team sees changed since ``rev``. Cache only."""
    seen = numbers.int_or_none(rev, low=0, high=numbers.MAX_ID)
    if seen is None:
        return False
    state = cached_state(exercise_id)
    if not state:
        return False
    if state[1] is not None and time.time() >= state[1]:
        return False  # the round's deadline passed: some request must close it
    latest = state[0]
    if seen == latest:
        return True
    if not 0 < latest - seen <= MAX_SKIP:
        return False
    index = _advance(exercise_id, cache.get(_index_key(exercise_id)), latest, seen)
    if index is None or index[1] < latest:
        return False
    return seen >= max(index[2], index[3].get(team_id, 0))


def wide_unchanged(exercise_id: int, rev: int) -> bool:
    """No exercise-wide change since ``rev``: only offers and answers (team-scoped) came after.

    What a page shows beside its live fragment (the team room's composer, brief and teammates)
    and was rendered at ``rev`` is still true. Cache only.
    """
    state = cached_state(exercise_id)
    if not state:
        return False
    latest = state[0]
    if rev == latest:
        return True
    if not 0 < latest - rev <= MAX_SKIP:
        return False
    index = _advance(exercise_id, cache.get(_index_key(exercise_id)), latest, rev)
    return index is not None and index[1] >= latest and index[2] <= rev


def last_wide(exercise_id: int, revision: int) -> int | None:
    """An exercise-wide revision W <= ``revision`` after which only team-scoped changes came.

    Content that depends on exercise-wide changes only (the roster, the umpire, the news)
    and was read at ``revision`` may be cached under W. None when the records do not tell.
    """
    index = _advance(exercise_id, cache.get(_index_key(exercise_id)), revision)
    if index is None or index[1] < revision or index[2] > revision:
        return None
    return index[2]


# Presence (seen in the last 30 s) changes with time, not with the revision: a console
# re-reads it this often even when nothing was bumped.
REFRESH_SECONDS = 10


def unchanged(request, exercise_id: int) -> bool:
    """The fast path of every poll: same revision, no deadline passed, presence fresh enough.

    Reads only the cache and the query string, never the database.
    """
    state = cached_state(exercise_id)
    if not state or str(state[0]) != request.GET.get("rev", ""):
        return False
    now = time.time()
    if state[1] is not None and now >= state[1]:
        return False  # the round's deadline passed: some request must close it
    rendered_at = numbers.int_or_none(request.GET.get("at"), low=0, high=numbers.MAX_ID)
    if rendered_at is None:
        return True  # a page without presence to refresh (the projector) sends no "at"
    return now - rendered_at < REFRESH_SECONDS
