"""Everything the after-action report shows, assembled once with a fixed number of queries.

``build_report(exercise)`` reads the exercise's rows in about fifteen queries
(whatever the number of offers: everything is prefetched and joined in Python)
and returns a plain ``Report`` of dataclasses. The HTML page, the PDF, the CSV and
XLSX files all render this one object, so they always agree. ``debrief=True``
leaves out what is private to a team or to the evaluators (see rows.PRIVATE and
docs/report.md).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch
from django.utils import timezone

from exercises import offer_diff, personas, rules
from exercises.models import (
    Commitment,
    Event,
    Exercise,
    ImprovementItem,
    Observation,
    ReportNarrative,
    Response,
    TeamScore,
)
from exercises.reports.assessment import build_lesson, team_analysis
from exercises.reports.offer_rows import diff_terms, offer_row
from exercises.reports.participants import participant_rows
from exercises.reports.rows import EXERCISE_OBJECTIVES, ObservationRow, Report
from exercises.reports.timeline import TIMELINE_KINDS, minutes, rows_for_rounds, timeline_item, timeline_rounds
from exercises.text import render_markdown


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
    offer_rows = [offer_row(o, team_by_id, round_number, number_by_id, debrief) for o in offers]
    by_number = {o.number: o for o in offer_rows}
    for row in offer_rows:
        if row.parent_number in by_number:
            row.diff = offer_diff.diff_offers(diff_terms(by_number[row.parent_number]), diff_terms(row))
    commitments = [c for o in offer_rows for c in o.commitments]

    placed = timeline_rounds(events)
    round_rows = rows_for_rounds(
        rounds, injects, events, placed, offer_rows, commitments, round_number, team_by_id, names
    )
    before = [timeline_item(e, names, team_by_id) for e in events if placed[e.pk] is None and e.kind in TIMELINE_KINDS]
    team_rows = [team_analysis(t, offer_rows, commitments, scores, rounds, debrief, exercise) for t in teams]
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
        duration_minutes=minutes(finish - started) if started and finish else None,
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
