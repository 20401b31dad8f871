"""One test per component of SCORING.md "Reciprocity of an offer"."""

import pytest

from exercises.rules import Catalogue, Commitment, Offer, RulesConfig, score_offer

from .conftest import points


def offer(*commitments, parties=()):
    return Offer("o1", tuple(commitments), tuple(parties))


def step(id, by, to, **fields):
    return Commitment(id=id, by=by, to=(to,), **fields)


def reason(score, code):
    return next(r for r in score.reasons if r.code == code)


def definition(score) -> float:
    """The share balance, linkage, phasing and verification keep (definition_floor 0.2)."""
    return 0.2 + 0.8 * score.specificity / 100


# Free text that names an object the rules know: worth 2 to its giver's counterpart.
PRECISE = dict(action="withdraw", object="guard posts", quantity=11, unit="guard posts", site="DMZ",
               deadline="1 November 2019", verification="joint on-site verification")  # fmt: skip


def test_a_party_that_gives_and_gets_nothing_caps_the_offer_at_25(empty):
    s = score_offer(offer(step("c1", "DPRK", "USA", **PRECISE)), empty)
    assert s.reciprocity <= 25
    assert reason(s, "rec.one_sided").text == "DPRK gives and gets nothing in return: reciprocity is capped at 25"


def test_two_empty_handed_parties_read_as_english(empty):
    s = score_offer(offer(step("a", "DPRK", "USA", **PRECISE), step("b", "ROK", "USA", **PRECISE)), empty)
    assert reason(s, "rec.one_sided").text == (
        "DPRK and ROK give and get nothing in return: reciprocity is capped at 25"
    )


def test_a_mirror_obligation_is_perfectly_balanced(empty):
    s = score_offer(offer(step("rok", "ROK", "DPRK", **PRECISE), step("dprk", "DPRK", "ROK", **PRECISE)), empty)
    balance = reason(s, "rec.balance")
    assert balance.text.startswith("Balance: every side that gives gets at least as much back")
    assert balance.points == pytest.approx(35 * definition(s))
    assert s.reciprocity > score_offer(offer(step("rok", "ROK", "DPRK", **PRECISE)), empty).reciprocity


def test_balance_uses_each_partys_own_values(catalogue):
    # Each step names its item's object: value is booked from substance, not from the tag alone.
    freeze = Commitment(
        "freeze", "DPRK", ("USA",), kind="yongbyon-freeze", **PRECISE | {"action": "freeze", "object": "plutonium"}
    )
    relief = Commitment(
        "relief", "USA", ("DPRK",), kind="sectoral-relief", **PRECISE | {"object": "sectoral sanctions"}
    )
    s = score_offer(offer(freeze, relief), catalogue)
    text = reason(s, "rec.balance").text
    assert "DPRK gives 6 and gets 8." in text
    assert "USA gives 6 and gets 8." in text


def test_only_what_a_party_gets_short_counts(catalogue):
    # The USA gets 8 for 2: a surplus is not an imbalance; the DPRK gets 2 for 6 is.
    freeze = Commitment("freeze", "DPRK", ("USA",), kind="yongbyon-freeze", action="freeze")
    token = Commitment("letter", "USA", ("DPRK",), value=(("USA", -2.0), ("DPRK", 2.0)))
    s = score_offer(offer(freeze, token), catalogue)
    assert reason(s, "rec.balance").text.startswith("Balance: a side that gives gets back only 33% of it")
    lopsided = reason(s, "rec.lopsided")
    assert lopsided.text == "DPRK gives 6 and gets 2: so lopsided an exchange caps reciprocity at 50"
    assert s.reciprocity <= 50


def test_value_overrides_replace_catalogue_values(catalogue):
    freeze = Commitment("freeze", "DPRK", ("USA",), kind="yongbyon-freeze", action="freeze", value=(("DPRK", -8.0),))
    relief = Commitment("relief", "USA", ("DPRK",), kind="sectoral-relief")
    s = score_offer(offer(freeze, relief), catalogue)
    assert "DPRK gives 8 and gets 8." in reason(s, "rec.balance").text


def test_a_beneficiary_that_only_receives_is_not_a_free_rider(empty):
    exchange = (step("a", "USA", "DPRK", **PRECISE), step("b", "DPRK", "USA", **PRECISE))
    balanced = score_offer(offer(*exchange), empty)
    with_beneficiary = score_offer(offer(*exchange, step("c", "DPRK", "ROK", **PRECISE)), empty)
    assert points(with_beneficiary, "rec.balance") > 0
    assert "ROK only receives: a beneficiary." in reason(with_beneficiary, "rec.balance").text
    assert with_beneficiary.reciprocity >= balanced.reciprocity - 5


def test_the_brief_flagship_trade_keeps_its_balance(catalogue):
    # UN exemptions for inter-Korean projects (ROK benefits) for a fissile freeze
    exemption = Commitment("ex", "USA", ("DPRK", "ROK"), value=(("USA", -4.0), ("DPRK", 7.0), ("ROK", 9.0)))
    freeze = Commitment("freeze", "DPRK", ("USA",), kind="yongbyon-freeze", action="freeze")
    s = score_offer(offer(freeze, exemption, parties=("USA", "DPRK", "ROK")), catalogue)
    assert points(s, "rec.balance") > 0


def test_parties_outside_the_scenario_count(catalogue):
    # "UN" is not a team of the scenario: free-text default values apply to it
    s = score_offer(offer(step("a", "UN", "DPRK", **PRECISE), step("b", "DPRK", "UN", **PRECISE)), catalogue)
    assert "UN gives 2 and gets 2." in reason(s, "rec.balance").text


def test_free_text_commitments_use_default_values():
    config = RulesConfig().merged({"values": {"default_giver": -4, "default_receiver": 2, "free_text_cap": 10}})
    s = score_offer(offer(step("a", "USA", "DPRK", **PRECISE), step("b", "DPRK", "USA", **PRECISE)),
                    Catalogue.empty(config))  # fmt: skip
    assert "USA gives 4 and gets 2." in reason(s, "rec.balance").text


def test_a_pile_of_free_text_counts_as_one_step(empty):
    gifts = [step(f"g{i}", "USA", "DPRK", **PRECISE) for i in range(5)]
    s = score_offer(offer(*gifts, step("d", "DPRK", "USA", **PRECISE)), empty)
    assert "USA gives 2 and gets 2." in reason(s, "rec.balance").text  # 5 x 2, capped at 2


def test_a_token_is_worth_nothing(empty):
    potato = step("p", "USA", "DPRK", action="deliver", object="potato", quantity=1, unit="potato")
    s = score_offer(offer(potato, step("d", "DPRK", "USA", **PRECISE)), empty)
    assert "USA gives 0 and gets 2." in reason(s, "rec.balance").text
    assert "DPRK gives 2 and gets 0." in reason(s, "rec.balance").text


def test_nothing_of_value_changing_hands_is_capped(empty):
    swap = offer(step("p", "USA", "DPRK", action="deliver", object="potato", conditional_on=("f",)),
                 step("f", "DPRK", "USA", action="deliver", object="flower", conditional_on=("p",)))  # fmt: skip
    s = score_offer(swap, empty)
    assert reason(s, "rec.one_sided").text == "Nothing of value changes hands: reciprocity is capped at 25"
    assert s.reciprocity == 0  # and nothing is at stake


def test_mutual_gains_need_no_balancing(catalogue):
    both = Commitment("a", "DPRK", ("USA",), value=(("DPRK", 2.0), ("USA", 3.0)))
    s = score_offer(offer(both, Commitment("b", "USA", ("DPRK",), value=(("DPRK", 1.0), ("USA", 1.0)))), catalogue)
    assert reason(s, "rec.balance").text.startswith("Balance: nobody gives anything up, and some gain.")


def test_linkage_none_one_way_two_way(empty):
    a = step("a", "USA", "DPRK", **PRECISE)
    b = step("b", "DPRK", "USA", **PRECISE)
    none = score_offer(offer(a, b), empty)
    one_way = score_offer(offer(a, step("b", "DPRK", "USA", conditional_on=("a",), **PRECISE)), empty)
    two_way = score_offer(
        offer(step("a", "USA", "DPRK", conditional_on=("b",), **PRECISE),
              step("b", "DPRK", "USA", conditional_on=("a",), **PRECISE)),
        empty,
    )  # fmt: skip
    assert points(none, "rec.linkage") == 0
    assert points(one_way, "rec.linkage") == pytest.approx(20 * 0.5 * 0.6 * definition(one_way))
    assert points(two_way, "rec.linkage") == pytest.approx(20 * definition(two_way))
    assert "both ways" in reason(two_way, "rec.linkage").text


def test_a_trigger_word_counts_as_half_a_link(empty):
    a = step("a", "USA", "DPRK", text="In exchange for the freeze.", **PRECISE)
    s = score_offer(offer(a, step("b", "DPRK", "USA", **PRECISE)), empty)
    assert points(s, "rec.linkage") == pytest.approx(20 * (0.5 / 2) * 0.6 * definition(s))


def test_phasing(empty):
    linked = dict(conditional_on=("b1",))
    two_sides = offer(step("a1", "USA", "DPRK", phase=2, **linked, **PRECISE), step("b1", "DPRK", "USA", phase=1, **PRECISE),
                      step("a2", "USA", "DPRK", phase=1, **PRECISE), step("b2", "DPRK", "USA", phase=2, **PRECISE))  # fmt: skip
    s = score_offer(two_sides, empty)
    assert points(s, "rec.phasing") == pytest.approx(15 * definition(s))
    untriggered = score_offer(offer(step("a1", "USA", "DPRK", phase=2, **PRECISE),
                                    step("b1", "DPRK", "USA", phase=1, **PRECISE)), empty)  # fmt: skip
    assert points(untriggered, "rec.phasing") == pytest.approx(8 * definition(untriggered))
    unphased = score_offer(offer(step("a", "USA", "DPRK", **PRECISE), step("b", "DPRK", "USA", **PRECISE)), empty)
    assert points(unphased, "rec.phasing") == 0


def test_verifiability_looks_at_every_giving_party_weighted_by_cost(catalogue):
    s = score_offer(
        offer(
            step("a", "USA", "DPRK", verification="IAEA inspectors", value=(("USA", -6.0), ("DPRK", 6.0))),  # 15/15
            step("b", "DPRK", "USA", verification="observers", value=(("DPRK", -3.0), ("USA", 3.0))),  # 8/15
            step("c", "DPRK", "USA", value=(("DPRK", -1.0), ("USA", 1.0))),  # 0, and cheap
        ),
        catalogue,
    )
    dprk = (3 * 8 / 15 + 1 * 0) / 4
    assert points(s, "rec.verifiability") == pytest.approx(20 * (1 + dprk) / 2 * definition(s))
    assert "USA's steps 100%, DPRK's steps 40%" in reason(s, "rec.verifiability").text


def test_one_unverified_side_does_not_zero_verifiability(catalogue):
    s = score_offer(offer(step("a", "USA", "DPRK", **PRECISE | {"verification": None}),
                          step("b", "DPRK", "USA", **PRECISE | {"verification": "IAEA"})), catalogue)  # fmt: skip
    assert points(s, "rec.verifiability") == pytest.approx(10 * definition(s))


def test_protection_rewards_snap_back(empty):
    plain = score_offer(offer(step("a", "USA", "DPRK", **PRECISE), step("b", "DPRK", "USA", **PRECISE)), empty)
    snap = score_offer(offer(step("a", "USA", "DPRK", text="Relief with snap-back.", **PRECISE),
                             step("b", "DPRK", "USA", text="Suspension is reversible.", **PRECISE)), empty)  # fmt: skip
    assert points(plain, "rec.protection") == 5
    assert points(snap, "rec.protection") == 10


def test_an_irreversible_step_before_the_other_sides_verified_step_costs_10(catalogue):
    dismantle = Commitment("d", "DPRK", ("USA",), kind="dismantlement")
    relief = Commitment("r", "USA", ("DPRK",), kind="sectoral-relief", verification="UN Panel of Experts")
    exposed = score_offer(offer(dismantle, relief), catalogue)
    assert points(exposed, "rec.protection") == 0
    assert "Irreversible step (commitment d)" in reason(exposed, "rec.protection").text
    safe = Commitment("d", "DPRK", ("USA",), kind="dismantlement", conditional_on=("r",))
    protected = score_offer(offer(safe, relief), catalogue)
    assert points(protected, "rec.protection") == 10 * 0.5 / 2
    later_phase = score_offer(
        offer(Commitment("d", "DPRK", ("USA",), kind="dismantlement", phase=2),
              Commitment("r", "USA", ("DPRK",), kind="sectoral-relief", verification="IAEA", phase=1)),
        catalogue,
    )  # fmt: skip
    assert points(later_phase, "rec.protection") > 0


def test_grit_credit_for_a_verifiable_step_that_invites_a_response(catalogue):
    first = dict(verification="IAEA inspectors", object="large exercises", action="suspend")
    plain = score_offer(offer(step("a", "USA", "DPRK", **first), parties=("USA", "DPRK")), catalogue)
    grit = score_offer(
        offer(step("a", "USA", "DPRK", **first,
                   text="As a first step, the United States suspends the exercise and invites a response."),
              parties=("USA", "DPRK")),
        catalogue,
    )  # fmt: skip
    assert points(grit, "rec.grit") == 10
    assert grit.reciprocity >= plain.reciprocity + 9  # the text may change specificity by a point
    unverifiable = score_offer(offer(step("a", "USA", "DPRK", text="As a first step we invite a response.")), catalogue)
    assert points(unverifiable, "rec.grit") == 0


def test_diffuse_reciprocity_uses_the_mean():
    config = RulesConfig().merged({"reciprocity": {"balance_mode": "mean"}})
    lopsided = offer(
        step("a", "USA", "DPRK", **PRECISE),
        step("b", "DPRK", "USA", **PRECISE),
        step("c", "ROK", "DPRK", **PRECISE),
    )
    specific = score_offer(lopsided, Catalogue.empty())
    diffuse = score_offer(lopsided, Catalogue.empty(config))
    assert points(diffuse, "rec.balance") > points(specific, "rec.balance")


def test_little_at_stake_scales_the_exchange_down(empty):
    one = score_offer(offer(step("a", "USA", "DPRK", **PRECISE), step("b", "DPRK", "USA", **PRECISE)), empty)
    assert any(r.code == "rec.stake" for r in one.reasons) is False  # 2 x (2 + 2) = 8: enough
    config = RulesConfig().merged({"offer": {"stake_floor": 16}})
    half = score_offer(offer(step("a", "USA", "DPRK", **PRECISE), step("b", "DPRK", "USA", **PRECISE)),
                       Catalogue.empty(config))  # fmt: skip
    assert reason(half, "rec.stake").text == "Little is at stake (worth 8 in all): the exchange is scaled down to 50%"


def test_every_missing_component_comes_with_a_hint(catalogue):
    s = score_offer(offer(step("a", "USA", "DPRK", **PRECISE), step("b", "DPRK", "USA", **PRECISE)), catalogue)
    codes = {i.code for i in s.improvements}
    assert {"rec.linkage", "rec.phasing", "rec.protection"} <= codes
    # one step per side: the verification hint is the same edit as the commitment's own
    assert codes & {"rec.verifiability", "spec.verification"}
    gains = [i.gain for i in s.improvements]
    assert gains == sorted(gains, reverse=True)


def test_an_empty_offer_scores_zero(empty):
    s = score_offer(Offer("o", ()), empty)
    assert (s.specificity, s.reciprocity) == (0, 0)
