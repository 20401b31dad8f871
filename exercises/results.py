"""What a team learns in its room after each close, and at the end: plain rows, built once.

After a round closes the team sees what happened to the commitments it made and to the
ones made to it (each with the status the close gave it: kept, broken, or any other
resolution the model knows), its score and how it moved, and how the regional tension
moved. After the end it also sees the final standings. Only agreements the team is a
party to are read: a team never learns about deals between other teams from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from exercises.models import Commitment, Exercise, Round, Team, TeamScore
from exercises.rules.standings import standings


@dataclass(frozen=True)
class Resolution:
    """One commitment resolved at a close, as its team reads it."""

    offer_number: int
    position: int
    summary: str
    by: str
    outcome: str  # a Commitment.Outcome value: the CSS class and the data
    outcome_label: str  # the model's label for it: new outcomes appear with their own words
    overridden: bool
    # Why a linked step was not delivered: "no. 1 was broken" (void or withdrawn), else "".
    because: str = ""
    settled_at_end: bool = False  # in the final reckoning


@dataclass(frozen=True)
class RoundResult:
    number: int
    total: float | None
    delivered: float | None
    stability: float | None
    change: float | None  # total since the previous close; None after round 1
    tension_before: float | None
    tension_after: float | None
    by_team: tuple[Resolution, ...]  # what the team promised
    to_team: tuple[Resolution, ...]  # what others promised it
    others: tuple[Resolution, ...]  # other promises in its agreements (between its partners)
    still_due: int  # the team's agreed commitments not resolved yet
    # The tension the round closed with when the final reckoning then moved it (else None).
    reckoning_from: float | None = None

    @property
    def tension_change(self) -> float | None:
        if self.tension_before is None or self.tension_after is None:
            return None
        return round(self.tension_after - self.tension_before, 1)

    @property
    def tension_words(self) -> str:
        change = self.tension_change
        if not change:
            return "unchanged"
        return f"down {-change:.1f}: calmer" if change < 0 else f"up {change:.1f}: more dangerous"

    @property
    def change_words(self) -> str:
        """ "+3.1 since round 1", or "" after the first close."""
        return "" if self.change is None else f"{self.change:+.1f} since round {self.number - 1}"

    @property
    def resolved(self) -> int:
        return len(self.by_team) + len(self.to_team) + len(self.others)


@dataclass(frozen=True)
class Standing:
    rank: int  # teams with the same total (as shown, to one decimal) share a rank
    tied: bool
    key: str
    name: str
    total: float
    is_you: bool


def latest_result(team: Team, rounds: list[Round]) -> RoundResult | None:
    """The team's result at the latest close, or None before round 1 closes."""
    closed = [r for r in rounds if r.is_closed]
    if not closed:
        return None
    latest = closed[-1]
    previous = closed[-2] if len(closed) > 1 else None
    scores = {
        s.round_id: s for s in TeamScore.objects.filter(team=team, round__in=[r for r in (latest, previous) if r])
    }
    mine = scores.get(latest.pk)
    before = scores.get(previous.pk) if previous else None
    # One read for both: what this close resolved, and what is still due later.
    mine_or_due = list(
        Commitment.objects.filter(Q(offer__from_team=team) | Q(offer__recipients=team))
        .filter(Q(resolved_in=latest) | Q(withdrawn_in=latest) | Q(outcome=Commitment.Outcome.DUE))
        .distinct()
        .select_related("offer")
        .order_by("offer__number", "position")
    )
    resolved = [c for c in mine_or_due if latest.pk in (c.resolved_in_id, c.withdrawn_in_id)]
    still_due = sum(c.outcome == Commitment.Outcome.DUE for c in mine_or_due)
    rows = [_resolution(c) for c in resolved]
    return RoundResult(
        number=latest.number,
        total=mine.total if mine else None,
        delivered=mine.delivered if mine else None,
        stability=mine.stability if mine else None,
        change=round(mine.total - before.total, 2) if mine and before else None,
        tension_before=latest.tension_before,
        tension_after=latest.tension_after,
        by_team=tuple(r for r, c in zip(rows, resolved, strict=True) if c.by == team.key),
        to_team=tuple(r for r, c in zip(rows, resolved, strict=True) if c.by != team.key and team.key in c.to),
        others=tuple(r for r, c in zip(rows, resolved, strict=True) if c.by != team.key and team.key not in c.to),
        still_due=still_due,
        reckoning_from=latest.reckoning_from,
    )


def _resolution(c: Commitment) -> Resolution:
    return Resolution(
        offer_number=c.offer.number,
        position=c.position,
        summary=c.summary,
        by=c.by,
        outcome=c.outcome,
        outcome_label=c.get_outcome_display(),
        overridden=c.overridden,
        because=c.because,
        settled_at_end=c.settled_at_end,
    )


def final_standings(exercise: Exercise, team: Team, rounds: list[Round]) -> list[Standing]:
    """Every team's total after the last close, best first; ties share a rank (rules/standings.py)."""
    closed = [r for r in rounds if r.is_closed]
    if not closed:
        return []
    scores = TeamScore.objects.filter(round=closed[-1]).select_related("team").order_by("team__order")
    return [
        Standing(s.rank, s.tied, s.item.team.key, s.item.team.name, s.item.total, s.item.team_id == team.pk)
        for s in standings(scores, lambda score: score.total)
    ]
