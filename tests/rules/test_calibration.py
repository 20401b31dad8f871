"""The two worked examples of SCORING.md must land where the brief says."""

import dataclasses

from exercises.rules import Catalogue, score_offer

from .conftest import fixture_offers


def test_the_singapore_statement_is_vague_and_weakly_reciprocal():
    (singapore,) = fixture_offers("singapore-2018.json")
    s = score_offer(singapore, Catalogue.empty())
    assert s.specificity <= 25
    assert s.reciprocity <= 40


def test_the_singapore_statement_stays_low_without_value_estimates():
    (singapore,) = fixture_offers("singapore-2018.json")
    plain = dataclasses.replace(
        singapore, commitments=tuple(dataclasses.replace(c, value=None) for c in singapore.commitments)
    )
    s = score_offer(plain, Catalogue.empty())
    assert s.specificity <= 25
    assert s.reciprocity <= 40


def test_the_inter_korean_military_agreement_is_specific_and_reciprocal():
    (cma,) = fixture_offers("military-agreement-2018.json")
    s = score_offer(cma, Catalogue.empty())
    assert s.specificity >= 80
    assert s.reciprocity >= 75


def test_the_military_agreement_stays_reciprocal_without_phases():
    (cma,) = fixture_offers("military-agreement-2018.json")
    flat = dataclasses.replace(cma, commitments=tuple(dataclasses.replace(c, phase=None) for c in cma.commitments))
    s = score_offer(flat, Catalogue.empty())
    assert s.specificity >= 80
    assert s.reciprocity >= 70


def test_the_brief_in_one_line():
    (singapore,) = fixture_offers("singapore-2018.json")
    (cma,) = fixture_offers("military-agreement-2018.json")
    low, high = score_offer(singapore, Catalogue.empty()), score_offer(cma, Catalogue.empty())
    assert high.specificity - low.specificity >= 55
    assert high.reciprocity - low.reciprocity >= 35


def test_docs_quote_the_actual_scores():
    import re
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "scoring.md").read_text()
    for fixture, title in [
        ("singapore-2018.json", "Singapore Joint Statement"),
        ("military-agreement-2018.json", "Inter-Korean Comprehensive Military Agreement"),
    ]:
        (offer,) = fixture_offers(fixture)
        s = score_offer(offer, Catalogue.empty())
        match = re.search(rf"### {title}[^:\n]*: specificity (\d+), reciprocity (\d+)", docs)
        assert match, title
        assert (int(match[1]), int(match[2])) == (s.specificity, s.reciprocity)
