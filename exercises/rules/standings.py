"""Standings: teams ranked by score, ties ranked equally.

Standard competition ranking ("1224"): teams with the same score share a rank and
the next team's rank skips the places they took, so five teams on 3.3 are all
first and none is fifth. Scores are compared as they are shown (one decimal):
two teams whose totals both read 3.3 must not be ranked apart by a hidden 0.04.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = ["SHOWN_DIGITS", "Standing", "standings"]

# Every page, the report and the data files show scores to one decimal.
SHOWN_DIGITS = 1


@dataclass(frozen=True)
class Standing[T]:
    rank: int
    tied: bool  # another team has the same rank
    score: float
    item: T


def standings[T](items: Iterable[T], score: Callable[[T], float], digits: int = SHOWN_DIGITS) -> list[Standing[T]]:
    """The items best first, each with its competition rank; equal scores keep their given order."""
    scored = sorted(((round(float(score(item)), digits), i, item) for i, item in enumerate(items)), key=_best_first)
    counts: dict[float, int] = {}
    for value, _, _ in scored:
        counts[value] = counts.get(value, 0) + 1
    result, rank, previous = [], 0, None
    for place, (value, _, item) in enumerate(scored, start=1):
        if value != previous:
            rank, previous = place, value
        result.append(Standing(rank=rank, tied=counts[value] > 1, score=value, item=item))
    return result


def _best_first(entry: tuple[float, int, object]) -> tuple[float, int]:
    value, position, _ = entry
    return (-value, position)
