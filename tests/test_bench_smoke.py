"""The benchmark runner starts and its load client parses HTTP; no timings here (make bench)."""

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

from loadclient import Browser, parse_response, percentile  # noqa: E402


def test_run_py_help():
    out = subprocess.run([sys.executable, str(BENCH / "run.py"), "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "--db" in out.stdout and "--quick" in out.stdout


def test_the_load_client_parses_plain_and_chunked_responses():
    status, headers, pairs, body = parse_response(
        b"HTTP/1.1 302 Found\r\nLocation: /play/3/\r\nSet-Cookie: a=1; Path=/\r\nSet-Cookie: b=2\r\n"
        b"Content-Length: 2\r\n\r\nokEXTRA"
    )
    assert (status, headers["location"], body) == (302, "/play/3/", b"ok")
    assert [v for k, v in pairs if k == "set-cookie"] == ["a=1; Path=/", "b=2"]
    status, _, _, body = parse_response(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    )
    assert (status, body) == (200, b"abcde")


def test_cookies_and_percentiles():
    browser = Browser(8000)
    browser._store_cookie("sessionid=xyz; HttpOnly; Path=/")
    browser._store_cookie('messages=""; Max-Age=0; Path=/')
    assert browser.cookies == {"sessionid": "xyz"}
    assert percentile([5, 1, 4, 2, 3], 50) == 3 and percentile([], 95) == 0.0
