"""Triggered news: scenario injects that play sets off (docs/scenario-format.md, "Triggered injects").

A triggered inject is armed until it fires or the facilitator disarms it. At each round
close ``fire_met_triggers`` asks the rules engine (exercises/rules/triggers.py) which armed
triggers the ledger meets and pushes their news in the same transaction. The facilitator
may also fire one by hand or disarm it from the console.

No extra table: what became of a trigger is already on record. It is spent once its news
was delivered (an Inject with its key exists, however it was pushed) or once a
TRIGGER_DISARMED event names it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from exercises import services
from exercises.models import Commitment, Event, Exercise, Offer, Round
from exercises.rules import triggers as rules_triggers

ARMED, FIRED, DISARMED = "armed", "fired", "disarmed"


@dataclass(frozen=True)
class TriggerRow:
    """One triggered inject as the console lists it."""

    key: str
    title: str
    condition: str  # "tension is at or above 75 and ..."
    tension: float
    status: str  # ARMED, FIRED or DISARMED
    note: str  # "fired at the close of round 2", "disarmed by facilitator alice"

    @property
    def is_armed(self) -> bool:
        return self.status == ARMED


def triggered_injects(scenario: dict) -> list[dict]:
    """The scenario's injects that carry a trigger, in the scenario's order."""
    return [inject for inject in scenario.get("injects", []) if inject.get("trigger")]


def _titles(scenario: dict) -> dict[str, str]:
    return {item["key"]: item["title"] for item in scenario.get("catalogue", [])}


def condition_text(scenario: dict, inject: dict) -> str:
    return rules_triggers.describe(rules_triggers.Trigger.from_snapshot(inject["trigger"]), _titles(scenario))


def _disarmed(exercise: Exercise) -> dict[str, str]:
    """Disarmed trigger key -> who disarmed it."""
    events = exercise.events.filter(kind=Event.Kind.TRIGGER_DISARMED).values_list("details", "actor")
    return {details.get("key", ""): actor for details, actor in events}


def _delivered(exercise: Exercise) -> dict[str, int | None]:
    """Scenario key of each inject delivered so far -> the number of the round it came in."""
    rows = exercise.injects.exclude(key="").values_list("key", "round__number")
    return dict(rows)


def _armed(exercise: Exercise, candidates: list[dict]) -> list[dict]:
    spent = set(_delivered(exercise)) | set(_disarmed(exercise))
    return [inject for inject in candidates if inject["key"] not in spent]


def trigger_rows(exercise: Exercise) -> list[TriggerRow]:
    """Every triggered inject of the exercise's scenario with what became of it."""
    candidates = triggered_injects(exercise.scenario)
    if not candidates:
        return []
    delivered, disarmed = _delivered(exercise), _disarmed(exercise)
    # key -> fired by hand (True) or by play (False); a key missing was pushed as plain news
    fired = {
        details.get("key"): bool(details.get("by_hand"))
        for details in exercise.events.filter(kind=Event.Kind.INJECT_TRIGGERED).values_list("details", flat=True)
    }
    rows = []
    for inject in candidates:
        key = inject["key"]
        if key in delivered:
            number = delivered[key]
            status, note = FIRED, _fired_note(fired.get(key), number)
        elif key in disarmed:
            status, note = DISARMED, f"disarmed by {disarmed[key]}"
        else:
            status, note = ARMED, "armed"
        rows.append(
            TriggerRow(
                key=key,
                title=inject["title"],
                condition=condition_text(exercise.scenario, inject),
                tension=inject.get("tension") or 0,
                status=status,
                note=note,
            )
        )
    return rows


def _fired_note(by_hand: bool | None, round_number: int | None) -> str:
    when = f"round {round_number}" if round_number else "before round 1"
    if by_hand is None:
        return f"pushed by hand in {when}"
    return f"fired by hand in {when}" if by_hand else f"fired at the close of {when}"


# --- at a round close ----------------------------------------------------------------------------


def ledger_at_close(exercise: Exercise, closing: Round) -> rules_triggers.Ledger:
    """What stands once the closing round's commitments are resolved, for the rules engine."""
    rows = Commitment.objects.filter(offer__exercise=exercise, offer__status=Offer.Status.ACCEPTED).values_list(
        "kind", "outcome", "offer__round__number"
    )
    broken, kept, agreed = set(), set(), set()
    first_agreement = None
    for kind, outcome, round_number in rows:
        agreed.add(kind)
        if outcome == Commitment.Outcome.BROKEN:
            broken.add(kind)
        elif outcome == Commitment.Outcome.KEPT:
            kept.add(kind)
        first_agreement = round_number if first_agreement is None else min(first_agreement, round_number)
    return rules_triggers.Ledger(
        round=closing.number,
        tension=exercise.tension,
        broken=frozenset(broken),
        kept=frozenset(kept),
        agreed=frozenset(agreed),
        first_agreement_round=first_agreement,
    )


def fire_met_triggers(exercise: Exercise, closing: Round) -> list[str]:
    """Push the news of every armed trigger the closing round meets; the caller holds the lock.

    All are judged against the same ledger, before any of their news moves tension: a
    trigger that a fired inject's tension would meet fires at the next close, not now.
    """
    candidates = triggered_injects(exercise.scenario)
    if not candidates:
        return []
    armed = _armed(exercise, candidates)
    if not armed:
        return []
    ledger = ledger_at_close(exercise, closing)
    by_key = {inject["key"]: inject for inject in armed}
    keys = rules_triggers.firing(
        ((key, rules_triggers.Trigger.from_snapshot(inject["trigger"])) for key, inject in by_key.items()), ledger
    )
    for key in keys:
        _fire(exercise, closing, by_key[key], services.SYSTEM, by_hand=False)
    return list(keys)


def _fire(exercise: Exercise, round_: Round | None, inject: dict, actor: str, *, by_hand: bool) -> None:
    services.record(
        exercise,
        Event.Kind.INJECT_TRIGGERED,
        actor,
        round=round_,
        key=inject["key"],
        title=inject["title"],
        condition=condition_text(exercise.scenario, inject),
        by_hand=by_hand,
    )
    services.injects.push_inject_locked(exercise, round_, actor, inject_data=inject)


# --- by the facilitator --------------------------------------------------------------------------


def _armed_inject(exercise: Exercise, key: str) -> dict:
    """The armed triggered inject with this key, or a GameError that says why not."""
    inject = next((i for i in triggered_injects(exercise.scenario) if i["key"] == key), None)
    if inject is None:
        raise services.GameError("That news item has no trigger in this scenario.")
    if exercise.is_ended:
        raise services.GameError("The exercise has ended; its triggers no longer fire.")
    if key in _delivered(exercise):
        raise services.GameError(f"“{inject['title']}” has already been delivered; a trigger fires once.")
    if key in _disarmed(exercise):
        raise services.GameError(f"“{inject['title']}” was disarmed.")
    return inject


def fire_trigger(*, exercise: Exercise, key: str, actor: str) -> dict:
    """The facilitator fires an armed trigger now: its news goes to every team at once."""
    with transaction.atomic():
        locked = services.locked_exercise(exercise.pk)
        inject = _armed_inject(locked, key)
        _fire(locked, locked.current_round(), inject, actor, by_hand=True)
    exercise.bump()
    return inject


def disarm_trigger(*, exercise: Exercise, key: str, actor: str) -> dict:
    """The facilitator disarms an armed trigger: its news will not fire, by play or by hand."""
    with transaction.atomic():
        locked = services.locked_exercise(exercise.pk)
        inject = _armed_inject(locked, key)
        services.record(
            locked,
            Event.Kind.TRIGGER_DISARMED,
            actor,
            round=locked.current_round(),
            key=key,
            title=inject["title"],
            condition=condition_text(locked.scenario, inject),
        )
    exercise.bump()
    return inject
