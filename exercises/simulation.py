"""Whole seeded classes played through the services, for ``manage.py simulate_class``.

Every simulated team is a persona (exercises/personas.py) moving through
``persona_moves``, the same service calls a student's browser makes: offers are
scored on submission, agreed when every recipient accepts, and settled at each round
close and in the final reckoning. Each game runs in a transaction that is rolled
back, so a simulation leaves the database as it found it.

A strategy names the persona each team plays (one implementation: the personas).
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from exercises import persona_moves, rules, services
from exercises.models import Commitment, Offer, TeamScore

# What each strategy plays. "mixed" deals the classroom personas out to the teams by seed.
STRATEGIES: dict[str, str | None] = {
    "base-hits": "base-hitter",
    "grand-bargain": "grand-bargainer",
    "one-sided": "hardliner",
    "fake-specific": "fake-specific",
    "mixed": None,
}
MIXED = ("base-hitter", "grand-bargainer", "hardliner", "reciprocator")

# Counters answered by counters: a round stops after this many answering passes.
MAX_PASSES = 4
ACTOR = "simulation"


class SimulationError(Exception):
    """A simulated game broke a rule the simulation checks (a step left unsettled)."""


@dataclass(frozen=True)
class Game:
    """What one seeded game ended with."""

    value_per_team: float  # mean over teams of the value delivered to them, in their own tables
    kept: int  # steps drawn kept (including ones withdrawn later by snap-back)
    drawn: int  # steps drawn kept or broken
    void_steps: int
    paid_after_broken: int
    start_tension: float
    final_tension: float
    agreements: int


@dataclass(frozen=True)
class Summary:
    """One strategy over many seeds: medians of the per-game figures, totals of the counts."""

    value_per_team: float
    kept_rate: float
    final_tension: float
    start_tension: float
    void_steps: int
    conditional_paid_after_broken: int

    def to_dict(self) -> dict:
        return {
            "value_per_team": round(self.value_per_team, 2),
            "kept_rate": round(self.kept_rate, 3),
            "final_tension": round(self.final_tension, 1),
            "start_tension": round(self.start_tension, 1),
            "void_steps": self.void_steps,
            "conditional_paid_after_broken": self.conditional_paid_after_broken,
        }


def personas_for(strategy: str, team_keys: list[str], seed: int) -> dict[str, str]:
    persona = STRATEGIES[strategy]
    if persona is not None:
        return dict.fromkeys(team_keys, persona)
    rng = random.Random(f"mixed-{seed}")
    dealt = list(MIXED)
    rng.shuffle(dealt)
    # Every classroom persona once, then round again for a larger class.
    return {key: dealt[i % len(dealt)] for i, key in enumerate(team_keys)}


class _Rollback(Exception):
    pass


def play_game(scenario: dict, strategy: str, seed: int, rounds: int | None = None) -> Game:
    """One seeded class, played and measured, then rolled back."""
    result: Game | None = None
    try:
        with transaction.atomic():
            result = _play(scenario, strategy, seed, rounds)
            raise _Rollback
    except _Rollback:
        pass
    assert result is not None
    return result


def _play(scenario: dict, strategy: str, seed: int, rounds: int | None) -> Game:
    user = get_user_model().objects.create_user(username=f"simulation-{seed}", password=None)
    keys = [t["key"] for t in scenario["teams"]]
    exercise = services.create_exercise(
        facilitator=user,
        scenario=scenario,
        title=f"Simulation {strategy} {seed}",
        team_keys=keys,
        num_rounds=rounds or int(scenario.get("defaults", {}).get("rounds", 4)),
        round_minutes=15,
    )
    exercise.seed = f"simulation-{seed}"
    exercise.save(update_fields=["seed"])
    start_tension = exercise.tension
    cast = personas_for(strategy, keys, seed)
    rng = random.Random(f"{strategy}-{seed}")
    teams = {t.key: t for t in exercise.teams.all()}
    for _ in range(exercise.num_rounds):
        services.start_round(exercise=exercise, actor=ACTOR)
        order = list(teams)
        rng.shuffle(order)
        for key in order:
            persona_moves.send_offers(teams[key], cast[key], rng)
        _answer_everything(exercise, teams, cast, rng)
        services.close_round(round=exercise.current_round(), actor=ACTOR)
    services.end_exercise(exercise=exercise, actor=ACTOR)
    exercise.refresh_from_db()
    return _measure(exercise, start_tension)


def _answer_everything(exercise, teams, cast, rng) -> None:
    """Each recipient answers each pending offer; counters are answered in the next pass."""
    for _ in range(MAX_PASSES):
        pending = list(
            exercise.offers.filter(status=Offer.Status.PENDING).prefetch_related("recipients").order_by("number")
        )
        if not pending:
            return
        for offer in pending:
            for recipient in offer.recipients.all():
                offer.refresh_from_db(fields=["status"])
                if offer.status != Offer.Status.PENDING or offer.responses.filter(team=recipient).exists():
                    continue
                persona_moves.answer_offer(teams[recipient.key], offer, cast[recipient.key], rng)


def _measure(exercise, start_tension: float) -> Game:
    steps = list(Commitment.objects.filter(offer__exercise=exercise, offer__status=Offer.Status.ACCEPTED))
    unsettled = [c for c in steps if c.outcome == Commitment.Outcome.DUE]
    if unsettled:
        raise SimulationError(f"{len(unsettled)} agreed steps were still due after the exercise ended")
    outcome_counts = {o: sum(c.outcome == o for c in steps) for o in Commitment.Outcome.values}
    kept = outcome_counts["kept"] + outcome_counts["withdrawn"]
    last = exercise.rounds.order_by("-number").first()
    delivered = list(TeamScore.objects.filter(round=last).values_list("delivered", flat=True))
    return Game(
        value_per_team=sum(delivered) / len(delivered) if delivered else 0.0,
        kept=kept,
        drawn=kept + outcome_counts["broken"],
        void_steps=outcome_counts["voided"],
        paid_after_broken=_paid_after_broken(steps),
        start_tension=start_tension,
        final_tension=exercise.tension,
        agreements=len({c.offer_id for c in steps}),
    )


def _paid_after_broken(steps: list[Commitment]) -> int:
    by_offer: dict[int, list[rules.ledger.Step]] = {}
    for c in steps:
        step = rules.ledger.Step(c.position, c.by, c.due_round or 0, c.outcome, c.links)
        by_offer.setdefault(c.offer_id, []).append(step)
    return sum(rules.ledger.paid_after_broken(offer_steps) for offer_steps in by_offer.values())


def summarise(games: Iterable[Game]) -> Summary:
    games = list(games)
    drawn = sum(g.drawn for g in games)
    return Summary(
        value_per_team=statistics.median(g.value_per_team for g in games),
        kept_rate=statistics.median(g.kept / g.drawn for g in games if g.drawn) if drawn else 0.0,
        final_tension=statistics.median(g.final_tension for g in games),
        start_tension=statistics.median(g.start_tension for g in games),
        void_steps=sum(g.void_steps for g in games),
        conditional_paid_after_broken=sum(g.paid_after_broken for g in games),
    )


def simulate(
    scenario: dict,
    strategies: Iterable[str],
    seeds: int,
    rounds: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Summary]:
    """Every strategy over seeds 1..``seeds``; ``progress`` hears each finished game."""
    out = {}
    done = 0
    for strategy in strategies:
        games = []
        for seed in range(1, seeds + 1):
            games.append(play_game(scenario, strategy, seed, rounds))
            done += 1
            if progress:
                progress(done)
        out[strategy] = summarise(games)
    return out
