"""The report's rounds and timeline: which round each event is filed under, and one line per event."""

from __future__ import annotations

from datetime import timedelta

from exercises import personas
from exercises.models import Event
from exercises.reports.rows import InjectRow, RoundRow, TimelineItem

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


def minutes(delta: timedelta) -> float:
    return round(delta.total_seconds() / 60, 1)


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


def rows_for_rounds(
    rounds, injects, events, placed, offer_rows, commitments, round_number, team_by_id, names
) -> list[RoundRow]:
    rows = {
        r.pk: RoundRow(
            number=r.number,
            status=r.get_status_display(),
            opened_at=r.opened_at,
            closed_at=r.closed_at,
            minutes=minutes(r.closed_at - r.opened_at) if r.closed_at else None,
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
            rows[placed[event.pk]].timeline.append(timeline_item(event, names, team_by_id))
    for offer in offer_rows:
        by_number[offer.round_number].offers.append(offer)
    for c in commitments:
        if c.resolved_round in by_number:
            by_number[c.resolved_round].resolved.append(c)
    return [rows[r.pk] for r in rounds]


def timeline_item(event: Event, names, team_by_id) -> TimelineItem:
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
