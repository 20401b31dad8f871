"""Linked steps (rules/ledger.py): link order, void steps, snap-back, the final reckoning."""

from exercises.rules.ledger import (
    BROKEN,
    DUE,
    KEPT,
    VOIDED,
    WITHDRAWN,
    Settlement,
    Step,
    link_order,
    overrule,
    paid_after_broken,
    settle,
)

KEEP = {"probability": 0.9, "draw": 0.1}
BREAK = {"probability": 0.9, "draw": 0.95}


def step(position, by, due_round=2, *, on=(), **kw):
    return Step(position=position, by=by, due_round=due_round, conditional_on=tuple(on), **kw)


def test_a_step_resolves_after_the_step_it_waits_for_whatever_their_positions():
    order, blocking = link_order([step(1, "USA", on=[2]), step(2, "DPRK")])
    assert order == (2, 1)
    assert blocking == {2: (), 1: (2,)}


def test_links_both_ways_the_earlier_phase_moves_first_and_only_the_later_step_waits():
    order, blocking = link_order([step(1, "USA", 3, on=[2]), step(2, "DPRK", 2, on=[1])])
    assert order == (2, 1)
    assert blocking == {2: (), 1: (2,)}


def test_a_step_whose_condition_broke_is_void_not_drawn_and_names_the_breach():
    steps = [step(1, "DPRK", **BREAK), step(2, "USA", on=[1], **KEEP)]
    assert settle(steps, 2) == (Settlement(1, BROKEN), Settlement(2, VOIDED, breach=1))
    assert not Settlement(2, VOIDED, 1).drawn


def test_voids_cascade_down_a_chain_of_conditions():
    steps = [step(1, "DPRK", **BREAK), step(2, "USA", on=[1], **KEEP), step(3, "ROK", on=[2], **KEEP)]
    assert [s.outcome for s in settle(steps, 2)] == [BROKEN, VOIDED, VOIDED]


def test_a_condition_broken_in_an_earlier_round_voids_the_step_when_it_comes_due():
    steps = [step(1, "DPRK", 2, outcome=BROKEN), step(2, "USA", 3, on=[1], **KEEP)]
    assert settle(steps, 3) == (Settlement(2, VOIDED, breach=1),)


def test_a_kept_condition_lets_the_dice_decide():
    steps = [step(1, "DPRK", **KEEP), step(2, "USA", on=[1], **BREAK)]
    assert settle(steps, 2) == (Settlement(1, KEPT), Settlement(2, BROKEN))


def test_a_step_waits_while_its_condition_is_not_due_and_is_settled_in_the_final_reckoning():
    steps = [step(1, "USA", 2, on=[2], **KEEP), step(2, "DPRK", 3, **KEEP)]
    assert settle(steps, 2) == ()  # the USA's step waits for the DPRK's, due in round 3
    assert settle(steps, None) == (Settlement(2, KEPT), Settlement(1, KEPT))


def test_snap_back_withdraws_a_kept_step_when_the_other_side_breaks_a_later_one():
    steps = [
        step(1, "DPRK", 2, outcome=KEPT, snap_back=True),
        step(2, "USA", 3, on=[1], **BREAK),
    ]
    assert settle(steps, 3) == (Settlement(2, BROKEN), Settlement(1, WITHDRAWN, breach=2))


def test_without_snap_back_a_first_mover_stays_exposed():
    steps = [step(1, "DPRK", 2, outcome=KEPT), step(2, "USA", 3, on=[1], **BREAK)]
    assert settle(steps, 3) == (Settlement(2, BROKEN),)


def test_a_giver_breaking_its_own_later_step_does_not_withdraw_its_earlier_one():
    steps = [step(1, "DPRK", 2, outcome=KEPT, snap_back=True), step(2, "DPRK", 3, **BREAK)]
    assert settle(steps, 3) == (Settlement(2, BROKEN),)


def test_steps_not_due_yet_are_left_alone_and_settled_steps_never_change():
    steps = [step(1, "DPRK", 2, outcome=KEPT), step(2, "USA", 4, on=[1], **KEEP), step(3, "ROK", 2, outcome=VOIDED)]
    assert settle(steps, 3) == ()
    assert settle(steps, None) == (Settlement(2, KEPT),)


def test_links_to_unknown_positions_and_to_itself_are_ignored():
    assert settle([step(1, "USA", on=[1, 9], **KEEP)], 2) == (Settlement(1, KEPT),)


def test_paid_after_broken_counts_what_the_old_rules_paid_and_the_ledger_does_not():
    # Each step rolled on its own (before the ledger): the USA's relief was kept
    # although the freeze it waited for was broken.
    rolled_alone = [step(1, "DPRK", outcome=BROKEN), step(2, "USA", on=[1], outcome=KEPT)]
    assert paid_after_broken(rolled_alone) == 1
    ledger = [step(1, "DPRK", **BREAK), step(2, "USA", on=[1], **KEEP)]
    after = {s.position: s.outcome for s in settle(ledger, 2)}
    settled = [Step(s.position, s.by, s.due_round, after[s.position], s.conditional_on) for s in ledger]
    assert paid_after_broken(settled) == 0
    assert DUE not in after.values()


def test_a_condition_ruled_broken_voids_the_steps_paid_on_it_down_the_chain():
    steps = [
        step(1, "DPRK", outcome=KEPT),
        step(2, "USA", on=[1], outcome=KEPT),
        step(3, "ROK", on=[2], outcome=BROKEN),
    ]
    assert overrule(steps, 1, kept=False) == (Settlement(2, VOIDED, breach=1), Settlement(3, VOIDED, breach=2))


def test_a_ruling_leaves_due_steps_to_the_next_close_and_independent_steps_alone():
    steps = [step(1, "DPRK", outcome=KEPT), step(2, "USA", 4, on=[1]), step(3, "USA", outcome=KEPT)]
    assert overrule(steps, 1, kept=False) == ()


def test_a_step_ruled_broken_withdraws_the_other_sides_snap_back_steps_but_not_its_own():
    steps = [
        step(1, "USA", outcome=KEPT, snap_back=True),
        step(2, "DPRK", outcome=KEPT),
        step(3, "DPRK", outcome=KEPT, snap_back=True),
    ]
    assert overrule(steps, 2, kept=False) == (Settlement(1, WITHDRAWN, breach=2),)


def test_the_umpires_own_rulings_do_not_move_with_another_ruling():
    steps = [step(1, "DPRK", outcome=KEPT), step(2, "USA", on=[1], outcome=KEPT, ruled=True)]
    assert overrule(steps, 1, kept=False) == ()


def test_a_breach_ruled_away_makes_its_voids_due_again_and_its_snap_backs_kept():
    steps = [
        step(1, "USA", outcome=WITHDRAWN, snap_back=True, breach=2),
        step(2, "DPRK", outcome=BROKEN),
        step(3, "USA", on=[2], outcome=VOIDED, breach=2),
        step(4, "ROK", on=[3], outcome=VOIDED, breach=3),
        step(5, "ROK", outcome=VOIDED, on=[6], breach=6),
        step(6, "CHN", outcome=BROKEN),
    ]
    assert overrule(steps, 2, kept=True) == (Settlement(1, KEPT), Settlement(3, DUE), Settlement(4, DUE))


def test_overruled_both_ways_nothing_is_paid_after_a_broken_condition():
    steps = [step(1, "DPRK", outcome=KEPT), step(2, "USA", on=[1], outcome=KEPT)]
    changed = {s.position: s.outcome for s in overrule(steps, 1, kept=False)}
    after = [step(1, "DPRK", outcome=BROKEN), step(2, "USA", on=[1], outcome=changed[2], breach=1)]
    assert paid_after_broken(after) == 0
