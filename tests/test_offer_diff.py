"""The counter-offer diff: a pure function of two offers' terms (no database)."""

from exercises.offer_diff import TERM_LABELS, OfferTerms, commitment_terms, diff_offers
from exercises.rules.model import COMMITMENT_TERMS


def terms(position, specificity=50, **values):
    summary = " ".join(str(values.get(k, "")) for k in ("by", "action", "object") if values.get(k))
    return commitment_terms(position, values, summary, specificity)


FREEZE = {"by": "DPRK", "to": ["USA"], "action": "freeze", "object": "enrichment", "site": "Yongbyon"}
RELIEF = {"by": "USA", "to": ["DPRK"], "action": "suspend", "object": "coal sanctions", "deadline": "within 60 days"}


def offer(number, *commitments, sender="DPRK", recipients=("USA",), s=50, r=40):
    return OfferTerms(number, sender, tuple(recipients), tuple(commitments), s, r)


def test_every_term_a_team_writes_has_a_label():
    assert tuple(TERM_LABELS) == COMMITMENT_TERMS


def test_an_identical_counter_changes_nothing_but_may_move_no_score():
    diff = diff_offers(offer(1, terms(1, **FREEZE)), offer(2, terms(1, **FREEZE)))
    assert diff.commitments == () and diff.unchanged == 1 and diff.parties is None
    assert [(s.name, s.before, s.after, s.delta) for s in diff.scores] == [
        ("specificity", 50, 50, 0),
        ("reciprocity", 40, 40, 0),
    ]


def test_it_names_each_changed_term_with_before_and_after():
    tighter = dict(RELIEF, deadline="within 30 days", verification="UN Panel of Experts")
    diff = diff_offers(
        offer(1, terms(1, **FREEZE), terms(2, 40, **RELIEF)),
        offer(2, terms(1, **FREEZE), terms(2, 65, **tighter), s=62, r=70),
    )
    (change,) = diff.changed
    assert (change.position_before, change.position_after) == (2, 2)
    assert [(t.label, t.before, t.after) for t in change.terms] == [
        ("by when", "within 60 days", "within 30 days"),
        ("verified by", "", "UN Panel of Experts"),
    ]
    assert (change.specificity.before, change.specificity.after, change.specificity.direction) == (40, 65, "up")
    assert [s.delta for s in diff.scores] == [12, 30]
    assert diff.unchanged == 1


def test_a_dropped_first_commitment_is_removed_not_every_term_changed():
    """Positions shift when a row is removed; matching by content keeps the diff honest."""
    plus = {"by": "USA", "to": ["DPRK"], "action": "open", "object": "liaison office", "site": "Pyongyang"}
    diff = diff_offers(offer(1, terms(1, **FREEZE), terms(2, **RELIEF)), offer(2, terms(1, **RELIEF), terms(2, **plus)))
    assert [(c.change, c.position_before, c.position_after) for c in diff.commitments] == [
        ("added", None, 2),
        ("removed", 1, None),
    ]
    assert diff.unchanged == 1
    assert diff.removed[0].summary == "DPRK freeze enrichment"


def test_the_same_catalogue_item_with_new_wording_is_a_change():
    before = {"by": "DPRK", "to": ["USA"], "kind": "yongbyon-dismantle", "deadline": "in due course"}
    after = {"by": "DPRK", "to": ["USA", "ROK"], "kind": "yongbyon-dismantle", "deadline": "by 2019-12-31"}
    diff = diff_offers(offer(1, terms(1, **before)), offer(2, terms(1, **after)))
    assert [t.term for t in diff.changed[0].terms] == ["to", "deadline"]
    assert diff.changed[0].terms[0].after == "USA, ROK"


def test_a_new_party_shows_in_the_parties_line():
    diff = diff_offers(
        offer(1, terms(1, **FREEZE)), offer(2, terms(1, **FREEZE), sender="USA", recipients=("DPRK", "ROK"))
    )
    assert (diff.parties.before, diff.parties.after) == ("DPRK, USA", "USA, DPRK, ROK")


def test_lines_read_as_a_facilitator_would_say_them():
    tighter = dict(RELIEF, deadline="within 30 days")
    diff = diff_offers(offer(1, terms(2, **RELIEF)), offer(2, terms(1, **tighter), terms(2, **FREEZE), s=55))
    assert diff.lines() == [
        "1 by when: “within 60 days” → “within 30 days”",
        "added 2: DPRK freeze enrichment",
        "specificity 50 → 55, reciprocity 40 → 40",
    ]
