"""Settling agreements when a round closes: the ledger's outcomes, the tension they move, the teams' scores.

Each agreement's due steps are settled through ``rules.ledger`` (link order, void,
snap-back), the dice drawn from the exercise's seed; scores are the rules' ``team_score``
of what was delivered so far, stored per round, and recomputed when the umpire rules.
"""

from dataclasses import dataclass

from django.db.models import Q

from exercises import rules, scoring
from exercises.models import Commitment, Event, Exercise, Offer, Round, TeamScore
from exercises.services.base import SYSTEM, record, round_to


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


def resolve_due_commitments(exercise: Exercise, closing: Round, *, final: bool = False) -> Tally:
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
        ledger_steps = {p: ledger_step(exercise, offer, c) for p, c in steps.items()}
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


def last_closed_round(exercise: Exercise) -> Round | None:
    """The round the final reckoning settles in (the last one closed)."""
    return exercise.rounds.filter(status=Round.Status.CLOSED).order_by("-number").first()


def ledger_step(exercise: Exercise, offer: Offer, c: Commitment) -> rules.ledger.Step:
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
        conditional_on=c.links,
        snap_back=c.outcome in (Commitment.Outcome.DUE, Commitment.Outcome.KEPT)
        and rules.has_snap_back(scoring.engine_commitment(c), catalogue),
        probability=probability,
        draw=draw,
        breach=c.breach_position,
        ruled=c.overridden,
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


def move_tension(exercise: Exercise, closing: Round, tally: Tally, *, cause: str = "") -> None:
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


def score_teams(exercise: Exercise, closing: Round) -> None:
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


def rescore_from(exercise: Exercise, number: int) -> None:
    """Scores must reflect the umpire's ruling, not the dice it replaced: every closed round
    from the one the commitment was resolved in, each with its own tension (score_teams)."""
    for closed in exercise.rounds.filter(status=Round.Status.CLOSED, number__gte=number).order_by("number"):
        TeamScore.objects.filter(round=closed).delete()
        score_teams(exercise, closed)
