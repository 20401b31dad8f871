"""An inject's ``trigger``: the conditions on play that fire it (docs/scenario-format.md).

Validation in the loader's style (collect every mistake, name its place, suggest the
key that was meant). The snapshot form is the input form normalised: an item condition
is always a list of catalogue keys or the word ``any``; the rules engine reads it
(exercises/rules/triggers.py).
"""

from __future__ import annotations

import difflib
from typing import Any

from exercises.rules.triggers import ANY, CONDITIONS, ITEM_CONDITIONS

TENSION_RANGE = (0, 100)

__all__ = ["check_trigger"]


def check_trigger(check: Any, raw: Any, place: str, item_keys: list[str], rounds: int) -> dict | None:
    """The normalised trigger, or None when the inject has none (it is pushed by hand or on schedule)."""
    if raw is None:
        return None
    if not check.mapping(raw, place):
        return None
    check.keys(raw, CONDITIONS, (), place)
    if not raw:
        check.fail(place, f"must name at least one condition: {', '.join(CONDITIONS)}")
        return None
    trigger: dict[str, Any] = {}
    if "tension_at_least" in raw:
        trigger["tension_at_least"] = check.number(raw["tension_at_least"], f"{place}.tension_at_least", *TENSION_RANGE)
    for name in ITEM_CONDITIONS:
        if name in raw:
            trigger[name] = _items(check, raw[name], f"{place}.{name}", item_keys)
    if "no_agreement_by" in raw:
        trigger["no_agreement_by"] = check.number(
            raw["no_agreement_by"], f"{place}.no_agreement_by", 1, rounds, integer=True
        )
    return trigger


def _items(check: Any, value: Any, place: str, item_keys: list[str]) -> list[str] | str:
    """One catalogue key, a list of them, or ``any``."""
    if value == ANY:
        return ANY

    def item(entry: Any, entry_place: str) -> str:
        key = check.slug(entry, entry_place)
        if key and item_keys and key not in item_keys:
            close = difflib.get_close_matches(key, item_keys, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; write a catalogue item key or '{ANY}'"
            check.fail(entry_place, f"{key!r} is not a catalogue item{hint}")
            return ""
        return key

    keys = check.str_list(value, place, item)
    if isinstance(value, list) and not value:
        check.fail(place, f"must name at least one catalogue item, or '{ANY}'")
    return keys
