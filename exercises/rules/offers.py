"""Scoring a whole offer: specificity of its commitments and reciprocity between its parties."""

from __future__ import annotations

from .model import Catalogue, Offer, OfferScore
from .reciprocity import offer_reciprocity
from .specificity import analyse_commitment, commitment_weights, offer_specificity


def _round(x: float) -> int:
    return int(min(max(x, 0.0), 100.0) + 0.5)


def score_offer(offer: Offer, catalogue: Catalogue) -> OfferScore:
    """Specificity and reciprocity 0-100 of an offer, with reasons and improvements.

    Reasons and improvements of the offer come first for specificity (codes
    ``spec.*``), then for reciprocity (codes ``rec.*``); improvements are sorted
    by gain within each.
    """
    parties = offer.all_parties()
    facts = [analyse_commitment(c, catalogue) for c in offer.commitments]
    weights = commitment_weights(offer, parties, catalogue)
    spec = offer_specificity(offer, facts, weights, catalogue)
    specificity = _round(spec.value)
    rec = offer_reciprocity(offer, facts, parties, specificity, catalogue)
    return OfferScore(
        id=offer.id,
        specificity=specificity,
        reciprocity=_round(rec.value),
        commitments=tuple(f.score for f in facts),
        reasons=spec.reasons + rec.reasons,
        improvements=spec.improvements + rec.improvements,
    )
