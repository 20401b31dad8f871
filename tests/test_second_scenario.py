"""The second built-in pack (Iran nuclear talks, 2015) and what it proves: the engine is
general. Places, bodies, verifiers and vague formulas come from packs, never from code."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from exercises import personas
from exercises.rules import Catalogue, score_offer
from exercises.scenarios import ScenarioError, available_scenarios, load_scenario
from exercises.scenarios.loader import validate_scenario

IRAN = "iran-nuclear-talks-2015"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def iran() -> dict:
    return load_scenario(IRAN)


def item(snapshot: dict, key: str) -> dict:
    return next(i for i in snapshot["catalogue"] if i["key"] == key)


def test_both_built_in_packs_are_offered():
    assert {"second-summit-2019", IRAN} <= set(available_scenarios())


def test_the_iran_pack_has_the_five_delegations_and_the_iaea_as_verifier(iran):
    assert [t["key"] for t in iran["teams"]] == ["Iran", "USA", "E3EU", "Russia", "China"]
    assert "France, Germany, United Kingdom" in iran["teams"][2]["name"]
    assert {"name": "IAEA", "kind": "third-party"}.items() <= iran["verifiers"][0].items()


@pytest.mark.parametrize(
    ("key", "facts"),
    [
        ("enrichment-cap", ["3.67 %", "15 years"]),
        ("stockpile-300kg", ["300", "kg", "15 years"]),
        ("natanz-centrifuges", ["5,060 IR-1", "Natanz", "10 years"]),
        ("fordow-conversion", ["Fordow", "research"]),
        ("arak-redesign", ["Arak", "redesigned"]),
        ("additional-protocol", ["Additional Protocol"]),
        ("implementation-day-relief", ["Implementation Day"]),
        ("unscr-snapback", ["snap-back", "2231"]),
    ],
)
def test_the_catalogue_holds_the_real_jcpoa_terms(iran, key, facts):
    found = item(iran, key)
    text = " ".join(str(v) for v in [found["title"], *found["fields"].values()] if v is not None)
    for fact in facts:
        assert fact in text, (key, fact, text)


def test_vaguer_alternatives_sit_beside_the_specific_terms_and_conflict_with_them(iran):
    assert "enrichment-cap" in item(iran, "enrichment-practical-needs")["conflicts"]
    assert "additional-protocol" in item(iran, "transparency-pledge")["conflicts"]
    assert "implementation-day-relief" in item(iran, "comprehensive-lifting")["conflicts"]
    assert (
        item(iran, "comprehensive-lifting")["values"]["Iran"]
        < item(iran, "implementation-day-relief")["values"]["Iran"]
    )


def test_the_pack_lists_its_sources(iran):
    titles = " ".join(s["title"] for s in iran["sources"])
    assert "Joint Comprehensive Plan of Action" in titles
    assert "2231" in titles
    assert all(s["url"].startswith("https://") for s in iran["sources"] if s["url"])


def test_a_source_link_must_be_a_web_address(iran):
    bad = dict(iran, sources=[{"title": "x", "url": "javascript:alert(1)"}])
    with pytest.raises(ScenarioError, match=r"sources\[0\]\.url: must be a web address"):
        validate_scenario(bad, "pack.yaml")


def test_the_packs_own_vague_formulas_are_scored_as_vague(iran):
    catalogue = Catalogue.from_scenario(iran)
    draft = personas._engine(
        [
            {"by": "Iran", "to": ["USA"], "kind": "enrichment-cap", "action": "cap",
             "object": "enrichment consistent with practical needs", "site": "Natanz"},
        ],
        "Iran",
        ("USA",),
    )  # fmt: skip
    reasons = [r.text for c in score_offer(draft, catalogue).commitments for r in c.reasons if r.code == "vague"]
    assert any("practical needs" in text for text in reasons), reasons


@pytest.mark.parametrize("seed", range(5))
def test_a_base_hit_on_the_iran_catalogue_is_specific_and_reciprocal(iran, seed):
    """The persona that writes base hits finds checkable trades in the new pack: its sites,
    dates inside the calendar and verifier are the pack's, not the code's."""
    catalogue = Catalogue.from_scenario(iran)
    table = personas.Table(me="Iran", others=("USA", "E3EU", "Russia", "China"), catalogue=catalogue)
    [draft] = personas.draft_offers("base-hitter", table, random.Random(seed))
    score = score_offer(personas._engine(draft.commitments, "Iran", draft.to), catalogue)
    assert score.specificity >= 60 and score.reciprocity >= 50, (draft, score.specificity, score.reciprocity)


# Words that name a case: they belong in a pack (or a test fixture), never in code.
CASE_WORDS = re.compile(
    r"korea|dprk|\brok\b|yongbyon|pyongyang|panmunjom|kaesong|punggye|sohae|\bdmz\b|singapore|hanoi|"
    r"\biran|natanz|fordow|\barak\b|jcpoa|tehran|\b1718\b|\b2231\b",
    re.IGNORECASE,
)
CODE_DIRS = ("exercises", "tabletop", "templates", "static/app")
CODE_SUFFIXES = {".py", ".html", ".js", ".css", ".txt"}


def test_no_code_names_a_case():
    offenders = []
    for top in CODE_DIRS:
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix not in CODE_SUFFIXES or "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if CASE_WORDS.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
