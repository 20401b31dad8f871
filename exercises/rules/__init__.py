"""The rules engine: pure Python, no Django (docs/scoring.md explains the rules).

Frozen dataclasses in (``Commitment``, ``Offer``, ``Catalogue``), scores with
reasons and improvements out (``CommitmentScore``, ``OfferScore``).
"""

from .config import ConfigError, RulesConfig
from .conflicts import find_conflicts
from .model import (
    Catalogue,
    CatalogueItem,
    Commitment,
    CommitmentScore,
    Conflict,
    Improvement,
    Offer,
    OfferScore,
    Reason,
)
from .offers import score_offer
from .outcomes import (
    delivered_value,
    kept_probability,
    resolve_commitment,
    stability_term,
    team_score,
    tension_after,
)
from .specificity import commitment_value, score_commitment
from .standings import Standing, standings

__all__ = [
    "Catalogue",
    "CatalogueItem",
    "Commitment",
    "CommitmentScore",
    "ConfigError",
    "Conflict",
    "Improvement",
    "Offer",
    "OfferScore",
    "Reason",
    "RulesConfig",
    "Standing",
    "commitment_value",
    "delivered_value",
    "find_conflicts",
    "kept_probability",
    "resolve_commitment",
    "score_commitment",
    "score_offer",
    "stability_term",
    "standings",
    "team_score",
    "tension_after",
]
