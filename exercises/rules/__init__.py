"""The rules engine: pure Python, no Django (docs/scoring.md explains the rules).

Frozen dataclasses in (``Commitment``, ``Offer``, ``Catalogue``), scores with
reasons and improvements out (``CommitmentScore``, ``OfferScore``).
"""

from .calendar import Calendar
from .config import ConfigError, RulesConfig
from .conflicts import find_conflicts
from .hints import apply_edits
from .model import (
    FIELD_LABELS,
    Catalogue,
    CatalogueItem,
    Commitment,
    CommitmentScore,
    Conflict,
    Edit,
    Improvement,
    Offer,
    OfferScore,
    Reason,
)
from .offers import score_offer
from .outcomes import (
    TeamTally,
    delivered_value,
    kept_probability,
    resolve_commitment,
    stability_term,
    team_score,
    tension_after,
)
from .privacy import ledger_phrase, redact_values
from .specificity import score_commitment
from .standings import Standing, standings
from .values import action_matches, booked_item, commitment_value, value_note

__all__ = [
    "FIELD_LABELS",
    "Calendar",
    "Catalogue",
    "CatalogueItem",
    "Commitment",
    "CommitmentScore",
    "ConfigError",
    "Conflict",
    "Edit",
    "Improvement",
    "Offer",
    "OfferScore",
    "Reason",
    "RulesConfig",
    "Standing",
    "TeamTally",
    "action_matches",
    "apply_edits",
    "booked_item",
    "commitment_value",
    "delivered_value",
    "find_conflicts",
    "kept_probability",
    "ledger_phrase",
    "redact_values",
    "resolve_commitment",
    "score_commitment",
    "score_offer",
    "stability_term",
    "standings",
    "team_score",
    "tension_after",
    "value_note",
]
