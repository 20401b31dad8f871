"""Every weight of the rubric in one place (SCORING.md: "the weights belong in
configuration; scenario packs may override them").

``RulesConfig`` is a tree of frozen dataclasses. A scenario's ``scoring`` mapping
overrides any leaf with the same path, e.g.::

    scoring:
      specificity: {deadline_date: 20}
      outcomes: {tension_weight: 3}

Unknown paths and wrong types raise ``ConfigError`` with the exact path, so a
typo in a scenario pack never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class ConfigError(ValueError):
    """A scoring override names an unknown setting or has the wrong type."""


@dataclass(frozen=True, slots=True)
class SpecificityPoints:
    """Points for one commitment (SCORING.md, "Specificity of one commitment")."""

    actor: float = 10
    action_concrete: float = 15
    action_unknown: float = 7  # a verb the lexicon does not know: like a procedural one
    action_procedural: float = 7
    action_aspirational: float = 0
    object: float = 10
    quantity_with_unit: float = 10  # a unit that measures the action ("50,000 t" delivered)
    quantity_without_unit: float = 5  # no unit, a unit the rules do not know, or one that does not fit
    site: float = 10  # a place of the scenario's gazetteer
    site_unknown: float = 4  # a site the gazetteer does not know ("Place X"): partial credit at most
    deadline_date: float = 15  # a date inside the scenario's calendar, "within N days", a round number
    deadline_year: float = 10  # "this year", "by 2019", "immediately"
    deadline_unrecognised: float = 5  # a deadline field the lexicon cannot read as a date
    deadline_vague: float = 2  # "at an early date", "in the near future"
    verification_third_party: float = 15  # an independent verifier the scenario recognises
    verification_joint: float = 12  # a named body of the parties, or joint / on-site inspection
    verification_observers: float = 8  # observers, monitors, imagery, an unnamed "international" body
    verification_other: float = 4  # journalists, self-reporting, an unknown person: partial at most
    trigger: float = 5
    duration: float = 5
    defined_terms: float = 5
    vague_term: float = 5  # subtracted per distinct vague term
    vague_cap: float = 25  # at most this much is subtracted


@dataclass(frozen=True, slots=True)
class OfferSpecificity:
    """How commitment scores blend into the offer's specificity."""

    # offer = stake-weighted mean x (1 - each discount x the share of stake in clauses that lack it)
    vague_discount: float = 0.3  # DIMI: one vague term makes a clause vague
    undated_discount: float = 0.2  # the brief: specific means time-bound (a deadline inside the game)...
    unverified_discount: float = 0.2  # ...and verifiable (verification_joint points or more)
    min_weight: float = 1.0  # in the mean, a commitment worth nothing still counts this much
    core_share: float = 0.5  # the "core" = most valuable commitments holding this share of value
    core_margin: float = 15.0  # the offer scores at most core mean + this margin
    stake_floor: float = 8.0  # an offer whose steps are worth less than this in all is scaled down (both scores)


@dataclass(frozen=True, slots=True)
class ReciprocityPoints:
    """Points for an offer's reciprocity (SCORING.md, "Reciprocity of an offer")."""

    balance: float = 35
    balance_mode: str = "min"  # "min" (specific reciprocity) or "mean" (diffuse)
    # balance, linkage, phasing and verifiability x (floor + (1 - floor) x specificity/100): you can
    # only weigh, link, sequence and check what is defined
    definition_floor: float = 0.2
    linkage: float = 20
    linkage_one_way_factor: float = 0.6  # links in one direction only earn this share
    linkage_text_weight: float = 0.5  # a trigger word without a conditional_on link
    phasing: float = 15
    phasing_partial: float = 8  # phases without both sides' steps or without a trigger
    verifiability: float = 20
    protection: float = 10
    protection_reversible: float = 0.5  # share earned by an ordinary reversible step
    irreversible_penalty: float = 10
    verified_step_threshold: float = 12  # verification points that make a step "verified"
    grit: float = 10
    grit_min_verification: float = 8
    one_sided_cap: float = 25  # a party gives and gets nothing in return
    # A lopsided exchange caps reciprocity at one_sided_cap + (100 - one_sided_cap) x ratio ** this
    # (ratio: the lowest share a giving party gets back); 0 turns the cap off.
    lopsided_exponent: float = 1.0


@dataclass(frozen=True, slots=True)
class Values:
    """Fallback values when neither the catalogue nor the commitment gives one."""

    default_giver: float = -2
    default_receiver: float = 2
    free_text_cap: float = 2  # in one offer, a party's free-text gains (and costs) count at most this much


@dataclass(frozen=True, slots=True)
class Outcomes:
    """Kept/broken likelihood, tension and the shared stability term."""

    base: float = 0.0
    specificity_weight: float = 3.0
    reciprocity_weight: float = 2.5
    tension_weight: float = 2.0
    min_probability: float = 0.05
    max_probability: float = 0.95
    tension_per_kept: float = 4.0  # tension falls by this much per kept commitment
    tension_per_broken: float = 4.0  # and rises by this much per broken one
    tension_per_void: float = 0.0  # a step whose condition broke: not held against anyone
    tension_per_withdrawn: float = 0.0  # a snap-back taken back: the breach already counted
    stability_weight: float = 10.0  # shared score: weight x (100 - tension) / 100


@dataclass(frozen=True, slots=True)
class RulesConfig:
    specificity: SpecificityPoints = field(default_factory=SpecificityPoints)
    offer: OfferSpecificity = field(default_factory=OfferSpecificity)
    reciprocity: ReciprocityPoints = field(default_factory=ReciprocityPoints)
    values: Values = field(default_factory=Values)
    outcomes: Outcomes = field(default_factory=Outcomes)

    def merged(self, overrides: Mapping[str, Any] | None, *, place: str = "scoring") -> RulesConfig:
        """A copy with ``overrides`` (nested mapping) applied; ConfigError on mistakes."""
        if not overrides:
            return self
        return _merge(self, overrides, place)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def _merge(node: Any, overrides: Any, place: str) -> Any:
    if not isinstance(overrides, Mapping):
        raise ConfigError(f"{place}: must be a mapping, got {type(overrides).__name__}")
    names = [f.name for f in dataclasses.fields(node)]
    changes = {}
    for key, raw in overrides.items():
        path = f"{place}.{key}"
        if key not in names:
            raise ConfigError(f"{path}: unknown setting (known: {', '.join(names)})")
        current = getattr(node, key)
        if dataclasses.is_dataclass(current):
            changes[key] = _merge(current, raw, path)
        elif isinstance(current, str):
            if not isinstance(raw, str):
                raise ConfigError(f"{path}: must be text, got {raw!r}")
            if key == "balance_mode" and raw not in ("min", "mean"):
                raise ConfigError(f'{path}: must be "min" or "mean", got {raw!r}')
            changes[key] = raw
        else:
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                raise ConfigError(f"{path}: must be a number, got {raw!r}")
            changes[key] = float(raw)
    return dataclasses.replace(node, **changes)


DEFAULT_CONFIG = RulesConfig()
