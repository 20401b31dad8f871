"""Conflicting promises: a party cannot sell the same room twice.

The scenario marks some catalogue items as incompatible (``conflicts``: Chinese
customs enforcement vs sectoral sanctions relief). When a party commits, as
giver, to one of them in an offer of the round and is party (as giver or
receiver) to the other in a different offer, both cannot be kept: the
facilitator should see it before accepting both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .model import Catalogue, Commitment, Conflict


def find_conflicts(commitments_by_offer: Mapping[str, Sequence[Commitment]], catalogue: Catalogue) -> list[Conflict]:
    """Conflicts between different offers, in the mapping's order, each reported once.

    The party of a conflict gives one of the two commitments and gives or receives
    the other (the plain case: it gives both).
    """
    entries: list[tuple[str, Commitment]] = []
    for offer_id, commitments in commitments_by_offer.items():
        for c in commitments:
            if c.kind and c.kind in catalogue:
                entries.append((offer_id, c))
    conflicts: list[Conflict] = []
    seen: dict[tuple, None] = {}
    for i, (offer_a, a) in enumerate(entries):
        item_a = catalogue.item(a.kind)
        for offer_b, b in entries[i + 1 :]:
            if offer_b == offer_a:
                continue
            item_b = catalogue.item(b.kind)
            if b.kind not in item_a.conflicts and a.kind not in item_b.conflicts:
                continue
            for party in _involved(a, b):
                key = (party, offer_a, offer_b, a.kind, b.kind)
                if key in seen:
                    continue
                seen[key] = None
                conflicts.append(
                    Conflict(
                        party=party,
                        offer_ids=(offer_a, offer_b),
                        kinds=(a.kind, b.kind),
                        text=f'{party} is party to "{item_a.title or a.kind}" in {offer_a} and to '
                        f'"{item_b.title or b.kind}" in {offer_b}, which cannot both be kept',
                    )
                )
    return conflicts


def _involved(a: Commitment, b: Commitment) -> list[str]:
    """Parties that give one commitment and give or receive the other, givers first."""
    parties: dict[str, None] = {}
    if a.by == b.by:
        parties[a.by] = None
    if a.by in b.to:
        parties[a.by] = None
    if b.by in a.to:
        parties[b.by] = None
    return list(parties)
