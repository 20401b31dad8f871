"""Real agreements land where docs/scoring.md argues, and the docs quote the engine.

Five Korean-peninsula agreements, each a fixture in the ``score_offers`` format,
scored in its own time (the fixture's calendar opens on the day of signature)
with the scenario's gazetteer and verifiers.
"""

import dataclasses
import re
from pathlib import Path

from exercises.rules import score_offer

from .conftest import fixture

AGREEMENTS = {
    "military-agreement-2018.json": "Inter-Korean Comprehensive Military Agreement",
    "agreed-framework-1994.json": "Agreed Framework",
    "initial-actions-2007.json": "Initial Actions",
    "joint-statement-2005.json": "Joint Statement of the Six-Party Talks",
    "singapore-2018.json": "Singapore Joint Statement",
}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "scoring.md"


def scores() -> dict[str, tuple[int, int]]:
    out = {}
    for name in AGREEMENTS:
        catalogue, (offer,) = fixture(name)
        s = score_offer(offer, catalogue, hints=False)
        out[name] = (s.specificity, s.reciprocity)
    return out


def test_the_order_docs_argue_for():
    s = scores()
    by_specificity = sorted(s, key=lambda n: -s[n][0])
    by_reciprocity = sorted(s, key=lambda n: -s[n][1])
    # Specificity: the military agreement, the two implemented nuclear deals, the 2005
    # principles, and Singapore last.
    assert by_specificity == [
        "military-agreement-2018.json",
        "agreed-framework-1994.json",
        "initial-actions-2007.json",
        "joint-statement-2005.json",
        "singapore-2018.json",
    ]
    # Reciprocity: Singapore in the bottom three and below the 2005 statement ("commitment for
    # commitment, action for action"), which the exchanges that were carried out beat.
    assert by_reciprocity.index("singapore-2018.json") >= 2
    assert s["joint-statement-2005.json"][1] > s["singapore-2018.json"][1]
    for implemented in ("military-agreement-2018.json", "agreed-framework-1994.json", "initial-actions-2007.json"):
        assert s[implemented][1] > s["joint-statement-2005.json"][1]


def test_the_brief_in_one_line():
    s = scores()
    low, high = s["singapore-2018.json"], s["military-agreement-2018.json"]
    assert low[0] <= 15 and low[1] <= 25
    assert high[0] >= 85 and high[1] >= 75


def test_the_military_agreement_stays_reciprocal_without_phases():
    catalogue, (cma,) = fixture("military-agreement-2018.json")
    flat = dataclasses.replace(cma, commitments=tuple(dataclasses.replace(c, phase=None) for c in cma.commitments))
    s = score_offer(flat, catalogue, hints=False)
    assert s.specificity >= 85
    assert s.reciprocity >= 65


def test_the_singapore_statement_stays_low_without_value_estimates():
    catalogue, (singapore,) = fixture("singapore-2018.json")
    plain = dataclasses.replace(
        singapore, commitments=tuple(dataclasses.replace(c, value=None) for c in singapore.commitments)
    )
    s = score_offer(plain, catalogue, hints=False)
    assert s.specificity <= 20
    assert s.reciprocity <= 25


def test_docs_quote_the_actual_scores():
    docs = DOCS.read_text()
    s = scores()
    for name, title in AGREEMENTS.items():
        match = re.search(rf"\| {re.escape(title)}[^|]*\| (\d+) \| (\d+) \|", docs)
        assert match, title
        assert (int(match[1]), int(match[2])) == s[name], title
