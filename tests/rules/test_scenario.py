"""The engine with the real scenario pack (exercises/scenarios/second-summit-2019.yaml)."""

import io
import json

from exercises.rules import Catalogue, Commitment, Offer, score_offer
from exercises.rules.cli import run
from exercises.scenarios import load_scenario


def prefilled(cid, kind, catalogue, **extra):
    """A commitment as the composer pre-fills it from the catalogue."""
    item = catalogue.item(kind)
    fields = dict(item.fields)
    fields.update(extra)
    return Commitment(cid, item.by[0], item.to, kind=kind, **fields)


def test_the_default_scenario_builds_a_catalogue():
    catalogue = Catalogue.from_scenario(load_scenario("second-summit-2019"))
    assert catalogue.teams == ("USA", "DPRK", "ROK", "China", "Japan", "Russia")
    assert catalogue.value("yongbyon-freeze", "USA") == 8
    assert catalogue.value("yongbyon-freeze", "DPRK") == -6


def test_a_base_hit_beats_a_grand_bargain():
    catalogue = Catalogue.from_scenario(load_scenario("second-summit-2019"))
    base_hit = Offer(
        "base-hit",
        (
            prefilled("freeze", "yongbyon-freeze", catalogue, deadline="within 60 days", conditional_on=("relief",)),
            prefilled("relief", "sectoral-relief", catalogue, deadline="within 60 days", conditional_on=("freeze",),
                      duration="for 12 months, with snap-back"),
        ),
    )  # fmt: skip
    grand = Offer(
        "grand-bargain",
        (
            Commitment("a", "DPRK", ("USA",), text="Work toward complete denuclearization at an early date."),
            Commitment("b", "USA", ("DPRK",), text="Provide security guarantees and corresponding measures."),
        ),
    )
    hit, bargain = score_offer(base_hit, catalogue), score_offer(grand, catalogue)
    assert hit.specificity >= 70 and hit.reciprocity >= 60
    assert bargain.specificity <= 25 and bargain.reciprocity <= 40


def test_the_cli_uses_the_real_loader():
    doc = {
        "scenario": "second-summit-2019",
        "offers": [{"id": "o1", "commitments": [{"by": "DPRK", "to": ["USA"], "kind": "yongbyon-freeze"}]}],
    }
    out, err = io.StringIO(), io.StringIO()
    assert run("-", io.StringIO(json.dumps(doc)), out, err, load_scenario) == 0
    bad = dict(doc, scenario="no-such-scenario")
    out, err = io.StringIO(), io.StringIO()
    assert run("-", io.StringIO(json.dumps(bad)), out, err, load_scenario) == 2
    assert err.getvalue().startswith('error: unknown scenario "no-such-scenario": ')
    assert err.getvalue().count("\n") == 1
