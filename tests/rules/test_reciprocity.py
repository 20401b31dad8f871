"""One test per component of SCORING.md "Reciprocity of an offer"."""

from exercises.rules import Catalogue, Commitment, Offer, RulesConfig, score_offer

from .conftest import points


def offer(*commitments, parties=()):
    return Offer("o1", tuple(commitments), tuple(parties))


def step(id, by, to, **fields):
    return Commitment(id=id, by=by, to=(to,), **fields)


def reason(score, code):
    return next(r for r in score.reasons if r.code == code)


PRECISE = dict(action="withdraw", object="guard posts", quantity=11, unit="guard posts", site="DMZ",
               deadline="1 November 2018", verification="joint on-site verification")  # fmt: skip


def test_a_one_sided_demand_is_capped_at_25(empty):
    s = score_offer(offer(step("c1", "DPRK", "USA", **PRECISE)), empty)
    assert s.reciprocity <= 25
    capped = reason(s, "rec.one_sided")
    assert capped.text == "USA gives nothing in return: reciprocity capped at 25"
    assert points(s, "rec.balance") == 0
    assert any(i.code == "rec.one_sided" and "USA" in i.text for i in s.improvements)


def test_a_mirror_obligation_is_perfectly_balanced(empty):
    s = score_offer(offer(step("rok", "ROK", "DPRK", **PRECISE), step("dprk", "DPRK", "ROK", **PRECISE)), empty)
    balance = reason(s, "rec.balance")
    assert "Balance 1.00" in balance.text
    definition = 0.5 + 0.5 * s.specificity / 100
    assert balance.points == 35 * definition
    assert s.reciprocity > score_offer(offer(step("rok", "ROK", "DPRK", **PRECISE)), empty).reciprocity


def test_balance_uses_each_partys_own_values(catalogue):
    freeze = Commitment("freeze", "DPRK", ("USA",), kind="yongbyon-freeze", **PRECISE)
    relief = Commitment("relief", "USA", ("DPRK",), kind="sectoral-relief", **PRECISE)
    s = score_offer(offer(freeze, relief), catalogue)
    balance = reason(s, "rec.balance")
    # USA gives 6 gets 8, DPRK gives 6 gets 8: min ratio 0.75
    assert "USA gives 6, gets 8" in balance.text
    assert "DPRK gives 6, gets 8" in balance.text
    assert "Balance 0.75" in balance.text


def test_value_overrides_replace_catalogue_values(catalogue):
    freeze = Commitment("freeze", "DPRK", ("USA",), kind="yongbyon-freeze", value=(("DPRK", -8.0),))
    relief = Commitment("relief", "USA", ("DPRK",), kind="sectoral-relief")
    s = score_offer(offer(freeze, relief), catalogue)
    assert "DPRK gives 8, gets 8" in reason(s, "rec.balance").text


def test_a_party_that_only_receives_counts(empty):
    exchange = (step("a", "USA", "DPRK", **PRECISE), step("b", "DPRK", "USA", **PRECISE))
    balanced = score_offer(offer(*exchange), empty)
    with_free_rider = score_offer(offer(*exchange, step("c", "DPRK", "ROK", **PRECISE)), empty)
    assert points(balanced, "rec.balance") > 0
    assert points(with_free_rider, "rec.balance") == 0
    assert any("ROK receives but gives nothing" in i.text for i in with_free_rider.improvements)


def test_parties_outside_the_scenario_count(catalogue):
    # "UN" is not a team of the scenario: free-text default values apply to it
    s = score_offer(offer(step("a", "UN", "DPRK", **PRECISE), step("b", "DPRK", "UN", **PRECISE)), catalogue)
    assert "UN gives 3, gets 3" in reason(s, "rec.balance").text


def test_free_text_commitments_use_default_values():
    config = RulesConfig().merged({"values": {"default_giver": -4, "default_receiver": 2}})
    s = score_offer(offer(step("a", "USA", "DPRK"), step("b", "DPRK", "USA")), Catalogue.empty(config))
    assert "USA gives 4, gets 2" in reason(s, "rec.balance").text


def test_mutual_gains_need_no_balancing(catalogue):
    both = Commitment("a", "DPRK", ("USA",), value=(("DPRK", 2.0), ("USA", 3.0)))
    s = score_offer(offer(both, Commitment("b", "USA", ("DPRK",), value=(("DPRK", 1.0), ("USA", 1.0)))), catalogue)
    assert "mutual gains" in reason(s, "rec.balance").text


def test_linkage_none_one_way_two_way(empty):
    a = step("a", "USA", "DPRK", **PRECISE)
    b = step("b", "DPRK", "USA", **PRECISE)
    none = points(score_offer(offer(a, b), empty), "rec.linkage")
    one_way = points(score_offer(offer(a, step("b", "DPRK", "USA", conditional_on=("a",), **PRECISE)), empty),
                     "rec.linkage")  # fmt: skip
    two_way = points(
        score_offer(
            offer(step("a", "USA", "DPRK", conditional_on=("b",), **PRECISE),
                  step("b", "DPRK", "USA", conditional_on=("a",), **PRECISE)),
            empty,
        ),
        "rec.linkage",
    )  # fmt: skip
    assert none == 0
    assert one_way == 20 * 0.5 * 0.6
    assert two_way == 20


def test_a_trigger_word_counts_as_half_a_link(empty):
    a = step("a", "USA", "DPRK", text="In exchange for the freeze.")
    s = score_offer(offer(a, step("b", "DPRK", "USA")), empty)
    assert points(s, "rec.linkage") == 20 * (0.5 / 2) * 0.6


def test_phasing(empty):
    linked = dict(conditional_on=("b1",))
    two_sides = offer(step("a1", "USA", "DPRK", phase=2, **linked), step("b1", "DPRK", "USA", phase=1),
                      step("a2", "USA", "DPRK", phase=1), step("b2", "DPRK", "USA", phase=2))  # fmt: skip
    assert points(score_offer(two_sides, empty), "rec.phasing") == 15
    untriggered = offer(step("a1", "USA", "DPRK", phase=2), step("b1", "DPRK", "USA", phase=1))
    assert points(score_offer(untriggered, empty), "rec.phasing") == 8
    front_loaded = offer(step("b1", "DPRK", "USA", phase=1), step("b2", "DPRK", "USA", phase=2))
    assert points(score_offer(front_loaded, empty), "rec.phasing") == 8
    assert points(score_offer(offer(step("a", "USA", "DPRK"), step("b", "DPRK", "USA")), empty), "rec.phasing") == 0


def test_verifiability_is_the_lowest_partys_mean(empty):
    s = score_offer(
        offer(
            step("a", "USA", "DPRK", verification="IAEA inspectors"),  # 15/15
            step("b", "DPRK", "USA", verification="observers"),  # 8/15
            step("c", "DPRK", "USA"),  # 0
        ),
        empty,
    )
    assert points(s, "rec.verifiability") == 20 * (8 / 15) / 2
    assert "DPRK" in reason(s, "rec.verifiability").text


def test_protection_rewards_snap_back(empty):
    plain = score_offer(offer(step("a", "USA", "DPRK"), step("b", "DPRK", "USA")), empty)
    snap = score_offer(offer(step("a", "USA", "DPRK", text="Relief with snap-back."),
                             step("b", "DPRK", "USA", text="Suspension is reversible.")), empty)  # fmt: skip
    assert points(plain, "rec.protection") == 5
    assert points(snap, "rec.protection") == 10


def test_an_irreversible_step_before_the_other_sides_verified_step_costs_10(catalogue):
    dismantle = Commitment("d", "DPRK", ("USA",), kind="dismantlement")
    relief = Commitment("r", "USA", ("DPRK",), kind="sectoral-relief", verification="UN Panel of Experts")
    exposed = score_offer(offer(dismantle, relief), catalogue)
    assert points(exposed, "rec.protection") == 0
    assert "Irreversible step (d)" in reason(exposed, "rec.protection").text
    safe = Commitment("d", "DPRK", ("USA",), kind="dismantlement", conditional_on=("r",))
    protected = score_offer(offer(safe, relief), catalogue)
    assert points(protected, "rec.protection") == 10 * 0.5 / 2
    later_phase = score_offer(
        offer(Commitment("d", "DPRK", ("USA",), kind="dismantlement", phase=2),
              Commitment("r", "USA", ("DPRK",), kind="sectoral-relief", verification="IAEA", phase=1)),
        catalogue,
    )  # fmt: skip
    assert points(later_phase, "rec.protection") > 0


def test_grit_credit_for_a_verifiable_step_that_invites_a_response(empty):
    plain = score_offer(offer(step("a", "USA", "DPRK", verification="IAEA inspectors")), empty)
    grit = score_offer(
        offer(step("a", "USA", "DPRK", verification="IAEA inspectors",
                   text="As a first step, the United States suspends the exercise and invites a response.")),
        empty,
    )  # fmt: skip
    assert points(grit, "rec.grit") == 10
    assert grit.reciprocity == plain.reciprocity + 10
    unverifiable = score_offer(offer(step("a", "USA", "DPRK", text="As a first step we invite a response.")), empty)
    assert points(unverifiable, "rec.grit") == 0


def test_diffuse_reciprocity_uses_the_mean():
    config = RulesConfig().merged({"reciprocity": {"balance_mode": "mean"}})
    lopsided = offer(step("a", "USA", "DPRK"), step("b", "DPRK", "USA"), step("c", "ROK", "DPRK"))
    specific = score_offer(lopsided, Catalogue.empty())
    diffuse = score_offer(lopsided, Catalogue.empty(config))
    assert points(diffuse, "rec.balance") > points(specific, "rec.balance")


def test_every_missing_component_comes_with_an_improvement(empty):
    s = score_offer(offer(step("a", "USA", "DPRK"), step("b", "DPRK", "USA")), empty)
    codes = [i.code for i in s.improvements if i.code.startswith("rec.")]
    assert {"rec.linkage", "rec.phasing", "rec.verifiability", "rec.protection"} <= set(codes)
    gains = [i.gain for i in s.improvements if i.code.startswith("rec.")]
    assert gains == sorted(gains, reverse=True)


def test_an_empty_offer_scores_zero(empty):
    s = score_offer(Offer("o", ()), empty)
    assert (s.specificity, s.reciprocity) == (0, 0)
