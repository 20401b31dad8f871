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


def test_nothing_in_the_rules_names_a_place_or_body_of_the_scenario():
    """Every place and verifier comes from the pack: the code's strings name none of them."""
    import ast
    import re
    from pathlib import Path

    scenario = load_scenario("second-summit-2019")
    names = {n for p in scenario["places"] for n in (p["name"], *p["aliases"])}
    names |= {n for v in scenario["verifiers"] for n in (v["name"], *v["aliases"])}
    pattern = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(n.lower()) for n in names) + r")(?![\w])")
    rules_dir = Path(__file__).resolve().parents[2] / "exercises" / "rules"
    for path in sorted(rules_dir.glob("*.py")):
        tree = ast.parse(path.read_text())
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef) and node.body
            and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
        }  # fmt: skip
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                assert not pattern.search(node.value.lower()), f"{path.name}:{node.lineno}: {node.value!r}"


BORDER_TALKS = {
    "key": "border-talks",
    "title": "Border talks",
    "teams": [{"key": "North"}, {"key": "South"}],
    "calendar": {"start": "2030-04-01", "round_days": 7, "horizon": "2030-12-31"},
    "places": [{"name": "Old Bridge", "aliases": ["the bridge crossing"]}],
    "verifiers": [{"name": "River Commission", "aliases": [], "kind": "third-party"}],
    "catalogue": [
        {"key": "checkpoint", "by": ["North"], "to": ["South"], "actions": ["reopen"],
         "values": {"North": -3, "South": 6}, "fields": {}},
    ],
}  # fmt: skip


def test_a_second_scenario_needs_no_code_change():
    catalogue = Catalogue.from_scenario(BORDER_TALKS)
    here = Commitment("1", "North", ("South",), kind="checkpoint", action="reopen", object="the road checkpoint",
                      site="Old Bridge", deadline="within 14 days", verification="River Commission monitors")  # fmt: skip
    s = score_offer(Offer("o", (here,)), catalogue).commitments[0]
    points = {r.code: r.points for r in s.reasons}
    assert (points["site"], points["verification"], points["deadline"]) == (10, 15, 15)
    elsewhere = Commitment("1", "North", ("South",), site="Yongbyon", verification="IAEA", deadline="by 2019")
    points = {r.code: r.points for r in score_offer(Offer("o", (elsewhere,)), catalogue).commitments[0].reasons}
    assert (points["site"], points["verification"], points["deadline"]) == (4, 4, 0)
