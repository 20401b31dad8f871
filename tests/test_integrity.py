"""Integrity findings of the adversarial review (issue 14): re-scoring with the right tension,
refusals instead of 500s, nothing resolved after the end, bounded free text, numbers read in
one place, spreadsheet cells that never run. The races themselves are in test_concurrency.py."""

import pytest

from exercises import numbers, roster, services
from exercises.models import Commitment, Event, ImprovementItem, Offer, Round, TeamScore
from exercises.reports import tables
from exercises.reports.data import build_report
from tests import factories
from tests.conftest import player_client

HUGE = "9" * 5000  # past Python's 4,300-digit limit for int()
ODD_DIGITS = ["²", "¹²", "½", "1_0", "⑫", "1e3", "٣", "１２", "-1", "", " ", "0x1f", HUGE, "9" * 19]


# --- finding 5: an umpire's ruling re-scores past rounds with their own tension -------------------


@pytest.fixture
def resolved(exercise, usa, dprk):
    """An agreement in round 1, resolved when round 2 closes; round 3 is running."""
    round1 = services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    services.respond(offer=offer, participant=usa, accept=True)
    services.close_round(round=round1, actor="t")
    services.close_round(round=services.start_round(exercise=exercise, actor="t"), actor="t")
    services.start_round(exercise=exercise, actor="t")
    return offer.commitments.first()


def scores(exercise, number: int) -> dict:
    return {
        s.team.key: (s.delivered, s.stability, s.total)
        for s in TeamScore.objects.filter(round__exercise=exercise, round__number=number).select_related("team")
    }


def test_a_ruling_that_changes_nothing_leaves_past_scores_alone(exercise, resolved):
    before = scores(exercise, 2)
    # News during round 3 moves today's tension far from round 2's.
    services.push_inject(exercise=exercise, actor="t", inject_data={"title": "Test", "text": "x", "tension": 30})
    exercise.refresh_from_db()
    assert exercise.tension != Round.objects.get(exercise=exercise, number=2).tension_after
    services.override_resolution(
        commitment=resolved, kept=resolved.outcome == Commitment.Outcome.KEPT, reason="Confirmed", actor="umpire"
    )
    assert scores(exercise, 2) == before


def test_a_ruling_rescores_every_round_since_with_its_own_tension(exercise, resolved):
    round2 = Round.objects.get(exercise=exercise, number=2)
    services.close_round(round=Round.objects.get(exercise=exercise, number=3), actor="t")
    round3 = Round.objects.get(exercise=exercise, number=3)
    stability = {2: scores(exercise, 2)["USA"][1], 3: scores(exercise, 3)["USA"][1]}
    services.push_inject(exercise=exercise, actor="t", inject_data={"title": "Test", "text": "x", "tension": -30})
    services.override_resolution(
        commitment=resolved, kept=resolved.outcome != Commitment.Outcome.KEPT, reason="Ruled", actor="umpire"
    )
    for closed in (round2, round3):
        after = scores(exercise, closed.number)
        assert after["USA"][1] == stability[closed.number]  # the tension that round ended with
    delivered = {n: scores(exercise, n)["USA"][0] for n in (2, 3)}
    assert delivered[2] == delivered[3]  # the ruling counts from the round it was resolved in


# --- finding 6: a player removed while their page was open -----------------------------------------


def test_an_offer_from_a_removed_player_is_refused_not_a_500(exercise, usa, dprk):
    services.start_round(exercise=exercise, actor="t")
    client = player_client(dprk)
    stale = type(dprk).objects.get(pk=dprk.pk)
    roster.remove_participant(participant=dprk, actor="t")
    with pytest.raises(services.GameError, match="no longer a player of Democratic People's Republic of Korea"):
        factories.send_offer(stale, [usa.team])
    offer = factories.send_offer(usa, [dprk.team], factories.specific_rows("USA", "DPRK"))
    with pytest.raises(services.GameError, match="no longer a player"):
        services.respond(offer=offer, participant=stale, accept=True)
    assert not Offer.objects.filter(from_team=dprk.team).exists()
    room = client.get(f"/play/{dprk.team_id}/")  # the removal notice, nothing of the team's room
    assert room.status_code == 403 and b"You were removed from the team" in room.content


def test_an_offer_from_a_moved_player_is_refused(exercise, usa, dprk):
    services.start_round(exercise=exercise, actor="t")
    stale = type(dprk).objects.select_related("team").get(pk=dprk.pk)
    roster.move_participant(participant=dprk, team=factories.team(exercise, "ROK"), actor="t")
    with pytest.raises(services.GameError, match="removed or moved you"):
        factories.send_offer(stale, [usa.team])


# --- finding 9: nothing is resolved or scored after the end ----------------------------------------


def test_the_deadline_closer_leaves_an_ended_exercise_alone(exercise, usa, dprk):
    round_ = services.start_round(exercise=exercise, actor="t")
    # An exercise that ended with a round still open (as the race once left it).
    type(exercise).objects.filter(pk=exercise.pk).update(status="ended")
    Round.objects.filter(pk=round_.pk).update(deadline=round_.opened_at)
    events = exercise.events.count()
    assert services.close_expired_rounds() == 0
    assert services.close_round(round=round_, actor="t") is False
    assert exercise.events.count() == events
    assert not TeamScore.objects.filter(round=round_).exists()


# --- finding 10: free text is bounded everywhere ------------------------------------------------------


def test_an_umpire_reason_over_the_limit_is_refused(facilitator_client, exercise, resolved):
    url = f"/exercises/{exercise.pk}/commitments/{resolved.pk}/override/"
    response = facilitator_client.post(url, {"outcome": "kept", "reason": "x" * 1_000_000}, follow=True)
    assert b"keep it within 2,000" in response.content
    resolved.refresh_from_db()
    assert not resolved.overridden and resolved.override_reason == ""
    assert not exercise.events.filter(kind=Event.Kind.COMMITMENT_OVERRIDDEN).exists()
    response = facilitator_client.post(url, {"outcome": "kept", "reason": "y" * 2000}, follow=True)
    resolved.refresh_from_db()
    assert resolved.override_reason == "y" * 2000


def test_an_improvement_plan_item_over_the_limit_is_refused_inline(facilitator_client, exercise):
    url = f"/exercises/{exercise.pk}/report/plan/new/"
    response = facilitator_client.post(url, {"issue": "Deadlines", "recommendation": "r" * 1_000_000})
    assert response.status_code == 400
    assert "at most 2000 characters" in response.content.decode()
    assert not ImprovementItem.objects.exists()


def test_an_observation_over_the_limit_is_refused_by_the_service(exercise):
    from exercises.models import Observer

    observer = Observer.objects.create(exercise=exercise, name="Dean")
    with pytest.raises(services.GameError, match="within 2,000"):
        services.record_observation(observer=observer, text="o" * 2001)


# --- finding 7: every number a browser sends, read by one parser ------------------------------------


@pytest.mark.parametrize("raw", ODD_DIGITS)
def test_the_parser_refuses_or_reads_within_bounds(raw):
    value = numbers.int_or_none(raw, low=1, high=120)
    assert value is None or 1 <= value <= 120
    # Digits of other scripts are digits (Django's forms read them the same); nothing else is.
    assert (value is not None) == (raw in ("٣", "１２"))


def test_the_parser_reads_what_people_type():
    assert numbers.parse_int(" 12 ", low=1, high=120) == 12
    assert numbers.parse_int("+5", low=1, high=120) == 5
    assert numbers.parse_int("-5", low=-10, high=10) == -5
    assert numbers.int_list("1, 3 3", low=1, high=12, max_items=12) == [1, 3]
    assert numbers.int_list("1, ², 99, 3", low=1, high=12, max_items=12, strict=False) == [1, 3]
    with pytest.raises(numbers.NotANumber, match="from 1 to 120"):
        numbers.parse_int("121", low=1, high=120)
    with pytest.raises(numbers.NotANumber):
        numbers.int_list("1, ²", low=1, high=12, max_items=12)


@pytest.fixture
def live(exercise, usa, dprk):
    services.start_round(exercise=exercise, actor="t")
    return factories.send_offer(dprk, [usa.team])


@pytest.mark.parametrize("raw", ["²", HUGE, "9" * 19, "0"])
def test_numbers_in_facilitator_posts_never_fail(facilitator_client, exercise, usa, live, raw):
    base = f"/exercises/{exercise.pk}/"
    response = facilitator_client.post(base + "rounds/1/extend/", {"minutes": raw}, follow=True)
    assert response.status_code == 200 and b"whole number of minutes, from 1 to 120" in response.content
    assert not exercise.events.filter(kind=Event.Kind.ROUND_EXTENDED).exists()
    response = facilitator_client.post(base + "rounds/1/extend/", {"minutes": "٣"}, follow=True)
    assert exercise.events.get(kind=Event.Kind.ROUND_EXTENDED).details["minutes"] == 3
    response = facilitator_client.post(base + f"players/{usa.pk}/move/", {"team": raw}, follow=True)
    assert response.status_code == 200 and b"Choose the team" in response.content


@pytest.mark.parametrize("raw", ["²", HUGE, "9" * 19, "-1"])
def test_numbers_in_team_requests_never_fail(exercise, usa, dprk, live, raw):
    client = player_client(usa)
    assert client.get(f"/play/{usa.team_id}/", {"counter": raw}).status_code == 200
    assert client.get(f"/play/{usa.team_id}/poll/", {"rev": raw}).status_code in (200, 204)
    composer = {"c-TOTAL_FORMS": "2", "c-INITIAL_FORMS": "0", "c-0-by": "USA", "c-1-by": "USA"}
    response = client.post(f"/play/{usa.team_id}/composer/", {**composer, "remove_row": raw})
    assert response.status_code == 200 and response.content.count(b'name="c-TOTAL_FORMS" value="2"') == 1
    row = {"c-0-action": "freeze", "c-0-phase": raw, "c-0-conditional_on": f"1, {raw}"}
    assert client.post(f"/play/{usa.team_id}/preview/", {**composer, **row}).status_code == 200
    response = client.post(f"/play/{usa.team_id}/offers/", {**composer, **row, "recipients": "DPRK", "parent": raw})
    assert response.status_code == 400


@pytest.mark.parametrize("raw", ["²", HUGE])
def test_numbers_in_console_and_observer_polls_never_fail(facilitator_client, exercise, live, raw):
    from exercises.models import Observer

    response = facilitator_client.get(f"/exercises/{exercise.pk}/poll/", {"rev": raw, "at": raw})
    assert response.status_code == 200
    token = Observer.objects.create(exercise=exercise, name="Dean").token
    assert facilitator_client.get(f"/observe/{token}/poll/", {"rev": raw, "at": raw}).status_code == 200
    assert facilitator_client.get(f"/exercises/{exercise.pk}/projector/poll/", {"rev": raw}).status_code == 200


# --- finding 12: a list cell never starts a formula -----------------------------------------------------


def test_list_cells_are_neutralised_in_csv_and_xlsx(exercise, usa, dprk, live):
    evil = '=HYPERLINK("http://example.com/x")'
    Commitment.objects.filter(offer=live).update(to=[evil, "a"])
    report = build_report(exercise)
    to = tables.COMMITMENT_COLUMNS.index("to")
    assert {row[to] for row in tables.table(report, "commitments")[1]} == {f"'{evil}; a"}
    assert tables.to_csv(report, "commitments").count(f"'{evil}".replace('"', '""')) == live.commitments.count()
