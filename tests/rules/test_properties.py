"""Properties the rubric must keep whatever players write (hypothesis)."""

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from exercises.rules import Catalogue, Commitment, Offer, score_commitment, score_offer

EMPTY = Catalogue.empty()

TEXTS = [
    "The DPRK will freeze all enrichment at Yongbyon, upon IAEA verification.",
    "Both sides work toward lasting peace.",
    "Withdraw 11 guard posts from the DMZ in parallel with the other side.",
    "Suspend the exercise for 12 months with snap-back.",
    "Deliver 50,000 tonnes of rice, monitored by the WFP, as a first step that invites a response.",
    "Dismantle the reactor permanently, defined as the items listed in Annex 1.",
    "Hold talks on corresponding measures.",
    "In a phased manner.",
    "",
]
ACTIONS = [None, "freeze", "dismantle", "establish", "hold talks", "work toward", "allow access", "reimagine"]
OBJECTS = [None, "plutonium production", "guard posts", "new relations", "the Yongbyon area", "sanctions"]
SITES = [None, "Yongbyon", "Panmunjom", "the region"]
DEADLINES = [None, "within 30 days", "1 November 2018", "this year", "at an early date", "when ready"]
VERIFICATIONS = [None, "IAEA inspectors", "joint on-site verification", "observers", "journalists", "trust"]
PRECISE_DEADLINES = ["within 30 days", "1 November 2018", "by round 3", "2019-03-01", "within six months"]
PRECISE_VERIFICATIONS = ["IAEA inspectors with access", "joint on-site verification", "UN Panel of Experts"]
VAGUE = [
    "work toward", "as soon as possible", "complete denuclearization", "security guarantees", "in the spirit of",
    "eventually", "phased manner", "comprehensive", "at an early date", "discuss", "seek", "mutual confidence",
]  # fmt: skip
PARTIES = ["USA", "DPRK", "ROK", "China", "UN"]

free_text = st.one_of(st.sampled_from(TEXTS), st.text(max_size=80))


@st.composite
def commitments(draw, by=None, to=None, id=None, **fixed):
    giver = by or draw(st.sampled_from(PARTIES))
    fields = dict(
        id=id or draw(st.sampled_from(["c1", "c2", "c3"])),
        by=giver,
        to=(to,) if to else tuple(draw(st.lists(st.sampled_from(PARTIES), max_size=2))),
        action=draw(st.sampled_from(ACTIONS)),
        object=draw(st.sampled_from(OBJECTS)),
        quantity=draw(st.sampled_from([None, 11, "50,000", 5.5])),
        unit=draw(st.sampled_from([None, "guard posts", "t", "km"])),
        site=draw(st.sampled_from(SITES)),
        deadline=draw(st.sampled_from(DEADLINES)),
        verification=draw(st.sampled_from(VERIFICATIONS)),
        duration=draw(st.sampled_from([None, "for 2 years", "permanent"])),
        phase=draw(st.sampled_from([None, 1, 2, 3])),
        text=draw(free_text),
    )
    fields.update(fixed)
    return Commitment(**fields)


@st.composite
def offers(draw):
    n = draw(st.integers(min_value=1, max_value=5))
    cs = [draw(commitments(id=f"c{i}")) for i in range(n)]
    return Offer("o", tuple(cs))


@settings(deadline=None)
@given(commitments())
def test_commitment_scores_stay_in_0_100(c):
    s = score_commitment(c, EMPTY)
    assert isinstance(s.specificity, int)
    assert 0 <= s.specificity <= 100
    assert all(i.gain > 0 for i in s.improvements)


@settings(deadline=None)
@given(offers())
def test_offer_scores_stay_in_0_100(o):
    s = score_offer(o, EMPTY)
    assert 0 <= s.specificity <= 100
    assert 0 <= s.reciprocity <= 100
    assert len(s.commitments) == len(o.commitments)


@settings(deadline=None)
@given(commitments(deadline=None), st.sampled_from(PRECISE_DEADLINES))
def test_adding_a_deadline_never_lowers_specificity(c, deadline):
    better = dataclasses.replace(c, deadline=deadline)
    assert score_commitment(better, EMPTY).specificity >= score_commitment(c, EMPTY).specificity


@settings(deadline=None)
@given(commitments(verification=None), st.sampled_from(PRECISE_VERIFICATIONS))
def test_adding_verification_never_lowers_specificity(c, verification):
    better = dataclasses.replace(c, verification=verification)
    assert score_commitment(better, EMPTY).specificity >= score_commitment(c, EMPTY).specificity


@settings(deadline=None)
@given(commitments(quantity=None, unit=None), st.sampled_from([(11, "guard posts"), ("50,000", "t"), (5, "km")]))
def test_adding_a_quantity_never_lowers_specificity(c, quantity):
    better = dataclasses.replace(c, quantity=quantity[0], unit=quantity[1])
    assert score_commitment(better, EMPTY).specificity >= score_commitment(c, EMPTY).specificity


@settings(deadline=None)
@given(offers(), st.data())
def test_adding_precision_never_lowers_offer_specificity(o, data):
    i = data.draw(st.integers(min_value=0, max_value=len(o.commitments) - 1))
    field, pool = data.draw(st.sampled_from([("deadline", PRECISE_DEADLINES), ("verification", PRECISE_VERIFICATIONS)]))
    c = o.commitments[i]
    if getattr(c, field) is not None:
        return
    better = dataclasses.replace(c, **{field: data.draw(st.sampled_from(pool))})
    improved = dataclasses.replace(o, commitments=o.commitments[:i] + (better,) + o.commitments[i + 1 :])
    assert score_offer(improved, EMPTY).specificity >= score_offer(o, EMPTY).specificity


@settings(deadline=None)
@given(commitments(), st.sampled_from(VAGUE))
def test_adding_vague_wording_never_raises_specificity(c, term):
    worse = dataclasses.replace(c, text=f"{c.text or ''}. {term}")
    assert score_commitment(worse, EMPTY).specificity <= score_commitment(c, EMPTY).specificity


@settings(deadline=None)
@given(offers(), st.sampled_from(VAGUE), st.data())
def test_adding_vague_wording_never_raises_offer_specificity(o, term, data):
    i = data.draw(st.integers(min_value=0, max_value=len(o.commitments) - 1))
    c = o.commitments[i]
    worse = dataclasses.replace(c, text=f"{c.text or ''}. {term}")
    vaguer = dataclasses.replace(o, commitments=o.commitments[:i] + (worse,) + o.commitments[i + 1 :])
    assert score_offer(vaguer, EMPTY).specificity <= score_offer(o, EMPTY).specificity


def _without_links(c):
    return dataclasses.replace(c, conditional_on=())


@settings(deadline=None)
@given(st.lists(commitments(by="USA", to="DPRK"), min_size=1, max_size=3))
def test_a_one_sided_demand_is_less_reciprocal_than_a_balanced_exchange(demands):
    # steps of substance (a token is worth nothing either way)
    demands = [dataclasses.replace(_without_links(c), id=f"u{i}", object="guard posts") for i, c in enumerate(demands)]
    mirrors = [dataclasses.replace(c, id=f"d{i}", by="DPRK", to=("USA",)) for i, c in enumerate(demands)]
    one_sided = score_offer(Offer("o", tuple(demands)), EMPTY)
    balanced = score_offer(Offer("o", tuple(demands + mirrors)), EMPTY)
    assert one_sided.reciprocity < balanced.reciprocity


@given(
    st.lists(commitments(by="USA", to="DPRK"), min_size=1, max_size=3),
    st.lists(commitments(by="DPRK", to="USA"), min_size=1, max_size=3),
)
@settings(max_examples=150, deadline=None)
def test_two_way_linkage_never_lowers_reciprocity(usa, dprk):
    usa = [dataclasses.replace(_without_links(c), id=f"u{i}") for i, c in enumerate(usa)]
    dprk = [dataclasses.replace(_without_links(c), id=f"d{i}") for i, c in enumerate(dprk)]
    loose = Offer("o", tuple(usa + dprk))
    linked = Offer(
        "o",
        tuple([dataclasses.replace(c, conditional_on=("d0",)) for c in usa])
        + tuple(dataclasses.replace(c, conditional_on=("u0",)) for c in dprk),
    )
    assert score_offer(linked, EMPTY).reciprocity >= score_offer(loose, EMPTY).reciprocity


@settings(deadline=None)
@given(offers())
def test_same_input_same_output(o):
    rebuilt = Offer(o.id, tuple(dataclasses.replace(c) for c in o.commitments), o.parties)
    assert score_offer(o, EMPTY) == score_offer(rebuilt, EMPTY)
    assert score_offer(o, EMPTY).to_dict() == score_offer(o, EMPTY).to_dict()
