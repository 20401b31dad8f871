"""A small asyncio HTTP/1.1 client for the server benchmarks: cookies, forms, timings.

No dependencies beyond the standard library. gunicorn's sync workers close the
connection after every response, so each request opens its own loopback connection,
as a browser behind such a server would. Only 127.0.0.1 targets are allowed.
"""

from __future__ import annotations

import asyncio
import html
import re
import time
import urllib.parse
from dataclasses import dataclass, field

LOOPBACK = "127.0.0.1"


class LoadError(Exception):
    pass


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


def parse_response(raw: bytes) -> tuple[int, dict[str, str], list[tuple[str, str]], bytes]:
    """Status, headers (last value wins), all headers in order, and the body (chunked or not)."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        raise LoadError("incomplete response head")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/"):
        raise LoadError(f"bad status line {lines[0]!r}")
    status = int(parts[1])
    pairs = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        pairs.append((name.strip().lower(), value.strip()))
    headers = dict(pairs)
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = _dechunk(body)
    elif "content-length" in headers:
        body = body[: int(headers["content-length"])]
    return status, headers, pairs, body


def _dechunk(data: bytes) -> bytes:
    out, pos = bytearray(), 0
    while True:
        end = data.index(b"\r\n", pos)
        size = int(data[pos:end].split(b";")[0], 16)
        if size == 0:
            return bytes(out)
        out += data[end + 2 : end + 2 + size]
        pos = end + 2 + size + 2


@dataclass
class Browser:
    """One user agent: a cookie jar and the last page's CSRF form token."""

    port: int
    host: str = LOOPBACK
    timeout: float = 10.0
    cookies: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if self.host != LOOPBACK:
            raise LoadError("benchmarks only load 127.0.0.1")

    async def request(self, method: str, path: str, form: dict | list | None = None, headers=None) -> Reply:
        body = b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Connection: close"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode()
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
            lines.append(f"Referer: http://{self.host}:{self.port}{path}")
            lines.append(f"Origin: http://{self.host}:{self.port}")
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        raw_request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        start = time.perf_counter()
        reader, writer = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), self.timeout)
        try:
            writer.write(raw_request)
            await writer.drain()
            raw = await asyncio.wait_for(reader.read(-1), self.timeout)
        finally:
            writer.close()
        seconds = time.perf_counter() - start
        status, headers_, pairs, payload = parse_response(raw)
        for name, value in pairs:
            if name == "set-cookie":
                self._store_cookie(value)
        return Reply(status, headers_, payload, seconds)

    def _store_cookie(self, header: str) -> None:
        first, *attributes = header.split(";")
        name, _, value = first.strip().partition("=")
        expired = any(a.strip().lower().startswith("max-age=0") for a in attributes)
        if expired or value in ("", '""'):
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    async def get(self, path: str, **kw) -> Reply:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, form, **kw) -> Reply:
        return await self.request("POST", path, form=form, **kw)


CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(page: str) -> str:
    found = CSRF_RE.search(page)
    if not found:
        raise LoadError("no CSRF token on the page")
    return found.group(1)


def attr_url(page: str, pattern: str) -> str | None:
    """The first hx-get URL matching a regex, HTML-unescaped."""
    for found in re.finditer(r'hx-get="([^"]+)"', page):
        url = html.unescape(found.group(1))
        if re.search(pattern, url):
            return url
    return None


STAMP_RE = re.compile(r'name="(s-[\w-]+)" value="(\w+)"')


def stamps(page: str) -> dict[str, str]:
    return dict(STAMP_RE.findall(page))


async def join_team(port: int, code: str, name: str) -> tuple[Browser, int]:
    """A player's first minute: the join form (GET for the CSRF cookie, then POST)."""
    browser = Browser(port)
    form_page = await browser.get("/join/")
    if form_page.status != 200:
        raise LoadError(f"join form answered {form_page.status}")
    reply = await browser.post(
        "/join/", {"csrfmiddlewaretoken": csrf_token(form_page.text), "code": code, "display_name": name}
    )
    found = re.match(r"/play/(\d+)/", reply.location)
    if reply.status != 302 or not found:
        raise LoadError(f"join answered {reply.status} {reply.location!r}")
    return browser, int(found.group(1))


async def login(port: int, username: str, password: str) -> Browser:
    browser = Browser(port)
    page = await browser.get("/accounts/login/")
    reply = await browser.post(
        "/accounts/login/",
        {"csrfmiddlewaretoken": csrf_token(page.text), "username": username, "password": password},
    )
    if reply.status != 302:
        raise LoadError(f"login answered {reply.status}")
    return browser


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]
