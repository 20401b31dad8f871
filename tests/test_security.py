"""Security promises that are not about one page: rate limits, CSP, deploy checks, faults."""

import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.serializers import JSONSerializer
from django.core import signing
from django.db import OperationalError
from django.db.models import RestrictedError
from django.test import Client, override_settings

from exercises import ratelimit, roster, services
from exercises.models import Event, Offer, Participant, Round
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


# One value per variable of the table in docs/deployment.md, as a deployment would set them.
PRODUCTION = {
    "SECRET_KEY": "x7Gq2-documented-production-like-secret-key-that-is-long-enough-123456",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "tabletop.example.edu",
    "CSRF_TRUSTED_ORIGINS": "https://tabletop.example.edu",
    "SITE_URL": "https://tabletop.example.edu",
    "DATABASE_URL": "postgres://tabletop:secret@db:5432/tabletop",
    "REDIS_URL": "redis://cache:6379/0",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_COOKIES": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_PRELOAD": "1",
    "BEHIND_PROXY": "1",
    "TRUSTED_PROXY_HOPS": "1",
    "TIME_ZONE": "Europe/London",
}


def test_deploy_check_passes_with_the_documented_production_environment():
    table = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8").split("## Environment")[1].split("\n\n")[1]
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", table, flags=re.MULTILINE))
    assert documented == PRODUCTION.keys()  # every documented variable is set here, and no other
    # No database or cache is contacted by the check; the URLs only select the backends.
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_asks_for_a_shared_key_when_none_is_set(tmp_path):
    without_key = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage(
        ["check", "--deploy", "--fail-level", "WARNING"], **without_key, SECRET_KEY_FILE=str(tmp_path / "k")
    )
    assert result.returncode != 0 and "tabletop.W001" in result.stdout + result.stderr
    assert "security.W009" not in result.stdout + result.stderr  # the generated key itself is strong


# --- the key that signs players' seats (issue 14, finding 1) ----------------------------------------

PUBLISHED_KEY = "django-insecure-tabletop-development-key-change-me-in-production"  # the old built-in key


def manage(args, **env):
    """manage.py in a fresh process, without the test run's SECRET_KEY (if any)."""
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def print_key(**env):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    return manage(["shell", "--verbosity", "0", "-c", code], **env)


def forged_session(seats: dict, key: str) -> str:
    """A session cookie as the signed-cookie backend writes it, signed with ``key``."""
    return signing.dumps(
        {"seats": seats}, key=key, salt="django.contrib.sessions.backends.signed_cookies", compress=True,
        serializer=JSONSerializer,
    )  # fmt: skip


def test_a_cookie_signed_with_the_published_key_opens_no_room(client, exercise, usa, dprk):
    client.cookies[django_settings.SESSION_COOKIE_NAME] = forged_session(
        {str(dprk.team_id): [dprk.pk, exercise.pk]}, PUBLISHED_KEY
    )
    response = client.get(f"/play/{dprk.team_id}/")
    assert response.status_code == 302 and response["Location"].startswith("/join/")
    assert django_settings.SECRET_KEY != PUBLISHED_KEY
    # The same cookie signed with this installation's own key does open it: the check is the key.
    client.cookies[django_settings.SESSION_COOKIE_NAME] = forged_session(
        {str(dprk.team_id): [dprk.pk, exercise.pk]}, django_settings.SECRET_KEY
    )
    assert client.get(f"/play/{dprk.team_id}/").status_code == 200


def test_without_secret_key_an_installation_generates_its_own_and_keeps_it(tmp_path):
    key_file = tmp_path / "state" / "secret_key"
    first = print_key(DEBUG="0", SECRET_KEY_FILE=str(key_file))
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert len(key) >= 50 and key != PUBLISHED_KEY and not key.startswith("django-insecure")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = print_key(DEBUG="0", SECRET_KEY_FILE=str(key_file))
    assert again.stdout.strip() == key  # sessions survive a restart
    other = print_key(DEBUG="0", SECRET_KEY_FILE=str(tmp_path / "other"))
    assert other.stdout.strip() != key  # and no two installations share a key
    given = print_key(DEBUG="0", SECRET_KEY="k" * 20 + "-set-in-the-environment-" + "q" * 20)
    assert given.stdout.strip().startswith("kkkk")


def test_without_a_key_or_a_place_to_keep_one_the_server_refuses_to_start(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = manage(["check"], DEBUG="0", SECRET_KEY_FILE=str(blocker / "secret_key"))
    assert result.returncode != 0
    assert "SECRET_KEY is not set and the per-installation key file" in result.stderr
    assert "Set SECRET_KEY" in result.stderr


def test_a_published_development_key_is_refused_unless_debugging(tmp_path):
    refused = manage(["check"], DEBUG="0", SECRET_KEY=PUBLISHED_KEY)
    assert refused.returncode != 0 and "published development key" in refused.stderr
    assert manage(["check"], DEBUG="1", SECRET_KEY=PUBLISHED_KEY).returncode == 0


# --- addresses behind a proxy (finding 2) ----------------------------------------------------------

BEHIND_ONE_PROXY = {"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"), "TRUSTED_PROXY_HOPS": 1}


def test_a_forged_forwarded_for_entry_does_not_escape_the_join_limit(client, exercise):
    with override_settings(**BEHIND_ONE_PROXY):
        for i in range(60):
            # The client writes the first entry; our proxy appends the address it saw.
            forwarded = f"10.{i}.0.1, 203.0.113.7"
            response = client.post(
                "/join/", {"code": "WRONGCOD", "display_name": "Eve"}, HTTP_X_FORWARDED_FOR=forwarded
            )
            assert response.status_code == 200
        response = client.post(
            "/join/", {"code": "WRONGCOD", "display_name": "Eve"}, HTTP_X_FORWARDED_FOR="10.99.0.1, 203.0.113.7"
        )
        assert response.status_code == 429
        # Another student behind the same proxy is someone else.
        response = client.post(
            "/join/", {"code": "WRONGCOD", "display_name": "Ann"}, HTTP_X_FORWARDED_FOR="203.0.113.8"
        )
        assert response.status_code == 200


@pytest.mark.parametrize(
    "hops, forwarded, expected",
    [
        (0, "1.1.1.1, 2.2.2.2", "192.0.2.1"),  # no proxy of ours: the header is the client's own words
        (1, "1.1.1.1, 2.2.2.2", "2.2.2.2"),
        (2, "1.1.1.1, 2.2.2.2, 3.3.3.3", "2.2.2.2"),
        (2, "2.2.2.2", "192.0.2.1"),  # shorter than our chain: it skipped a proxy
        (1, "", "192.0.2.1"),
        (1, "1.1.1.1, not-an-address", "192.0.2.1"),
        (1, "1.1.1.1, 2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_counted_from_the_right(rf, hops, forwarded, expected):
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="192.0.2.1")
    with override_settings(TRUSTED_PROXY_HOPS=hops):
        assert ratelimit.client_address(request) == expected


# --- the username the login limit counts (finding 3) -----------------------------------------------


def test_the_login_limit_counts_the_username_as_the_form_reads_it(client, facilitator):
    variants = [" alice", "alice ", "\talice", "ALICE", "ａｌｉｃｅ", "ａｌｉｃｅ "]
    for i in range(10):
        response = client.post("/accounts/login/", {"username": variants[i % len(variants)], "password": "wrong"})
        assert response.status_code == 200
    for name in ["alice", "ａｌｉｃｅ ", " alice\t"]:
        response = client.post("/accounts/login/", {"username": name, "password": factories.PASSWORD})
        assert response.status_code == 429, name


# --- a removed player stays out; codes can be changed; rejoins are limited (finding 8) ----------------


def join(client, team, name):
    return client.post("/join/", {"code": team.join_code, "display_name": name})


def test_a_removed_player_cannot_walk_back_in(client, facilitator_client, exercise, usa):
    factories.seat(client, usa)
    facilitator_client.post(f"/exercises/{exercise.pk}/players/{usa.pk}/remove/")
    team = usa.team
    for name in ("Ann", "ANN", "Ann the second"):  # the same name, or another from the same browser
        response = join(client, team, name)
        assert response.status_code == 200 and b"removed you from" in response.content, name
    room = client.get(f"/play/{team.pk}/")  # the removal notice, nothing of the team's room
    assert room.status_code == 403 and b"You were removed from the team" in room.content
    usa.refresh_from_db()
    assert usa.is_removed and team.participants.seated().count() == 0
    # A fresh browser with the same name is refused too.
    assert b"removed you from" in join(Client(), team, "ann").content
    assert not Event.objects.filter(kind=Event.Kind.PLAYER_REJOINED).exists()


def test_the_facilitator_readmits_a_removed_player(client, facilitator_client, exercise, usa):
    factories.seat(client, usa)
    roster.remove_participant(participant=usa, actor="t")
    response = facilitator_client.post(f"/exercises/{exercise.pk}/players/{usa.pk}/readmit/", follow=True)
    assert b"Ann readmitted to United States" in response.content
    usa.refresh_from_db()
    assert not usa.is_removed
    assert client.get(f"/play/{usa.team_id}/").status_code == 200  # the old seat works again
    assert join(Client(), usa.team, "Ann").status_code == 302
    assert Event.objects.filter(kind=Event.Kind.PLAYER_READMITTED, details__participant=usa.pk).exists()


def test_the_facilitator_gives_a_team_a_new_code(client, facilitator_client, exercise, usa):
    factories.seat(client, usa)
    team = usa.team
    old = team.join_code
    response = facilitator_client.post(f"/exercises/{exercise.pk}/teams/{team.pk}/join-code/", follow=True)
    team.refresh_from_db()
    assert team.join_code != old and len(team.join_code) == 8
    assert b"new join code" in response.content and team.join_code.encode() in response.content
    stranger = Client()
    assert b"No team has that code" in stranger.post("/join/", {"code": old, "display_name": "Zed"}).content
    assert join(stranger, team, "Zed").status_code == 302
    assert client.get(f"/play/{team.pk}/").status_code == 200  # the seated stay seated
    event = Event.objects.get(kind=Event.Kind.JOIN_CODE_CHANGED)
    assert event.team == team and old not in str(event.details) and team.join_code not in str(event.details)


def test_rejoins_are_limited_and_do_not_flood_the_log(client, exercise):
    usa = factories.team(exercise, "USA")
    assert join(client, usa, "Ann").status_code == 302
    exercise.refresh_from_db()
    revision, events = exercise.revision, exercise.events.count()
    answers = [join(client, usa, "Ann").status_code for _ in range(60)]
    assert answers[:20] == [302] * 20 and set(answers[20:]) == {429}
    exercise.refresh_from_db()
    assert exercise.revision == revision and exercise.events.count() == events
    # Others behind the same address still join, and the limit is per seat.
    assert join(client, usa, "Bob").status_code == 302


# --- the admin cannot rewrite the event log (finding 12) -----------------------------------------


def test_the_admin_cannot_delete_rounds_teams_or_offers(client, exercise, usa, dprk):
    admin = get_user_model().objects.create_superuser("root", password=factories.PASSWORD)
    client.force_login(admin)
    round_ = services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    before = list(Event.objects.values_list("pk", "round_id", "team_id"))
    for model, pk in (("round", round_.pk), ("team", usa.team_id), ("offer", offer.pk), ("participant", usa.pk)):
        # 403, or 404 where the admin has no page for the model at all (teams: only listed in their exercise).
        response = client.post(f"/admin/exercises/{model}/{pk}/delete/", {"post": "yes"})
        assert response.status_code in (403, 404), model
        assert client.post(f"/admin/exercises/{model}/{pk}/change/", {}).status_code in (403, 404), model
    response = client.post(f"/admin/exercises/exercise/{exercise.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert list(Event.objects.values_list("pk", "round_id", "team_id")) == before
    assert Offer.objects.filter(pk=offer.pk).exists()
    # And below the admin: the database refuses to delete a round or team that events name.
    with pytest.raises(RestrictedError):
        Round.objects.filter(pk=round_.pk).delete()
    with pytest.raises(RestrictedError):
        usa.team.delete()
    exercise.delete()  # the whole exercise, log included, may go
    assert not Event.objects.exists()
