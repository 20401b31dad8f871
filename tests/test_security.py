"""Security promises that are not about one page: rate limits, CSP, deploy checks, faults."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

from django.db import OperationalError

from exercises.models import Participant
from tests import factories

ROOT = Path(__file__).resolve().parents[1]


def test_failed_joins_are_rate_limited(client, exercise):
    for _ in range(60):
        response = client.post("/join/", {"code": "WRONGCOD", "display_name": "Eve"})
        assert response.status_code == 200
    response = client.post("/join/", {"code": "WRONGCOD", "display_name": "Eve"})
    assert response.status_code == 429
    assert b"Too many attempts" in response.content and response["Retry-After"] == "600"
    # Even the right code waits: the limit is per client, not per code.
    usa = factories.team(exercise, "USA")
    assert client.post("/join/", {"code": usa.join_code, "display_name": "Eve"}).status_code == 429
    assert not Participant.objects.exists()


def test_successful_joins_do_not_count(client, exercise):
    usa = factories.team(exercise, "USA")
    for i in range(70):
        assert client.post("/join/", {"code": usa.join_code, "display_name": f"P{i % 25}"}).status_code == 302


def test_failed_logins_are_rate_limited(client, facilitator):
    for _ in range(10):
        assert client.post("/accounts/login/", {"username": "alice", "password": "wrong"}).status_code == 200
    response = client.post("/accounts/login/", {"username": "alice", "password": factories.PASSWORD})
    assert response.status_code == 429
    # Another username from the same address is not locked out by alice's failures.
    factories.make_facilitator("carol")
    assert client.post("/accounts/login/", {"username": "carol", "password": factories.PASSWORD}).status_code == 302


def test_admin_login_goes_through_the_rate_limit(client, facilitator):
    for _ in range(10):
        client.post("/admin/login/", {"username": "alice", "password": "wrong"})
    assert client.post("/admin/login/", {"username": "alice", "password": "wrong"}).status_code == 429


def test_pages_carry_a_strict_content_security_policy(client, db):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))
    # A nonce appears only when a page carries an inline script; never unsafe-inline or eval.
    assert script_src.startswith("script-src 'self'") and "unsafe" not in script_src
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_csrf_is_enforced(csrf_client, exercise):
    usa = factories.team(exercise, "USA")
    response = csrf_client.post("/join/", {"code": usa.join_code, "display_name": "Ann"})
    assert response.status_code == 403
    assert not Participant.objects.exists()


def test_htmx_sends_the_csrf_token(client, db):
    body = client.get("/").content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in body


def test_a_database_outage_is_a_clear_503(client, exercise, usa):
    seated = client
    factories.seat(seated, usa)
    with mock.patch("exercises.views.team.services.close_if_expired", side_effect=OperationalError("down")):
        response = seated.get(f"/play/{usa.team_id}/")
    assert response.status_code == 503
    assert b"try again" in response.content and response["Retry-After"] == "5"
    assert b"Traceback" not in response.content


def test_a_poll_during_an_outage_is_an_empty_503(client, exercise, usa):
    factories.seat(client, usa)
    with mock.patch("exercises.views.team.services.close_if_expired", side_effect=OperationalError("locked")):
        response = client.get(f"/play/{usa.team_id}/poll/?rev=0", HTTP_HX_REQUEST="true")
    assert response.status_code == 503 and response.content == b""


def test_deploy_check_passes_with_the_documented_production_environment():
    # The browser tests' async switch must not leak into a production-like check.
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **base,
        "SECRET_KEY": "x7Gq2-documented-production-like-secret-key-that-is-long-enough-123456",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "tabletop.example.edu",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_COOKIES": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_PRELOAD": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_flags_the_development_key():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**env, "DEBUG": "0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "security.W009" in result.stdout + result.stderr
