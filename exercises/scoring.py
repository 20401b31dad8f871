"""The bridge between stored offers and the pure rules engine (exercises/rules/)."""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from exercises import rules
from exercises.rules.model import TEXT_FIELDS


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
    fields = {name: (get(name) or None) for name in TEXT_FIELDS}
    return rules.Commitment(
        id=str(position),
        by=get("by"),
        to=tuple(get("to") or ()),
        kind=get("kind") or None,
        conditional_on=tuple(str(p) for p in (get("conditional_on") or ())),
        phase=get("phase") or None,
        **fields,
    )


def engine_offer(
    offer_id: str,
    commitments: Iterable,
    parties: Iterable[str] = (),
    *,
    round_number: int | None = None,
    proposer: str | None = None,
) -> rules.Offer:
    return rules.Offer(
        id=offer_id,
        commitments=tuple(engine_commitment(c) for c in commitments),
        parties=tuple(parties),
        round=round_number,
        proposer=proposer,
    )


def score(
    exercise,
    offer_id: str,
    commitments: Iterable,
    parties: Iterable[str] = (),
    *,
    round_number: int | None = None,
    proposer: str | None = None,
) -> rules.OfferScore:
    """Score an offer made in ``round_number`` (deadlines before it earn nothing), with hints
    phrased for ``proposer``, the team that drafts it."""
    offer = engine_offer(offer_id, commitments, parties, round_number=round_number, proposer=proposer)
    return rules.score_offer(offer, catalogue_for(exercise))


# What a team is shown ---------------------------------------------------------------------------
# Each team's value table is private. Whatever a team reads about an offer's scores (the
# composer's live preview, an offer's page) goes through ``visible_detail``, which keeps
# only that team's own figures; the debrief shows none (reports.data, viewer None).


def visible_detail(detail: Mapping, viewer: str | None) -> dict:
    """A stored or fresh score detail (OfferScore.to_dict()) as ``viewer`` may read it."""
    out = dict(detail or {})
    for key in ("reasons", "improvements"):
        out[key] = [dict(r, text=rules.redact_values(str(r.get("text", "")), viewer)) for r in out.get(key) or []]
    return out


@dataclass(frozen=True)
class HintRow:
    """One composer hint: where to act ("Commitment 2 · Deadline"), what to do, and what it gains."""

    where: str
    advice: str
    specificity: int
    reciprocity: int


def hint_rows(detail: Mapping, limit: int = 6) -> list[HintRow]:
    """The hints with the largest gain across both scores, first (the engine sorts them)."""
    rows = []
    for imp in (detail or {}).get("improvements", [])[:limit]:
        where, _, advice = str(imp.get("text", "")).partition(": ")
        if not advice:
            where, advice = "", where
        rows.append(HintRow(where, advice, round(imp.get("specificity") or 0), round(imp.get("reciprocity") or 0)))
    return rows
