"""Linked steps and the final reckoning, played through the services (rules/ledger.py decides)."""

import pytest

from exercises import rules, services
from exercises.models import Commitment, Event, TeamScore
from tests import factories
from tests.conftest import player_client


@pytest.fixture
def dice(monkeypatch):
    """Choose each step's fate: keys (offer number, position) listed in ``broken`` break."""
    broken: set[tuple[int, int]] = set()

    def resolve(seed, key, probability):
        offer, position = key.removeprefix("offer-").split("-c")
        draw = 0.99 if (int(offer), int(position)) in broken else 0.0
        return draw < probability, draw

    monkeypatch.setattr(rules, "resolve_commitment", resolve)
    return broken


def agree(exercise, rows):
    """DPRK offers ``rows`` to the USA, the USA accepts."""
    dprk = factories.make_player(exercise, "DPRK")
    usa = factories.make_player(exercise, "USA")
    offer = factories.send_offer(dprk, [factories.team(exercise, "USA")], rows)
    services.respond(offer=offer, participant=usa, accept=True)
    offer.refresh_from_db()
    assert offer.is_agreement
    return offer


def close(exercise):
    services.close_round(round=exercise.current_round(), actor="t")
    exercise.refresh_from_db()


def outcomes(offer):
    return {c.position: c.outcome for c in Commitment.objects.filter(offer=offer)}


def snap_back_rows():
    """The DPRK freezes first (phase 1, with snap-back); the USA's relief comes in phase 2."""
    rows = factories.specific_rows()
    rows[0].update(duration="for 12 months, with snap-back", phase=1)
    rows[1].update(phase=2)
    return rows


def test_a_step_whose_condition_broke_is_void_and_not_held_against_its_giver(exercise, dice):
    services.start_round(exercise=exercise, actor="t")
    offer = agree(exercise, factories.specific_rows())  # 1: DPRK freeze, 2: USA relief, each waiting
    close(exercise)
    services.start_round(exercise=exercise, actor="t")
    dice.add((offer.number, 1))
    close(exercise)
    assert outcomes(offer) == {1: "broken", 2: "voided"}
    relief = Commitment.objects.get(offer=offer, position=2)
    assert relief.breach_position == 1 and relief.draw is None and relief.resolved_in.number == 2
    voided = Event.objects.get(exercise=exercise, kind=Event.Kind.COMMITMENT_VOIDED)
    assert voided.details | {"breach": 1, "commitment": 2, "by": "USA"} == voided.details
    # Only the breach moves tension; the void step is held against nobody.
    moved = Event.objects.filter(exercise=exercise, kind=Event.Kind.TENSION_CHANGED, actor="system").last()
    assert (
        moved.details["after"] - moved.details["before"] == 4 and moved.details["cause"] == "0 kept, 1 broken, 1 void"
    )
    closed = Event.objects.filter(exercise=exercise, kind=Event.Kind.ROUND_CLOSED).last()
    assert (closed.details["broken"], closed.details["voided"]) == (1, 1)


def test_a_snap_back_step_is_withdrawn_when_the_other_side_breaks_and_stops_counting(exercise, dice):
    services.start_round(exercise=exercise, actor="t")
    offer = agree(exercise, snap_back_rows())
    close(exercise)
    services.start_round(exercise=exercise, actor="t")
    close(exercise)  # round 2: the freeze is kept
    assert outcomes(offer) == {1: "kept", 2: "due"}
    usa_after_2 = TeamScore.objects.get(round__number=2, team__key="USA", round__exercise=exercise)
    services.start_round(exercise=exercise, actor="t")
    dice.add((offer.number, 2))
    close(exercise)  # round 3: the USA breaks its relief, the freeze snaps back
    assert outcomes(offer) == {1: "withdrawn", 2: "broken"}
    freeze = Commitment.objects.get(offer=offer, position=1)
    assert freeze.breach_position == 2 and freeze.withdrawn_in.number == 3 and freeze.resolved_in.number == 2
    assert Event.objects.filter(exercise=exercise, kind=Event.Kind.COMMITMENT_WITHDRAWN).count() == 1
    usa_after_3 = TeamScore.objects.get(round__number=3, team__key="USA", round__exercise=exercise)
    assert usa_after_2.detail and not usa_after_3.detail  # the freeze counted in round 2, no longer in 3


def test_the_final_reckoning_settles_every_step_still_due_in_the_last_round(exercise, dice):
    for _ in range(3):
        services.start_round(exercise=exercise, actor="t")
        if exercise.current_round().number == 3:
            offer = agree(exercise, snap_back_rows())
        close(exercise)
    assert outcomes(offer) == {1: "due", 2: "due"}
    last = exercise.current_round()
    scores_before = {s.team.key: s.total for s in TeamScore.objects.filter(round=last)}
    services.end_exercise(exercise=exercise, actor="t")
    exercise.refresh_from_db()
    last.refresh_from_db()
    assert outcomes(offer) == {1: "kept", 2: "kept"}
    assert set(Commitment.objects.filter(offer=offer).values_list("settled_at_end", flat=True)) == {True}
    assert last.reckoning_from is not None and last.tension_after == exercise.tension < last.reckoning_from
    reckoning = Event.objects.get(exercise=exercise, kind=Event.Kind.FINAL_RECKONING)
    assert (reckoning.details["kept"], reckoning.round_id) == (2, last.pk)
    scores_after = {s.team.key: s.total for s in TeamScore.objects.filter(round=last)}
    assert scores_after != scores_before and len(scores_after) == len(scores_before)
    assert not Commitment.objects.filter(offer__exercise=exercise, outcome="due").exists()


def test_ending_twice_settles_once_and_an_exercise_without_steps_due_has_no_reckoning(exercise, dice):
    services.start_round(exercise=exercise, actor="t")
    services.end_exercise(exercise=exercise, actor="t")
    services.end_exercise(exercise=exercise, actor="t")
    assert not Event.objects.filter(exercise=exercise, kind=Event.Kind.FINAL_RECKONING).exists()
    assert exercise.current_round().reckoning_from is None


def test_a_condition_the_umpire_rules_broken_voids_the_step_paid_on_it(exercise, dice):
    services.start_round(exercise=exercise, actor="t")
    offer = agree(exercise, factories.specific_rows())  # 1: DPRK freeze, 2: USA relief waiting for it
    close(exercise)
    services.start_round(exercise=exercise, actor="t")
    close(exercise)
    assert outcomes(offer) == {1: "kept", 2: "kept"}

    def usa_counts():
        usa = TeamScore.objects.get(round__number=2, team__key="USA", round__exercise=exercise)
        return {line["commitment"] for line in usa.detail}

    assert usa_counts() == {1, 2}  # the freeze it gets and the relief it pays
    freeze = Commitment.objects.get(offer=offer, position=1)
    services.override_resolution(commitment=freeze, kept=False, reason="Satellite images", actor="umpire")
    assert outcomes(offer) == {1: "broken", 2: "voided"}
    relief = Commitment.objects.get(offer=offer, position=2)
    assert relief.breach_position == 1 and not relief.overridden
    ruling = Event.objects.filter(exercise=exercise, kind=Event.Kind.COMMITMENT_OVERRIDDEN).last()
    assert ruling.details | {"commitment": 2, "before": "kept", "after": "voided"} == ruling.details
    assert ruling.details["reason"] == "follows the ruling on no. 1"
    # Round 2 is scored again: the USA neither gets the freeze nor pays for relief it never owed.
    assert usa_counts() == set()


def test_a_breach_the_umpire_rules_away_frees_the_void_step_for_the_next_close(exercise, dice):
    offer = broken_condition(exercise, dice)
    freeze = Commitment.objects.get(offer=offer, position=1)
    services.override_resolution(commitment=freeze, kept=True, reason="Inspectors confirmed it", actor="umpire")
    assert outcomes(offer) == {1: "kept", 2: "due"}
    services.start_round(exercise=exercise, actor="t")
    close(exercise)
    assert outcomes(offer) == {1: "kept", 2: "kept"}


def test_after_the_end_a_breach_ruled_away_settles_the_freed_step_at_once(exercise, dice):
    offer = broken_condition(exercise, dice)
    services.end_exercise(exercise=exercise, actor="t")
    exercise.refresh_from_db()
    freeze = Commitment.objects.get(offer=offer, position=1)
    services.override_resolution(commitment=freeze, kept=True, reason="Inspectors confirmed it", actor="umpire")
    assert outcomes(offer) == {1: "kept", 2: "kept"}
    relief = Commitment.objects.get(offer=offer, position=2)
    assert relief.settled_at_end and relief.resolved_in.number == 2
    assert not Commitment.objects.filter(offer__exercise=exercise, outcome="due").exists()


# --- what the pages show -----------------------------------------------------------------------


def broken_condition(exercise, dice):
    """Round 1: DPRK freeze for USA relief, each waiting; round 2: the freeze breaks, the relief is void."""
    services.start_round(exercise=exercise, actor="t")
    offer = agree(exercise, factories.specific_rows())
    close(exercise)
    services.start_round(exercise=exercise, actor="t")
    dice.add((offer.number, 1))
    close(exercise)
    return offer


def test_the_team_room_and_round_results_say_void_because_the_condition_broke(exercise, dice, facilitator_client):
    offer = broken_condition(exercise, dice)
    usa = factories.team(exercise, "USA").participants.get()
    room = player_client(usa).get(f"/play/{usa.team_id}/").content.decode()
    assert "Void (condition broken)" in room and "its condition, no. 1, was broken" in room
    assert f"(offer #{offer.number}, no. 2: its condition, no. 1, was broken)" in room
    results = facilitator_client.get(f"/exercises/{exercise.pk}/rounds/2/").content.decode()
    assert "badge outcome-voided" in results and "(its condition, no. 1, was broken)" in results


def test_the_projector_and_the_report_show_void_and_withdrawn_steps(exercise, dice, facilitator_client):
    broken_condition(exercise, dice)
    projector = facilitator_client.get(f"/exercises/{exercise.pk}/projector/").content.decode()
    assert "void (condition broken)" in projector
    services.end_exercise(exercise=exercise, actor="t")
    report = facilitator_client.get(f"/exercises/{exercise.pk}/report/").content.decode()
    assert 'Void (condition broken)</span> <span class="aar-muted">its condition, no. 1, was broken' in report
    assert "void, its condition no. 1 was broken." in report  # the timeline
    assert "had not come due" not in report


def test_the_team_room_shows_the_final_reckoning_and_the_last_round_warning(exercise, dice):
    for _ in range(2):
        services.start_round(exercise=exercise, actor="t")
        close(exercise)
    services.start_round(exercise=exercise, actor="t")
    agree(exercise, snap_back_rows())
    usa = factories.team(exercise, "USA").participants.get()
    client = player_client(usa)
    room = client.get(f"/play/{usa.team_id}/").content.decode()
    assert 'data-testid="last-round-warning"' in room and "settled in the final reckoning" in room
    close(exercise)
    services.end_exercise(exercise=exercise, actor="t")
    room = client.get(f"/play/{usa.team_id}/").content.decode()
    assert "Results of round 3 and the final reckoning" in room and 'data-testid="final-reckoning"' in room
    assert "final reckoning)" in room and "last-round-warning" not in room


def test_no_last_round_warning_before_the_last_round(exercise):
    services.start_round(exercise=exercise, actor="t")
    usa = factories.make_player(exercise, "USA")
    assert "last-round-warning" not in player_client(usa).get(f"/play/{usa.team_id}/").content.decode()
