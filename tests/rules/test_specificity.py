"""One test per rubric line of SCORING.md "Specificity of one commitment"."""

import pytest

from exercises.rules import Catalogue, RulesConfig, score_commitment

from .conftest import commitment, points

FULL = dict(
    by="DPRK",
    to=("USA",),
    action="freeze",
    object="plutonium production",
    quantity=5,
    unit="MWe reactor",
    site="Yongbyon",
    deadline="within 30 days",
    verification="IAEA inspectors with continuous access",
    conditional_on=("c2",),
    duration="for 2 years",
)


def score(empty, **fields):
    return score_commitment(commitment(**fields), empty)


def test_it_gives_a_fully_specified_commitment_100(empty):
    s = score(empty, **FULL)
    assert s.specificity == 100
    assert s.improvements == ()
    assert [r.code for r in s.reasons] == [
        "actor", "action", "object", "quantity", "site", "deadline", "verification", "trigger", "duration",
        "defined_terms",
    ]  # fmt: skip
    assert all(r.points == r.max_points for r in s.reasons)


def test_it_gives_a_bare_actor_10(empty):
    s = score(empty, by="USA")
    assert s.specificity == 10
    assert points(s, "actor") == 10


@pytest.mark.parametrize("by", ["both sides", "The parties", ""])
def test_it_does_not_count_a_collective_actor(empty, by):
    s = score(empty, by=by, action="freeze")
    assert points(s, "actor") == 0
    assert any(i.code == "actor" for i in s.improvements)


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("freeze", 15),
        ("dismantle", 15),
        ("withdraw", 15),
        ("delivered", 15),
        ("suspending", 15),
        ("allow access", 15),
        ("establish", 7),
        ("hold talks", 7),
        ("work toward", 0),
        ("strive", 0),
        ("seek", 0),
        ("promote", 0),
        ("reimagine", 7),  # a verb the lexicon does not know counts as procedural
    ],
)
def test_it_scores_the_action_verb(empty, action, expected):
    assert points(score(empty, action=action), "action") == expected


def test_it_reads_the_action_from_the_text_when_the_field_is_empty(empty):
    assert points(score(empty, text="The DPRK will dismantle the reactor."), "action") == 15
    assert points(score(empty, text="The DPRK will hold talks."), "action") == 7
    assert points(score(empty, text="The DPRK will work toward a freeze."), "action") == 0


def test_the_first_verb_decides_the_action(empty):
    # "work toward dismantling" is a promise to try, not to dismantle
    assert points(score(empty, action="work toward dismantling"), "action") == 0
    assert points(score(empty, action="dismantle and hold talks"), "action") == 15


def test_it_gives_an_object_10(empty):
    assert points(score(empty, object="the 5 MWe reactor"), "object") == 10
    assert points(score(empty, text="Freeze plutonium production."), "object") == 10
    assert points(score(empty, action="freeze"), "object") == 0


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"quantity": 11, "unit": "guard posts"}, 10),
        ({"quantity": "11 guard posts"}, 10),
        ({"quantity": 11}, 5),
        ({"text": "Withdraw 11 guard posts."}, 10),
        ({"text": "Deliver 50,000 t of rice."}, 10),
        ({"text": "No drills within 5 km of the line."}, 10),
        ({"text": "Pay $5 million."}, 10),
        ({"text": "Stop drills from 1 November 2018."}, 0),  # a date is not a quantity
        ({"text": "Within 30 days."}, 0),  # nor a delay
        ({}, 0),
    ],
)
def test_it_scores_quantity_with_unit(empty, fields, expected):
    assert points(score(empty, **fields), "quantity") == expected


def test_it_gives_a_site_10(empty):
    assert points(score(empty, site="Sohae satellite launching station"), "site") == 10
    assert points(score(empty, text="Seal the reactor at Yongbyon."), "site") == 10
    assert points(score(empty, text="Withdraw from the JSA at Panmunjom."), "site") == 10
    assert points(score(empty, text="Seal the reactor."), "site") == 0


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        ("1 November 2018", 15),
        ("2019-03-01", 15),
        ("March 1, 2019", 15),
        ("within 30 days", 15),
        ("within six months", 15),
        ("within 2 rounds", 15),
        ("by round 3", 15),
        ("next round", 15),
        ("this year", 10),
        ("by the end of 2019", 10),
        ("immediately", 10),
        ("at an early date", 2),
        ("in the near future", 2),
        ("when the moon is blue", 5),  # written but not a date
        (None, 0),
    ],
)
def test_it_scores_the_deadline(empty, deadline, expected):
    assert points(score(empty, deadline=deadline), "deadline") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Stop drills from 1 November 2018.", 15),
        ("Freeze within 60 days.", 15),
        ("Open the offices by 2020.", 10),
        ("As soon as possible.", 2),
        # a date that only names a document is not a deadline
        ("Reaffirming the April 27, 2018 Panmunjom Declaration.", 0),
    ],
)
def test_it_finds_deadlines_in_the_free_text(empty, text, expected):
    assert points(score(empty, text=text), "deadline") == expected


@pytest.mark.parametrize(
    ("verification", "expected"),
    [
        ("IAEA inspectors with continuous access", 15),
        ("UN Panel of Experts", 15),
        ("World Food Programme monitors at distribution points", 15),
        ("joint on-site verification", 12),
        ("joint recovery teams", 12),
        ("inspectors of the other side", 12),
        ("observers", 8),
        ("commercial satellite imagery", 8),
        ("journalists", 4),
        ("trust us", 4),  # something written, but not verification
        (None, 0),
    ],
)
def test_it_scores_verification(empty, verification, expected):
    assert points(score(empty, verification=verification), "verification") == expected


def test_it_finds_a_named_verifier_in_the_free_text(empty):
    assert points(score(empty, text="An IAEA-monitored freeze."), "verification") == 15
    assert points(score(empty, text="Joint on-site verification of each post."), "verification") == 12
    # "joint" alone in the text is not verification (it is in the verification field)
    assert points(score(empty, text="A joint statement."), "verification") == 0


def test_it_gives_5_for_a_trigger(empty):
    assert points(score(empty, conditional_on=("c2",)), "trigger") == 5
    assert points(score(empty, text="Upon the IAEA's report."), "trigger") == 5
    assert points(score(empty, text="In parallel with the ROK."), "trigger") == 5
    assert points(score(empty, text="In exchange for relief."), "trigger") == 5
    assert points(score(empty, text="Freeze."), "trigger") == 0


def test_it_gives_5_for_duration_permanence_or_snap_back(empty):
    assert points(score(empty, duration="two years"), "duration") == 5
    assert points(score(empty, text="Dismantle permanently."), "duration") == 5
    assert points(score(empty, text="Suspend for 2 years."), "duration") == 5
    assert points(score(empty, text="Suspend for six months."), "duration") == 5
    assert points(score(empty, text="Relief with snap-back."), "duration") == 5
    assert points(score(empty, text="Suspend."), "duration") == 0


def test_it_gives_5_for_defined_terms(empty):
    assert points(score(empty, object="the reactor"), "defined_terms") == 5
    # an undefined term of art costs the points...
    assert points(score(empty, object="the Yongbyon area"), "defined_terms") == 0
    # ...unless the text defines it
    defined = score(empty, object="the Yongbyon area", text="The Yongbyon area is defined as the list in Annex 1.")
    assert points(defined, "defined_terms") == 5
    assert points(score(empty), "defined_terms") == 0


def test_a_definition_forgives_complete_denuclearization(empty):
    vague = score(empty, text="Complete denuclearization.")
    defined = score(empty, text="Complete denuclearization, defined as the items listed in Annex 1.")
    assert points(vague, "vague") == -5
    assert points(defined, "vague") == 0


def test_improvements_name_what_is_missing_with_their_gain(empty):
    s = score(empty, action="freeze", object="plutonium production", site="Yongbyon")
    gains = {i.code: i.gain for i in s.improvements}
    assert gains == {"deadline": 15, "verification": 15, "quantity": 10, "trigger": 5, "duration": 5}
    assert s.improvements[0].gain == 15
    assert "deadline" in s.improvements[0].text.lower()


def test_improvement_gains_are_real_score_changes(empty):
    # a heavily vague clause sits at 0: fixing one feature cannot gain more than it moves the score
    s = score(empty, text="work toward, strive, seek, promote, explore complete denuclearization")
    assert s.specificity == 0
    assert all(i.gain <= 100 for i in s.improvements)
    assert sum(1 for i in s.improvements if i.code == "vague") == 1


def test_a_kind_does_not_fill_empty_fields(catalogue):
    # The composer pre-fills fields from the catalogue; the engine scores what was written.
    bare = score_commitment(commitment(kind="yongbyon-freeze"), catalogue)
    assert bare.specificity == 10


def test_a_scenario_can_change_the_points():
    config = RulesConfig().merged({"specificity": {"deadline_date": 20}})
    s = score_commitment(commitment(deadline="within 30 days"), Catalogue.empty(config))
    assert points(s, "deadline") == 20


def test_to_dict_is_json_ready(empty):
    import json

    s = score(empty, **FULL)
    data = s.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["reasons"][0] == {"code": "actor", "text": "Actor named: DPRK", "points": 10, "max_points": 10}
