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
    data = json.loads((FIXTURES / name).read_text())
    offers = []
    for raw in data["offers"]:
        commitments = []
        for c in raw["commitments"]:
            c = {k: v for k, v in c.items() if not k.startswith("_")}
            if "value" in c:
                c["value"] = tuple(c["value"].items())
            commitments.append(Commitment(**c))
        offers.append(Offer(raw["id"], tuple(commitments), tuple(raw.get("parties", ()))))
    return offers


SMALL_SCENARIO = {
    "key": "tiny",
    "title": "Tiny",
    "defaults": {"rounds": 3, "round_minutes": 10, "initial_tension": 60},
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
