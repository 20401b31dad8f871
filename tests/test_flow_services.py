"""Transitions of the game, without HTTP: rounds, offers, answers, deadlines, events."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from exercises import roster, services
from exercises.models import Commitment, Event, Exercise, Offer, Response, Round
from tests import factories


def kinds(exercise):
    return list(exercise.events.values_list("kind", flat=True))


def test_create_exercise_snapshots_scenario_and_makes_teams(exercise):
    assert exercise.scenario["key"] == "second-summit-2019"
    assert [t.key for t in exercise.teams.all()] == ["USA", "DPRK", "ROK", "China"]
    codes = [t.join_code for t in exercise.teams.all()]
    assert len(set(codes)) == 4 and all(len(c) == 8 for c in codes)
    assert kinds(exercise) == [Event.Kind.EXERCISE_CREATED]


def test_join_codes_avoid_ambiguous_characters(exercise):
    for team in exercise.teams.all():
        assert not set(team.join_code) & set("01OILSZ258B")


def test_joining_twice_with_the_same_name_returns_the_same_player(exercise):
    usa = factories.team(exercise, "USA")
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False) as clock:
        first = roster.join_team(team=usa, display_name="Ann")
        again = roster.join_team(team=usa, display_name="  ann ")
        assert again.participant.pk == first.participant.pk and again.returning
        # Back at once: the player never left, so there is no news for the console.
        assert kinds(exercise)[-1] == Event.Kind.PLAYER_JOINED
        clock.shift(roster.REJOIN_QUIET)
        roster.join_team(team=usa, display_name="ＡＮＮ")  # fullwidth: the same name
    assert kinds(exercise)[-2:] == [Event.Kind.PLAYER_JOINED, Event.Kind.PLAYER_REJOINED]


def test_start_round_sets_an_absolute_deadline_and_starts_the_exercise(exercise):
    with time_machine.travel("2026-03-01 10:00:00Z", tick=False):
        round_ = services.start_round(exercise=exercise, actor="t")
    assert round_.number == 1
    assert round_.deadline.isoformat() == "2026-03-01T10:10:00+00:00"
    exercise.refresh_from_db()
    assert exercise.status == Exercise.Status.RUNNING


def test_cannot_start_a_round_while_one_is_open(exercise):
    services.start_round(exercise=exercise, actor="t")
    with pytest.raises(services.GameError, match="still running"):
        services.start_round(exercise=exercise, actor="t")


def test_cannot_play_more_rounds_than_planned(facilitator):
    exercise = factories.make_exercise(facilitator, rounds=1)
    round_ = services.start_round(exercise=exercise, actor="t")
    services.close_round(round=round_, actor="t")
    with pytest.raises(services.GameError, match="All 1 rounds"):
        services.start_round(exercise=exercise, actor="t")


def test_offer_is_scored_and_recorded(exercise, usa, dprk):
    services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    assert offer.number == 1
    assert 0 <= offer.specificity <= 100 and 0 <= offer.reciprocity <= 100
    assert offer.commitments.count() == 2
    assert all(c.specificity is not None for c in offer.commitments.all())
    event = exercise.events.get(kind=Event.Kind.OFFER_SUBMITTED)
    assert event.details["offer"] == 1 and event.actor == "DPRK: Kim"


def test_specific_reciprocal_offer_outscores_a_vague_one(exercise, usa, dprk):
    services.start_round(exercise=exercise, actor="t")
    specific = factories.send_offer(dprk, [usa.team])
    vague = factories.send_offer(dprk, [usa.team], factories.vague_rows())
    assert specific.specificity > vague.specificity + 30
    assert specific.reciprocity > vague.reciprocity


def test_same_client_token_stores_one_offer(exercise, usa, dprk):
    services.start_round(exercise=exercise, actor="t")
    rows = factories.specific_rows()
    first = services.submit_offer(participant=dprk, recipients=[usa.team], commitments=rows, client_token="same")
    second = services.submit_offer(participant=dprk, recipients=[usa.team], commitments=rows, client_token="same")
    assert not first.duplicate and second.duplicate
    assert second.offer.pk == first.offer.pk
    assert Offer.objects.count() == 1


def test_offer_after_the_deadline_is_refused(exercise, usa, dprk):
    with time_machine.travel("2026-03-01 10:00:00Z", tick=False) as clock:
        services.start_round(exercise=exercise, actor="t")
        clock.shift(timedelta(minutes=10, seconds=1))
        with pytest.raises(services.GameError, match="has closed"):
            factories.send_offer(dprk, [usa.team])
    assert Offer.objects.count() == 0


def test_offer_before_any_round_is_refused(exercise, usa, dprk):
    with pytest.raises(services.GameError, match="No round is open"):
        factories.send_offer(dprk, [usa.team])


def test_paused_round_refuses_offers_and_freezes_the_clock(exercise, usa, dprk):
    with time_machine.travel("2026-03-01 10:00:00Z", tick=False) as clock:
        round_ = services.start_round(exercise=exercise, actor="t")
        clock.shift(timedelta(minutes=4))
        services.pause_round(round=round_, actor="t")
        clock.shift(timedelta(minutes=30))
        round_.refresh_from_db()
        assert round_.remaining() == timedelta(minutes=6)
        with pytest.raises(services.GameError, match="paused"):
            factories.send_offer(dprk, [usa.team])
        services.resume_round(round=round_, actor="t")
        round_.refresh_from_db()
        assert round_.deadline == timezone.now() + timedelta(minutes=6)
        assert factories.send_offer(dprk, [usa.team]).pk


def test_accept_by_every_recipient_makes_an_agreement(exercise, usa, dprk, rok):
    services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team, rok.team])
    services.respond(offer=offer, participant=usa, accept=True)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING
    services.respond(offer=offer, participant=rok, accept=True)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED
    assert set(offer.commitments.values_list("outcome", flat=True)) == {Commitment.Outcome.DUE}
    assert offer.commitments.first().due_round == 2
    assert Event.Kind.AGREEMENT_REACHED in kinds(exercise)


def test_one_rejection_sinks_a_multi_party_offer(exercise, usa, dprk, rok):
    services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team, rok.team])
    services.respond(offer=offer, participant=usa, accept=False)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.REJECTED
    with pytest.raises(services.GameError, match="already been answered"):
        services.respond(offer=offer, participant=rok, accept=True)


def test_a_team_answers_once(exercise, usa, dprk, rok):
    services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team, rok.team])
    services.respond(offer=offer, participant=usa, accept=True)
    with pytest.raises(services.GameError, match="already been answered"):
        services.respond(offer=offer, participant=usa, accept=True)
    assert Response.objects.filter(offer=offer).count() == 1


def test_sender_cannot_answer_its_own_offer(exercise, usa, dprk):
    services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    with pytest.raises(services.GameError, match="Only a recipient"):
        services.respond(offer=offer, participant=dprk, accept=True)


def test_counter_links_to_its_parent_and_marks_it_countered(exercise, usa, dprk):
    services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    counter = factories.send_offer(usa, [dprk.team], factories.specific_rows("USA", "DPRK"), parent=offer)
    offer.refresh_from_db()
    assert counter.parent_id == offer.pk
    assert offer.status == Offer.Status.COUNTERED
    assert offer.responses.get().counter_offer_id == counter.pk
    assert Event.Kind.OFFER_COUNTERED in kinds(exercise)


def test_close_expires_unanswered_offers_and_is_done_once(exercise, usa, dprk):
    round_ = services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    assert services.close_round(round=round_, actor="a") is True
    assert services.close_round(round=round_, actor="b") is False
    offer.refresh_from_db()
    assert offer.status == Offer.Status.EXPIRED
    assert kinds(exercise).count(Event.Kind.ROUND_CLOSED) == 1
    assert set(offer.commitments.values_list("outcome", flat=True)) == {Commitment.Outcome.VOID}


def test_expired_round_closes_on_the_next_request_or_the_command(exercise):
    with time_machine.travel("2026-03-01 10:00:00Z", tick=False) as clock:
        round_ = services.start_round(exercise=exercise, actor="t")
        clock.shift(timedelta(minutes=11))
        assert services.close_expired_rounds() == 1
        round_.refresh_from_db()
        assert round_.status == Round.Status.CLOSED
        assert exercise.events.filter(kind=Event.Kind.ROUND_CLOSED).get().actor == "system (deadline)"


def test_agreement_commitments_resolve_at_a_later_close_with_scores(exercise, usa, dprk):
    round1 = services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    services.respond(offer=offer, participant=usa, accept=True)
    services.close_round(round=round1, actor="t")
    assert set(offer.commitments.values_list("outcome", flat=True)) == {Commitment.Outcome.DUE}
    round2 = services.start_round(exercise=exercise, actor="t")
    services.close_round(round=round2, actor="t")
    # The seed is random: the first step is drawn; the second is drawn too, or void if the first broke.
    drawn = offer.commitments.filter(outcome__in=[Commitment.Outcome.KEPT, Commitment.Outcome.BROKEN])
    voided = offer.commitments.filter(outcome=Commitment.Outcome.VOIDED)
    assert drawn.count() + voided.count() == 2 and drawn.exists()
    for c in drawn:
        assert 0 < c.kept_probability < 1 and c.resolved_in_id == round2.pk
    assert round2.scores.count() == 4
    assert exercise.events.filter(kind=Event.Kind.COMMITMENT_RESOLVED).count() == drawn.count()
    assert exercise.events.filter(kind=Event.Kind.COMMITMENT_VOIDED).count() == voided.count()


def test_resolution_is_reproducible_for_the_same_seed(facilitator):
    results = []
    for _ in range(2):
        exercise = factories.make_exercise(facilitator)
        exercise.seed = "fixed-seed"
        exercise.save(update_fields=["seed"])
        usa = factories.make_player(exercise, "USA")
        dprk = factories.make_player(exercise, "DPRK")
        r1 = services.start_round(exercise=exercise, actor="t")
        for i in range(6):
            offer = factories.send_offer(dprk, [usa.team], token=f"x{i}")
            services.respond(offer=offer, participant=usa, accept=True)
        services.close_round(round=r1, actor="t")
        services.close_round(round=services.start_round(exercise=exercise, actor="t"), actor="t")
        results.append(
            list(
                Commitment.objects.filter(offer__exercise=exercise)
                .order_by("offer__number", "position")
                .values_list("outcome", "draw")
            )
        )
    assert results[0] == results[1]


def test_umpire_override_is_recorded_and_rescored(exercise, usa, dprk):
    round1 = services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    services.respond(offer=offer, participant=usa, accept=True)
    services.close_round(round=round1, actor="t")
    services.close_round(round=services.start_round(exercise=exercise, actor="t"), actor="t")
    commitment = offer.commitments.first()
    flipped = commitment.outcome != Commitment.Outcome.KEPT
    services.override_resolution(commitment=commitment, kept=flipped, reason="Inspectors confirmed it", actor="umpire")
    commitment.refresh_from_db()
    assert commitment.overridden and commitment.override_reason == "Inspectors confirmed it"
    assert commitment.outcome == (Commitment.Outcome.KEPT if flipped else Commitment.Outcome.BROKEN)
    rulings = exercise.events.filter(kind=Event.Kind.COMMITMENT_OVERRIDDEN, actor="umpire")
    event = next(e for e in rulings if e.details["commitment"] == commitment.position)
    assert event.details["reason"] == "Inspectors confirmed it"


def test_end_exercise_closes_the_open_round(exercise):
    round_ = services.start_round(exercise=exercise, actor="t")
    services.end_exercise(exercise=exercise, actor="t")
    round_.refresh_from_db()
    exercise.refresh_from_db()
    assert round_.is_closed and exercise.is_ended
    assert kinds(exercise)[-1] == Event.Kind.EXERCISE_ENDED


def test_events_are_append_only(exercise):
    event = exercise.events.first()
    event.actor = "someone else"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        exercise.events.update(actor="x")
    with pytest.raises(TypeError):
        exercise.events.all().delete()


def test_every_change_bumps_the_revision(exercise, usa, dprk):
    before = Exercise.objects.get(pk=exercise.pk).revision
    services.start_round(exercise=exercise, actor="t")
    factories.send_offer(dprk, [usa.team])
    assert Exercise.objects.get(pk=exercise.pk).revision >= before + 2


def test_conflicting_promises_to_different_teams_are_flagged_once(exercise, usa, dprk):
    china = factories.make_player(exercise, "China", "Li")
    services.start_round(exercise=exercise, actor="t")
    enforce = {"by": "China", "to": ["USA"], "kind": "china-customs-enforcement", "action": "tighten"}
    relief = {"by": "China", "to": ["DPRK"], "kind": "sectoral-relief", "action": "ease"}
    factories.send_offer(china, [usa.team], [enforce])
    factories.send_offer(china, [dprk.team], [relief])
    factories.send_offer(china, [dprk.team], [{"by": "China", "to": ["DPRK"], "action": "deliver", "object": "rice"}])
    flagged = exercise.events.filter(kind=Event.Kind.CONFLICT_FLAGGED)
    assert flagged.count() == 1
    assert flagged.get().team.key == "China" and flagged.get().details["offers"] == ["1", "2"]
