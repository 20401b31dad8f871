"""Rules tests are pure Python: no database, no Django cache.

The project-wide ``_fresh_cache`` autouse fixture (tests/conftest.py) touches
Django's cache; here it is replaced by a no-op so these tests never need
settings beyond what pytest-django loads.
"""

import json
from pathlib import Path

import pytest

from exercises.rules import Catalogue, Commitment, Offer

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _fresh_cache():
    yield


def commitment(**fields) -> Commitment:
    fields.setdefault("id", "c1")
    fields.setdefault("by", "DPRK")
    return Commitment(**fields)


def points(score, code: str) -> float:
    return sum(r.points for r in score.reasons if r.code == code)


def fixture_offers(name: str) -> list[Offer]:
    """Offers of a CLI-format fixture as engine dataclasses."""
    return fixture(name)[1]


def fixture(name: str) -> tuple[Catalogue, list[Offer]]:
    """A CLI-format fixture as the catalogue it is scored with and its offers (through the CLI's parser)."""
    from exercises.rules.cli import parse
    from exercises.scenarios import load_scenario

    return parse(json.loads((FIXTURES / name).read_text()), load_scenario)


SMALL_SCENARIO = {
    "key": "tiny",
    "title": "Tiny",
    "defaults": {"rounds": 3, "round_minutes": 10, "initial_tension": 60},
    # What a referee of this scenario recognises (docs/scenario-format.md).
    "calendar": {"start": "2019-01-14", "round_days": 30, "horizon": "2020-12-31"},
    "places": [
        {"name": "Yongbyon", "aliases": []},
        {"name": "Punggye-ri", "aliases": []},
        {"name": "Sohae", "aliases": ["Sohae satellite launching station"]},
        {"name": "Panmunjom", "aliases": []},
        {"name": "Joint Security Area", "aliases": ["JSA"]},
        {"name": "DMZ", "aliases": []},
    ],
    "verifiers": [
        {"name": "IAEA", "aliases": ["International Atomic Energy Agency"], "kind": "third-party"},
        {"name": "UN Panel of Experts", "aliases": [], "kind": "third-party"},
        {"name": "World Food Programme", "aliases": ["WFP"], "kind": "third-party"},
        {"name": "joint military committee", "aliases": [], "kind": "party"},
    ],
    "teams": [
        {"key": "USA", "name": "United States", "optional": False, "brief": "", "objectives": []},
        {"key": "DPRK", "name": "North Korea", "optional": False, "brief": "", "objectives": []},
        {"key": "China", "name": "China", "optional": True, "brief": "", "objectives": []},
    ],
    "catalogue": [
        {
            "key": "yongbyon-freeze",
            "number": 2,
            "title": "IAEA-monitored freeze at Yongbyon",
            "category": "nuclear",
            "by": ["DPRK"],
            "to": ["USA"],
            "actions": ["freeze", "halt", "seal"],
            "values": {"USA": 8, "DPRK": -6, "China": 5},
            "default_value": 1,
            "irreversible": False,
            "conflicts": [],
            "fields": {
                "action": "freeze",
                "object": "plutonium production",
                "site": "Yongbyon",
                "verification": "IAEA inspectors",
                "quantity": None,
                "unit": None,
                "deadline": None,
                "duration": None,
            },
        },
        {
            "key": "dismantlement",
            "number": 4,
            "title": "Permanent dismantlement of Yongbyon",
            "category": "nuclear",
            "by": ["DPRK"],
            "to": ["USA"],
            "values": {"USA": 8, "DPRK": -7},
            "default_value": 0,
            "irreversible": True,
            "conflicts": [],
            "fields": {},
        },
        {
            "key": "sectoral-relief",
            "number": 14,
            "title": "Sectoral relief",
            "category": "sanctions",
            "by": ["USA"],
            "to": ["DPRK"],
            "values": {"USA": -6, "DPRK": 8, "China": 6},
            "default_value": 0,
            "irreversible": False,
            "conflicts": ["customs-enforcement"],
            "fields": {},
        },
        {
            "key": "customs-enforcement",
            "number": 21,
            "title": "Chinese customs enforcement",
            "category": "sanctions",
            "by": ["China"],
            "to": ["USA"],
            "values": {"USA": 8, "DPRK": -8, "China": -5},
            "default_value": 0,
            "irreversible": False,
            "conflicts": ["sectoral-relief"],
            "fields": {},
        },
    ],
    "injects": [],
    "scoring": {},
}


@pytest.fixture
def catalogue() -> Catalogue:
    return Catalogue.from_scenario(SMALL_SCENARIO)


@pytest.fixture
def empty() -> Catalogue:
    return Catalogue.empty()
