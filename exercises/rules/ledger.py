"""Linked steps: which steps of an agreement resolve at a close, in what order, and how.

An agreement's steps name the steps they wait for (``conditional_on``). At a round
close (or the final reckoning) the due steps resolve in the order those links imply:

- A step waits for its conditions. When links go both ways ("my freeze for your
  relief, each waiting for the other"), somebody has to move first: the cycle is
  broken by due round, then position, and the first mover's link to the later step
  is a reciprocal expectation, not a wait.
- A step whose condition was broken (or voided, or withdrawn) is **void**: not
  delivered, not held against its giver, and never drawn.
- Otherwise the dice decide (``draw < probability``; the caller computes both, so
  this module stays pure and reproducible).
- When a step is **broken**, every kept step of the agreement that another party
  gave with snap-back is **withdrawn**: the benefit returns, as the brief promises
  reversible steps do.
- A step whose condition is not due yet waits (stays due), except in the final
  reckoning, where everything left is settled.

The umpire can rule a drawn step the other way afterwards (``overrule``); the links
then answer the ruling as they would have answered the dice.

Nothing here knows about Django; ``services`` feeds steps in and applies the result.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "BROKEN",
    "DUE",
    "KEPT",
    "OUTCOMES",
    "VOIDED",
    "WITHDRAWN",
    "Settlement",
    "Step",
    "link_order",
    "overrule",
    "paid_after_broken",
    "settle",
]

DUE = "due"
KEPT = "kept"
BROKEN = "broken"
VOIDED = "voided"
WITHDRAWN = "withdrawn"

OUTCOMES = (KEPT, BROKEN, VOIDED, WITHDRAWN)  # what a settlement can do to a step

# Outcomes that mean "this condition was not met".
_FAILED = frozenset({BROKEN, VOIDED, WITHDRAWN})


@dataclass(frozen=True, slots=True)
class Step:
    """One step of an agreement as the ledger sees it.

    ``probability`` and ``draw`` are only read when the step is drawn at this close;
    ``breach`` is the step that voided or withdrew it, and ``ruled`` marks the
    umpire's own rulings, which the consequences of another ruling never change.
    """

    position: int
    by: str
    due_round: int
    outcome: str = DUE
    conditional_on: tuple[int, ...] = ()
    snap_back: bool = False
    probability: float = 0.0
    draw: float = 1.0
    breach: int | None = None
    ruled: bool = False


@dataclass(frozen=True, slots=True)
class Settlement:
    """What happened to one step at this close: drawn kept/broken, voided or withdrawn.

    ``breach`` is the broken step that voided or withdrew it.
    """

    position: int
    outcome: str
    breach: int | None = None

    @property
    def drawn(self) -> bool:
        return self.outcome in (KEPT, BROKEN)


def link_order(steps: Iterable[Step]) -> tuple[tuple[int, ...], dict[int, tuple[int, ...]]]:
    """(positions in resolution order, each step's blocking conditions).

    A topological order of "waits for" links, ties broken by (due round, position); a
    cycle is broken at its earliest step, whose links into the cycle do not block it.
    Links to positions the agreement does not have are ignored.
    """
    by_pos = {s.position: s for s in steps}
    key = {p: (s.due_round, p) for p, s in by_pos.items()}
    waits = {p: {c for c in s.conditional_on if c in by_pos and c != p} for p, s in by_pos.items()}
    order: list[int] = []
    blocking: dict[int, tuple[int, ...]] = {}
    done: set[int] = set()
    remaining = set(by_pos)
    while remaining:
        ready = [key[p] for p in remaining if waits[p] <= done]
        if not ready:
            # A cycle: the earliest step moves first.
            ready = [min(key[p] for p in remaining)]
        heapq.heapify(ready)
        _, first = heapq.heappop(ready)
        order.append(first)
        blocking[first] = tuple(sorted(waits[first] & done))
        done.add(first)
        remaining.discard(first)
    return tuple(order), blocking


def settle(steps: Iterable[Step], closing_round: int | None) -> tuple[Settlement, ...]:
    """Resolve one agreement's due steps at the close of ``closing_round``.

    ``closing_round`` None is the final reckoning: every step still due is settled.
    Returns only the steps that changed, in the order they were settled.
    """
    steps = tuple(steps)
    by_pos = {s.position: s for s in steps}
    outcome = {s.position: s.outcome for s in steps}
    order, blocking = link_order(steps)
    rank = {p: i for i, p in enumerate(order)}
    out: list[Settlement] = []
    for position in order:
        step = by_pos[position]
        if outcome[position] != DUE:
            continue
        if closing_round is not None and step.due_round > closing_round:
            continue
        conditions = blocking[position]
        if any(outcome[c] == DUE for c in conditions):
            continue  # its condition comes due later: it waits
        failed = next((c for c in conditions if outcome[c] in _FAILED), None)
        if failed is not None:
            outcome[position] = VOIDED
            out.append(Settlement(position, VOIDED, failed))
            continue
        kept = step.draw < step.probability
        outcome[position] = KEPT if kept else BROKEN
        out.append(Settlement(position, outcome[position]))
        if not kept:
            for other in order[: rank[position]]:
                earlier = by_pos[other]
                if outcome[other] == KEPT and earlier.snap_back and earlier.by != step.by:
                    outcome[other] = WITHDRAWN
                    out.append(Settlement(other, WITHDRAWN, position))
    return tuple(out)


def overrule(steps: Iterable[Step], position: int, kept: bool) -> tuple[Settlement, ...]:
    """What follows for the rest of an agreement when the umpire rules step ``position``
    kept or broken after it was drawn (``steps`` show it as drawn before the ruling).

    Ruled broken: every drawn step waiting for it, directly or through a step this voids,
    is void; kept steps another party gave with snap-back are withdrawn. Ruled kept: what
    its breach voided is due again (the next close, or the caller, draws it) and what it
    withdrew is kept again. Steps the umpire ruled on themselves do not move.
    """
    steps = tuple(steps)
    by_pos = {s.position: s for s in steps}
    order, blocking = link_order(steps)
    if kept:
        return _unwind(order, by_pos, position)
    outcome = {s.position: s.outcome for s in steps} | {position: BROKEN}
    breaker = by_pos[position]
    out: list[Settlement] = []
    for other in order:
        step = by_pos[other]
        if other == position or step.ruled or outcome[other] not in (KEPT, BROKEN):
            continue
        failed = next((c for c in blocking[other] if outcome[c] in (BROKEN, VOIDED)), None)
        if failed is not None and (failed == position or any(s.position == failed for s in out)):
            outcome[other] = VOIDED
            out.append(Settlement(other, VOIDED, failed))
        elif outcome[other] == KEPT and step.snap_back and step.by != breaker.by:
            outcome[other] = WITHDRAWN
            out.append(Settlement(other, WITHDRAWN, position))
    return tuple(out)


def _unwind(order: tuple[int, ...], by_pos: dict[int, Step], position: int) -> tuple[Settlement, ...]:
    """A breach ruled away: its voids are due again (and theirs, in turn), its snap-backs kept."""
    cleared = {position}
    out: list[Settlement] = []
    for other in order:
        step = by_pos[other]
        if step.ruled or step.breach not in cleared:
            continue
        if step.outcome == VOIDED:
            cleared.add(other)
            out.append(Settlement(other, DUE))
        elif step.outcome == WITHDRAWN:
            out.append(Settlement(other, KEPT))
    return tuple(out)


def paid_after_broken(steps: Iterable[Step]) -> int:
    """Steps that count as delivered although a step they waited for was broken or void:
    what the ledger exists to prevent (0 after ``settle``; the simulation reports it).
    A condition withdrawn later does not count: it was met when the step was paid."""
    steps = tuple(steps)
    outcome = {s.position: s.outcome for s in steps}
    _, blocking = link_order(steps)
    return sum(
        1
        for s in steps
        if s.outcome == KEPT and any(outcome.get(c) in (BROKEN, VOIDED) for c in blocking.get(s.position, ()))
    )
