"""Cheap live updates: one home for revisions, scopes, fragment caching and poll answers.

- ``revisions``: each exercise's revision in the cache, what each change touched (one
  team's room or the whole exercise), and the polls' fast paths that read only the cache.
- ``fragments``: the named fragments of a live page, rendered once per revision and kept
  in the cache, their stamps, and the out-of-band answer to a poll.
- ``pages``: the whole team room kept per team (its live fragment and its shell), with
  the slots each request fills (CSRF token, player's name, client token, messages).

Views import ``exercises.live`` and call these names; nothing else writes cache keys
for revisions or fragments.
"""

from exercises.live.fragments import (
    WIDE_ONLY,
    cached_team_fragment,
    changed_fragments,
    changed_since,
    fragment_cache_keys,
    from_cache,
    keep_team_fragment,
    live_response,
    page_fragments,
    render_fragments,
    stamp,
    to_cache,
    wrap,
)
from exercises.live.pages import CLIENT_TOKEN, CSRF, LIVE, MESSAGES, NAME, fill_page, keep_team_page, kept_team_page
from exercises.live.revisions import (
    LOCAL_SECONDS,
    MAX_SKIP,
    REFRESH_SECONDS,
    TTL_SECONDS,
    cached_state,
    forget_local,
    last_wide,
    publish_revision,
    refresh_state,
    scoped_to,
    team_unchanged,
    unchanged,
    wide_unchanged,
)

__all__ = [
    "CLIENT_TOKEN",
    "CSRF",
    "LIVE",
    "MESSAGES",
    "NAME",
    "fill_page",
    "keep_team_page",
    "kept_team_page",
    "wide_unchanged",
    "LOCAL_SECONDS",
    "MAX_SKIP",
    "REFRESH_SECONDS",
    "TTL_SECONDS",
    "WIDE_ONLY",
    "cached_state",
    "cached_team_fragment",
    "changed_fragments",
    "changed_since",
    "forget_local",
    "fragment_cache_keys",
    "from_cache",
    "keep_team_fragment",
    "last_wide",
    "live_response",
    "page_fragments",
    "publish_revision",
    "refresh_state",
    "render_fragments",
    "scoped_to",
    "stamp",
    "team_unchanged",
    "to_cache",
    "unchanged",
    "wrap",
]
