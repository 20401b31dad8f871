"""Failed attempts are counted per client, so join codes and passwords cannot be guessed.

A classroom often shares one public address, so the limits count failures only, and
are generous enough for thirty students mistyping a code. Against a guesser they are
tight: with 60 failures per 10 minutes, trying every join code (24**8 ≈ 1.1e11)
would take about 35,000 years.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


@dataclass(frozen=True)
class Limit:
    name: str
    failures: int
    window_seconds: int


JOIN = Limit("join", failures=60, window_seconds=600)
LOGIN = Limit("login", failures=10, window_seconds=900)


def client_address(request) -> str:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


def _key(limit: Limit, request, extra: str = "") -> str:
    return f"ratelimit:{limit.name}:{client_address(request)}:{extra.lower()[:150]}"


def is_blocked(limit: Limit, request, extra: str = "") -> bool:
    return (cache.get(_key(limit, request, extra)) or 0) >= limit.failures


def record_failure(limit: Limit, request, extra: str = "") -> None:
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
