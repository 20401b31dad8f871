"""The scenario's calendar: which deadlines a referee would accept.

A deadline earns points only when it names a moment inside the game: after the
in-game date of the current round and no later than the scenario's horizon. A
past date ("by 1 January 1990"), a date beyond the horizon ("by 2999") or a round
the game never reaches ("round 99") earns nothing, and the reason says why.

The lexicon reads deadline *facts* from the text ("due:date:<ordinal>:3",
"due:round:3:3", "due:days:30:3"...; see lexicon.due_tag); this module turns them
into in-game dates and judges them. Without a calendar (a catalogue built without
a scenario), any well-formed deadline is credited: nothing tells past from future.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .lexicon import DUE


@dataclass(frozen=True, slots=True)
class Calendar:
    """Round 1 opens on ``start``; each round lasts ``round_days`` in-game days;
    no deadline may fall after ``horizon``."""

    start: datetime.date
    round_days: int
    horizon: datetime.date

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Calendar | None:
        if not data:
            return None
        return cls(
            start=_date(data["start"]),
            round_days=int(data["round_days"]),
            horizon=_date(data["horizon"]),
        )

    def today(self, round_number: int) -> datetime.date:
        """The in-game date on which round ``round_number`` opens."""
        return self.start + datetime.timedelta(days=self.round_days * (max(round_number, 1) - 1))

    def round_end(self, round_number: int) -> datetime.date:
        """The last in-game day of round ``round_number``."""
        return self.start + datetime.timedelta(days=self.round_days * round_number - 1)


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def show(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True, slots=True)
class DeadlineCredit:
    """The best tier a commitment's deadline facts earn, and why a written one earns nothing."""

    tier: int  # 3 a date or a delay, 2 a year, 0 nothing accepted
    problem: str = ""  # "" when credited or when no fact was written


@lru_cache(maxsize=4096)
def _due(tag: str) -> tuple[str, int, int]:
    kind, number, tier = tag[len(DUE) :].split(":")
    return kind, int(number), int(tier)


@lru_cache(maxsize=8192)
def judge_deadline(tags: tuple[str, ...], calendar: Calendar | None, round_number: int) -> DeadlineCredit:
    """The tier of the best deadline fact that falls inside the calendar.

    Absolute facts (a date, a year, round N) must fall after the current round's
    in-game date and by the horizon; relative facts ("within 30 days", "next
    round", "this year") count from that date and must end by the horizon.
    """
    best = 0
    failed = None
    for tag in tags:
        kind, number, tier = _due(tag)
        if tier <= best:
            continue
        if calendar is None or not _outside(kind, number, calendar, round_number):
            best = tier
        elif failed is None:
            failed = (kind, number)
    if best or failed is None:
        return _CREDITS[best]
    return DeadlineCredit(0, _outside(*failed, calendar, round_number))


_CREDITS = {tier: DeadlineCredit(tier) for tier in range(4)}


@lru_cache(maxsize=8192)
def _outside(kind: str, number: int, calendar: Calendar, round_number: int) -> str:
    """Why this fact is outside the game ("" when it is inside)."""
    today = calendar.today(round_number)
    if kind == "round":
        if number < round_number:
            return f"round {number} is already over (this is round {round_number})"
        due = calendar.round_end(number)
        if due > calendar.horizon:
            return f"round {number} is beyond the game's horizon ({show(calendar.horizon)})"
        return ""
    if kind == "rounds":
        due = calendar.round_end(round_number + number)
    elif kind == "days":
        due = today + datetime.timedelta(days=number)
    elif kind == "years":
        due = datetime.date(today.year + number, 12, 31)
    elif kind == "year":
        if number < today.year:
            return f"{number} is in the past (the game is in {show(today)})"
        due = datetime.date(min(number, 9999), 12, 31)
    elif kind == "md":
        month, day = divmod(number, 100)
        due = _next(today, month, day)
    else:  # "date"
        due = datetime.date.fromordinal(number)
        if due <= today:
            return f"{show(due)} is in the past (the game is in {show(today)})"
    if due > calendar.horizon:
        return f"{show(due)} is beyond the game's horizon ({show(calendar.horizon)})"
    return ""


def _next(today: datetime.date, month: int, day: int) -> datetime.date:
    """The next 31 December (or 29 February) on or after ``today``."""
    for year in range(today.year, today.year + 8):
        try:
            due = datetime.date(year, month, day)
        except ValueError:
            continue
        if due > today:
            return due
    return today


def suggested_deadline(calendar: Calendar | None, round_number: int) -> str:
    """A deadline the calendar accepts, for hints: "within 30 days", else the next round."""
    if calendar is None or calendar.today(round_number) + datetime.timedelta(days=30) <= calendar.horizon:
        return "within 30 days"
    return "next round"
