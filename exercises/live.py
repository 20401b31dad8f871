"""Cheap live updates: the revision of each exercise, published to the cache.

A poll carries the revision the page has. When the cache holds the same revision
the answer is "nothing changed" without a database query; otherwise the view
renders the fragments. The cache is local memory by default and Redis when
REDIS_URL is set, so several app servers share one view of the revisions.
"""

from django.core.cache import cache

# Entries are refreshed on every change; a day covers any class session and a
# missing entry only costs one database read.
TTL_SECONDS = 60 * 60 * 24


def _key(exercise_id: int) -> str:
    return f"exercise-rev:{exercise_id}"


def publish_revision(exercise_id: int, revision: int, deadline_ts: float | None = None) -> None:
    cache.set(_key(exercise_id), (revision, deadline_ts), TTL_SECONDS)


def cached_state(exercise_id: int) -> tuple[int, float | None] | None:
    """(revision, open round's deadline as a timestamp) or None when unknown."""
    return cache.get(_key(exercise_id))


def forget(exercise_id: int) -> None:
    cache.delete(_key(exercise_id))
