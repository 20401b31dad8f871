"""What happens after signing: kept or broken, tension, and the team score.

SCORING.md "Outcomes": each due commitment is resolved kept/broken with a
likelihood that rises with its specificity and the agreement's reciprocity and
falls with tension; resolution is reproducible (seeded per exercise). Team score
= value (in its own table) of what was actually delivered, plus the shared
stability term. Vague grand bargains score little because they are not
delivered; specific, reciprocal base hits score.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass

from .config import DEFAULT_CONFIG, RulesConfig
from .model import Catalogue, Commitment
from .values import commitment_value


def _cfg(config: RulesConfig | Catalogue | None) -> RulesConfig:
    if config is None:
        return DEFAULT_CONFIG
    if isinstance(config, Catalogue):
        return config.config
    return config


def kept_probability(specificity: float, reciprocity: float, tension: float, config=None) -> float:
    """Logistic likelihood that a commitment is kept, clamped to [0.05, 0.95].

    p = 1 / (1 + exp(-x)),  x = base + a (S/100 - 1/2) + b (R/100 - 1/2) - c (T/100 - 1/2)
    with a, b, c = specificity_weight, reciprocity_weight, tension_weight.
    """
    o = _cfg(config).outcomes
    x = (
        o.base
        + o.specificity_weight * (specificity / 100 - 0.5)
        + o.reciprocity_weight * (reciprocity / 100 - 0.5)
        - o.tension_weight * (tension / 100 - 0.5)
    )
    p = 1.0 / (1.0 + math.exp(-x))
    return min(max(p, o.min_probability), o.max_probability)


def resolve_commitment(seed: str, key: str, probability: float) -> tuple[bool, float]:
    """Deterministic draw in [0, 1) from sha256(seed, key); kept when draw < probability.

    The seed is per exercise and the key per commitment (e.g. "round-3:commitment-17"),
    so a replay gives the same outcome and two exercises differ.
    """
    digest = hashlib.sha256(f"{seed}\x1f{key}".encode()).digest()
    draw = int.from_bytes(digest[:8], "big") / 2**64
    return draw < probability, draw


def tension_after(
    tension: float,
    *,
    inject_deltas: Iterable[float] = (),
    kept: int = 0,
    broken: int = 0,
    config=None,
) -> float:
    """Tension after a round: injects add their deltas, kept commitments lower it,
    broken ones raise it; clamped to 0..100."""
    o = _cfg(config).outcomes
    t = float(tension) + sum(inject_deltas) - o.tension_per_kept * kept + o.tension_per_broken * broken
    return min(max(t, 0.0), 100.0)


def stability_term(tension: float, config=None) -> float:
    """The shared part of every team's score: stability_weight x (100 - tension) / 100."""
    o = _cfg(config).outcomes
    t = min(max(float(tension), 0.0), 100.0)
    return o.stability_weight * (100.0 - t) / 100.0


def delivered_value(party: str, commitment: Commitment, catalogue: Catalogue) -> float:
    """Value to ``party`` of a kept commitment, in the party's own values (negative
    when the party paid for it). The same value function as scoring (values.py): a
    catalogue item counts only when the commitment delivers it (giver and action)."""
    return commitment_value(commitment, party, catalogue)


@dataclass(frozen=True, slots=True)
class TeamTally:
    """A team's score after a close: what was delivered to it, plus the shared stability.

    ``values`` holds the delivered value of each kept commitment, in the order given.
    """

    delivered: float
    stability: float
    values: tuple[float, ...]

    @property
    def total(self) -> float:
        return self.delivered + self.stability


def team_score(party: str, kept: Iterable[Commitment], tension: float, catalogue: Catalogue) -> TeamTally:
    """Delivered value of the kept commitments (in ``party``'s own table) plus the stability term."""
    values = tuple(delivered_value(party, c, catalogue) for c in kept)
    return TeamTally(sum(values), stability_term(tension, catalogue.config), values)
