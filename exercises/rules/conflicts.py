"""Conflicting promises: a party cannot sell the same room twice.

When a team commits, as giver, to catalogue items the scenario marks as
incompatible (``conflicts``), in different offers of the same round, the
facilitator should see it before both are accepted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .model import Catalogue, Commitment, Conflict


def find_conflicts(commitments_by_offer: Mapping[str, Sequence[Commitment]], catalogue: Catalogue) -> list[Conflict]:
    """Conflicts between offers, in the mapping's order, each pair of items reported once."""
    given: list[tuple[str, str, str]] = []  # (offer id, party, kind) in input order
    for offer_id, commitments in commitments_by_offer.items():
        for c in commitments:
            if c.kind and c.kind in catalogue:
                given.append((offer_id, c.by, c.kind))
    conflicts: list[Conflict] = []
    seen: dict[tuple, None] = {}
    for i, (offer_a, party, kind_a) in enumerate(given):
        item_a = catalogue.item(kind_a)
        for offer_b, party_b, kind_b in given[i + 1 :]:
            if party_b != party or offer_b == offer_a:
                continue
            item_b = catalogue.item(kind_b)
            if kind_b not in item_a.conflicts and kind_a not in item_b.conflicts:
                continue
            key = (party, offer_a, offer_b, kind_a, kind_b)
            if key in seen:
                continue
            seen[key] = None
            title_a = item_a.title or kind_a
            title_b = item_b.title or kind_b
            conflicts.append(
                Conflict(
                    party=party,
                    offer_ids=(offer_a, offer_b),
                    kinds=(kind_a, kind_b),
                    text=f'{party} promises "{title_a}" in {offer_a} and "{title_b}" in {offer_b}, '
                    "which cannot both be kept",
                )
            )
    return conflicts
