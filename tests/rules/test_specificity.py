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


def test_it_gives_a_fully_specified_commitment_100(catalogue):
    s = score_commitment(commitment(**FULL), catalogue)
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


def test_it_gives_a_site_the_scenario_knows_10(catalogue):
    assert points(score(catalogue, site="Sohae satellite launching station"), "site") == 10
    assert points(score(catalogue, text="Seal the reactor at Yongbyon."), "site") == 10
    assert points(score(catalogue, text="Withdraw from the JSA at Panmunjom."), "site") == 10
    assert points(score(catalogue, text="Seal the reactor."), "site") == 0


@pytest.mark.parametrize("site", ["Place X", "Atlantis", "Bob's farm", "all relevant sites"])
def test_an_unknown_place_earns_partial_credit_at_most(catalogue, site):
    s = score(catalogue, site=site)
    assert points(s, "site") == 4
    assert any(i.code == "site" and i.gain == 6 for i in s.improvements)


def test_without_a_gazetteer_no_place_is_known(empty):
    assert points(score(empty, site="Yongbyon"), "site") == 4


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
        ("joint military committee", 12),  # a named body of the parties
        ("joint on-site verification", 12),
        ("joint recovery teams", 12),
        ("inspectors of the other side", 12),
        ("observers", 8),
        ("commercial satellite imagery", 8),
        ("journalists", 4),
        ("trust us", 4),  # something written, but not verification
        ("Bob", 4),  # an unknown person: partial credit at most
        ("Global Verification Council of Experts", 4),  # an unknown body
        ("international inspectors", 4),  # independent, it says, but who?
        ("the UN", 4),
        (None, 0),
    ],
)
def test_it_scores_verification(catalogue, verification, expected):
    assert points(score(catalogue, verification=verification), "verification") == expected


def test_only_the_scenario_recognises_verifiers(empty):
    assert points(score(empty, verification="IAEA inspectors"), "verification") == 12  # inspectors, unnamed
    assert points(score(empty, verification="IAEA"), "verification") == 4


def test_it_finds_a_named_verifier_in_the_free_text(catalogue):
    assert points(score(catalogue, text="An IAEA-monitored freeze."), "verification") == 15
    assert points(score(catalogue, text="Joint on-site verification of each post."), "verification") == 12
    # "joint" alone in the text is not verification (it is in the verification field)
    assert points(score(catalogue, text="A joint statement."), "verification") == 0


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


def test_it_gives_5_for_defined_terms(catalogue):
    assert points(score(catalogue, object="the reactor"), "defined_terms") == 5
    # an undefined term of art ("<place> area", "<place> complex") costs the points...
    assert points(score(catalogue, object="the Yongbyon area"), "defined_terms") == 0
    assert points(score(catalogue, object="the Yongbyon complex"), "defined_terms") == 0
    # ...unless the text defines it
    defined = score(catalogue, object="the Yongbyon area", text="The Yongbyon area is defined as the list in Annex 1.")
    assert points(defined, "defined_terms") == 5
    assert points(score(catalogue), "defined_terms") == 0


def test_a_definition_forgives_complete_denuclearization(empty):
    vague = score(empty, text="Complete denuclearization.")
    defined = score(empty, text="Complete denuclearization, defined as the items listed in Annex 1.")
    assert points(vague, "vague") == -5
    assert points(defined, "vague") == 0


def test_improvements_name_what_is_missing_with_their_gain(catalogue):
    s = score(catalogue, action="freeze", object="plutonium production", site="Yongbyon")
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


# The scenario's calendar: round 1 opens on 14 January 2019, a round lasts 30 days,
# nothing may be due after 31 December 2020 (conftest.SMALL_SCENARIO).


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        ("1 March 2019", 15),
        ("2019-03-01", 15),
        ("by 31 December", 15),  # read as the next 31 December
        ("within 60 days", 15),
        ("by round 3", 15),
        ("next round", 15),
        ("by 2020", 10),
        ("this year", 10),
        ("2019-01-01", 0),  # before the game's present
        ("by 1 January 1990", 0),
        ("by 1990", 0),
        ("31 December 2999", 0),  # beyond the horizon
        ("by 2999", 0),
        ("by round 99", 0),
        ("within 5 years", 0),
        ("31 February 2019", 5),  # not a date at all: written but unreadable
    ],
)
def test_a_deadline_counts_only_inside_the_game(catalogue, deadline, expected):
    assert points(score_commitment(commitment(deadline=deadline), catalogue), "deadline") == expected


def test_a_deadline_outside_the_game_says_why(catalogue):
    past = score_commitment(commitment(deadline="by 1 January 1990"), catalogue)
    (reason,) = [r for r in past.reasons if r.code == "deadline"]
    assert reason.text == "Deadline outside the game: 1 January 1990 is in the past (the game is in 14 January 2019)"
    far = score_commitment(commitment(deadline="by round 99"), catalogue)
    assert "round 99 is beyond the game's horizon (31 December 2020)" in far.reasons[5].text
    assert any(i.code == "deadline" and i.gain == 15 for i in far.improvements)


def test_an_earlier_round_is_over(catalogue):
    assert points(score_commitment(commitment(deadline="by round 2"), catalogue, round_number=1), "deadline") == 15
    assert points(score_commitment(commitment(deadline="by round 2"), catalogue, round_number=3), "deadline") == 0
    # the present moves with the round: 1 March 2019 is past in round 3 (mid-March)
    assert points(score_commitment(commitment(deadline="1 March 2019"), catalogue, round_number=3), "deadline") == 0


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"action": "deliver", "quantity": 50000, "unit": "tonnes"}, 10),
        ({"action": "deliver", "quantity": 500, "unit": "km"}, 5),  # km do not measure a delivery
        ({"action": "withdraw", "quantity": 11, "unit": "guard posts"}, 10),
        ({"action": "withdraw", "quantity": 50000, "unit": "tonnes of goodwill"}, 10),  # tonnes can be withdrawn
        ({"action": "lift", "quantity": 500, "unit": "kilometres of sanctions"}, 5),
        ({"action": "deliver", "quantity": 1, "unit": "potato"}, 5),  # not a unit of measure
        ({"action": "stop", "text": "No drills within 5 km of the line."}, 10),
        ({"action": "pay", "text": "Pay $5 million."}, 10),
        ({"action": "suspend", "quantity": 1, "unit": "year"}, 10),
    ],
)
def test_a_quantity_needs_a_unit_that_fits_its_action(empty, fields, expected):
    assert points(score(empty, **fields), "quantity") == expected


def test_a_misfit_unit_says_so(empty):
    s = score(empty, action="deliver", quantity=500, unit="km")
    (reason,) = [r for r in s.reasons if r.code == "quantity"]
    assert reason.text == "Quantity in distance units, which do not measure 'deliver'"
