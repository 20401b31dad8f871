"""The bridge between stored offers and the pure rules engine (exercises/rules/)."""

import json
from collections.abc import Iterable, Mapping
from functools import lru_cache

from exercises import rules
from exercises.models import COMMITMENT_TERMS

# The terms the engine reads as text; the others (who, to whom, kind, conditions,
# phase) are passed to it as structure.
COMMITMENT_TEXT_FIELDS = tuple(
    name for name in COMMITMENT_TERMS if name not in ("by", "to", "kind", "conditional_on", "phase")
)


@lru_cache(maxsize=256)
def _catalogue_from_json(scenario_json: str) -> rules.Catalogue:
    return rules.Catalogue.from_scenario(json.loads(scenario_json))


def catalogue_for(exercise) -> rules.Catalogue:
    """The exercise's catalogue, built once per scenario snapshot."""
    cached = getattr(exercise, "_catalogue", None)
    if cached is None:
        cached = _catalogue_from_json(json.dumps(exercise.scenario, sort_keys=True))
        exercise._catalogue = cached
    return cached


def engine_commitment(data: Mapping) -> rules.Commitment:
    """A rules Commitment from a stored Commitment or a composer row (a dict)."""
    get = data.get if isinstance(data, Mapping) else lambda name, default=None: getattr(data, name, default)
    position = get("position")
    fields = {name: (get(name) or None) for name in COMMITMENT_TEXT_FIELDS}
    return rules.Commitment(
        id=str(position),
        by=get("by"),
        to=tuple(get("to") or ()),
        kind=get("kind") or None,
        conditional_on=tuple(str(p) for p in (get("conditional_on") or ())),
        phase=get("phase") or None,
        **fields,
    )


def engine_offer(offer_id: str, commitments: Iterable, parties: Iterable[str] = ()) -> rules.Offer:
    return rules.Offer(
        id=offer_id,
        commitments=tuple(engine_commitment(c) for c in commitments),
        parties=tuple(parties),
    )


def score(exercise, offer_id: str, commitments: Iterable, parties: Iterable[str] = ()) -> rules.OfferScore:
    return rules.score_offer(engine_offer(offer_id, commitments, parties), catalogue_for(exercise))
