"""Signed-cookie sessions that verify each cookie once per worker.

A player's seat lives in a signed cookie (no session table), and every poll reads it.
Checking the signature means a base64 decode, two SHA-256 passes and a decompression:
after the cache read, the largest cost of an unchanged poll. A browser sends the same
cookie until its session changes, so a worker remembers the cookies it has verified
(the whole signed value is the key: nothing unsigned can be found there) and decodes
only the small JSON payload again. Expiry is still checked on every request.
"""

import json
import time

from django.contrib.sessions.backends import signed_cookies
from django.core import signing
from django.core.signals import setting_changed
from django.dispatch import receiver

# Roughly the browsers a worker serves in a lecture hall, several times over.
MAX_REMEMBERED = 4096

_verified: dict[str, tuple[int, str]] = {}  # signed cookie -> (signed at, payload as JSON)


class SessionStore(signed_cookies.SessionStore):
    def load(self):
        key = self.session_key
        known = _verified.get(key) if key else None
        if known is not None and time.time() - known[0] <= self.get_session_cookie_age():
            return json.loads(known[1])
        data = super().load()
        if not self.modified:  # verified; a bad or expired cookie resets the session
            _remember(key, data)
        return data


def _remember(key: str, data: dict) -> None:
    try:
        signed_at = signing.b62_decode(key.rsplit(":", 2)[1])
    except (IndexError, ValueError):
        return
    if len(_verified) >= MAX_REMEMBERED:
        del _verified[next(iter(_verified))]  # the oldest first
    _verified[key] = (signed_at, json.dumps(data))


@receiver(setting_changed)
def _forget_on_new_secret(*, setting, **kwargs):
    if setting in ("SECRET_KEY", "SECRET_KEY_FALLBACKS", "SESSION_COOKIE_AGE", "SESSION_SERIALIZER"):
        _verified.clear()
