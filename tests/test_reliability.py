"""Nothing is lost: restarts, half-failed writes, limits with clear messages."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings

from exercises import live, services
from exercises.models import Commitment, Event, Offer, Round
from tests import factories
from tests.test_views_team import offer_post


def test_a_restart_mid_round_loses_nothing_and_the_clock_continues(exercise, usa, dprk, usa_client):
    with time_machine.travel("2026-03-01 10:00:00Z", tick=False) as clock:
        round_ = services.start_round(exercise=exercise, actor="t")
        offer = factories.send_offer(dprk, [usa.team])
        clock.shift(timedelta(minutes=4))
        cache.clear()  # a restarted server starts with an empty local cache
        live.forget_local()
        page = usa_client.get(f"/play/{usa.team_id}/").content.decode()
        assert f"Offer #{offer.number}" in page
        assert 'data-deadline="2026-03-01T10:10:00+00:00"' in page
        assert Round.objects.get(pk=round_.pk).remaining() == timedelta(minutes=6)


def test_a_failure_midway_through_a_submission_leaves_nothing_behind(exercise, usa, dprk):
    services.start_round(exercise=exercise, actor="t")
    events_before = Event.objects.count()
    failing = mock.patch.object(Commitment.objects, "bulk_create", side_effect=RuntimeError("disk full"))
    with failing, pytest.raises(RuntimeError):
        factories.send_offer(dprk, [usa.team])
    assert not Offer.objects.exists() and not Commitment.objects.exists()
    assert Event.objects.count() == events_before


def test_a_failure_midway_through_a_close_leaves_the_round_open(exercise, usa, dprk):
    round_ = services.start_round(exercise=exercise, actor="t")
    factories.send_offer(dprk, [usa.team])
    with (
        mock.patch("exercises.services.settlement.score_teams", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        services.close_round(round=round_, actor="t")
    round_.refresh_from_db()
    assert round_.status == Round.Status.OPEN
    assert Offer.objects.get().status == Offer.Status.PENDING
    assert not Event.objects.filter(kind=Event.Kind.ROUND_CLOSED).exists()
    assert services.close_round(round=round_, actor="t") is True


@override_settings(TABLETOP_LIMITS={**factories.settings_limits(), "players_per_team": 2})
def test_a_full_team_says_so(client, exercise):
    usa = factories.team(exercise, "USA")
    for name in ("Ann", "Ben"):
        assert client.post("/join/", {"code": usa.join_code, "display_name": name}).status_code == 302
    response = client.post("/join/", {"code": usa.join_code, "display_name": "Cy"})
    assert response.status_code == 200
    assert b"already has 2 players" in response.content
    # A player who is already seated can always come back.
    assert client.post("/join/", {"code": usa.join_code, "display_name": "ann"}).status_code == 302


def test_long_text_is_refused_with_the_limit_named(exercise, usa, dprk, dprk_client):
    services.start_round(exercise=exercise, actor="t")
    rows = [{"by": "DPRK", "to": ["USA"], "action": "freeze", "text": "x" * 2001}]
    response = dprk_client.post(f"/play/{dprk.team_id}/offers/", offer_post(rows))
    assert response.status_code == 400
    assert b"at most 2000 characters" in response.content
