"""Content-triggered news: which of a scenario's armed injects the closing round sets off.

A scenario inject may carry a trigger (docs/scenario-format.md, "Triggered injects"):
conditions on what the class has done, all of which must hold. At each round close the
service builds a ``Ledger`` (what stands after the round's resolutions) and asks
``firing`` which armed triggers it meets; each fires once. Pure Python, no Django: the
console describes the same triggers with ``describe``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "ANY",
    "CONDITIONS",
    "ITEM_CONDITIONS",
    "Ledger",
    "Trigger",
    "describe",
    "firing",
]

# ``broken: any`` is met by any broken commitment, tagged with a catalogue item or not.
ANY = "any"
# The conditions that name catalogue items (one key, a list of keys, or ``any``).
ITEM_CONDITIONS = ("broken", "kept", "agreed")
CONDITIONS = ("tension_at_least", *ITEM_CONDITIONS, "no_agreement_by")


@dataclass(frozen=True)
class Trigger:
    """The conditions of one inject's trigger; None means "not a condition of this trigger"."""

    tension_at_least: float | None = None
    broken: tuple[str, ...] | None = None  # catalogue keys, or (ANY,)
    kept: tuple[str, ...] | None = None
    agreed: tuple[str, ...] | None = None
    no_agreement_by: int | None = None  # a round number

    @classmethod
    def from_snapshot(cls, data: Mapping) -> Trigger:
        """From a validated scenario snapshot (exercises/scenarios/triggers.py wrote it)."""

        def items(name: str) -> tuple[str, ...] | None:
            value = data.get(name)
            if value is None:
                return None
            return (ANY,) if value == ANY else tuple(value)

        tension = data.get("tension_at_least")
        round_ = data.get("no_agreement_by")
        return cls(
            tension_at_least=None if tension is None else float(tension),
            broken=items("broken"),
            kept=items("kept"),
            agreed=items("agreed"),
            no_agreement_by=None if round_ is None else int(round_),
        )


@dataclass(frozen=True)
class Ledger:
    """What stands when a round closes, everything before it included.

    The item sets hold the catalogue key of every commitment in that state so far, and ""
    for one tagged with no item, so that ``any`` counts untagged commitments too.
    """

    round: int
    tension: float
    broken: frozenset[str] = frozenset()
    kept: frozenset[str] = frozenset()
    agreed: frozenset[str] = frozenset()
    first_agreement_round: int | None = None


def _items_met(wanted: tuple[str, ...] | None, have: frozenset[str]) -> bool:
    if wanted is None:
        return True
    if ANY in wanted:
        return bool(have)
    return any(key in have for key in wanted)


def _met(trigger: Trigger, ledger: Ledger) -> bool:
    if trigger.tension_at_least is not None and ledger.tension < trigger.tension_at_least:
        return False
    if trigger.no_agreement_by is not None:
        if ledger.round < trigger.no_agreement_by:
            return False
        first = ledger.first_agreement_round
        if first is not None and first <= trigger.no_agreement_by:
            return False
    return (
        _items_met(trigger.broken, ledger.broken)
        and _items_met(trigger.kept, ledger.kept)
        and _items_met(trigger.agreed, ledger.agreed)
    )


def firing(armed: Iterable[tuple[str, Trigger]], ledger: Ledger) -> tuple[str, ...]:
    """The keys of the armed triggers this ledger meets, in the order given (the scenario's)."""
    return tuple(key for key, trigger in armed if _met(trigger, ledger))


def describe(trigger: Trigger, titles: Mapping[str, str]) -> str:
    """The trigger in one sentence, for the facilitator ("fires when ...")."""

    def items(keys: tuple[str, ...]) -> str:
        if ANY in keys:
            return "any item"
        names = [f"“{titles.get(key, key)}”" for key in keys]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]

    parts = []
    if trigger.tension_at_least is not None:
        parts.append(f"tension is at or above {trigger.tension_at_least:g}")
    for name, verb in (("broken", "broken"), ("kept", "kept")):
        keys = getattr(trigger, name)
        if keys is not None:
            parts.append(f"a commitment on {items(keys)} is {verb}")
    if trigger.agreed is not None:
        parts.append(f"an agreement includes {items(trigger.agreed)}")
    if trigger.no_agreement_by is not None:
        parts.append(f"no agreement is reached by the end of round {trigger.no_agreement_by}")
    return " and ".join(parts) or "at the next close (no condition)"
