"""The core of the score_offers command: exercises.rules.cli.run."""

import io
import json

import pytest

from exercises.rules.cli import run

from .conftest import FIXTURES, SMALL_SCENARIO


def loader(key):
    if key == "tiny":
        return SMALL_SCENARIO
    raise KeyError(f"no scenario pack has the key {key!r}")


def call(path="-", stdin=""):
    out, err = io.StringIO(), io.StringIO()
    code = run(path, io.StringIO(stdin), out, err, loader)
    return code, out.getvalue(), err.getvalue()


def call_json(doc):
    return call("-", json.dumps(doc))


def test_it_scores_the_singapore_fixture():
    code, out, err = call(str(FIXTURES / "singapore-2018.json"))
    assert (code, err) == (0, "")
    (result,) = json.loads(out)["results"]
    assert result["id"] == "singapore-2018"
    assert result["specificity"] <= 25
    assert result["reciprocity"] <= 40
    assert [c["id"] for c in result["commitments"]] == ["new-relations", "peace-regime", "denuclearization", "remains"]
    assert set(result) == {"id", "specificity", "reciprocity", "commitments", "reasons", "improvements"}
    assert set(result["commitments"][0]) == {"id", "specificity", "reasons"}
    assert set(result["reasons"][0]) == {"code", "text", "points", "max_points"}
    assert {"text", "gain"} <= set(result["improvements"][0])


def test_it_scores_the_military_agreement_from_stdin():
    code, out, _ = call("-", (FIXTURES / "military-agreement-2018.json").read_text())
    assert code == 0
    (result,) = json.loads(out)["results"]
    assert result["specificity"] >= 80
    assert result["reciprocity"] >= 75


def test_it_uses_the_scenario_catalogue_and_default_ids():
    code, out, err = call_json(
        {
            "scenario": "tiny",
            "offers": [
                {"id": "o1", "commitments": [
                    {"by": "DPRK", "to": ["USA"], "kind": "yongbyon-freeze", "action": "freeze",
                     "conditional_on": ["c2"]},
                    {"by": "USA", "to": ["DPRK"], "kind": "sectoral-relief", "value": {"USA": -5}},
                ]},
            ],
        }
    )  # fmt: skip
    assert (code, err) == (0, "")
    (result,) = json.loads(out)["results"]
    assert [c["id"] for c in result["commitments"]] == ["c1", "c2"]
    balance = next(r for r in result["reasons"] if r["code"] == "rec.balance")
    assert "USA gives 5, gets 8" in balance["text"]


def test_offer_ids_default_and_comment_keys_are_ignored():
    code, out, _ = call_json({"_note": "hi", "offers": [{"commitments": [{"by": "USA", "_why": "x"}]}]})
    assert code == 0
    assert json.loads(out)["results"][0]["id"] == "o1"


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("{not json", "error: input is not valid JSON"),
        ("[]", 'error: input must be a JSON object with an "offers" list'),
        ('{"offers": {}}', 'error: field "offers" must be a list'),
        ('{"offers": [3]}', "error: offer 1: must be an object"),
        ('{"offers": [{"id": "o1"}]}', 'error: offer "o1": field "commitments" must be a list'),
        ('{"offers": [{"id": "o1", "commitments": [{"by": "USA"}, {"to": ["USA"]}]}]}',
         'error: offer "o1" commitment 2: field "by" is required'),
        ('{"offers": [{"id": "o1", "commitments": [{"by": 7}]}]}',
         'error: offer "o1" commitment 1: field "by" must be a party name'),
        ('{"offers": [{"id": "o1", "commitments": [{"by": "USA", "to": "DPRK"}]}]}',
         'error: offer "o1" commitment 1: field "to" must be a list of names'),
        ('{"offers": [{"id": "o1", "commitments": [{"by": "USA", "phase": "one"}]}]}',
         'error: offer "o1" commitment 1: field "phase" must be a whole number'),
        ('{"offers": [{"id": "o1", "commitments": [{"by": "USA", "quantity": true}]}]}',
         'error: offer "o1" commitment 1: field "quantity" must be a number or text'),
        ('{"offers": [{"id": "o1", "commitments": [{"by": "USA", "deadline": 2019}]}]}',
         'error: offer "o1" commitment 1: field "deadline" must be text'),
        ('{"offers": [{"id": "o1", "commitments": [{"by": "USA", "value": {"USA": "lots"}}]}]}',
         'error: offer "o1" commitment 1: field "value" must be an object of party: number'),
        ('{"offers": [{"id": "o1", "commitments": [{"by": "USA", "deadlin": "x"}]}]}',
         'error: offer "o1" commitment 1: field "deadlin" is not known'),
        ('{"offers": [{"id": "o1", "commitments": [{"id": "a", "by": "USA"}, {"id": "a", "by": "DPRK"}]}]}',
         'error: offer "o1" commitment 2: field "id": "a" is already commitment 1'),
        ('{"offers": [{"id": "o1", "commitments": [{"by": "USA", "conditional_on": ["c9"]}]}]}',
         'error: offer "o1" commitment 1: field "conditional_on": no commitment "c9" in this offer'),
        ('{"scenario": "nope", "offers": []}', 'error: unknown scenario "nope": no scenario pack has the key'),
        ('{"scenario": "tiny", "offers": [{"id": "o1", "commitments": [{"by": "USA", "kind": "x"}]}]}',
         'error: offer "o1" commitment 1: field "kind": unknown kind "x" in scenario "tiny"'),
        ('{"offers": [{"id": "o1", "commitments": [{"by": "USA", "kind": "x"}]}]}',
         'error: offer "o1" commitment 1: field "kind": "x" needs a scenario'),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line(stdin, message):
    code, out, err = call("-", stdin)
    assert code == 2
    assert out == ""
    assert err.startswith(message), err
    assert err.count("\n") == 1 and err.endswith("\n")
    assert "Traceback" not in err


def test_a_missing_file_exits_2(tmp_path):
    code, out, err = call(str(tmp_path / "missing.json"))
    assert code == 2
    assert err.startswith('error: cannot read "') and "No such file" in err
    assert err.count("\n") == 1


def test_a_scenario_with_a_bad_scoring_override_exits_2():
    def bad_loader(key):
        return dict(SMALL_SCENARIO, scoring={"specificity": {"deadlin": 1}})

    out, err = io.StringIO(), io.StringIO()
    code = run("-", io.StringIO('{"scenario": "tiny", "offers": []}'), out, err, bad_loader)
    assert code == 2
    assert err.getvalue().startswith('error: scenario "tiny": scoring.specificity.deadlin: unknown setting')


def test_output_is_deterministic():
    path = str(FIXTURES / "military-agreement-2018.json")
    assert call(path)[1] == call(path)[1]


def test_error_lines_stay_one_line_whatever_the_input_names():
    out, err = io.StringIO(), io.StringIO()
    code = run("-", io.StringIO(json.dumps({"\x1e": None, "offers": []})), out, err, lambda key: {})
    assert code == 2 and len(err.getvalue().splitlines()) == 1
