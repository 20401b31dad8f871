"""QR codes for join links, drawn locally (segno) as inline SVG: classrooms may be offline."""

import hashlib
from functools import lru_cache
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
# A join link never changes, so neither does its drawing: keep it as long as the cache will.
QR_TTL_SECONDS = 60 * 60 * 24 * 30


def site_base(request) -> str:
    """The address students' phones can reach.

    A facilitator running Tabletop on a laptop opens it as 127.0.0.1, which no phone can
    reach; when SITE_URL names a real host, join links use it instead.
    """
    here = request.build_absolute_uri("/").rstrip("/")
    configured = (settings.SITE_URL or "").rstrip("/")
    if urlsplit(here).hostname in _LOOPBACK and configured and urlsplit(configured).hostname not in _LOOPBACK:
        return configured
    return here


def join_url(request, team) -> str:
    return site_base(request) + reverse("join_code", args=[team.join_code])


@lru_cache(maxsize=512)
def svg(data: str, *, label: str) -> SafeString:
    """A scalable QR code (size it with CSS), with a text alternative.

    Drawing one costs about 15 ms (segno is pure Python), so a console of 40 teams took
    0.6 s the first time each server process drew them. Each process keeps its drawings,
    and the shared cache lets a fresh process (or another gunicorn worker) skip the work.
    """
    key = "qr:" + hashlib.blake2s(f"{data}\n{label}".encode(), digest_size=16).hexdigest()
    markup = cache.get(key)
    if markup is None:
        markup = _draw(data, label)
        cache.set(key, markup, QR_TTL_SECONDS)
    return mark_safe(markup)


def _draw(data: str, label: str) -> str:
    code = segno.make(data, error="m")
    markup = code.svg_inline(scale=1, border=2, omitsize=True, svgclass="qr", title=label, dark="#000", light="#fff")
    return markup.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def join_kit(request, teams) -> list[dict]:
    """For each team: its join link and the QR code that opens it."""
    kit = []
    for team in teams:
        url = join_url(request, team)
        kit.append({"team": team, "url": url, "qr": svg(url, label=f"QR code: join {team.name}")})
    return kit
