"""Signed-cookie sessions verified once per worker (exercises/sessions.py)."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.test import override_settings

from exercises import sessions


@pytest.fixture(autouse=True)
def _no_remembered_cookies():
    sessions._verified.clear()
    yield
    sessions._verified.clear()


def _signed(data: dict) -> str:
    store = sessions.SessionStore()
    store.update(data)
    store.save()
    return store.session_key


def _load(key: str) -> dict:
    return sessions.SessionStore(session_key=key).load()


def test_a_verified_cookie_is_remembered_and_decoded_as_a_fresh_copy():
    key = _signed({"seats": {"3": [7, 1]}})
    first = _load(key)
    assert key in sessions._verified
    first["seats"]["3"] = "changed by a view"
    assert _load(key) == {"seats": {"3": [7, 1]}}


def test_a_remembered_cookie_skips_the_signature_check(monkeypatch):
    key = _signed({"a": 1})
    _load(key)

    def no_second_check(*args, **kwargs):
        raise AssertionError("verified again")

    monkeypatch.setattr(signing, "loads", no_second_check)
    assert _load(key) == {"a": 1}


def test_a_tampered_cookie_is_neither_accepted_nor_remembered():
    key = _signed({"seats": {"3": [7, 1]}})
    _load(key)
    payload, stamp, signature = key.rsplit(":", 2)
    forged = f"{payload}A:{stamp}:{signature}"
    store = sessions.SessionStore(session_key=forged)
    assert store.load() == {} and store.modified
    assert forged not in sessions._verified


def test_an_expired_cookie_is_refused_even_when_remembered():
    with time_machine.travel("2026-03-01 10:00:00Z", tick=False) as clock:
        key = _signed({"a": 1})
        assert _load(key) == {"a": 1}
        clock.shift(timedelta(days=15))  # SESSION_COOKIE_AGE is 14 days
        store = sessions.SessionStore(session_key=key)
        assert store.load() == {} and store.modified


def test_a_new_secret_forgets_every_remembered_cookie():
    key = _signed({"a": 1})
    _load(key)
    with override_settings(SECRET_KEY="another-secret-key-" + "y" * 40):
        assert sessions._verified == {}
        assert sessions.SessionStore(session_key=key).load() == {}


def test_the_memory_is_bounded(monkeypatch):
    monkeypatch.setattr(sessions, "MAX_REMEMBERED", 3)
    keys = [_signed({"n": n}) for n in range(5)]
    for key in keys:
        _load(key)
    assert list(sessions._verified) == keys[2:]


def test_a_player_keeps_the_seat_across_polls(exercise, usa, usa_client, django_assert_num_queries):
    first = usa_client.get(f"/play/{usa.team_id}/poll/?rev=0")
    assert first.status_code == 200
    rev = first.content.decode().split("rev=")[1].split('"')[0]
    with django_assert_num_queries(0):
        assert usa_client.get(f"/play/{usa.team_id}/poll/?rev={rev}").status_code == 204
    assert sessions._verified  # the seat cookie was verified once and remembered
