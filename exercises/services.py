"""Steps of the game that span several models, each in one transaction.

Lock order, everywhere: the exercise row, then the round row, then offers. Each
step checks its preconditions under the lock, so two facilitators closing the same
round, or a submission racing the deadline, end with exactly one outcome.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from exercises import rules, scoring, triggered_news
from exercises.models import (
    Commitment,
    Event,
    Exercise,
    Inject,
    Observation,
    Observer,
    Offer,
    Participant,
    Response,
    Round,
    Team,
    TeamScore,
)
from exercises.rules.model import COMMITMENT_TERMS, TEXT_FIELDS


class GameError(Exception):
    """A refusal the user should read: the round is closed, the offer was answered ..."""


SYSTEM = "system"


def check_length(text: str, what: str) -> None:
    """Free text is bounded everywhere (docs/security.md), in the services too: not only forms call them."""
    limit = settings.TABLETOP_LIMITS["text_length"]
    if len(text) > limit:
        raise GameError(f"{what} is {len(text):,} characters long; keep it within {limit:,}.")


def facilitator_label(user) -> str:
    return f"facilitator {user.get_username()}"


def record(exercise, kind, actor: str, *, round=None, team=None, **details) -> Event:
    return Event.objects.create(exercise=exercise, kind=kind, actor=actor, round=round, team=team, details=details)


def _locked_exercise(exercise_id: int) -> Exercise:
    return Exercise.objects.select_for_update().get(pk=exercise_id)


# --- setting up ---------------------------------------------------------------------------


def create_exercise(
    *,
    facilitator,
    scenario: dict,
    title: str,
    team_keys: list[str],
    num_rounds: int,
    round_minutes: int,
    copied_from: Exercise | None = None,
    scenario_version=None,
) -> Exercise:
    """A new exercise in setup; ``copied_from`` names the exercise it duplicates (lifecycle.duplicate),
    ``scenario_version`` the studio version ``scenario`` is a copy of (None for a built-in pack)."""
    origin = {"copied_from": copied_from.pk, "copied_title": copied_from.title} if copied_from else {}
    with transaction.atomic():
        exercise = Exercise.objects.create(
            facilitator=facilitator,
            title=title,
            scenario_key=scenario["key"],
            scenario=scenario,
            scenario_version=scenario_version,
            num_rounds=num_rounds,
            round_minutes=round_minutes,
            tension=float(scenario.get("defaults", {}).get("initial_tension", 60)),
        )
        chosen = [t for t in scenario["teams"] if t["key"] in set(team_keys)]
        Team.objects.bulk_create(
            Team(exercise=exercise, key=t["key"], name=t["name"], order=i) for i, t in enumerate(chosen)
        )
        record(
            exercise,
            Event.Kind.EXERCISE_CREATED,
            facilitator_label(facilitator),
            scenario=scenario["key"],
            teams=[t["key"] for t in chosen],
            rounds=num_rounds,
            round_minutes=round_minutes,
            **origin,
        )
    exercise.bump()
    return exercise


# --- the clock ----------------------------------------------------------------------------


def start_round(*, exercise: Exercise, actor: str) -> Round:
    with transaction.atomic():
        exercise = _locked_exercise(exercise.pk)
        if exercise.is_ended:
            raise GameError("The exercise has ended.")
        current = exercise.current_round()
        if current and not current.is_closed:
            raise GameError(f"Round {current.number} is still running; close it first.")
        number = (current.number if current else 0) + 1
        if number > exercise.num_rounds:
            raise GameError(f"All {exercise.num_rounds} rounds have been played; end the exercise.")
        now = timezone.now()
        new_round = Round.objects.create(
            exercise=exercise,
            number=number,
            opened_at=now,
            deadline=now + exercise.round_length,
            tension_before=exercise.tension,
        )
        if exercise.status == Exercise.Status.SETUP:
            exercise.status = Exercise.Status.RUNNING
            exercise.started_at = now
            exercise.save(update_fields=["status", "started_at"])
            record(exercise, Event.Kind.EXERCISE_STARTED, actor)
        record(
            exercise,
            Event.Kind.ROUND_OPENED,
            actor,
            round=new_round,
            number=number,
            deadline=new_round.deadline.isoformat(),
        )
        for inject in exercise.scenario.get("injects", []):
            if inject.get("round") == number:
                _push_inject(exercise, new_round, actor, inject_data=inject)
    exercise.bump()
    return new_round


def pause_round(*, round: Round, actor: str) -> None:
    with transaction.atomic():
        exercise = _locked_exercise(round.exercise_id)
        locked = Round.objects.select_for_update().get(pk=round.pk)
        if locked.status != Round.Status.OPEN or locked.is_expired():
            raise GameError("Only a running round can be paused.")
        locked.paused_remaining = locked.remaining()
        locked.status = Round.Status.PAUSED
        locked.deadline = None
        locked.save(update_fields=["paused_remaining", "status", "deadline"])
        record(exercise, Event.Kind.ROUND_PAUSED, actor, round=locked, remaining_s=_seconds(locked.paused_remaining))
    exercise.bump()


def resume_round(*, round: Round, actor: str) -> None:
    with transaction.atomic():
        exercise = _locked_exercise(round.exercise_id)
        locked = Round.objects.select_for_update().get(pk=round.pk)
        if locked.status != Round.Status.PAUSED:
            raise GameError("The round is not paused.")
        locked.deadline = timezone.now() + (locked.paused_remaining or timedelta(0))
        locked.status = Round.Status.OPEN
        locked.paused_remaining = None
        locked.save(update_fields=["paused_remaining", "status", "deadline"])
        record(exercise, Event.Kind.ROUND_RESUMED, actor, round=locked, deadline=locked.deadline.isoformat())
    exercise.bump()


MAX_EXTEND_MINUTES = 120


def extend_round(*, round: Round, actor: str, minutes: int) -> None:
    if not 1 <= minutes <= MAX_EXTEND_MINUTES:
        raise GameError(f"Extend by 1 to {MAX_EXTEND_MINUTES} minutes.")
    with transaction.atomic():
        exercise = _locked_exercise(round.exercise_id)
        locked = Round.objects.select_for_update().get(pk=round.pk)
        extra = timedelta(minutes=minutes)
        if locked.status == Round.Status.PAUSED:
            locked.paused_remaining = (locked.paused_remaining or timedelta(0)) + extra
        elif locked.status == Round.Status.OPEN and not locked.is_expired():
            locked.deadline = locked.deadline + extra
        else:
            raise GameError("The round has already closed.")
        locked.save(update_fields=["paused_remaining", "deadline"])
        record(exercise, Event.Kind.ROUND_EXTENDED, actor, round=locked, minutes=minutes)
    exercise.bump()


def _seconds(delta) -> int:
    return int(delta.total_seconds()) if delta else 0


def close_round(*, round: Round, actor: str) -> bool:
    """Close the round once: expire unanswered offers, resolve due commitments, score.

    Returns False when someone else closed it first (nothing is done twice), or when the
    exercise has ended (nothing is resolved or scored after the end).
    """
    with transaction.atomic():
        exercise = _locked_exercise(round.exercise_id)
        closed = _close_locked(exercise, round.pk, actor)
    if closed:
        exercise.bump()
    return closed


def _close_locked(exercise: Exercise, round_id: int, actor: str) -> bool:
    """close_round's work, for a caller that holds the exercise row's lock."""
    locked = Round.objects.select_for_update().get(pk=round_id)
    if locked.is_closed or exercise.is_ended:
        return False
    now = timezone.now()
    locked.status = Round.Status.CLOSED
    locked.closed_at = now
    locked.paused_remaining = None
    _expire_pending_offers(exercise, locked, actor)
    tally = _resolve_due_commitments(exercise, locked)
    _move_tension(exercise, locked, tally)
    triggered_news.fire_met_triggers(exercise, locked)
    locked.tension_after = exercise.tension
    locked.save(update_fields=["status", "closed_at", "paused_remaining", "tension_after"])
    _score_teams(exercise, locked)
    record(
        exercise,
        Event.Kind.ROUND_CLOSED,
        actor,
        round=locked,
        number=locked.number,
        kept=tally.kept,
        broken=tally.broken,
        voided=tally.voided,
        withdrawn=tally.withdrawn,
        tension=round_to(exercise.tension),
    )
    return True


def close_if_expired(exercise: Exercise) -> bool:
    """Close the current round when its deadline has passed: any request touching it does."""
    if exercise.is_ended:
        return False
    current = exercise.rounds.filter(status=Round.Status.OPEN, deadline__lte=timezone.now()).first()
    if current is None:
        return False
    return close_round(round=current, actor=f"{SYSTEM} (deadline)")


def close_expired_rounds() -> int:
    closed = 0
    expired = Round.objects.filter(status=Round.Status.OPEN, deadline__lte=timezone.now())
    for open_round in expired.exclude(exercise__status=Exercise.Status.ENDED):
        closed += close_round(round=open_round, actor=f"{SYSTEM} (deadline)")
    return closed


def end_exercise(*, exercise: Exercise, actor: str) -> None:
    """Close the open round, if any, and end. All under one lock: a round started at the
    same moment is either closed here or refused because the exercise has ended."""
    with transaction.atomic():
        locked = _locked_exercise(exercise.pk)
        if locked.is_ended:
            return
        current = locked.current_round()
        if current and not current.is_closed:
            _close_locked(locked, current.pk, actor)
        _final_reckoning(locked, actor)
        locked.status = Exercise.Status.ENDED
        locked.ended_at = timezone.now()
        locked.save(update_fields=["status", "ended_at"])
        record(locked, Event.Kind.EXERCISE_ENDED, actor, round=locked.current_round(), tension=round_to(locked.tension))
    exercise.bump()


def _final_reckoning(exercise: Exercise, actor: str) -> None:
    """Every agreed step still due is settled now, in the last round, like a round close:
    the ledger, tension, then that round's scores again. ``reckoning_from`` keeps the
    tension the round itself closed with, so pages can show the two apart."""
    last = exercise.rounds.filter(status=Round.Status.CLOSED).order_by("-number").first()
    if last is None or not Commitment.objects.filter(offer__exercise=exercise, outcome=Commitment.Outcome.DUE).exists():
        return
    last.reckoning_from = exercise.tension
    tally = _resolve_due_commitments(exercise, last, final=True)
    _move_tension(exercise, last, tally, cause="final reckoning: ")
    last.tension_after = exercise.tension
    last.save(update_fields=["reckoning_from", "tension_after"])
    TeamScore.objects.filter(round=last).delete()
    _score_teams(exercise, last)
    record(
        exercise,
        Event.Kind.FINAL_RECKONING,
        actor,
        round=last,
        kept=tally.kept,
        broken=tally.broken,
        voided=tally.voided,
        withdrawn=tally.withdrawn,
        tension_before=round_to(last.reckoning_from),
        tension=round_to(exercise.tension),
    )


def round_to(value: float, digits: int = 1) -> float:
    return round(float(value), digits)


# --- injects --------------------------------------------------------------------------------


def push_inject(*, exercise: Exercise, actor: str, inject_data: dict, audience: list[Team] | None = None) -> Inject:
    with transaction.atomic():
        locked = _locked_exercise(exercise.pk)
        if locked.is_ended:
            raise GameError("The exercise has ended; no more news can be pushed.")
        inject = _push_inject(locked, locked.current_round(), actor, inject_data=inject_data, audience=audience)
    exercise.bump()
    return inject


def _push_inject(exercise, round, actor, *, inject_data: dict, audience=None) -> Inject:
    inject = Inject.objects.create(
        exercise=exercise,
        round=round,
        key=inject_data.get("key", ""),
        title=inject_data["title"],
        text=inject_data["text"],
        tension_delta=float(inject_data.get("tension") or 0),
    )
    if audience:
        inject.audience.set(audience)
    record(
        exercise,
        Event.Kind.INJECT_PUSHED,
        actor,
        round=round,
        inject=inject.pk,
        key=inject.key,
        title=inject.title,
        tension=inject.tension_delta,
        audience=[t.key for t in audience or []],
    )
    if inject.tension_delta:
        before = exercise.tension
        exercise.tension = rules.tension_after(
            before, inject_deltas=(inject.tension_delta,), config=scoring.catalogue_for(exercise).config
        )
        exercise.save(update_fields=["tension"])
        record(
            exercise,
            Event.Kind.TENSION_CHANGED,
            actor,
            round=round,
            before=round_to(before),
            after=round_to(exercise.tension),
            cause=f"inject: {inject.title}",
        )
    return inject


# --- offers ----------------------------------------------------------------------------------


@dataclass
class SubmitResult:
    offer: Offer
    duplicate: bool


def submit_offer(
    *,
    participant: Participant,
    recipients: list[Team],
    commitments: list[dict],
    client_token: str,
    message: str = "",
    parent: Offer | None = None,
) -> SubmitResult:
    """Store an offer with its scores, or refuse it with a reason the team can read."""
    team = participant.team
    existing = Offer.objects.filter(from_team=team, client_token=client_token).first()
    if existing:
        return SubmitResult(existing, True)
    try:
        with transaction.atomic():
            exercise = _locked_exercise(team.exercise_id)
            _check_seated(participant)
            current = _open_round_for_submission(exercise)
            if parent is not None:
                _check_counterable(parent, team, current)
            offer = _store_offer(exercise, current, participant, recipients, commitments, client_token, message, parent)
            if parent is not None:
                _record_counter(exercise, parent, offer, participant)
            _flag_conflicts(exercise, current, team, participant)
    except IntegrityError:
        # The same form posted twice at the same instant: the first one won.
        existing = Offer.objects.filter(from_team=team, client_token=client_token).first()
        if existing is None:
            raise
        return SubmitResult(existing, True)
    exercise.bump()
    return SubmitResult(offer, False)


def _check_seated(participant: Participant) -> None:
    """Under the exercise lock, which removing or moving a player also takes: the page that
    sent this was opened before the facilitator removed or moved the player."""
    if not Participant.objects.seated().filter(pk=participant.pk, team_id=participant.team_id).exists():
        raise GameError(
            f"You are no longer a player of {participant.team.name} (the facilitator removed or moved you), "
            "so this was not recorded."
        )


def _open_round_for_submission(exercise: Exercise) -> Round:
    if exercise.is_ended:
        raise GameError("The exercise has ended; no more offers can be sent.")
    current = exercise.current_round()
    if current is None:
        raise GameError("No round is open yet. Wait for the facilitator to start round 1.")
    current = Round.objects.select_for_update().get(pk=current.pk)
    if current.status == Round.Status.PAUSED:
        raise GameError("The facilitator has paused the round. Your draft is kept; send it when the round resumes.")
    if not current.accepts_submissions():
        raise GameError(f"Round {current.number} has closed; your offer was not sent. Your draft is kept below.")
    return current


def _check_counterable(parent: Offer, team: Team, current: Round) -> None:
    if parent.round_id != current.pk:
        raise GameError("That offer belongs to an earlier round and can no longer be countered.")
    if not parent.recipients.filter(pk=team.pk).exists():
        raise GameError("Only a recipient can counter an offer.")
    if parent.status != Offer.Status.PENDING or parent.responses.filter(team=team).exists():
        raise GameError("That offer has already been answered.")


def _store_offer(exercise, current, participant, recipients, commitments, client_token, message, parent) -> Offer:
    team = participant.team
    number = (exercise.offers.aggregate(n=Max("number"))["n"] or 0) + 1
    offer = Offer.objects.create(
        exercise=exercise,
        number=number,
        round=current,
        from_team=team,
        submitted_by=participant,
        parent=parent,
        message=message,
        client_token=client_token,
    )
    offer.recipients.set(recipients)
    parties = [team.key, *(r.key for r in recipients)]
    rows = [dict(row, position=i) for i, row in enumerate(commitments, start=1)]
    result = scoring.score(exercise, str(number), rows, parties, round_number=current.number, proposer=team.key)
    by_id = {c.id: c for c in result.commitments}
    Commitment.objects.bulk_create(
        Commitment(
            offer=offer,
            specificity=by_id[str(row["position"])].specificity,
            reasons=[r.to_dict() for r in by_id[str(row["position"])].reasons],
            **_commitment_fields(row),
        )
        for row in rows
    )
    offer.specificity = result.specificity
    offer.reciprocity = result.reciprocity
    offer.score_detail = result.to_dict()
    offer.save(update_fields=["specificity", "reciprocity", "score_detail"])
    record(
        exercise,
        Event.Kind.OFFER_SUBMITTED,
        participant.label,
        round=current,
        team=team,
        offer=offer.number,
        to=[r.key for r in recipients],
        commitments=len(rows),
        specificity=offer.specificity,
        reciprocity=offer.reciprocity,
        parent=parent.number if parent else None,
    )
    return offer


_FIELD_NAMES = ("position", *COMMITMENT_TERMS)


def _commitment_fields(row: dict) -> dict:
    fields = {name: row.get(name) for name in _FIELD_NAMES}
    for name in ("kind", *TEXT_FIELDS):  # stored as "" when empty
        fields[name] = fields[name] or ""
    fields["to"] = list(fields["to"] or [])
    fields["conditional_on"] = [int(p) for p in fields["conditional_on"] or []]
    return fields


def _record_counter(exercise, parent: Offer, counter: Offer, participant: Participant) -> None:
    Response.objects.create(
        offer=parent, team=participant.team, participant=participant, kind=Response.Kind.COUNTER, counter_offer=counter
    )
    Offer.objects.filter(pk=parent.pk).update(status=Offer.Status.COUNTERED, decided_at=timezone.now())
    record(
        exercise,
        Event.Kind.OFFER_COUNTERED,
        participant.label,
        round=counter.round,
        team=participant.team,
        offer=parent.number,
        counter=counter.number,
    )


def _flag_conflicts(exercise, current: Round, team: Team, participant: Participant) -> None:
    """Record when a team has promised contradictory catalogue items to different teams this round."""
    offers = list(
        Offer.objects.filter(round=current, from_team=team)
        .exclude(status__in=[Offer.Status.REJECTED, Offer.Status.EXPIRED])
        .prefetch_related("commitments")
    )
    by_offer = {str(o.number): [scoring.engine_commitment(c) for c in o.commitments.all()] for o in offers}
    already = {
        (tuple(e.details.get("offers", [])), tuple(e.details.get("kinds", [])))
        for e in Event.objects.filter(exercise=exercise, round=current, team=team, kind=Event.Kind.CONFLICT_FLAGGED)
    }
    for conflict in rules.find_conflicts(by_offer, scoring.catalogue_for(exercise)):
        # Flag each contradiction once, not again with every later offer.
        if conflict.party != team.key or (tuple(conflict.offer_ids), tuple(conflict.kinds)) in already:
            continue
        record(
            exercise,
            Event.Kind.CONFLICT_FLAGGED,
            participant.label,
            round=current,
            team=team,
            offers=list(conflict.offer_ids),
            kinds=list(conflict.kinds),
            text=conflict.text,
        )


def respond(*, offer: Offer, participant: Participant, accept: bool, note: str = "") -> Offer:
    """Accept or reject an offer addressed to the participant's team; ``note`` says why (bots do)."""
    team = participant.team
    note = note.strip()
    check_length(note, "The note")
    with transaction.atomic():
        exercise = _locked_exercise(offer.exercise_id)
        _check_seated(participant)
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        current = _open_round_for_submission(exercise)
        if offer.round_id != current.pk:
            raise GameError("That offer belongs to an earlier round and has expired.")
        if not offer.recipients.filter(pk=team.pk).exists():
            raise GameError("Only a recipient can answer an offer.")
        if offer.status != Offer.Status.PENDING or offer.responses.filter(team=team).exists():
            raise GameError("That offer has already been answered.")
        kind = Response.Kind.ACCEPT if accept else Response.Kind.REJECT
        Response.objects.create(offer=offer, team=team, participant=participant, kind=kind, note=note)
        event = Event.Kind.OFFER_ACCEPTED if accept else Event.Kind.OFFER_REJECTED
        extra = {"note": note} if note else {}
        record(exercise, event, participant.label, round=current, team=team, offer=offer.number, **extra)
        if not accept:
            offer.status = Offer.Status.REJECTED
            offer.decided_at = timezone.now()
            offer.save(update_fields=["status", "decided_at"])
        elif offer.responses.filter(kind=Response.Kind.ACCEPT).count() == offer.recipients.count():
            _make_agreement(exercise, offer, current, participant.label)
    exercise.bump()
    return offer


def _make_agreement(exercise, offer: Offer, current: Round, actor: str) -> None:
    """Every recipient said yes: the commitments go on the ledger, due by phase."""
    offer.status = Offer.Status.ACCEPTED
    offer.decided_at = timezone.now()
    offer.save(update_fields=["status", "decided_at"])
    for commitment in offer.commitments.all():
        commitment.outcome = Commitment.Outcome.DUE
        commitment.due_round = current.number + (commitment.phase or 1)
        commitment.save(update_fields=["outcome", "due_round"])
    record(
        exercise,
        Event.Kind.AGREEMENT_REACHED,
        actor,
        round=current,
        offer=offer.number,
        parties=[offer.from_team.key, *offer.recipients.values_list("key", flat=True)],
        specificity=offer.specificity,
        reciprocity=offer.reciprocity,
    )


def _expire_pending_offers(exercise, closing: Round, actor: str) -> None:
    pending = list(closing.offers.filter(status=Offer.Status.PENDING).select_related("from_team"))
    if not pending:
        return
    Offer.objects.filter(pk__in=[o.pk for o in pending]).update(status=Offer.Status.EXPIRED, decided_at=timezone.now())
    Commitment.objects.filter(offer__in=pending).update(outcome=Commitment.Outcome.VOID)
    for offer in pending:
        record(exercise, Event.Kind.OFFER_EXPIRED, actor, round=closing, team=offer.from_team, offer=offer.number)
    # Commitments of offers that never became agreements are void too.
    Commitment.objects.filter(
        offer__round=closing, offer__status__in=[Offer.Status.REJECTED, Offer.Status.COUNTERED]
    ).update(outcome=Commitment.Outcome.VOID)


# --- outcomes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """What one settlement did to the ledger: the counts that move tension."""

    kept: int = 0
    broken: int = 0
    voided: int = 0
    withdrawn: int = 0

    def __bool__(self) -> bool:
        return bool(self.kept or self.broken or self.voided or self.withdrawn)

    def words(self) -> str:
        parts = [f"{self.kept} kept", f"{self.broken} broken"]
        if self.voided:
            parts.append(f"{self.voided} void")
        if self.withdrawn:
            parts.append(f"{self.withdrawn} withdrawn")
        return ", ".join(parts)


def _resolve_due_commitments(exercise: Exercise, closing: Round, *, final: bool = False) -> Tally:
    """Settle the agreements with steps due by this round (all of them in the final
    reckoning), each in the order its links imply (rules.ledger): a step whose condition
    broke is void, a snap-back step is withdrawn when the other side breaks; the dice
    decide the rest, reproducibly."""
    due = Commitment.objects.filter(offer__exercise=exercise, outcome=Commitment.Outcome.DUE)
    if not final:
        due = due.filter(due_round__lte=closing.number)
    offers = (
        Offer.objects.filter(pk__in=due.values("offer_id"))
        .select_related("from_team")
        .prefetch_related("commitments")
        .order_by("number")
    )
    counts = {outcome: 0 for outcome in rules.ledger.OUTCOMES}
    for offer in offers:
        steps = {c.position: c for c in offer.commitments.all()}
        ledger_steps = {p: _ledger_step(exercise, offer, c) for p, c in steps.items()}
        for settled in rules.ledger.settle(ledger_steps.values(), None if final else closing.number):
            step = ledger_steps[settled.position]
            _apply_settlement(exercise, closing, offer, steps[settled.position], step, settled, final=final)
            counts[settled.outcome] += 1
    return Tally(
        kept=counts[rules.ledger.KEPT],
        broken=counts[rules.ledger.BROKEN],
        voided=counts[rules.ledger.VOIDED],
        withdrawn=counts[rules.ledger.WITHDRAWN],
    )


def _ledger_step(exercise: Exercise, offer: Offer, c: Commitment) -> rules.ledger.Step:
    """A stored step as the ledger reads it; a due step carries its odds and its draw."""
    catalogue = scoring.catalogue_for(exercise)
    probability = draw = 0.0
    if c.outcome == Commitment.Outcome.DUE:
        probability = rules.kept_probability(c.specificity or 0, offer.reciprocity or 0, exercise.tension, catalogue)
        _, draw = rules.resolve_commitment(exercise.seed, outcome_key(c, offer), probability)
    return rules.ledger.Step(
        position=c.position,
        by=c.by,
        due_round=c.due_round or 0,
        outcome=c.outcome,
        conditional_on=tuple(int(p) for p in c.conditional_on or ()),
        snap_back=c.outcome in (Commitment.Outcome.DUE, Commitment.Outcome.KEPT)
        and rules.has_snap_back(scoring.engine_commitment(c), catalogue),
        probability=probability,
        draw=draw,
    )


def _apply_settlement(exercise, closing: Round, offer: Offer, c: Commitment, step, settled, *, final: bool) -> None:
    """Store one ledger decision on its commitment and record it as an event."""
    common = {"round": closing, "offer": offer.number, "commitment": c.position, "by": c.by}
    if settled.outcome == rules.ledger.WITHDRAWN:
        c.outcome = Commitment.Outcome.WITHDRAWN
        c.breach_position = settled.breach
        c.withdrawn_in = closing
        c.save(update_fields=["outcome", "breach_position", "withdrawn_in"])
        record(exercise, Event.Kind.COMMITMENT_WITHDRAWN, SYSTEM, breach=settled.breach, **common)
        return
    c.resolved_in = closing
    c.settled_at_end = final
    if settled.outcome == rules.ledger.VOIDED:
        c.outcome = Commitment.Outcome.VOIDED
        c.breach_position = settled.breach
        c.save(update_fields=["outcome", "breach_position", "resolved_in", "settled_at_end"])
        record(exercise, Event.Kind.COMMITMENT_VOIDED, SYSTEM, breach=settled.breach, final=final, **common)
        return
    c.outcome = Commitment.Outcome.KEPT if settled.outcome == rules.ledger.KEPT else Commitment.Outcome.BROKEN
    c.kept_probability = step.probability
    c.draw = step.draw
    c.save(update_fields=["outcome", "kept_probability", "draw", "resolved_in", "settled_at_end"])
    record(
        exercise,
        Event.Kind.COMMITMENT_RESOLVED,
        SYSTEM,
        outcome=c.outcome,
        probability=round(step.probability, 3),
        draw=round(step.draw, 3),
        final=final,
        **common,
    )


def outcome_key(commitment: Commitment, offer: Offer | None = None) -> str:
    """Stable across replays and exports: the offer's number in the exercise and the position."""
    return f"offer-{(offer or commitment.offer).number}-c{commitment.position}"


def _move_tension(exercise: Exercise, closing: Round, tally: Tally, *, cause: str = "") -> None:
    if not tally:
        return
    before = exercise.tension
    exercise.tension = rules.tension_after(
        before,
        kept=tally.kept,
        broken=tally.broken,
        voided=tally.voided,
        withdrawn=tally.withdrawn,
        config=scoring.catalogue_for(exercise).config,
    )
    exercise.save(update_fields=["tension"])
    record(
        exercise,
        Event.Kind.TENSION_CHANGED,
        SYSTEM,
        round=closing,
        before=round_to(before),
        after=round_to(exercise.tension),
        cause=f"{cause}{tally.words()}",
    )


def delivered_by(exercise: Exercise, number: int):
    """The steps that count as delivered after round ``number``: kept by then, and not
    withdrawn by then (a snap-back step counts until the round it was taken back in)."""
    return Commitment.objects.filter(offer__exercise=exercise, resolved_in__number__lte=number).filter(
        Q(outcome=Commitment.Outcome.KEPT) | Q(outcome=Commitment.Outcome.WITHDRAWN, withdrawn_in__number__gt=number)
    )


def _score_teams(exercise: Exercise, closing: Round) -> None:
    """Each team: the value, in its own table, of what was delivered so far, plus shared stability."""
    catalogue = scoring.catalogue_for(exercise)
    kept = list(delivered_by(exercise, closing.number).select_related("offer").order_by("offer__number", "position"))
    # The tension the round ended with: an umpire re-scoring round 2 during round 4 must not
    # apply round 4's tension to it.
    tension = exercise.tension if closing.tension_after is None else closing.tension_after
    stability = rules.stability_term(tension, catalogue.config)
    engine_kept = [scoring.delivered_commitment(c) for c in kept]
    rows = []
    for team in exercise.teams.all():
        tally = rules.team_score(team.key, engine_kept, tension, catalogue)
        detail = [
            {"offer": c.offer.number, "commitment": c.position, "value": value}
            for c, value in zip(kept, tally.values, strict=True)
            if value
        ]
        rows.append(
            TeamScore(
                round=closing,
                team=team,
                delivered=round_to(tally.delivered, 2),
                stability=round_to(tally.stability, 2),
                total=round_to(tally.total, 2),
                detail=detail,
            )
        )
    TeamScore.objects.bulk_create(rows)
    record(
        exercise,
        Event.Kind.SCORES_UPDATED,
        SYSTEM,
        round=closing,
        scores={row.team.key: row.total for row in rows},
        stability=round_to(stability, 2),
    )


def override_resolution(*, commitment: Commitment, kept: bool, reason: str, actor: str) -> None:
    """The umpire's word beats the dice; recorded with its reason."""
    reason = reason.strip()
    if not reason:
        raise GameError("Give a reason for the override.")
    check_length(reason, "The reason")
    with transaction.atomic():
        exercise = _locked_exercise(commitment.offer.exercise_id)
        locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
        # Checked under the lock: the instance passed in may predate a round close.
        if locked.outcome not in (Commitment.Outcome.KEPT, Commitment.Outcome.BROKEN):
            raise GameError("Only a resolved commitment can be overridden.")
        before = locked.outcome
        locked.outcome = Commitment.Outcome.KEPT if kept else Commitment.Outcome.BROKEN
        locked.overridden = True
        locked.override_reason = reason
        locked.save(update_fields=["outcome", "overridden", "override_reason"])
        record(
            exercise,
            Event.Kind.COMMITMENT_OVERRIDDEN,
            actor,
            round=locked.resolved_in,
            offer=commitment.offer.number,
            commitment=locked.position,
            before=before,
            after=locked.outcome,
            reason=locked.override_reason,
        )
        _rescore_from(exercise, locked.resolved_in.number if locked.resolved_in else 0)
    exercise.bump()


# The umpire's values stay on the scale of the catalogue's (docs/scoring.md "Value from substance").
UMPIRE_VALUE_LIMIT = 20


def value_step(*, commitment: Commitment, giver: float | None, receiver: float | None, actor: str) -> None:
    """The umpire's "value this step": what an agreed step is worth to its giver and to each
    receiver, beating the catalogue and the free-text default; both None clears it. Scores
    of every closed round it counted in are recomputed."""
    for value in (giver, receiver):
        if value is not None and not -UMPIRE_VALUE_LIMIT <= value <= UMPIRE_VALUE_LIMIT:
            raise GameError(f"Give values between -{UMPIRE_VALUE_LIMIT} and {UMPIRE_VALUE_LIMIT}.")
    with transaction.atomic():
        exercise = _locked_exercise(commitment.offer.exercise_id)
        locked = Commitment.objects.select_for_update().select_related("offer", "resolved_in").get(pk=commitment.pk)
        if locked.outcome in (Commitment.Outcome.PROPOSED, Commitment.Outcome.VOID):
            raise GameError("Only a step of an agreement can be valued.")
        values = {}
        if giver is not None:
            values[locked.by] = float(giver)
        if receiver is not None:
            values.update((party, float(receiver)) for party in locked.to if party != locked.by)
        before = locked.umpire_value
        locked.umpire_value = values
        locked.save(update_fields=["umpire_value"])
        record(
            exercise,
            Event.Kind.COMMITMENT_VALUED,
            actor,
            round=exercise.current_round(),
            offer=locked.offer.number,
            commitment=locked.position,
            before=before,
            after=values,
        )
        if locked.resolved_in is not None:
            _rescore_from(exercise, locked.resolved_in.number)
    exercise.bump()


def _rescore_from(exercise: Exercise, number: int) -> None:
    """Scores must reflect the umpire's ruling, not the dice it replaced: every closed round
    from the one the commitment was resolved in, each with its own tension (_score_teams)."""
    for closed in exercise.rounds.filter(status=Round.Status.CLOSED, number__gte=number).order_by("number"):
        TeamScore.objects.filter(round=closed).delete()
        _score_teams(exercise, closed)


# --- the console: roster, leaderboard, observers ---------------------------------------------


def reveal_leaderboard(*, exercise: Exercise, revealed: bool, actor: str) -> None:
    with transaction.atomic():
        locked = _locked_exercise(exercise.pk)
        if locked.leaderboard_revealed == revealed:
            return
        locked.leaderboard_revealed = revealed
        locked.save(update_fields=["leaderboard_revealed"])
        record(locked, Event.Kind.LEADERBOARD_REVEALED, actor, round=locked.current_round(), revealed=revealed)
    exercise.bump()


def invite_observer(*, exercise: Exercise, name: str, actor: str) -> Observer:
    name = " ".join(name.split())
    if not name:
        raise GameError("Give the observer a name.")
    with transaction.atomic():
        locked = _locked_exercise(exercise.pk)
        observer = Observer.objects.create(exercise=locked, name=name)
        record(locked, Event.Kind.OBSERVER_INVITED, actor, observer=observer.pk, name=name)
    exercise.bump()
    return observer


def record_observation(*, observer: Observer, text: str, round: Round | None = None, team: Team | None = None):
    """An observer's note, tagged to a round and a team, for the after-action report."""
    text = text.strip()
    if not text:
        raise GameError("Write the observation first.")
    check_length(text, "The observation")
    exercise_id = observer.exercise_id
    if (round and round.exercise_id != exercise_id) or (team and team.exercise_id != exercise_id):
        raise GameError("Choose a round and a team of this exercise.")
    with transaction.atomic():
        exercise = _locked_exercise(exercise_id)
        observation = Observation.objects.create(
            exercise=exercise, observer=observer, author=observer.name, round=round, team=team, text=text
        )
        record(
            exercise,
            Event.Kind.OBSERVATION_RECORDED,
            f"observer {observer.name}",
            round=round,
            team=team,
            observation=observation.pk,
            text=text,
        )
    exercise.bump()
    return observation
