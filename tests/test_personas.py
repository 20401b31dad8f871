"""Personas (exercises/personas.py, pure) and the adapter that plays them through the services."""

import random
import re

import pytest

from exercises import persona_moves, personas, rules, services
from exercises.models import Event, Offer, Response
from exercises.personas import Table, decide, draft_offers
from exercises.scenarios import DEFAULT_SCENARIO_KEY, load_scenario
from tests import factories

TEAMS = ("USA", "DPRK", "ROK", "China")


@pytest.fixture(scope="module")
def catalogue():
    return rules.Catalogue.from_scenario(load_scenario(DEFAULT_SCENARIO_KEY))


def table(catalogue, me, memory=personas.Memory()):
    return Table(me, tuple(t for t in TEAMS if t != me), catalogue, memory=memory)


def engine(draft, proposer):
    return personas._engine(draft.commitments, proposer, draft.to)


def scored(draft, proposer, catalogue):
    offer = engine(draft, proposer)
    score = rules.score_offer(offer, catalogue)
    return offer, score.specificity, score.reciprocity


def test_the_contract_names_four_classroom_personas_and_one_for_simulations():
    assert {k for k, p in personas.PERSONAS.items() if p.classroom} == {
        "base-hitter",
        "grand-bargainer",
        "hardliner",
        "reciprocator",
    }
    assert not personas.PERSONAS["fake-specific"].classroom
    for key, persona in personas.PERSONAS.items():
        assert persona.key == key and persona.label and len(persona.description) > 60


@pytest.mark.parametrize("me", TEAMS)
def test_a_base_hit_is_specific_reciprocal_linked_and_accepted_by_its_partner(catalogue, me):
    [draft] = draft_offers("base-hitter", table(catalogue, me), random.Random(3))
    offer, specificity, reciprocity = scored(draft, me, catalogue)
    assert specificity >= 80 and reciprocity >= 60
    assert all(c.conditional_on for c in offer.commitments)
    for recipient in draft.to:
        gives, gets = personas.offer_worth(offer, recipient, catalogue)
        assert gets > gives
        answer = decide("base-hitter", table(catalogue, recipient), offer, specificity, reciprocity, random.Random(1))
        assert answer.kind == "accept"


def test_a_base_hitter_sends_a_vague_offer_back_rewritten(catalogue):
    [bargain] = draft_offers("grand-bargainer", table(catalogue, "DPRK"), random.Random(0))
    offer, specificity, reciprocity = scored(bargain, "DPRK", catalogue)
    assert specificity < 20
    answer = decide("base-hitter", table(catalogue, "USA"), offer, specificity, reciprocity, random.Random(0))
    assert answer.kind == "counter"
    assert answer.note.startswith("Too vague: no date or verifier")
    counter, s2, r2 = scored(answer.counter, "USA", catalogue)
    assert answer.counter.to == ("DPRK",)
    assert sorted(c.kind for c in counter.commitments) == sorted(c.kind for c in offer.commitments)
    assert s2 >= 70 and s2 > specificity and r2 > reciprocity


def test_the_grand_bargainer_signs_anything_worth_something(catalogue):
    [bargain] = draft_offers("grand-bargainer", table(catalogue, "DPRK"), random.Random(0))
    offer, specificity, reciprocity = scored(bargain, "DPRK", catalogue)
    gives, gets = personas.offer_worth(offer, "USA", catalogue)
    assert gets > gives
    assert (
        decide("grand-bargainer", table(catalogue, "USA"), offer, specificity, reciprocity, random.Random(0)).kind
        == "accept"
    )


def test_nobody_accepts_an_offer_worth_nothing_to_it(catalogue):
    nothing = rules.Offer(
        "o",
        (rules.Commitment("1", "USA", ("DPRK",), action="issue", object="a press release", deadline="within 30 days"),),
        ("USA", "DPRK"),
        proposer="USA",
    )
    for key in personas.PERSONAS:
        answer = decide(key, table(catalogue, "DPRK"), nothing, 90, 90, random.Random(0))
        assert answer.kind == "reject" and answer.note == "Nothing in it for us: it promises us nothing of value."


def test_a_hardliner_demands_without_giving_and_refuses_to_pay_first(catalogue):
    [demand] = draft_offers("hardliner", table(catalogue, "USA"), random.Random(2))
    assert {c["by"] for c in demand.commitments} == set(demand.to)
    base_hit = draft_offers("base-hitter", table(catalogue, "DPRK"), random.Random(5))[0]
    offer, s, r = scored(base_hit, "DPRK", catalogue)
    recipient = base_hit.to[0]
    gives, gets = personas.offer_worth(offer, recipient, catalogue)
    answer = decide("hardliner", table(catalogue, recipient), offer, s, r, random.Random(0))
    assert answer.kind == ("accept" if gets >= 2 * gives else "reject")


def test_a_reciprocator_remembers_who_broke_a_step_owed_to_it(catalogue):
    [draft] = draft_offers("base-hitter", table(catalogue, "ROK"), random.Random(3))
    offer, s, r = scored(draft, "ROK", catalogue)
    partner = draft.to[0]
    trusting = decide("reciprocator", table(catalogue, partner), offer, s, r, random.Random(0))
    burned = personas.Memory(broke_to_me=frozenset({"ROK"}))
    wary = decide("reciprocator", table(catalogue, partner, burned), offer, s, r, random.Random(0))
    assert trusting.kind == "accept"
    assert wary.kind == "reject" and wary.note == "ROK broke a step it owed us: it moves first, under verification."
    # It does not offer a trade to a team that broke its word either.
    drafts = draft_offers("reciprocator", table(catalogue, partner, burned), random.Random(3))
    assert all("ROK" not in d.to for d in drafts)


def test_notes_never_quote_a_value(catalogue):
    rng = random.Random(7)
    for key in personas.PERSONAS:
        for me in TEAMS:
            for draft in draft_offers(key, table(catalogue, me), rng):
                offer, s, r = scored(draft, me, catalogue)
                for recipient in draft.to:
                    for answerer in personas.PERSONAS:
                        note = decide(answerer, table(catalogue, recipient), offer, s, r, rng).note
                        assert note and not re.search(r"\d", note), note


def test_a_persona_does_not_sell_a_step_already_taken(catalogue):
    taken = frozenset(i.key for i in catalogue.items if "DPRK" in i.by)
    [draft] = draft_offers("base-hitter", table(catalogue, "USA", personas.Memory(taken=taken)), random.Random(0))
    assert not {c["kind"] for c in draft.commitments} & taken


# --- the adapter: the same services as the web views -----------------------------------------


@pytest.fixture
def playing(exercise):
    services.start_round(exercise=exercise, actor="t")
    return exercise


def test_send_offers_plays_through_submit_offer_as_a_seated_bot(playing):
    usa = factories.team(playing, "USA")
    [offer] = persona_moves.send_offers(usa, "base-hitter", random.Random(1))
    assert offer.from_team == usa and offer.status == Offer.Status.PENDING
    assert offer.submitted_by.display_name == "Base hitter (bot)" and not offer.submitted_by.is_removed
    assert offer.specificity >= 80 and offer.reciprocity >= 60  # scored at submission like anyone's
    assert offer.commitments.count() == 2
    kinds = list(playing.events.values_list("kind", flat=True))
    assert Event.Kind.PLAYER_JOINED in kinds and kinds[-1] == Event.Kind.OFFER_SUBMITTED


def test_answer_offer_accepts_with_a_note_and_makes_an_agreement(playing):
    usa = factories.team(playing, "USA")
    [offer] = persona_moves.send_offers(usa, "base-hitter", random.Random(1))
    partner = offer.recipients.get()
    response = persona_moves.answer_offer(partner, offer, "base-hitter", random.Random(1))
    offer.refresh_from_db()
    assert response.kind == Response.Kind.ACCEPT and response.note == "Specific and reciprocal: agreed."
    assert offer.status == Offer.Status.ACCEPTED
    accepted = playing.events.filter(kind=Event.Kind.OFFER_ACCEPTED).get()
    assert accepted.details["note"] == response.note
    # Once agreed, its steps are taken: the next base hit trades something else.
    [second] = persona_moves.send_offers(usa, "base-hitter", random.Random(1))
    assert not set(second.commitments.values_list("kind", flat=True)) & set(
        offer.commitments.values_list("kind", flat=True)
    )


def test_answer_offer_counters_a_vague_offer_through_submit_offer(playing, dprk):
    usa = factories.team(playing, "USA")
    [bargain] = persona_moves.send_offers(factories.team(playing, "DPRK"), "grand-bargainer", random.Random(0))
    assert bargain.recipients.get() == usa
    response = persona_moves.answer_offer(usa, bargain, "base-hitter", random.Random(0))
    bargain.refresh_from_db()
    assert response.kind == Response.Kind.COUNTER and bargain.status == Offer.Status.COUNTERED
    counter = response.counter_offer
    assert counter.parent == bargain and counter.message.startswith("Too vague")
    assert counter.specificity > bargain.specificity


def test_the_game_refuses_a_bot_as_it_refuses_a_student(exercise):
    usa = factories.team(exercise, "USA")
    with pytest.raises(services.GameError, match="No round is open yet"):
        persona_moves.send_offers(usa, "base-hitter", random.Random(0))
    assert not Offer.objects.exists()


def test_an_offer_can_be_answered_only_once_by_a_bot(playing):
    usa = factories.team(playing, "USA")
    [offer] = persona_moves.send_offers(usa, "base-hitter", random.Random(1))
    partner = offer.recipients.get()
    persona_moves.answer_offer(partner, offer, "base-hitter", random.Random(1))
    with pytest.raises(services.GameError, match="already been answered"):
        persona_moves.answer_offer(partner, offer, "base-hitter", random.Random(1))
    assert Response.objects.filter(offer=offer).count() == 1
