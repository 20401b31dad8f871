"""SCORING.md "Outcomes": kept/broken, tension, team score."""

from hypothesis import given, settings
from hypothesis import strategies as st

from exercises.rules import (
    Catalogue,
    Commitment,
    RulesConfig,
    delivered_value,
    kept_probability,
    resolve_commitment,
    stability_term,
    team_score,
    tension_after,
)

CONFIG = RulesConfig()
score = st.floats(min_value=0, max_value=100)


def test_the_same_seed_gives_the_same_result():
    assert resolve_commitment("exercise-7", "round-2:c3", 0.5) == resolve_commitment("exercise-7", "round-2:c3", 0.5)


def test_different_exercises_draw_differently():
    a = [resolve_commitment("exercise-1", f"c{i}", 0.5)[1] for i in range(20)]
    b = [resolve_commitment("exercise-2", f"c{i}", 0.5)[1] for i in range(20)]
    assert a != b
    assert len(set(a)) == 20


def test_kept_means_the_draw_is_below_the_probability():
    kept, draw = resolve_commitment("s", "k", 0.5)
    assert 0 <= draw < 1
    assert kept == (draw < 0.5)
    assert resolve_commitment("s", "k", 1.0)[0] is True
    assert resolve_commitment("s", "k", 0.0)[0] is False


def test_draws_are_roughly_uniform():
    kept = sum(resolve_commitment("seed", f"c{i}", 0.3)[0] for i in range(2000))
    assert 500 < kept < 700


@settings(deadline=None)
@given(score, score, score, score)
def test_probability_rises_with_specificity_and_reciprocity(s1, s2, r, t):
    lo, hi = sorted((s1, s2))
    assert kept_probability(lo, r, t, CONFIG) <= kept_probability(hi, r, t, CONFIG)
    assert kept_probability(r, lo, t, CONFIG) <= kept_probability(r, hi, t, CONFIG)


@settings(deadline=None)
@given(score, score, score, score)
def test_probability_falls_with_tension(s, r, t1, t2):
    lo, hi = sorted((t1, t2))
    assert kept_probability(s, r, lo, CONFIG) >= kept_probability(s, r, hi, CONFIG)


@settings(deadline=None)
@given(score, score, score)
def test_probability_is_clamped(s, r, t):
    assert 0.05 <= kept_probability(s, r, t, CONFIG) <= 0.95


def test_probability_separates_the_worked_examples():
    singapore = kept_probability(14, 14, 60, CONFIG)
    military = kept_probability(95, 91, 60, CONFIG)
    assert singapore < 0.2
    assert military > 0.85


def test_tension_moves_and_clamps():
    assert tension_after(60, inject_deltas=(5, -2), config=CONFIG) == 63
    assert tension_after(60, kept=3, config=CONFIG) == 54
    assert tension_after(60, broken=2, config=CONFIG) == 70
    assert tension_after(99, broken=5, config=CONFIG) == 100
    assert tension_after(1, kept=5, inject_deltas=(-30,), config=CONFIG) == 0


def test_stability_is_higher_when_tension_is_low():
    assert stability_term(0, CONFIG) == 10
    assert stability_term(100, CONFIG) == 0
    assert stability_term(20, CONFIG) > stability_term(80, CONFIG)


def test_delivered_value_uses_the_partys_own_values(catalogue):
    freeze = Commitment("c1", "DPRK", ("USA",), kind="yongbyon-freeze", action="freeze")
    assert delivered_value("USA", freeze, catalogue) == 8
    assert delivered_value("DPRK", freeze, catalogue) == -6
    assert delivered_value("Russia", freeze, catalogue) == 1  # default_value
    override = Commitment("c1", "DPRK", ("USA",), kind="yongbyon-freeze", action="freeze", value=(("USA", 9.0),))
    assert delivered_value("USA", override, catalogue) == 9
    free = Commitment("c2", "USA", ("DPRK",), text="deliver rice")
    assert delivered_value("USA", free, catalogue) == -2
    assert delivered_value("DPRK", free, catalogue) == 2
    assert delivered_value("China", free, catalogue) == 0


def test_delivered_value_books_an_item_only_when_its_giver_delivers_it_as_listed(catalogue):
    paperwork = Commitment("c1", "USA", ("DPRK",), kind="yongbyon-freeze", action="freeze", object="its paperwork")
    assert delivered_value("USA", paperwork, catalogue) == 0  # free text naming nothing: a token
    wrong_deed = Commitment("c1", "DPRK", ("USA",), kind="yongbyon-freeze", action="discuss", object="plutonium")
    assert delivered_value("USA", wrong_deed, catalogue) == 2  # free text with substance: the default


def test_team_score_is_delivered_value_plus_stability(catalogue):
    freeze = Commitment("c1", "DPRK", ("USA",), kind="yongbyon-freeze", action="freeze")
    relief = Commitment("c2", "USA", ("DPRK",), kind="sectoral-relief")
    usa = team_score("USA", [freeze, relief], 40, catalogue)
    assert (usa.values, usa.delivered, usa.stability, usa.total) == ((8, -6), 2, 6, 8 - 6 + 6)
    nothing = team_score("DPRK", [], 40, catalogue)
    assert (nothing.values, nothing.total) == ((), 6)


def test_a_scenario_can_retune_the_outcome_model():
    harsh = Catalogue.empty(RulesConfig().merged({"outcomes": {"tension_per_broken": 10}}))
    assert tension_after(50, broken=1, config=harsh) == 60
    assert tension_after(50, broken=1, config=harsh.config) == 60
