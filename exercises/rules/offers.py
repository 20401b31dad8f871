"""Scoring a whole offer: specificity of its commitments and reciprocity between its parties."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .hints import offer_hints
from .model import Catalogue, Commitment, Offer, OfferScore
from .reciprocity import ReciprocityResult, offer_reciprocity
from .specificity import (
    CommitmentFacts,
    OfferSpecificityResult,
    analyse_commitment,
    commitment_stakes,
    offer_specificity,
)


def _round(x: float) -> int:
    return int(min(max(x, 0.0), 100.0) + 0.5)


@dataclass(frozen=True)
class Evaluation:
    """An offer's two scores and what the rules found on the way (the hints read it)."""

    specificity: int
    reciprocity: int
    facts: list[CommitmentFacts]
    spec: OfferSpecificityResult
    rec: ReciprocityResult


def _evaluator(catalogue: Catalogue, round_number: int) -> Callable[[Offer], Evaluation]:
    """Scores offers, analysing each distinct commitment once (hints score many variants of one offer)."""
    analysed: dict[Commitment, CommitmentFacts] = {}

    def evaluate(offer: Offer) -> Evaluation:
        facts = []
        for c in offer.commitments:
            f = analysed.get(c)
            if f is None:
                f = analysed[c] = analyse_commitment(c, catalogue, round_number)
            facts.append(f)
        parties = offer.all_parties()
        stakes = commitment_stakes(offer, parties, catalogue)
        spec = offer_specificity(offer, facts, stakes, catalogue)
        specificity = _round(spec.value)
        rec = offer_reciprocity(offer, facts, parties, specificity, sum(stakes), catalogue)
        return Evaluation(specificity, _round(rec.value), facts, spec, rec)

    return evaluate


def score_offer(offer: Offer, catalogue: Catalogue, *, hints: bool = True) -> OfferScore:
    """Specificity and reciprocity 0-100 of an offer, with reasons and improvements.

    Reasons come first for specificity (codes ``spec.*``), then for reciprocity
    (``rec.*``). Improvements are hints: concrete edits with the change each
    brings to both scores, largest total gain first (``hints=False`` skips them).
    """
    evaluate = _evaluator(catalogue, offer.round or 1)
    base = evaluate(offer)
    improvements = offer_hints(offer, catalogue, base, evaluate) if hints else ()
    return OfferScore(
        id=offer.id,
        specificity=base.specificity,
        reciprocity=base.reciprocity,
        commitments=tuple(f.score for f in base.facts),
        reasons=base.spec.reasons + base.rec.reasons,
        improvements=improvements,
    )
