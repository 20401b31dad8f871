"""Attempts counted per client, so join codes and passwords cannot be guessed and a seat
cannot be re-taken in a loop.

A classroom often shares one public address, so the join and login limits count
failures only, and are generous enough for thirty students mistyping a code. Against
a guesser they are tight: with 60 failures per 10 minutes, trying every join code
(24**8 ≈ 1.1e11) would take about 35,000 years. Returning to a seat one already has
(the join form with the same name) is counted per seat: a student who reloads or
changes phone returns a few times an hour, a script two hundred times a second.
"""

import hashlib
import ipaddress
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


@dataclass(frozen=True)
class Limit:
    name: str
    attempts: int
    window_seconds: int


JOIN = Limit("join", attempts=60, window_seconds=600)  # failed joins per address
LOGIN = Limit("login", attempts=10, window_seconds=900)  # failed logins per address and username
REJOIN = Limit("rejoin", attempts=20, window_seconds=600)  # returns to one seat per address


def client_address(request) -> str:
    """The address limits count: the connection's, or the one our own proxies saw.

    Each proxy appends the address it was connected from to X-Forwarded-For, so with
    TRUSTED_PROXY_HOPS proxies of our own the client is that many entries from the
    right. Entries further left are whatever the client wrote, and are ignored; a
    header shorter than expected (a request that skipped a proxy) or an entry that
    is not an address falls back to the connection's address.
    """
    remote = request.META.get("REMOTE_ADDR", "unknown")
    hops = settings.TRUSTED_PROXY_HOPS
    if hops <= 0:
        return remote
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(entries) < hops:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-hops]))
    except ValueError:
        return remote


def login_name(raw: str) -> str:
    """The username as Django's login form reads it (stripped, NFKC), and case-folded.

    The limit must count " eve", "eve\t" and fullwidth "ｅｖｅ" as the same person, since the
    form logs all of them in as eve; folding case as well only makes the count stricter.
    """
    return unicodedata.normalize("NFKC", raw).strip().casefold()


def _key(limit: Limit, request, extra: str = "") -> str:
    # Hashed: the username is typed by anyone, and cache keys must stay short and plain.
    who = hashlib.blake2s(extra.encode(errors="replace"), digest_size=12).hexdigest() if extra else ""
    return f"ratelimit:{limit.name}:{client_address(request)}:{who}"


def is_blocked(limit: Limit, request, extra: str = "") -> bool:
    return (cache.get(_key(limit, request, extra)) or 0) >= limit.attempts


def count_attempt(limit: Limit, request, extra: str = "") -> None:
    key = _key(limit, request, extra)
    # add() starts the window; incr() keeps its expiry, so the window is fixed.
    if not cache.add(key, 1, limit.window_seconds):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, limit.window_seconds)


def too_many(request, limit: Limit):
    response = render(request, "429.html", {"retry_after": limit.window_seconds}, status=429)
    response["Retry-After"] = str(limit.window_seconds)
    return response
