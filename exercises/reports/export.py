"""The complete JSON export of an exercise, and its import (docs/export-format.md).

Rows refer to each other by natural keys, never by database ids: teams by key,
rounds by number, offers by number, participants by [team key, display name],
observers by their 1-based position in the list. Each list is written in primary-key
order, and the import creates rows in that order, so ordering ties (two events in the
same microsecond) come back the same way. Secrets are not exported: join codes and
observer tokens are new on import. Events are imported exactly as they were, with
bulk_create (the Event model refuses updates; nothing here updates one).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from exercises.models import (
    Commitment,
    Event,
    Exercise,
    ImprovementItem,
    Inject,
    Observation,
    Observer,
    Offer,
    Participant,
    ReportNarrative,
    Response,
    Round,
    Team,
    TeamScore,
)
from exercises.rules.model import COMMITMENT_TERMS

FORMAT = "tabletop-exercise"
VERSION = 2  # 2: participants carry removed_at (docs/export-format.md); version 1 files still import

COMMITMENT_FIELDS = (
    "position", *COMMITMENT_TERMS, "specificity", "reasons", "outcome", "due_round",
    "kept_probability", "draw", "overridden", "override_reason",
)  # fmt: skip


class ExportFormatError(ValueError):
    """The file is not a Tabletop export this version can read; the message says why."""


def _dt(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def export_exercise(exercise: Exercise) -> dict:
    # Read afresh: a caller's instance may predate the last revision or tension change.
    exercise = Exercise.objects.select_related("facilitator").get(pk=exercise.pk)
    teams = list(exercise.teams.order_by("pk"))
    key = {t.pk: t.key for t in teams}
    rounds = list(exercise.rounds.order_by("pk"))
    number = {r.pk: r.number for r in rounds}
    participants = list(Participant.objects.filter(team__exercise=exercise).order_by("pk"))
    seat = {p.pk: [key[p.team_id], p.display_name] for p in participants}
    offers = list(exercise.offers.order_by("pk").prefetch_related("recipients"))
    offer_number = {o.pk: o.number for o in offers}
    observers = list(exercise.observers.order_by("pk").select_related("user"))
    observer_ref = {o.pk: i for i, o in enumerate(observers, start=1)}
    narrative = ReportNarrative.objects.filter(exercise=exercise).first()
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "exercise": {
            "title": exercise.title,
            "facilitator": exercise.facilitator.get_username(),
            "scenario_key": exercise.scenario_key,
            "status": exercise.status,
            "num_rounds": exercise.num_rounds,
            "round_minutes": exercise.round_minutes,
            "tension": exercise.tension,
            "revision": exercise.revision,
            "seed": exercise.seed,
            "leaderboard_revealed": exercise.leaderboard_revealed,
            "created_at": _dt(exercise.created_at),
            "started_at": _dt(exercise.started_at),
            "ended_at": _dt(exercise.ended_at),
        },
        "scenario": exercise.scenario,
        "teams": [{"key": t.key, "name": t.name, "order": t.order} for t in teams],
        "participants": [
            {
                "team": key[p.team_id],
                "display_name": p.display_name,
                "joined_at": _dt(p.joined_at),
                "last_seen_at": _dt(p.last_seen_at),
                "drafting_at": _dt(p.drafting_at),
                "removed_at": _dt(p.removed_at),
            }
            for p in participants
        ],
        "rounds": [
            {
                "number": r.number,
                "status": r.status,
                "opened_at": _dt(r.opened_at),
                "deadline": _dt(r.deadline),
                "paused_remaining_s": r.paused_remaining.total_seconds() if r.paused_remaining is not None else None,
                "closed_at": _dt(r.closed_at),
                "tension_before": r.tension_before,
                "tension_after": r.tension_after,
            }
            for r in rounds
        ],
        "injects": [
            {
                "round": number.get(i.round_id),
                "key": i.key,
                "title": i.title,
                "text": i.text,
                "tension_delta": i.tension_delta,
                "audience": [t.key for t in i.audience.order_by("pk")],
                "pushed_at": _dt(i.pushed_at),
            }
            for i in exercise.injects.order_by("pk").prefetch_related("audience")
        ],
        "offers": [
            {
                "number": o.number,
                "round": number[o.round_id],
                "from": key[o.from_team_id],
                "to": [t.key for t in sorted(o.recipients.all(), key=lambda t: t.pk)],
                "parent": offer_number.get(o.parent_id),
                "submitted_by": seat.get(o.submitted_by_id),
                "message": o.message,
                "status": o.status,
                "created_at": _dt(o.created_at),
                "decided_at": _dt(o.decided_at),
                "client_token": o.client_token,
                "specificity": o.specificity,
                "reciprocity": o.reciprocity,
                "score_detail": o.score_detail,
            }
            for o in offers
        ],
        "commitments": [
            {
                "offer": offer_number[c.offer_id],
                **{name: getattr(c, name) for name in COMMITMENT_FIELDS},
                "resolved_in": number.get(c.resolved_in_id),
            }
            for c in Commitment.objects.filter(offer__exercise=exercise).order_by("pk")
        ],
        "responses": [
            {
                "offer": offer_number[r.offer_id],
                "team": key[r.team_id],
                "participant": seat.get(r.participant_id),
                "kind": r.kind,
                "counter_offer": offer_number.get(r.counter_offer_id),
                "created_at": _dt(r.created_at),
            }
            for r in Response.objects.filter(offer__exercise=exercise).order_by("pk")
        ],
        "scores": [
            {
                "round": number[s.round_id],
                "team": key[s.team_id],
                "delivered": s.delivered,
                "stability": s.stability,
                "total": s.total,
                "detail": s.detail,
            }
            for s in TeamScore.objects.filter(round__exercise=exercise).order_by("pk")
        ],
        "events": [
            {
                "kind": e.kind,
                "actor": e.actor,
                "round": number.get(e.round_id),
                "team": key.get(e.team_id),
                "details": e.details,
                "created_at": _dt(e.created_at),
            }
            for e in exercise.events.order_by("pk")
        ],
        "observers": [
            {
                "ref": observer_ref[o.pk],
                "name": o.name,
                "user": o.user.get_username() if o.user else None,
                "created_at": _dt(o.created_at),
            }
            for o in observers
        ],
        "observations": [
            {
                "observer": observer_ref.get(o.observer_id),
                "author": o.author,
                "round": number.get(o.round_id),
                "team": key.get(o.team_id),
                "text": o.text,
                "created_at": _dt(o.created_at),
            }
            for o in exercise.observations.order_by("pk")
        ],
        "narrative": {"text": narrative.text, "updated_at": _dt(narrative.updated_at)} if narrative else None,
        "improvement_items": [
            {
                "issue": i.issue,
                "recommendation": i.recommendation,
                "owner": i.owner,
                "due_date": _date(i.due_date),
                "order": i.order,
            }
            for i in exercise.improvement_items.order_by("pk")
        ],
    }


# --- import ---------------------------------------------------------------------------------------


def _parse_dt(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise ExportFormatError(f"Not a date-time: {value!r}")
    return parsed


def import_exercise(data: dict, *, facilitator=None) -> Exercise:
    """Create a new exercise from an export; the whole import is one transaction.

    The whole document is checked before anything is stored (import_checks.py); a
    database error all the same becomes one line too, and the transaction leaves nothing.
    """
    from exercises.reports.import_checks import import_problems

    problems = import_problems(data)
    if problems:
        raise ExportFormatError("Not a valid Tabletop export: " + "; ".join(problems))
    if facilitator is None:
        username = data["exercise"]["facilitator"]
        facilitator = get_user_model().objects.filter(username=username).first()
        if facilitator is None:
            raise ExportFormatError(f"No user {username!r} here: pass --facilitator USERNAME.")
    try:
        with transaction.atomic():
            return _import(data, facilitator)
    except ExportFormatError:
        raise
    except (DatabaseError, OverflowError, ValueError) as exc:
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ExportFormatError(f"The file could not be stored, nothing was imported: {first_line}") from exc


def _import(data: dict, facilitator) -> Exercise:
    ex = data["exercise"]
    exercise = Exercise.objects.create(
        facilitator=facilitator,
        title=ex["title"],
        scenario_key=ex["scenario_key"],
        scenario=data["scenario"],
        status=ex["status"],
        num_rounds=ex["num_rounds"],
        round_minutes=ex["round_minutes"],
        tension=ex["tension"],
        revision=ex["revision"],
        seed=ex["seed"],
        leaderboard_revealed=ex["leaderboard_revealed"],
        started_at=_parse_dt(ex["started_at"]),
        ended_at=_parse_dt(ex["ended_at"]),
    )
    # created_at is auto_now_add: set it after the insert.
    Exercise.objects.filter(pk=exercise.pk).update(created_at=_parse_dt(ex["created_at"]))

    teams = {}
    for t in data["teams"]:
        teams[t["key"]] = Team.objects.create(exercise=exercise, key=t["key"], name=t["name"], order=t["order"])
    seats = {}
    for p in data["participants"]:
        participant = Participant.objects.create(
            team=_lookup(teams, p["team"], "team"),
            display_name=p["display_name"],
            last_seen_at=_parse_dt(p["last_seen_at"]),
            drafting_at=_parse_dt(p["drafting_at"]),
            removed_at=_parse_dt(p.get("removed_at")),
        )
        Participant.objects.filter(pk=participant.pk).update(joined_at=_parse_dt(p["joined_at"]))
        seats[(p["team"], p["display_name"])] = participant
    rounds = {}
    for r in data["rounds"]:
        remaining = r["paused_remaining_s"]
        rounds[r["number"]] = Round.objects.create(
            exercise=exercise,
            number=r["number"],
            status=r["status"],
            opened_at=_parse_dt(r["opened_at"]),
            deadline=_parse_dt(r["deadline"]),
            paused_remaining=timedelta(seconds=remaining) if remaining is not None else None,
            closed_at=_parse_dt(r["closed_at"]),
            tension_before=r["tension_before"],
            tension_after=r["tension_after"],
        )
    for i in data["injects"]:
        inject = Inject.objects.create(
            exercise=exercise,
            round=_optional(rounds, i["round"], "round"),
            key=i["key"],
            title=i["title"],
            text=i["text"],
            tension_delta=i["tension_delta"],
            pushed_at=_parse_dt(i["pushed_at"]),
        )
        if i["audience"]:
            inject.audience.set([_lookup(teams, k, "team") for k in i["audience"]])

    offers = _import_offers(data, exercise, teams, rounds, seats)
    Commitment.objects.bulk_create(
        Commitment(
            offer=_lookup(offers, c["offer"], "offer"),
            resolved_in=_optional(rounds, c["resolved_in"], "round"),
            **{name: c[name] for name in COMMITMENT_FIELDS},
        )
        for c in data["commitments"]
    )
    Response.objects.bulk_create(
        Response(
            offer=_lookup(offers, r["offer"], "offer"),
            team=_lookup(teams, r["team"], "team"),
            participant=_seat(seats, r["participant"]),
            kind=r["kind"],
            counter_offer=_optional(offers, r["counter_offer"], "offer"),
            created_at=_parse_dt(r["created_at"]),
        )
        for r in data["responses"]
    )
    TeamScore.objects.bulk_create(
        TeamScore(
            round=_lookup(rounds, s["round"], "round"),
            team=_lookup(teams, s["team"], "team"),
            delivered=s["delivered"],
            stability=s["stability"],
            total=s["total"],
            detail=s["detail"],
        )
        for s in data["scores"]
    )
    # As they were: same kinds, actors, details and times (details may hold ids of the
    # source database, e.g. an inject's; docs/export-format.md says so).
    Event.objects.bulk_create(
        Event(
            exercise=exercise,
            kind=e["kind"],
            actor=e["actor"],
            round=_optional(rounds, e["round"], "round"),
            team=_optional(teams, e["team"], "team"),
            details=e["details"],
            created_at=_parse_dt(e["created_at"]),
        )
        for e in data["events"]
    )
    _import_report_parts(data, exercise, teams, rounds)
    exercise.refresh_from_db()
    return exercise


def _import_offers(data, exercise, teams, rounds, seats) -> dict[int, Offer]:
    offers: dict[int, Offer] = {}
    for o in data["offers"]:
        offer = Offer.objects.create(
            exercise=exercise,
            number=o["number"],
            round=_lookup(rounds, o["round"], "round"),
            from_team=_lookup(teams, o["from"], "team"),
            submitted_by=_seat(seats, o["submitted_by"]),
            message=o["message"],
            status=o["status"],
            created_at=_parse_dt(o["created_at"]),
            decided_at=_parse_dt(o["decided_at"]),
            client_token=o["client_token"],
            specificity=o["specificity"],
            reciprocity=o["reciprocity"],
            score_detail=o["score_detail"],
        )
        offer.recipients.set([_lookup(teams, k, "team") for k in o["to"]])
        offers[o["number"]] = offer
    # Parents point at earlier offers; set them once every offer exists.
    for o in data["offers"]:
        if o["parent"] is not None:
            Offer.objects.filter(pk=offers[o["number"]].pk).update(parent=_lookup(offers, o["parent"], "offer"))
    return offers


def _import_report_parts(data, exercise, teams, rounds) -> None:
    observers = {}
    users = get_user_model().objects
    for o in data["observers"]:
        user = users.filter(username=o["user"]).first() if o["user"] else None
        observer = Observer.objects.create(exercise=exercise, name=o["name"], user=user)
        Observer.objects.filter(pk=observer.pk).update(created_at=_parse_dt(o["created_at"]))
        observers[o["ref"]] = observer
    Observation.objects.bulk_create(
        Observation(
            exercise=exercise,
            observer=_optional(observers, o["observer"], "observer"),
            author=o["author"],
            round=_optional(rounds, o["round"], "round"),
            team=_optional(teams, o["team"], "team"),
            text=o["text"],
            created_at=_parse_dt(o["created_at"]),
        )
        for o in data["observations"]
    )
    if data["narrative"] is not None:
        narrative = ReportNarrative.objects.create(exercise=exercise, text=data["narrative"]["text"])
        ReportNarrative.objects.filter(pk=narrative.pk).update(updated_at=_parse_dt(data["narrative"]["updated_at"]))
    ImprovementItem.objects.bulk_create(
        ImprovementItem(
            exercise=exercise,
            issue=i["issue"],
            recommendation=i["recommendation"],
            owner=i["owner"],
            due_date=parse_date(i["due_date"]) if i["due_date"] else None,
            order=i["order"],
        )
        for i in data["improvement_items"]
    )


def _lookup(table: dict, ref, what: str):
    try:
        return table[ref]
    except KeyError:
        raise ExportFormatError(f"Unknown {what} {ref!r}") from None


def _optional(table: dict, ref, what: str):
    return None if ref is None else _lookup(table, ref, what)


def _seat(seats: dict, ref):
    return None if ref is None else _lookup(seats, tuple(ref), "participant")
