"""The vague-term lexicon (Gastinger & Schmidtke's DIMI idea) and its penalty."""

import pytest

from exercises.rules import Catalogue, score_commitment
from exercises.rules.lexicon import LEXICON, PHASED, VAGUE, normalise

from .conftest import commitment, points

# Every vague marker listed in SCORING.md, as a player might write it.
SCORING_MD_VAGUE = [
    "work toward",
    "join efforts",
    "make efforts",
    "strive",
    "endeavour",
    "seek",
    "promote",
    "explore",
    "discuss",
    "consult",
    "as soon as possible",
    "at an early date",
    "at an appropriate time",
    "in the near future",
    "as conditions ripen",
    "corresponding measures",
    "in the spirit of",
    "complete denuclearization",
    "new relations",
    "security guarantees",
    "mutual confidence",
    "phased manner",
    "eventually",
    "eventual",
    "substantial progress",
    "comprehensive",
]


@pytest.mark.parametrize("term", SCORING_MD_VAGUE)
def test_each_vague_term_costs_5(empty, term):
    base = commitment(action="freeze", object="plutonium production", site="Yongbyon")
    clean = score_commitment(base, empty)
    vague = score_commitment(commitment(action="freeze", object="plutonium production", site="Yongbyon",
                                        text=f"The DPRK will act, {term}."), empty)  # fmt: skip
    assert points(vague, "vague") == -5, [r for r in vague.reasons if r.code == "vague"]
    assert vague.specificity < clean.specificity


@pytest.mark.parametrize(
    ("term", "needs_definition"), [("lasting and stable peace regime", False), ("practical needs", True)]
)
def test_a_scenarios_own_vague_formulas_cost_5_in_that_scenario_only(empty, term, needs_definition):
    """Formulas of one case (the Singapore statement's "peace regime") come from its pack, not the code."""
    scenario = Catalogue(vague=((term, (), needs_definition),))
    text = f"The parties will act, {term}."
    assert points(score_commitment(commitment(text=text), scenario), "vague") == -5
    assert points(score_commitment(commitment(text=text), empty), "vague") == 0


@pytest.mark.parametrize("term", ["WORK TOWARD", "Work Towards", "strives", "Seeking", "endeavor", "discussions"])
def test_matching_is_case_insensitive_and_knows_word_forms(empty, term):
    assert points(score_commitment(commitment(text=f"They {term} it."), empty), "vague") == -5


@pytest.mark.parametrize(
    "text", ["They seekers.", "Promoter.", "networking toward", "Comprehensive Military Agreement"]
)
def test_matching_respects_word_boundaries_and_names(empty, text):
    assert points(score_commitment(commitment(text=text), empty), "vague") == 0


def test_the_penalty_is_capped_at_25(empty):
    text = "work toward, strive, seek, promote, explore, discuss, consult, in the spirit of"
    s = score_commitment(commitment(text=text), empty)
    assert sum(1 for r in s.reasons if r.code == "vague") == 8  # each term is listed...
    assert points(s, "vague") == -25  # ...but at most 25 is subtracted
    raw = sum(r.points for r in s.reasons if r.code != "vague")
    assert s.specificity == max(0, raw - 25)
    fix = next(i for i in s.improvements if i.code == "vague")
    assert fix.gain == raw - s.specificity


def test_a_repeated_term_counts_once(empty):
    s = score_commitment(commitment(action="work toward", text="We work toward it and work toward more."), empty)
    assert points(s, "vague") == -5


def test_phased_manner_is_vague_only_without_phase_numbers(empty):
    assert points(score_commitment(commitment(text="In a phased manner."), empty), "vague") == -5
    assert points(score_commitment(commitment(text="In a phased manner.", phase=1), empty), "vague") == 0


def test_every_scoring_md_term_is_in_the_lexicon():
    for term in SCORING_MD_VAGUE:
        tags = LEXICON[normalise(term)][1]
        assert VAGUE in tags or PHASED in tags, term


def test_en_dashes_and_spacing_do_not_hide_a_term(empty):
    assert points(score_commitment(commitment(text="new   relations"), empty), "vague") == -5
    dashed = score_commitment(commitment(verification="on\u2013site   verification"), empty)
    assert points(dashed, "verification") == 12


@pytest.mark.parametrize(
    "text",
    [
        "complete denuclearization, including everything",
        "The DPRK will dismantle all.",
        "Dismantle all, verified by the IAEA.",
        "They will denuclearize completely.",
        "They promise full normalization.",
        "Any and all steps.",
        "Take concrete steps.",
        "In a verifiable manner.",
        "To be determined.",
    ],
)
def test_sweeping_scope_without_an_object_is_vague(empty, text):
    assert points(score_commitment(commitment(text=text), empty), "vague") <= -5


@pytest.mark.parametrize(
    "text",
    [
        "Dismantle all guard posts in the DMZ.",
        "Complete dismantlement of the 5 MWe reactor.",
        "Withdraw all 11 guard posts.",
        "Pay the sum in full by 1 March.",
        "A complete list of facilities.",
    ],
)
def test_all_and_complete_with_an_object_are_not_vague(empty, text):
    assert points(score_commitment(commitment(text=text), empty), "vague") == 0


def test_including_everything_is_not_a_definition(empty):
    s = score_commitment(commitment(text="Complete denuclearization, including everything."), empty)
    assert points(s, "vague") == -10
    assert points(s, "defined_terms") == 0
