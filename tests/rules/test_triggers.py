"""Triggered injects: which armed triggers a closing round meets (rules/triggers.py)."""

from hypothesis import given
from hypothesis import strategies as st

from exercises.rules.triggers import ANY, Ledger, Trigger, describe, firing


def fires(trigger: Trigger, ledger: Ledger) -> bool:
    return firing([("news", trigger)], ledger) == ("news",)


def test_tension_at_or_above_the_level():
    trigger = Trigger(tension_at_least=75)
    assert not fires(trigger, Ledger(round=2, tension=74.9))
    assert fires(trigger, Ledger(round=2, tension=75))
    assert fires(trigger, Ledger(round=2, tension=90))


def test_a_broken_commitment_on_a_named_item():
    trigger = Trigger(broken=("yongbyon-freeze", "test-moratorium"))
    assert not fires(trigger, Ledger(round=2, tension=50, kept=frozenset({"yongbyon-freeze"})))
    assert not fires(trigger, Ledger(round=2, tension=50, broken=frozenset({"food-aid"})))
    assert fires(trigger, Ledger(round=2, tension=50, broken=frozenset({"test-moratorium"})))


def test_any_counts_commitments_tagged_with_no_item():
    assert fires(Trigger(broken=(ANY,)), Ledger(round=2, tension=50, broken=frozenset({""})))
    assert not fires(Trigger(broken=(ANY,)), Ledger(round=2, tension=50, kept=frozenset({""})))
    assert fires(Trigger(kept=(ANY,)), Ledger(round=2, tension=50, kept=frozenset({"food-aid"})))


def test_an_agreement_on_an_item():
    trigger = Trigger(agreed=("family-reunion-facility",))
    assert not fires(trigger, Ledger(round=1, tension=50, agreed=frozenset({"food-aid"}), first_agreement_round=1))
    assert fires(trigger, Ledger(round=1, tension=50, agreed=frozenset({"family-reunion-facility"})))


def test_no_agreement_by_round_n():
    trigger = Trigger(no_agreement_by=2)
    assert not fires(trigger, Ledger(round=1, tension=50)), "round 2 has not closed yet"
    assert fires(trigger, Ledger(round=2, tension=50))
    assert not fires(trigger, Ledger(round=2, tension=50, agreed=frozenset({""}), first_agreement_round=2))
    # an agreement reached after round 2 does not undo the fact that none came by then
    assert fires(trigger, Ledger(round=3, tension=50, agreed=frozenset({""}), first_agreement_round=3))


def test_every_condition_must_hold():
    trigger = Trigger(tension_at_least=70, broken=(ANY,))
    assert not fires(trigger, Ledger(round=2, tension=80))
    assert not fires(trigger, Ledger(round=2, tension=60, broken=frozenset({"x"})))
    assert fires(trigger, Ledger(round=2, tension=80, broken=frozenset({"x"})))


def test_firing_keeps_the_scenario_order():
    armed = [("b", Trigger(tension_at_least=10)), ("a", Trigger(tension_at_least=99)), ("c", Trigger(kept=(ANY,)))]
    assert firing(armed, Ledger(round=1, tension=50, kept=frozenset({"x"}))) == ("b", "c")


def test_it_reads_the_snapshot_form():
    snapshot = {"tension_at_least": 80, "broken": ["a", "b"], "kept": "any", "no_agreement_by": 3}
    trigger = Trigger.from_snapshot(snapshot)
    assert trigger == Trigger(tension_at_least=80.0, broken=("a", "b"), kept=(ANY,), no_agreement_by=3)


def test_describe_names_items_by_their_titles():
    titles = {"a": "Freeze", "b": "Moratorium"}
    text = describe(Trigger(tension_at_least=80, broken=("a", "b")), titles)
    assert text == "tension is at or above 80 and a commitment on “Freeze” or “Moratorium” is broken"
    assert describe(Trigger(no_agreement_by=2), titles) == "no agreement is reached by the end of round 2"
    assert describe(Trigger(agreed=(ANY,)), titles) == "an agreement includes any item"


@given(st.floats(min_value=0, max_value=100), st.floats(min_value=0, max_value=100))
def test_a_tension_trigger_fires_exactly_when_tension_reaches_it(level, tension):
    assert fires(Trigger(tension_at_least=level), Ledger(round=1, tension=tension)) == (tension >= level)


def test_a_trigger_with_no_condition_always_holds_but_describes_itself():
    # The loader refuses an empty trigger; the engine stays total all the same.
    assert fires(Trigger(), Ledger(round=1, tension=0))
    assert describe(Trigger(), {}) == "at the next close (no condition)"
