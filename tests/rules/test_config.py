import pytest

from exercises.rules import Catalogue, ConfigError, RulesConfig

from .conftest import SMALL_SCENARIO


def test_defaults_follow_scoring_md():
    c = RulesConfig()
    s = c.specificity
    assert (s.actor, s.action_concrete, s.action_procedural, s.action_aspirational) == (10, 15, 7, 0)
    assert (s.object, s.quantity_with_unit, s.site, s.site_unknown) == (10, 10, 10, 4)
    assert (s.deadline_date, s.deadline_year, s.deadline_vague) == (15, 10, 2)
    assert (s.verification_third_party, s.verification_joint, s.verification_observers) == (15, 12, 8)
    assert (s.trigger, s.duration, s.defined_terms, s.vague_term, s.vague_cap) == (5, 5, 5, 5, 25)
    r = c.reciprocity
    assert (r.balance, r.linkage, r.phasing, r.verifiability, r.protection, r.grit) == (35, 20, 15, 20, 10, 10)
    assert (r.phasing_partial, r.irreversible_penalty, r.one_sided_cap) == (8, 10, 25)
    assert (c.values.default_giver, c.values.default_receiver, c.values.free_text_cap) == (-2, 2, 2)
    o = c.offer
    assert (o.vague_discount, o.undated_discount, o.unverified_discount, o.stake_floor) == (0.3, 0.2, 0.2, 8)
    assert (r.definition_floor, r.lopsided_exponent) == (0.2, 1)


def test_overrides_merge_into_a_copy():
    base = RulesConfig()
    merged = base.merged({"specificity": {"deadline_date": 20}, "outcomes": {"tension_weight": 3}})
    assert merged.specificity.deadline_date == 20
    assert merged.specificity.site == 10
    assert merged.outcomes.tension_weight == 3
    assert base.specificity.deadline_date == 15
    assert base.merged({}) is base


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"specificty": {}}, "scoring.specificty: unknown setting"),
        ({"specificity": {"deadlin": 3}}, "scoring.specificity.deadlin: unknown setting"),
        ({"specificity": {"deadline_date": "high"}}, "scoring.specificity.deadline_date: must be a number"),
        ({"specificity": {"deadline_date": True}}, "must be a number"),
        ({"specificity": 3}, "scoring.specificity: must be a mapping"),
        ({"reciprocity": {"balance_mode": "median"}}, 'must be "min" or "mean"'),
    ],
)
def test_mistakes_name_the_exact_path(overrides, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        RulesConfig().merged(overrides)


def test_a_scenario_overrides_the_config():
    scenario = dict(SMALL_SCENARIO, scoring={"reciprocity": {"one_sided_cap": 30}})
    catalogue = Catalogue.from_scenario(scenario)
    assert catalogue.config.reciprocity.one_sided_cap == 30
    assert catalogue.teams == ("USA", "DPRK", "China")
    assert catalogue.value("yongbyon-freeze", "USA") == 8
    assert catalogue.value("yongbyon-freeze", "Japan") == 1  # the item's default_value
    assert catalogue.value("no-such-item", "USA") == 0
    assert catalogue.value(None, "USA") == 0


def test_config_to_dict_round_trips():
    data = RulesConfig().to_dict()
    assert RulesConfig().merged(data) == RulesConfig()
