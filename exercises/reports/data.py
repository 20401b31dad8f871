"""Everything the after-action report shows, assembled once with a fixed number of queries.

``build_report(exercise)`` reads the exercise's rows in about fifteen queries
(whatever the number of offers: everything is prefetched and joined in Python)
and returns a plain ``Report`` of dataclasses. The HTML page, the PDF, the CSV and
XLSX files all render this one object, so they always agree. ``debrief=True``
leaves out what is private to a team or to the evaluators (see PRIVATE below and
docs/report.md).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import mean

from django.db.models import Prefetch
from django.utils import timezone

from exercises import offer_diff, personas, rules
from exercises.models import (
    Commitment,
    Event,
    Exercise,
    ImprovementItem,
    Observation,
    Offer,
    ReportNarrative,
    Response,
    TeamScore,
)
from exercises.offer_diff import OfferDiff
from exercises.reports import lesson
from exercises.reports.participants import ParticipantRow, participant_rows
from exercises.rules.model import COMMITMENT_TERMS
from exercises.text import render_markdown

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
# resolutions are summarised per round.
TIMELINE_KINDS = {
    Event.Kind.EXERCISE_STARTED,
    Event.Kind.EXERCISE_ENDED,
    Event.Kind.ROUND_OPENED,
    Event.Kind.ROUND_PAUSED,
    Event.Kind.ROUND_RESUMED,
    Event.Kind.ROUND_EXTENDED,
    Event.Kind.ROUND_CLOSED,
    Event.Kind.INJECT_PUSHED,
    Event.Kind.INJECT_TRIGGERED,
    Event.Kind.TRIGGER_DISARMED,
    Event.Kind.AGREEMENT_REACHED,
    Event.Kind.TENSION_CHANGED,
    Event.Kind.CONFLICT_FLAGGED,
    Event.Kind.COMMITMENT_OVERRIDDEN,
    Event.Kind.COMMITMENT_VOIDED,
    Event.Kind.COMMITMENT_WITHDRAWN,
    Event.Kind.COMMITMENT_VALUED,
    Event.Kind.FINAL_RECKONING,
    Event.Kind.LEADERBOARD_REVEALED,
    Event.Kind.REHEARSAL_STARTED,
    Event.Kind.BOT_ASSIGNED,
    Event.Kind.BOT_RELEASED,
    Event.Kind.BOT_REPLACED,
}

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


def _stand_ins(events) -> dict[int, list[str]]:
    """Team id -> the personas of the bots that played it, each named once (from the event log)."""
    found: dict[int, list[str]] = defaultdict(list)
    for event in events:
        if event.kind == Event.Kind.BOT_ASSIGNED and event.team_id:
            persona = personas.PERSONAS.get(event.details.get("persona", ""))
            label = persona.label if persona else event.details.get("persona", "")
            if label and label not in found[event.team_id]:
                found[event.team_id].append(label)
    return found


def build_report(exercise: Exercise, *, debrief: bool = False) -> Report:
    teams = list(exercise.teams.prefetch_related("participants"))
    team_by_id = {t.pk: t for t in teams}
    names = {t["key"]: t["name"] for t in exercise.scenario.get("teams", [])} | {t.key: t.name for t in teams}
    rounds = list(exercise.rounds.all())
    round_number = {r.pk: r.number for r in rounds}
    injects = list(exercise.injects.order_by("pushed_at", "pk").prefetch_related("audience"))
    offers = list(
        exercise.offers.order_by("number")
        .select_related("submitted_by")
        .prefetch_related(
            "recipients",
            Prefetch("commitments", queryset=Commitment.objects.order_by("position")),
            Prefetch("responses", queryset=Response.objects.order_by("created_at", "pk")),
        )
    )
    events = list(exercise.events.order_by("created_at", "pk"))
    scores = list(TeamScore.objects.filter(round__exercise=exercise).order_by("round__number", "team__order"))
    observers = list(exercise.observers.all())
    observations = [] if debrief else list(Observation.objects.filter(exercise=exercise).order_by("created_at", "pk"))
    narrative = ReportNarrative.objects.filter(exercise=exercise).first()
    items = list(ImprovementItem.objects.filter(exercise=exercise))
    facilitator = exercise.facilitator.get_username() if exercise.facilitator_id else ""

    number_by_id = {o.pk: o.number for o in offers}
    offer_rows = [_offer_row(o, team_by_id, round_number, number_by_id, debrief) for o in offers]
    by_number = {o.number: o for o in offer_rows}
    for row in offer_rows:
        if row.parent_number in by_number:
            row.diff = offer_diff.diff_offers(_diff_terms(by_number[row.parent_number]), _diff_terms(row))
    commitments = [c for o in offer_rows for c in o.commitments]

    placed = timeline_rounds(events)
    round_rows = _round_rows(rounds, injects, events, placed, offer_rows, commitments, round_number, team_by_id, names)
    before = [_timeline_item(e, names, team_by_id) for e in events if placed[e.pk] is None and e.kind in TIMELINE_KINDS]
    team_rows = [_team_analysis(t, offer_rows, commitments, scores, rounds, debrief, exercise) for t in teams]
    stand_ins = _stand_ins(events)
    for team, row in zip(teams, team_rows, strict=True):
        row.stand_ins = stand_ins.get(team.pk, [])
    started, ended = exercise.started_at, exercise.ended_at
    last_close = max((r.closed_at for r in rounds if r.closed_at), default=None)
    finish = ended or last_close
    return Report(
        exercise=exercise,
        debrief=debrief,
        generated_at=timezone.now(),
        facilitator=facilitator,
        scenario_title=exercise.scenario.get("title", exercise.scenario_key),
        scenario_summary=exercise.scenario.get("summary", ""),
        situation=exercise.scenario.get("situation", ""),
        objectives=[*EXERCISE_OBJECTIVES, *exercise.scenario.get("objectives", [])],
        started_at=started,
        ended_at=ended,
        duration_minutes=_minutes(finish - started) if started and finish else None,
        observers=[o.name for o in observers],
        rounds=round_rows,
        before_rounds=before,
        offers=offer_rows,
        commitments=commitments,
        teams=team_rows,
        standings=rules.standings([t for t in team_rows if t.final_score is not None], score=lambda t: t.final_score),
        participants=participant_rows(teams, offers),
        lesson=build_lesson(commitments),
        observations=[_observation_row(o, round_number, team_by_id) for o in observations],
        improvement_items=items,
        narrative_text=narrative.text if narrative else "",
        narrative_html=render_markdown(narrative.text) if narrative else "",
        values=[] if debrief else _value_tables(exercise, teams),
        events=events,
        team_names=names,
        round_numbers=round_number,
        team_keys={t.pk: t.key for t in teams},
        debrief_note_html="" if debrief else render_markdown(exercise.scenario.get("debrief_note", "")),
        sources=[] if debrief else list(exercise.scenario.get("sources", [])),
    )


def _minutes(delta: timedelta) -> float:
    return round(delta.total_seconds() / 60, 1)


# --- offers and commitments ---------------------------------------------------------------------


def _offer_row(offer: Offer, team_by_id, round_number, number_by_id, debrief: bool) -> OfferRow:
    from_team = team_by_id[offer.from_team_id]
    recipients = list(offer.recipients.all())
    rows = [_commitment_row(c, offer, round_number) for c in offer.commitments.all()]
    return OfferRow(
        number=offer.number,
        round_number=round_number[offer.round_id],
        from_key=from_team.key,
        from_name=from_team.name,
        to_keys=[t.key for t in recipients],
        to_names=[t.name for t in recipients],
        submitted_by=offer.submitted_by.display_name if offer.submitted_by else "",
        status=offer.status,
        status_label=offer.get_status_display(),
        outcome=_offer_outcome(offer.status, rows),
        specificity=offer.specificity,
        reciprocity=offer.reciprocity,
        main_reasons=main_reasons(offer.score_detail, [c.reasons for c in offer.commitments.all()], debrief=debrief),
        message=offer.message,
        parent_number=number_by_id.get(offer.parent_id),
        diff=None,
        responses=[
            ResponseRow(
                team_key=team_by_id[r.team_id].key,
                team_name=team_by_id[r.team_id].name,
                kind=r.kind,
                label=r.get_kind_display(),
                counter_number=number_by_id.get(r.counter_offer_id),
                at=r.created_at,
            )
            for r in offer.responses.all()
        ],
        commitments=rows,
        created_at=offer.created_at,
        decided_at=offer.decided_at,
    )


def _commitment_row(c: Commitment, offer: Offer, round_number) -> CommitmentRow:
    reasons = {r.get("code"): r for r in c.reasons or []}
    deadline = reasons.get("deadline")
    firm = bool(c.deadline.strip()) and (
        deadline is None or (deadline.get("points") or 0) >= 0.5 * (deadline.get("max_points") or 0)
    )
    verification = reasons.get("verification")
    verified = bool(c.verification.strip()) and (verification is None or (verification.get("points") or 0) > 0)
    return CommitmentRow(
        offer_number=offer.number,
        round_number=round_number[offer.round_id],
        position=c.position,
        summary=c.summary,
        by=c.by,
        to=list(c.to or []),
        kind=c.kind,
        fields={name: getattr(c, name) for name in COMMITMENT_FIELDS},
        specificity=c.specificity,
        reciprocity=offer.reciprocity,
        group=lesson.group(c.specificity, offer.reciprocity),
        outcome=c.outcome,
        outcome_label=c.get_outcome_display(),
        due_round=c.due_round,
        resolved_round=round_number.get(c.resolved_in_id),
        kept_probability=c.kept_probability,
        draw=c.draw,
        overridden=c.overridden,
        override_reason=c.override_reason,
        because=c.because,
        settled_at_end=c.settled_at_end,
        has_deadline=bool(c.deadline.strip()),
        firm_deadline=firm,
        verified=verified,
    )


def _offer_outcome(status: str, commitments: list[CommitmentRow]) -> str:
    if status != Offer.Status.ACCEPTED:
        return "not agreed"
    outcomes = {c.outcome for c in commitments}
    if Commitment.Outcome.BROKEN in outcomes:
        return "broken"
    if outcomes and outcomes <= {Commitment.Outcome.KEPT}:
        return "kept"
    return "agreed"


def main_reasons(detail: dict, commitment_reasons: list[list[dict]], *, debrief: bool = False) -> list[str]:
    """Why the scores are what they are: the gap that cost specificity the most across the
    offer's commitments ("No verification (2 of 2 commitments)"), then the reciprocity
    reason that cost the most points.

    In the debrief the reasons lose every value figure ("USA gives 6 and gets 8" reads
    "USA gets more than it gives"): those figures come from the teams' private value tables
    (rules.redact_values, the same rule a team's own pages follow).
    """
    texts = []
    shortfall: dict[str, float] = defaultdict(float)
    worst: dict[str, tuple[float, str]] = {}
    hits: dict[str, int] = defaultdict(int)
    for reasons in commitment_reasons:
        seen = set()
        for r in reasons or []:
            lost = (r.get("max_points") or 0) - (r.get("points") or 0)
            if lost <= 0:
                continue
            code = str(r.get("code", ""))
            shortfall[code] += lost
            if code not in seen:
                hits[code] += 1
                seen.add(code)
            if lost > worst.get(code, (-1, ""))[0]:
                worst[code] = (lost, "Vague wording" if code == "vague" else str(r.get("text", "")))
    if shortfall:
        code = max(shortfall, key=lambda c: (shortfall[c], c))
        n = len(commitment_reasons)
        texts.append(f"S: {worst[code][1]} ({hits[code]} of {n} commitment{'' if n == 1 else 's'})")
    rec = [r for r in (detail or {}).get("reasons", []) if str(r.get("code", "")).startswith("rec.")]
    rec = [r for r in rec if (r.get("max_points") or 0) - (r.get("points") or 0) > 0]
    if rec:
        r = max(rec, key=lambda r: (r.get("max_points") or 0) - (r.get("points") or 0))
        text = str(r.get("text", ""))
        texts.append("R: " + (rules.redact_values(text, None) if debrief else text))
    return texts


def _diff_terms(row: OfferRow) -> offer_diff.OfferTerms:
    return offer_diff.OfferTerms(
        number=row.number,
        sender=row.from_key,
        recipients=tuple(row.to_keys),
        commitments=tuple(
            offer_diff.commitment_terms(c.position, c.fields, c.summary, c.specificity) for c in row.commitments
        ),
        specificity=row.specificity,
        reciprocity=row.reciprocity,
    )


# --- rounds and the timeline --------------------------------------------------------------------


def timeline_rounds(events: list[Event]) -> dict[int, int | None]:
    """Event id -> the id of the round it is filed under in the timeline (None: before round 1).

    An event recorded without a round (the leaderboard shown, the exercise ended, in
    exercises played before they carried one) belongs to the round last opened before it.
    ``events`` in the order they happened.
    """
    placed, last_opened = {}, None
    for event in events:
        if event.kind == Event.Kind.ROUND_OPENED and event.round_id:
            last_opened = event.round_id
        placed[event.pk] = event.round_id or last_opened
    return placed


def _round_rows(
    rounds, injects, events, placed, offer_rows, commitments, round_number, team_by_id, names
) -> list[RoundRow]:
    rows = {
        r.pk: RoundRow(
            number=r.number,
            status=r.get_status_display(),
            opened_at=r.opened_at,
            closed_at=r.closed_at,
            minutes=_minutes(r.closed_at - r.opened_at) if r.closed_at else None,
            tension_before=r.tension_before,
            tension_after=r.tension_after,
        )
        for r in rounds
    }
    by_number = {row.number: row for row in rows.values()}
    for inject in injects:
        if inject.round_id in rows:
            rows[inject.round_id].injects.append(
                InjectRow(
                    title=inject.title,
                    text=inject.text,
                    tension_delta=inject.tension_delta,
                    audience=[t.key for t in inject.audience.all()],
                    pushed_at=inject.pushed_at,
                )
            )
    for event in events:
        if placed[event.pk] in rows and event.kind in TIMELINE_KINDS:
            rows[placed[event.pk]].timeline.append(_timeline_item(event, names, team_by_id))
    for offer in offer_rows:
        by_number[offer.round_number].offers.append(offer)
    for c in commitments:
        if c.resolved_round in by_number:
            by_number[c.resolved_round].resolved.append(c)
    return [rows[r.pk] for r in rounds]


def _timeline_item(event: Event, names, team_by_id) -> TimelineItem:
    return TimelineItem(
        at=event.created_at,
        kind=event.kind,
        label=event.get_kind_display(),
        actor=event.actor,
        text=describe_event(event.kind, event.details or {}, names),
    )


def describe_event(kind: str, d: dict, names: dict[str, str]) -> str:
    """One line for the timeline, from the event's details."""
    K = Event.Kind
    if kind in (K.BOT_ASSIGNED, K.BOT_RELEASED, K.BOT_REPLACED):
        persona = personas.PERSONAS.get(d.get("persona", ""))
        label = persona.label if persona else d.get("persona", "")
        team = names.get(d.get("party", ""), d.get("party", ""))
        if kind == K.BOT_ASSIGNED:
            return f"{team} handed to the {label} bot."
        return f"{team} taken back from the {label} bot" + (f" by {d['name']}." if d.get("name") else ".")
    if kind == K.REHEARSAL_STARTED:
        return "Every team played by a bot, " + f"{d.get('round_seconds', '')}-second rounds."
    if kind == K.ROUND_OPENED:
        return f"Round {d.get('number', '')} opened."
    if kind == K.ROUND_CLOSED:
        return f"Round {d.get('number', '')} closed: {_settled_words(d)}; tension {d.get('tension', '')}."
    if kind == K.FINAL_RECKONING:
        return (
            f"Final reckoning: every commitment still due was settled, {_settled_words(d)}; "
            f"tension {d.get('tension_before', '')} → {d.get('tension', '')}."
        )
    if kind == K.COMMITMENT_VOIDED:
        return (
            f"Offer #{d.get('offer', '')}, commitment {d.get('commitment', '')} ({d.get('by', '')}): "
            f"void, its condition no. {d.get('breach', '')} was broken."
        )
    if kind == K.COMMITMENT_WITHDRAWN:
        return (
            f"Offer #{d.get('offer', '')}, commitment {d.get('commitment', '')} ({d.get('by', '')}): "
            f"withdrawn (snap-back) when no. {d.get('breach', '')} was broken."
        )
    if kind == K.COMMITMENT_VALUED:
        values = ", ".join(f"{party} {value:g}" for party, value in (d.get("after") or {}).items())
        return f"Offer #{d.get('offer', '')}, commitment {d.get('commitment', '')}: " + (
            f"valued by the umpire ({values})." if values else "the umpire's value cleared."
        )
    if kind == K.ROUND_EXTENDED:
        return f"Extended by {d.get('minutes', '')} min."
    if kind == K.INJECT_PUSHED:
        audience = d.get("audience") or []
        return f"“{d.get('title', '')}”" + (f" to {', '.join(audience)}" if audience else " to every team")
    if kind == K.INJECT_TRIGGERED:
        how = "fired by hand" if d.get("by_hand") else "fired"
        return f"“{d.get('title', '')}” {how}; its condition: {d.get('condition', '')}."
    if kind == K.TRIGGER_DISARMED:
        return f"“{d.get('title', '')}” disarmed; it would have fired when {d.get('condition', '')}."
    if kind == K.AGREEMENT_REACHED:
        parties = ", ".join(d.get("parties") or [])
        return (
            f"Offer #{d.get('offer', '')} agreed by {parties} "
            f"(S {d.get('specificity', '—')}, R {d.get('reciprocity', '—')})."
        )
    if kind == K.TENSION_CHANGED:
        return f"Tension {d.get('before', '')} → {d.get('after', '')} ({d.get('cause', '')})."
    if kind == K.CONFLICT_FLAGGED:
        return str(d.get("text", "Conflicting commitments."))
    if kind == K.COMMITMENT_OVERRIDDEN:
        return (
            f"Offer #{d.get('offer', '')}, commitment {d.get('commitment', '')}: {d.get('before', '')} → "
            f"{d.get('after', '')} ({d.get('reason', '')})."
        )
    if kind == K.EXERCISE_ENDED:
        return f"Exercise ended; tension {d.get('tension', '')}."
    return ""


def _settled_words(d: dict) -> str:
    words = f"{d.get('kept', 0)} commitments kept, {d.get('broken', 0)} broken"
    if d.get("voided"):
        words += f", {d['voided']} void (condition broken)"
    if d.get("withdrawn"):
        words += f", {d['withdrawn']} withdrawn (snap-back)"
    return words


# --- teams ---------------------------------------------------------------------------------------


def _team_analysis(team, offer_rows, commitments, scores, rounds, debrief: bool, exercise) -> TeamAnalysis:
    sent = [o for o in offer_rows if o.from_key == team.key]
    made = [c for c in commitments if c.by == team.key and c.outcome != Commitment.Outcome.VOID]
    own_scores = {s.round_id: s for s in scores if s.team_id == team.pk}
    per_round = []
    for r in rounds:
        in_round = [o for o in sent if o.round_number == r.number]
        score = own_scores.get(r.pk)
        per_round.append(
            TeamRoundRow(
                number=r.number,
                offers_sent=len(in_round),
                mean_s=_mean([o.specificity for o in in_round]),
                mean_r=_mean([o.reciprocity for o in in_round]),
                total=score.total if score else None,
                delivered=score.delivered if score else None,
                stability=score.stability if score else None,
            )
        )
    involved = [o for o in offer_rows if o.is_agreement and (o.from_key == team.key or team.key in o.to_keys)]
    kept = sum(c.outcome == Commitment.Outcome.KEPT for c in made)
    broken = sum(c.outcome == Commitment.Outcome.BROKEN for c in made)
    strengths, improvements = assess_team(team.key, offer_rows, commitments)
    final = next((row.total for row in reversed(per_round) if row.total is not None), None)
    scenario_team = team.scenario_team if not debrief else {}
    return TeamAnalysis(
        key=team.key,
        name=team.name,
        participants=[p.display_name for p in team.participants.all() if not p.is_removed],
        brief=scenario_team.get("brief", ""),
        objectives=list(scenario_team.get("objectives", [])),
        rounds=per_round,
        final_score=final,
        offers_sent=len(sent),
        mean_s=_mean([o.specificity for o in sent]),
        mean_r=_mean([o.reciprocity for o in sent]),
        agreements=len(involved),
        commitments_made=len(made),
        kept=kept,
        broken=broken,
        strengths=strengths,
        improvements=improvements,
    )


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(mean(values), 1) if values else None


def _count(n: int, word: str) -> str:
    numbers = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}
    return f"{numbers.get(n, n)} {word}{'' if n == 1 else 's'}"


def assess_team(key: str, offer_rows: list[OfferRow], commitments: list[CommitmentRow]) -> tuple[list[str], list[str]]:
    """Strengths and areas for improvement, each a sentence with its numbers.

    Judged on what the team itself wrote (commitments it proposed that it would carry
    out) and what it agreed to; the thresholds are the lesson's (lesson.py).
    """
    strengths: list[str] = []
    improve: list[str] = []
    sent = [o for o in offer_rows if o.from_key == key]
    own = [c for o in sent for c in o.commitments if c.by == key]
    if own:
        vague = sum(not c.firm_deadline for c in own)
        none = sum(not c.has_deadline for c in own)
        if vague * 3 >= len(own):
            detail = f" ({none} none, {vague - none} vague)" if none and vague - none else ""
            word = "no deadline" if none == vague else "no firm deadline"
            improve.append(f"{vague} of {len(own)} {key} commitments had {word}{detail}.")
        elif vague == 0:
            strengths.append(f"All {len(own)} {key} commitments had a firm deadline.")
        unverified = sum(not c.verified for c in own)
        if unverified * 3 >= len(own):
            improve.append(f"{unverified} of {len(own)} {key} commitments named no verification.")
        elif unverified == 0:
            strengths.append(f"Every {key} commitment said who would verify it.")
    scored = [o for o in sent if o.specificity is not None]
    if scored:
        s = _mean([o.specificity for o in scored])
        r = _mean([o.reciprocity for o in scored])
        if s >= lesson.SPECIFIC_MIN:
            strengths.append(f"{key}'s offers averaged specificity {s:.0f} (threshold {lesson.SPECIFIC_MIN}).")
        elif s < lesson.SPECIFIC_MIN - 20:
            improve.append(f"{key}'s offers averaged specificity {s:.0f}, well below {lesson.SPECIFIC_MIN}.")
        if r >= lesson.RECIPROCAL_MIN:
            strengths.append(f"{key}'s offers averaged reciprocity {r:.0f} (threshold {lesson.RECIPROCAL_MIN}).")
        elif r < lesson.RECIPROCAL_MIN - 20:
            improve.append(f"{key}'s offers averaged reciprocity {r:.0f}, well below {lesson.RECIPROCAL_MIN}.")
    accepted = [
        o for o in offer_rows if o.is_agreement and any(x.team_key == key and x.kind == "accept" for x in o.responses)
    ]
    one_sided = [o for o in accepted if not lesson.is_reciprocal(o.reciprocity)]
    if one_sided:
        numbers = ", ".join(f"#{o.number}" for o in one_sided)
        improve.append(
            f"{key} accepted {_count(len(one_sided), 'one-sided agreement')} (R < {lesson.RECIPROCAL_MIN}: {numbers})."
        )
    made = [c for c in commitments if c.by == key and c.outcome in (Commitment.Outcome.KEPT, Commitment.Outcome.BROKEN)]
    if made:
        kept = sum(c.outcome == Commitment.Outcome.KEPT for c in made)
        if kept * 3 >= 2 * len(made):
            strengths.append(f"{key} kept {kept} of {len(made)} commitments that came due.")
        elif kept * 2 < len(made):
            improve.append(f"{key} broke {len(made) - kept} of {len(made)} commitments that came due.")
    expired = [o for o in sent if o.status == Offer.Status.EXPIRED]
    if expired:
        improve.append(f"{_count(len(expired), 'offer').capitalize()} from {key} expired unanswered.")
    agreements = [o for o in offer_rows if o.is_agreement and (o.from_key == key or key in o.to_keys)]
    if sent and not agreements:
        improve.append(f"{key} reached no agreement in {_count(len(sent), 'offer')} sent.")
    countered = [o for o in sent if o.diff is not None]
    raised = [o for o in countered if _raised(o, offer_rows)]
    if raised:
        strengths.append(
            f"{_count(len(raised), 'counter-offer').capitalize()} from {key} raised specificity "
            "over the offer it answered."
        )
    return strengths, improve


def _raised(counter: OfferRow, offer_rows: list[OfferRow]) -> bool:
    parent = next((o for o in offer_rows if o.number == counter.parent_number), None)
    return bool(parent and (counter.specificity or 0) > (parent.specificity or 0))


# --- the lesson -----------------------------------------------------------------------------------


def build_lesson(commitments: list[CommitmentRow]) -> Lesson:
    resolved = [c for c in commitments if c.outcome in (Commitment.Outcome.KEPT, Commitment.Outcome.BROKEN)]
    unresolved = sum(c.outcome == Commitment.Outcome.DUE for c in commitments)

    def make(name: str, rows: list[CommitmentRow]) -> LessonGroup:
        kept = sum(c.outcome == Commitment.Outcome.KEPT for c in rows)
        probabilities = [c.kept_probability for c in rows if c.kept_probability is not None]
        return LessonGroup(name, len(rows), kept, len(rows) - kept, _mean(probabilities) if probabilities else None)

    tested = make("Specific and reciprocal", [c for c in resolved if c.group == "specific+reciprocal"])
    others = make("Vague or one-sided", [c for c in resolved if c.group != "specific+reciprocal"])
    groups = [make(g, [c for c in resolved if c.group == g]) for g in lesson.GROUPS]
    return Lesson(
        specific_min=lesson.SPECIFIC_MIN,
        reciprocal_min=lesson.RECIPROCAL_MIN,
        tested=tested,
        others=others,
        groups=groups,
        unresolved=unresolved,
        verdict=_verdict(tested, others),
    )


def _verdict(tested: LessonGroup, others: LessonGroup) -> str:
    if not tested.resolved or not others.resolved:
        missing = "specific and reciprocal" if not tested.resolved else "vague or one-sided"
        return f"Not testable yet: no {missing} commitment has come due."
    a, b = tested.rate, others.rate
    small = (
        " The groups are small; read this as an illustration, not evidence."
        if min(tested.resolved, others.resolved) < 5
        else ""
    )
    if a > b:
        return (
            f"Consistent with the brief: specific and reciprocal commitments were kept {a:.0%} of the time "
            f"({tested.kept} of {tested.resolved}), vague or one-sided ones {b:.0%} "
            f"({others.kept} of {others.resolved}).{small}"
        )
    if a < b:
        return (
            f"Not borne out here: specific and reciprocal commitments were kept {a:.0%} of the time "
            f"({tested.kept} of {tested.resolved}), vague or one-sided ones {b:.0%} "
            f"({others.kept} of {others.resolved}).{small}"
        )
    return f"No difference: both groups were kept {a:.0%} of the time.{small}"


# --- the rest ----------------------------------------------------------------------------------------


def _observation_row(o: Observation, round_number, team_by_id) -> ObservationRow:
    team = team_by_id.get(o.team_id)
    return ObservationRow(
        round_number=round_number.get(o.round_id),
        team_name=team.name if team else "All teams",
        author=o.author,
        text=o.text,
        at=o.created_at,
    )


def _value_tables(exercise: Exercise, teams) -> list[dict]:
    keys = [t.key for t in teams]
    return [
        {
            "key": item.get("key", ""),
            "title": item.get("title", item.get("key", "")),
            "values": [item.get("values", {}).get(k, item.get("default_value", 0)) for k in keys],
        }
        for item in exercise.scenario.get("catalogue", [])
    ]


def observations_by_round(report: Report) -> list[tuple[str, list[ObservationRow]]]:
    grouped = defaultdict(list)
    for o in report.observations:
        grouped[o.round_number].append(o)
    ordered = sorted(grouped, key=lambda n: (n is None, n or 0))
    return [(f"Round {n}" if n else "Whole exercise", grouped[n]) for n in ordered]
