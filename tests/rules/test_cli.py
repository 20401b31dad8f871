"""The core of the score_offers command: exercises.rules.cli.run."""

import io
import json

import pytest

from exercises.rules.cli import run

from .conftest import FIXTURES, SMALL_SCENARIO


def loader(key):
    if key == "tiny":
        return SMALL_SCENARIO
    if key == "second-summit-2019":
        from exercises.scenarios import load_scenario

        return load_scenario(key)
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
    assert result["specificity"] <= 15
    assert result["reciprocity"] <= 25
    assert [c["id"] for c in result["commitments"]] == ["new-relations", "peace-regime", "denuclearization", "remains"]
    assert set(result) == {"id", "specificity", "reciprocity", "commitments", "reasons", "improvements"}
    assert set(result["commitments"][0]) == {"id", "specificity", "reasons"}
    assert set(result["reasons"][0]) == {"code", "text", "points", "max_points"}
    assert {"text", "gain", "specificity", "reciprocity"} <= set(result["improvements"][0])


def test_it_scores_the_military_agreement_from_stdin():
    code, out, _ = call("-", (FIXTURES / "military-agreement-2018.json").read_text())
    assert code == 0
    (result,) = json.loads(out)["results"]
    assert result["specificity"] >= 85
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
    assert "USA gives 5 and gets 8." in balance["text"]


def test_it_says_when_a_tagged_item_is_not_booked():
    code, out, err = call_json(
        {"scenario": "tiny", "offers": [{"commitments": [
            {"by": "USA", "to": ["DPRK"], "kind": "yongbyon-freeze", "action": "freeze", "object": "paperwork"}]}]}
    )  # fmt: skip
    assert (code, err) == (0, "")
    (commitment,) = json.loads(out)["results"][0]["commitments"]
    assert commitment["value_note"].startswith("Not counted as no. 2 “IAEA-monitored freeze at Yongbyon”: DPRK")


def test_a_calendar_and_a_round_judge_deadlines():
    doc = {
        "calendar": {"start": "1994-10-21", "round_days": 30, "horizon": "2004-12-31"},
        "offers": [{"round": 2, "proposer": "USA", "commitments": [{"by": "USA", "deadline": "1 November 1994"}]}],
    }
    code, out, err = call_json(doc)
    assert (code, err) == (0, "")
    reasons = json.loads(out)["results"][0]["commitments"][0]["reasons"]
    deadline = next(r for r in reasons if r["code"] == "deadline")
    assert deadline["points"] == 0
    assert "1 November 1994 is in the past (the game is in 20 November 1994)" in deadline["text"]


def test_offer_ids_default_and_comment_keys_are_ignored():
    code, out, _ = call_json({"_note": "hi", "offers": [{"commitments": [{"by": "USA", "_why": "x"}]}]})
    assert code == 0
    assert json.loads(out)["results"][0]["id"] == "o1"


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ('{"calendar": 3, "offers": []}', 'error: field "calendar" must be an object'),
        ('{"calendar": {"start": "x", "round_days": 1, "horizon": "2020-01-01"}, "offers": []}',
         'error: field "calendar": "start" must be a date written YYYY-MM-DD, got "x"'),
        ('{"calendar": {"start": "2020-01-01", "round_days": 0, "horizon": "2021-01-01"}, "offers": []}',
         'error: field "calendar": "round_days" must be a whole number from 1 to 3650, got 0'),
        ('{"calendar": {"start": "2020-01-01", "round_days": 5, "horizon": "2019-01-01"}, "offers": []}',
         'error: field "calendar": "horizon" must come after "start"'),
        ('{"calendar": {"start": "2020-01-01", "round_days": 5, "horizon": "2021-01-01", "x": 1}, "offers": []}',
         'error: field "calendar": field "x" is not known'),
        ('{"offers": [{"round": 0, "commitments": []}]}',
         'error: offer "o1": field "round" must be a whole number from 1 to 1000, got 0'),
        ('{"offers": [{"round": true, "commitments": []}]}', 'error: offer "o1": field "round" must be a whole'),
        ('{"offers": [{"proposer": 5, "commitments": []}]}',
         'error: offer "o1": field "proposer" must be a party name, got 5'),
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
