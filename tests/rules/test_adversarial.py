"""Offers written to game the scorer stay low; the genuine base hits stay high.

The suite is tests/rules/fixtures/adversarial.json: tokens, past and absurd
dates, unknown verifiers and places, press releases for big steps, one-sided
deals, vague wording dressed up. The base hits are the ones docs/scoring.md
shows (tests/rules/fixtures/base-hits.json).
"""

import json
import re
from pathlib import Path

import pytest

from exercises.rules import score_offer

from .conftest import FIXTURES, fixture

DOCS = Path(__file__).resolve().parents[2] / "docs" / "scoring.md"
ADVERSARIAL = fixture("adversarial.json")
BASE_HITS = fixture("base-hits.json")


def test_the_suite_covers_every_kind_of_attack():
    attacks = " ".join(o["_attack"] for o in json.loads((FIXTURES / "adversarial.json").read_text())["offers"])
    assert len(ADVERSARIAL[1]) >= 20
    for kind in ("token", "past", "beyond", "round", "unknown", "press release", "one-sided", "nobody gives",
                 "vague", "tagged", "units"):  # fmt: skip
        assert kind in attacks, kind


@pytest.mark.parametrize("offer", ADVERSARIAL[1], ids=lambda o: o.id)
def test_an_attack_stays_below_60_and_50(offer):
    s = score_offer(offer, ADVERSARIAL[0], hints=False)
    assert s.specificity < 60
    assert s.reciprocity < 50


@pytest.mark.parametrize("offer", BASE_HITS[1], ids=lambda o: o.id)
def test_a_genuine_base_hit_keeps_80_and_60(offer):
    s = score_offer(offer, BASE_HITS[0], hints=False)
    assert s.specificity >= 80
    assert s.reciprocity >= 60


def test_a_one_sided_demand_written_in_full_is_specific_but_not_reciprocal():
    # Specificity rewards precision; the imbalance is reciprocity's to catch.
    catalogue, offers = BASE_HITS
    freeze = offers[0].commitments[0]
    import dataclasses

    demand = dataclasses.replace(offers[0], commitments=(dataclasses.replace(freeze, conditional_on=()),),
                                 parties=("USA", "DPRK"))  # fmt: skip
    s = score_offer(demand, catalogue, hints=False)
    assert s.specificity >= 80
    assert s.reciprocity <= 25


def test_docs_quote_the_suite_and_the_base_hits():
    docs = DOCS.read_text()
    for catalogue, offers in (ADVERSARIAL, BASE_HITS):
        for offer in offers:
            s = score_offer(offer, catalogue, hints=False)
            match = re.search(rf"\| `{re.escape(offer.id)}` \|[^|]*\| (\d+) \| (\d+) \|", docs)
            assert match, offer.id
            assert (int(match[1]), int(match[2])) == (s.specificity, s.reciprocity), offer.id
