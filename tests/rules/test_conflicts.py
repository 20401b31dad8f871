from exercises.rules import Commitment, find_conflicts


def test_it_finds_a_party_giving_conflicting_items_in_two_offers(catalogue):
    relief = Commitment("c1", "USA", ("DPRK",), kind="sectoral-relief")
    customs = Commitment("c1", "USA", ("DPRK",), kind="customs-enforcement")
    (conflict,) = find_conflicts({"o1": [relief], "o2": [customs]}, catalogue)
    assert conflict.party == "USA"
    assert conflict.offer_ids == ("o1", "o2")
    assert conflict.kinds == ("sectoral-relief", "customs-enforcement")
    assert "cannot both be kept" in conflict.text
    assert conflict.to_dict()["offer_ids"] == ["o1", "o2"]


def test_a_giver_that_receives_the_conflicting_item_elsewhere_is_in_conflict(catalogue):
    # The USA offers DPRK relief while China promises the USA tighter customs.
    relief = Commitment("c1", "USA", ("DPRK",), kind="sectoral-relief")
    customs = Commitment("c1", "China", ("USA",), kind="customs-enforcement")
    conflicts = find_conflicts({"o1": [relief], "o2": [customs]}, catalogue)
    assert [c.party for c in conflicts] == ["USA"]


def test_no_conflict_inside_one_offer_or_between_unrelated_parties(catalogue):
    relief = Commitment("c1", "USA", ("DPRK",), kind="sectoral-relief")
    customs = Commitment("c2", "USA", ("DPRK",), kind="customs-enforcement")
    assert find_conflicts({"o1": [relief, customs]}, catalogue) == []
    strangers = Commitment("c1", "China", ("Japan",), kind="customs-enforcement")
    assert find_conflicts({"o1": [relief], "o2": [strangers]}, catalogue) == []


def test_items_that_do_not_conflict_and_free_text_are_ignored(catalogue):
    freeze = Commitment("c1", "DPRK", ("USA",), kind="yongbyon-freeze")
    free = Commitment("c2", "DPRK", ("USA",), text="anything")
    assert find_conflicts({"o1": [freeze, free], "o2": [freeze, free]}, catalogue) == []


def test_the_order_follows_the_input(catalogue):
    relief = Commitment("c1", "USA", ("DPRK",), kind="sectoral-relief")
    customs = Commitment("c1", "USA", ("DPRK",), kind="customs-enforcement")
    found = find_conflicts({"o3": [customs], "o1": [relief], "o2": [customs]}, catalogue)
    assert [c.offer_ids for c in found] == [("o3", "o1"), ("o1", "o2")]
