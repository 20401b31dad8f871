"""The after-action report's rows: plain dataclasses that every format renders (HTML, PDF, CSV, XLSX).

Built by ``data.build_report``; what the debrief leaves out is listed in ``PRIVATE``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from exercises import rules
from exercises.models import Commitment, Event, Exercise, ImprovementItem, Offer
from exercises.offer_diff import OfferDiff
from exercises.reports.participants import ParticipantRow
from exercises.rules.model import COMMITMENT_TERMS

# Left out of the debrief shared with players: each team's private brief and
# objectives, the catalogue's value tables (and any text derived from them: score
# details, the value figures inside the balance reason), and the observers' notes,
# which are candid evaluations written for the facilitator.
PRIVATE = ("team briefs", "team objectives", "catalogue values", "score details", "observer notes")

# What the brief's lesson says Tabletop should teach; shown with any objectives the
# scenario pack adds under an `objectives` key.
EXERCISE_OBJECTIVES = (
    "Practise turning broad goals into specific commitments: who does what, where, by when, checked by whom.",
    "Practise reciprocal packages: steps matched, linked and verifiable on both sides.",
    "Test on this exercise whether specific and reciprocal commitments are kept more often than vague "
    "or one-sided ones.",
)

# Events that make the timeline; offer traffic has its own section and commitment

COMMITMENT_FIELDS = COMMITMENT_TERMS

# An agreement whose commitments are not all resolved yet is "agreed"; the rest by status.
OFFER_OUTCOMES = ("kept", "broken", "agreed", "not agreed")


@dataclass
class CommitmentRow:
    offer_number: int
    round_number: int
    position: int
    summary: str
    by: str
    to: list[str]
    kind: str
    fields: dict
    specificity: int | None
    reciprocity: int | None  # the offer's
    group: str
    outcome: str
    outcome_label: str
    due_round: int | None
    resolved_round: int | None
    kept_probability: float | None
    draw: float | None
    overridden: bool
    override_reason: str
    because: str  # why a linked step was not delivered (void or withdrawn), else ""
    settled_at_end: bool  # in the final reckoning
    has_deadline: bool
    firm_deadline: bool
    verified: bool


@dataclass
class ResponseRow:
    team_key: str
    team_name: str
    kind: str
    label: str
    counter_number: int | None
    at: datetime


@dataclass
class OfferRow:
    number: int
    round_number: int
    from_key: str
    from_name: str
    to_keys: list[str]
    to_names: list[str]
    submitted_by: str
    status: str
    status_label: str
    outcome: str  # one of OFFER_OUTCOMES, for the scatter
    specificity: int | None
    reciprocity: int | None
    main_reasons: list[str]
    message: str
    parent_number: int | None
    diff: OfferDiff | None  # what this counter changed against its parent (offer_diff.py)
    responses: list[ResponseRow]
    commitments: list[CommitmentRow]
    created_at: datetime
    decided_at: datetime | None

    @property
    def is_agreement(self) -> bool:
        return self.status == Offer.Status.ACCEPTED

    @property
    def changes(self) -> list[str]:
        """The diff in short lines (data files, the PDF); empty for an offer that counters nothing."""
        return self.diff.lines() if self.diff is not None else []

    def _outcomes(self, outcome: str) -> int:
        return sum(c.outcome == outcome for c in self.commitments)

    @property
    def kept(self) -> int:
        return self._outcomes(Commitment.Outcome.KEPT)

    @property
    def broken(self) -> int:
        return self._outcomes(Commitment.Outcome.BROKEN)

    @property
    def due(self) -> int:
        return self._outcomes(Commitment.Outcome.DUE)

    @property
    def void_or_withdrawn(self) -> int:
        """Linked steps not delivered because the other side broke one (rules/ledger.py)."""
        return self._outcomes(Commitment.Outcome.VOIDED) + self._outcomes(Commitment.Outcome.WITHDRAWN)


@dataclass
class TimelineItem:
    at: datetime
    kind: str
    label: str
    actor: str
    text: str


@dataclass
class InjectRow:
    title: str
    text: str
    tension_delta: float
    audience: list[str]
    pushed_at: datetime


@dataclass
class RoundRow:
    number: int
    status: str
    opened_at: datetime
    closed_at: datetime | None
    minutes: float | None
    tension_before: float | None
    tension_after: float | None
    injects: list[InjectRow] = field(default_factory=list)
    timeline: list[TimelineItem] = field(default_factory=list)
    offers: list[OfferRow] = field(default_factory=list)
    resolved: list[CommitmentRow] = field(default_factory=list)

    @property
    def agreements(self) -> list[OfferRow]:
        return [o for o in self.offers if o.is_agreement]

    @property
    def kept(self) -> int:
        return sum(c.outcome == Commitment.Outcome.KEPT for c in self.resolved)

    @property
    def broken(self) -> int:
        return sum(c.outcome == Commitment.Outcome.BROKEN for c in self.resolved)


@dataclass
class TeamRoundRow:
    number: int
    offers_sent: int
    mean_s: float | None
    mean_r: float | None
    total: float | None
    delivered: float | None
    stability: float | None


@dataclass
class TeamAnalysis:
    key: str
    name: str
    participants: list[str]
    brief: str  # empty in the debrief
    objectives: list[str]  # empty in the debrief
    rounds: list[TeamRoundRow]
    final_score: float | None
    offers_sent: int
    mean_s: float | None  # over every offer the team sent
    mean_r: float | None
    agreements: int
    commitments_made: int
    kept: int
    broken: int
    strengths: list[str]
    improvements: list[str]
    # The bots that played the team (stand-ins, exercises/bots.py), in the order it was handed to them.
    stand_ins: list[str] = field(default_factory=list)


@dataclass
class LessonGroup:
    name: str
    resolved: int
    kept: int
    broken: int
    mean_probability: float | None

    @property
    def rate(self) -> float | None:
        return self.kept / self.resolved if self.resolved else None


@dataclass
class Lesson:
    specific_min: int
    reciprocal_min: int
    tested: LessonGroup  # specific AND reciprocal
    others: LessonGroup  # vague or one-sided
    groups: list[LessonGroup]
    unresolved: int
    verdict: str


@dataclass
class ObservationRow:
    round_number: int | None
    team_name: str
    author: str
    text: str
    at: datetime


@dataclass
class Report:
    exercise: Exercise
    debrief: bool
    generated_at: datetime
    facilitator: str
    scenario_title: str
    scenario_summary: str
    situation: str
    objectives: list[str]
    started_at: datetime | None
    ended_at: datetime | None
    duration_minutes: float | None
    observers: list[str]
    rounds: list[RoundRow]
    before_rounds: list[TimelineItem]
    offers: list[OfferRow]
    commitments: list[CommitmentRow]
    teams: list[TeamAnalysis]
    standings: list[rules.Standing[TeamAnalysis]]  # the teams with a score, best first, ties ranked equally
    participants: list[ParticipantRow]
    lesson: Lesson
    observations: list[ObservationRow]
    improvement_items: list[ImprovementItem]
    narrative_text: str
    narrative_html: str
    values: list[dict]  # catalogue value tables; empty in the debrief
    events: list[Event]
    team_names: dict[str, str]
    round_numbers: dict[int, int]  # round id -> number, for the event rows
    team_keys: dict[int, str]  # team id -> key
    # The scenario's note for the facilitator (what really happened) and its sources; empty in the debrief.
    debrief_note_html: str = ""
    sources: list[dict] = field(default_factory=list)
    private: tuple[str, ...] = PRIVATE

    @property
    def agreements(self) -> list[OfferRow]:
        return [o for o in self.offers if o.is_agreement]

    @property
    def participant_count(self) -> int:
        return sum(len(t.participants) for t in self.teams)
