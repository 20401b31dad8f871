"""How a pack's mistakes are found and told: ScenarioError, and the Checker that records every problem
with its exact place (``catalogue[3].values.USA``) instead of stopping at the first.

The section checks (validation.py, referee.py, triggers.py) are written with it.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from typing import Any

SLUG_RE = re.compile(r"[a-z0-9-]{1,64}")


class ScenarioError(ValueError):
    """A scenario pack is wrong. ``str()`` is ``"file: place: message"``.

    Validation collects every problem it can find; the exception describes the
    first one and ``errors`` holds all of them (first included), so a command
    can print the whole list while callers that only show ``str(err)`` still
    get one precise line.
    """

    def __init__(
        self,
        file: str,
        place: str,
        message: str,
        errors: list[ScenarioError] | None = None,
    ) -> None:
        self.file = file
        self.place = place
        self.message = message
        self.errors: list[ScenarioError] = errors or [self]
        # the three fields as args keep the exception picklable (test workers)
        super().__init__(file, place, message)

    def __str__(self) -> str:
        return f"{self.file}: {self.place}: {self.message}"


class UnknownScenarioError(ScenarioError, KeyError):
    """No pack has this key; also a KeyError so ``dict``-style callers work."""


# --------------------------------------------------------------------------
# Validation: small checks that record problems instead of stopping, so an
# instructor sees every mistake in one run.


class Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[ScenarioError] = []

    def fail(self, place: str, message: str) -> None:
        self.errors.append(ScenarioError(self.file, place, message))

    @staticmethod
    def show(value: Any) -> str:
        return show_value(value)

    def raise_if_failed(self) -> None:
        if self.errors:
            first = self.errors[0]
            raise ScenarioError(first.file, first.place, first.message, self.errors)

    def mapping(self, value: Any, place: str) -> bool:
        if isinstance(value, dict):
            return True
        self.fail(place, f"must be a mapping (key: value lines), got {show_value(value)}")
        return False

    def keys(self, data: dict, allowed: tuple[str, ...], required: tuple[str, ...], place: str) -> None:
        for key in data:
            if key not in allowed:
                self.fail(join_place(place, key), unknown_key(key, allowed))
        for key in required:
            if key not in data:
                self.fail(place or "top level", f"missing required key '{key}'")

    def text(self, value: Any, place: str, *, blank_ok: bool = False) -> str:
        if not isinstance(value, str):
            self.fail(place, f"must be text, got {show_value(value)}")
            return ""
        if not blank_ok and not value.strip():
            self.fail(place, "must not be empty")
        return value.strip()

    def slug(self, value: Any, place: str) -> str:
        if not isinstance(value, str) or not SLUG_RE.fullmatch(value):
            self.fail(place, f"must be a slug of a-z, 0-9 and '-' (at most 64), got {show_value(value)}")
            return ""
        return value

    def boolean(self, value: Any, place: str) -> bool:
        if not isinstance(value, bool):
            self.fail(place, f"must be true or false, got {show_value(value)}")
            return False
        return value

    def number(self, value: Any, place: str, low: float, high: float, *, integer: bool = False) -> Any:
        kind = "a whole number" if integer else "a number"
        ok_type = isinstance(value, int) if integer else isinstance(value, (int, float))
        # bool is an int subclass; 'yes' in YAML must not count as 1
        if isinstance(value, bool) or not ok_type or not (low <= value <= high):
            self.fail(place, f"must be {kind} between {low} and {high}, got {show_value(value)}")
            return None
        return value

    def str_list(self, value: Any, place: str, check: Callable[[Any, str], str]) -> list[str]:
        if isinstance(value, str):  # `by: USA` is a natural shorthand for [USA]
            value = [value]
        if not isinstance(value, list):
            self.fail(place, f"must be a list, got {show_value(value)}")
            return []
        result: list[str] = []
        for index, entry in enumerate(value):
            entry_place = f"{place}[{index}]"
            checked = check(entry, entry_place)
            if checked and checked in result:
                self.fail(entry_place, f"{checked!r} is listed twice")
            elif checked:
                result.append(checked)
        return result

    def unique(self, keys: list[str], place: str, what: str) -> None:
        seen: set[str] = set()
        for index, key in enumerate(keys):
            if key and key in seen:
                self.fail(f"{place}[{index}].key", f"duplicate {what} key {key!r}")
            seen.add(key)

    def json_like(self, value: Any, place: str) -> None:
        """Scoring overrides are free-form, but the snapshot must stay JSON."""
        if isinstance(value, dict):
            for key, inner in value.items():
                if not isinstance(key, str):
                    self.fail(place, f"keys must be text, got {show_value(key)}")
                else:
                    self.json_like(inner, join_place(place, key))
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                self.json_like(inner, f"{place}[{index}]")
        elif isinstance(value, float) and not math.isfinite(value):
            self.fail(place, f"must be a finite number, got {show_value(value)}")
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            self.fail(place, f"must be text, a number, true/false, a list or a mapping, got {show_value(value)}")


def join_place(place: str, key: Any) -> str:
    return f"{place}.{key}" if place else str(key)


def show_value(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):  # show it as the instructor typed it
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def unknown_key(key: Any, allowed: tuple[str, ...]) -> str:
    message = f"unknown key {key!r}"
    close = difflib.get_close_matches(str(key), allowed, n=1)
    if close:
        return f"{message} (did you mean '{close[0]}'?)"
    return f"{message}; allowed keys: {', '.join(allowed)}"
