"""The umpire: overriding a drawn outcome and valuing a step, each re-scoring the rounds it counted in."""

from django.db import transaction

from exercises import rules
from exercises.models import Commitment, Event, Exercise
from exercises.services import settlement
from exercises.services.base import GameError, check_length, locked_exercise, record


def override_resolution(*, commitment: Commitment, kept: bool, reason: str, actor: str) -> None:
    """The umpire's word beats the dice; recorded with its reason."""
    reason = reason.strip()
    if not reason:
        raise GameError("Give a reason for the override.")
    check_length(reason, "The reason")
    with transaction.atomic():
        exercise = locked_exercise(commitment.offer.exercise_id)
        locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
        # Checked under the lock: the instance passed in may predate a round close.
        if locked.outcome not in (Commitment.Outcome.KEPT, Commitment.Outcome.BROKEN):
            raise GameError("Only a resolved commitment can be overridden.")
        before = locked.outcome
        offer = locked.offer
        # The agreement as it stood before the ruling: the ledger reads it, _follow_ruling updates it.
        agreement = {c.position: c for c in offer.commitments.select_related("resolved_in")}
        steps = [settlement.ledger_step(exercise, offer, c) for c in agreement.values()]
        locked.outcome = Commitment.Outcome.KEPT if kept else Commitment.Outcome.BROKEN
        locked.overridden = True
        locked.override_reason = reason
        locked.save(update_fields=["outcome", "overridden", "override_reason"])
        record(
            exercise,
            Event.Kind.COMMITMENT_OVERRIDDEN,
            actor,
            round=locked.resolved_in,
            offer=offer.number,
            commitment=locked.position,
            before=before,
            after=locked.outcome,
            reason=locked.override_reason,
        )
        if locked.outcome != before:
            consequences = rules.ledger.overrule(steps, locked.position, kept)
            _follow_ruling(exercise, locked, agreement, consequences, actor)
        settlement.rescore_from(exercise, locked.resolved_in.number if locked.resolved_in else 0)
    exercise.bump()


def _follow_ruling(exercise: Exercise, ruled: Commitment, steps: dict, consequences, actor: str) -> None:
    """The links answer the umpire's ruling as they would have answered the dice
    (rules.ledger.overrule): steps paid on a condition ruled broken are void, snap-backs
    withdrawn; a breach ruled away frees what it voided (drawn at the next close, or now
    if the exercise has ended) and what it withdrew. Each change is recorded as part of
    the ruling; tension keeps its history. ``steps`` are the agreement's commitments by position."""
    for settled in consequences:
        c = steps[settled.position]
        before = c.outcome
        if settled.outcome == rules.ledger.VOIDED:
            c.outcome, c.breach_position = Commitment.Outcome.VOIDED, settled.breach
        elif settled.outcome == rules.ledger.WITHDRAWN:
            c.outcome, c.breach_position = Commitment.Outcome.WITHDRAWN, settled.breach
            c.withdrawn_in = max((ruled.resolved_in, c.resolved_in), key=lambda r: r.number if r else 0)
        elif settled.outcome == rules.ledger.KEPT:
            c.outcome, c.breach_position, c.withdrawn_in = Commitment.Outcome.KEPT, None, None
        else:
            c.outcome, c.breach_position, c.resolved_in = Commitment.Outcome.DUE, None, None
            c.settled_at_end = False
        c.save(update_fields=["outcome", "breach_position", "withdrawn_in", "resolved_in", "settled_at_end"])
        record(
            exercise,
            Event.Kind.COMMITMENT_OVERRIDDEN,
            actor,
            round=ruled.resolved_in,
            offer=ruled.offer.number,
            commitment=c.position,
            before=before,
            after=c.outcome,
            reason=f"follows the ruling on no. {ruled.position}",
        )
    if exercise.is_ended and any(s.outcome == rules.ledger.DUE for s in consequences):
        settlement.resolve_due_commitments(exercise, settlement.last_closed_round(exercise), final=True)


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
        exercise = locked_exercise(commitment.offer.exercise_id)
        # Only the step's own row: PostgreSQL cannot lock the nullable side of the join to resolved_in.
        locked = (
            Commitment.objects.select_for_update(of=("self",))
            .select_related("offer", "resolved_in")
            .get(pk=commitment.pk)
        )
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
            settlement.rescore_from(exercise, locked.resolved_in.number)
    exercise.bump()
