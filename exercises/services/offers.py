"""Offers: sending one (scored at submission), countering, accepting or rejecting, and what a close expires."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from exercises import rules, scoring
from exercises.models import Commitment, Event, Exercise, Offer, Participant, Response, Round, Team
from exercises.rules.model import COMMITMENT_TERMS, TEXT_FIELDS
from exercises.services.base import GameError, check_length, locked_exercise, record


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
            exercise = locked_exercise(team.exercise_id)
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
        exercise = locked_exercise(offer.exercise_id)
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


def expire_pending(exercise, closing: Round, actor: str) -> None:
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
