"""Every whole number that arrives as text, read in one place and kept inside bounds.

Forms, views, polls and URL converters all read numbers a browser sent: minutes to add,
a team to move a player to, an offer to counter, a row to remove, a revision. Python's
own tools are not enough on their own: ``"²".isdigit()`` is true but ``int("²")``
fails, ``int()`` accepts ``"1_000"`` and surrounding spaces, and a 5,000-digit string
exceeds Python's integer-string limit. So:

- a number is an optional sign ("-" only where negatives are allowed) and 1 to 18 decimal
  digits; digits of any script count (``"١٢"`` is 12, as Django's own fields read it),
  superscripts, fractions, underscores and separators do not;
- it must lie within the bounds the caller gives, or it is refused with a sentence a
  person can read.

Pure Python (no Django), so the rules engine, views and forms can all import it.
"""

from __future__ import annotations

__all__ = ["MAX_DIGITS", "MAX_ID", "NotANumber", "int_list", "int_or_none", "parse_int"]

# 18 digits always fit a signed 64-bit column, so a bounded number never overflows the database.
MAX_DIGITS = 18
MAX_ID = 10**MAX_DIGITS - 1  # the largest database id (or revision) a request may name


class NotANumber(ValueError):
    """The text is not a whole number within the bounds; ``str()`` says why, for a person."""


def parse_int(raw, *, low: int, high: int) -> int:
    """The whole number ``raw`` spells, between ``low`` and ``high`` inclusive, or NotANumber."""
    text = raw.strip() if isinstance(raw, str) else ""
    if isinstance(raw, int) and not isinstance(raw, bool):
        text = str(raw)
    sign = 1
    if text[:1] == "+" or (text[:1] == "-" and low < 0):
        sign, text = (-1 if text[0] == "-" else 1), text[1:]
    if not text or len(text) > MAX_DIGITS or not text.isdecimal():
        raise NotANumber(f"Enter a whole number from {low:,} to {high:,}.")
    value = sign * int(text)
    if not low <= value <= high:
        raise NotANumber(f"Enter a whole number from {low:,} to {high:,}.")
    return value


def int_or_none(raw, *, low: int, high: int) -> int | None:
    """parse_int for values where "no number" simply means "nothing chosen"."""
    try:
        return parse_int(raw, low=low, high=high)
    except NotANumber:
        return None


def int_list(raw, *, low: int, high: int, max_items: int, strict: bool = True) -> list[int]:
    """Numbers separated by commas or spaces ("2" or "1, 3"), sorted and without repeats.

    Strict (a form being sent): anything else is NotANumber. Not strict (a draft being
    previewed): what is not a number within the bounds is left out.
    """
    text = raw if isinstance(raw, str) else ""
    parts = text.replace(",", " ").split()
    if len(parts) > max_items:
        if strict:
            raise NotANumber(f"List at most {max_items} numbers.")
        parts = parts[:max_items]
    if strict:
        return sorted({parse_int(part, low=low, high=high) for part in parts})
    found = (int_or_none(part, low=low, high=high) for part in parts)
    return sorted({number for number in found if number is not None})
