"""Stand-ins: bots that play a team in a live exercise, at a human pace, with no extra process.

A team handed to a bot (``hand_over``) keeps playing through the persona of its choice
(exercises/personas.py), whose moves go through the same services as a student's browser
(exercises/persona_moves.py). Each bot has two kinds of move per round:

- "open": a seeded delay after the round opens (or after the hand-over), it sends the
  round's offer;
- "answer-<n>": a seeded delay after offer #n reaches it, it accepts, rejects or counters,
  with a note that says why.

Nothing runs in the background. Requests that arrive anyway (the polls of every open room,
console and projector) call ``maybe_tick`` first; it looks at two cache entries and, only
when the exercise has bots and either changed or reached the time of its next move, runs
``tick``: the moves that are due are claimed one by one under the exercise row's lock, each
recorded as a BotAction whose unique key makes a second claim impossible, whichever worker
tries. A move is never made while the round is paused or after it closed: it is claimed
only while the round accepts offers, and the services check that again under the lock.

A rehearsal (``start_rehearsal``) is a copy of an exercise with every team a bot and short
rounds; its clock runs by itself (the same tick opens the next round and ends the exercise).
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from exercises import live, persona_moves, personas, services
from exercises.live import revisions
from exercises.models import BotAction, Event, Exercise, Offer, Response, Round, Team

__all__ = [
    "CLASSROOM_PERSONAS",
    "REHEARSAL_BREAK",
    "Move",
    "delay",
    "due_moves",
    "forget_local",
    "hand_over",
    "has_bots",
    "human_joined",
    "maybe_tick",
    "set_pace",
    "start_rehearsal",
    "take_back",
    "tick",
]

logger = logging.getLogger(__name__)

CLASSROOM_PERSONAS = {k: p for k, p in personas.PERSONAS.items() if p.classroom}
OPEN = "open"
REHEARSAL_ROUND_SECONDS = 30
REHEARSAL_DELAY_SECONDS = 4
# Between a rehearsal's rounds: long enough to read the round's results on the projector.
REHEARSAL_BREAK = timedelta(seconds=5)
# After a tick that failed, the next try waits this long (a bug must not cost every request).
RETRY_SECONDS = 10
# Bots answering bots: a tick looks again after its moves, at most this often.
MAX_PASSES = 4


def _actor(team: Team | None = None) -> str:
    return f"{services.SYSTEM} (stand-in)" if team is None else f"{services.SYSTEM} (stand-in for {team.key})"


# --- pace ------------------------------------------------------------------------------------


def delay(exercise: Exercise, team_key: str, round_number: int, key: str) -> timedelta:
    """The bot's thinking time for one move: seeded (a replay waits the same), from half to one
    and a half times the exercise's ``bot_delay_seconds``."""
    rng = random.Random(f"{exercise.seed}:bot:{team_key}:{round_number}:{key}")
    return timedelta(seconds=exercise.bot_delay_seconds * rng.uniform(0.5, 1.5))


@dataclass(frozen=True)
class Move:
    team: Team
    key: str
    due_at: datetime
    offer_id: int | None = None


def due_moves(exercise: Exercise, current: Round) -> list[Move]:
    """Every move the bots still owe in the open round, due or not, soonest first."""
    bots = list(exercise.teams.exclude(bot_persona=""))
    if not bots:
        return []
    done = set(BotAction.objects.filter(round=current).values_list("team_id", "key"))
    moves = []
    for team in bots:
        if (team.pk, OPEN) not in done:
            start = max(current.opened_at, team.bot_since or current.opened_at)
            moves.append(Move(team, OPEN, start + delay(exercise, team.key, current.number, OPEN)))
    by_pk = {t.pk: t for t in bots}
    answered = set(Response.objects.filter(offer__round=current).values_list("offer_id", "team_id"))
    inbox = Offer.recipients.through.objects.filter(
        offer__round=current, offer__status=Offer.Status.PENDING, team__in=bots
    ).values_list("offer_id", "offer__number", "offer__created_at", "team_id")
    for offer_id, number, created_at, team_id in inbox:
        team = by_pk[team_id]
        key = f"answer-{number}"
        if (offer_id, team_id) in answered or (team_id, key) in done:
            continue
        start = max(created_at, team.bot_since or created_at)
        moves.append(Move(team, key, start + delay(exercise, team.key, current.number, key), offer_id))
    return sorted(moves, key=lambda m: (m.due_at, m.team.order, m.key))


# --- making one move, exactly once -----------------------------------------------------------


def _perform(exercise_id: int, round_id: int, move: Move) -> BotAction | None:
    """Claim the move under the exercise row's lock and make it; None when it is not ours to make
    (another worker made it, the round stopped taking offers, the team is no longer a bot)."""
    with transaction.atomic():
        exercise = services.locked_exercise(exercise_id)
        current = Round.objects.select_for_update().get(pk=round_id)
        team = Team.objects.get(pk=move.team.pk)
        if exercise.is_ended or not current.accepts_submissions() or team.bot_persona != move.team.bot_persona:
            return None
        if BotAction.objects.filter(team=team, round=current, key=move.key).exists():
            return None
        action = BotAction(
            exercise=exercise,
            round=current,
            team=team,
            key=move.key,
            persona=team.bot_persona,
            offer_id=move.offer_id,
            due_at=move.due_at,
            acted_at=timezone.now(),
        )
        rng = random.Random(f"{exercise.seed}:bot-move:{team.key}:{current.number}:{move.key}")
        try:
            with transaction.atomic():
                _play(action, team, rng)
        except services.GameError as refusal:
            action.outcome, action.note = BotAction.Outcome.REFUSED, str(refusal)
        action.save()
    return action


def _play(action: BotAction, team: Team, rng: random.Random) -> None:
    if action.key == OPEN:
        sent = persona_moves.send_offers(team, action.persona, rng)
        action.outcome = BotAction.Outcome.SENT if sent else BotAction.Outcome.NOTHING
        action.offer = sent[0] if sent else None
        action.note = sent[0].message if sent else "Nothing left to trade this round."
        return
    offer = Offer.objects.get(pk=action.offer_id)
    answer = persona_moves.answer_offer(team, offer, action.persona, rng)
    action.outcome = answer.kind
    action.note = answer.note or (answer.counter_offer.message if answer.counter_offer else "")


# --- the tick ----------------------------------------------------------------------------------


def tick(exercise_id: int) -> list[BotAction]:
    """Make every due move of the exercise's bots (and run a rehearsal's clock); remember when
    the next one falls due. Safe to call from any worker at any time."""
    exercise = Exercise.objects.filter(pk=exercise_id).first()
    if exercise is None or exercise.is_ended:
        if exercise is not None:
            _remember_plan(exercise.pk, exercise.revision, None)
        return []
    services.close_if_expired(exercise)
    made, next_at = [], None
    if exercise.rehearsal:
        next_at = _run_rehearsal_clock(exercise)
    for _ in range(MAX_PASSES):
        current = exercise.rounds.filter(status=Round.Status.OPEN).order_by("-number").first()
        if current is None or not current.accepts_submissions():
            break
        moment = timezone.now()
        moves = due_moves(exercise, current)
        later = [m.due_at for m in moves if m.due_at > moment]
        due = [m for m in moves if m.due_at <= moment]
        if not due:
            next_at = min([*later, *([next_at] if next_at else [])], default=None)
            break
        for move in due:
            try:
                action = _perform(exercise.pk, current.pk, move)
            except IntegrityError:
                action = None  # claimed by another worker between our check and our insert
            if action is not None:
                made.append(action)
                # After the commit: the services published their revisions inside our transaction,
                # and a poll that rendered in between saw the state before it.
                with live.scoped_to(_involved(action)):
                    exercise.bump()
        # A move can owe another (an offer to a bot, a counter): look again.
    exercise.refresh_from_db(fields=["revision"])
    _remember_plan(exercise.pk, exercise.revision, next_at.timestamp() if next_at else None)
    return made


def _involved(action: BotAction) -> list[int]:
    teams = {action.team_id}
    if action.offer_id:
        offer = Offer.objects.filter(pk=action.offer_id).first()
        if offer:
            teams.add(offer.from_team_id)
            teams.update(offer.recipients.values_list("pk", flat=True))
    return sorted(teams)


# --- the trigger: requests that arrive anyway --------------------------------------------------
#
# Two cache entries per exercise: whether it has bots at all ("bots:on", read once per
# LOCAL_SECONDS per worker, so an exercise without bots costs nothing more), and the plan
# (the revision a tick last saw, the time of the next move). A request ticks only when the
# revision moved on or the next move is due; one worker at a time ("bots:busy"), and even two
# at once would claim each move only once (the database decides, not the cache).

LOCAL_SECONDS = 1.0
_local: dict[int, tuple[float, bool]] = {}


def _on_key(exercise_id: int) -> str:
    return f"bots:on:{exercise_id}"


def _plan_key(exercise_id: int) -> str:
    return f"bots:plan:{exercise_id}"


def forget_local() -> None:
    """Drop this worker's copies (tests)."""
    _local.clear()


def has_bots(exercise_id: int) -> bool:
    copy = _local.get(exercise_id)
    if copy is not None and revisions.clock() - copy[0] < LOCAL_SECONDS:
        return copy[1]
    found = cache.get(_on_key(exercise_id))
    if found is None:
        # Lost with the cache (a restart of the development server): ask the database once.
        found = Team.objects.filter(exercise_id=exercise_id).exclude(bot_persona="").exists()
        cache.set(_on_key(exercise_id), found, live.TTL_SECONDS)
    _local[exercise_id] = (revisions.clock(), bool(found))
    return bool(found)


def _announce(exercise_id: int) -> None:
    """After a hand-over or a take-back: every worker re-reads the bots and replans."""
    found = Team.objects.filter(exercise_id=exercise_id).exclude(bot_persona="").exists()
    cache.set(_on_key(exercise_id), found, live.TTL_SECONDS)
    cache.delete(_plan_key(exercise_id))
    _local.pop(exercise_id, None)


def _remember_plan(exercise_id: int, revision: int, next_ts: float | None) -> None:
    cache.set(_plan_key(exercise_id), (revision, next_ts), live.TTL_SECONDS)


def maybe_tick(exercise_id: int) -> None:
    """Called by every request about the exercise before its view runs; cheap unless a move is due."""
    if not has_bots(exercise_id):
        return
    state = live.cached_state(exercise_id)
    plan = cache.get(_plan_key(exercise_id))
    now = time.time()
    planned = state and plan and plan[0] == state[0] and (plan[1] is None or now < plan[1])
    if planned and (state[1] is None or now < state[1]):
        return  # nothing changed, no move due, no deadline passed
    busy = f"bots:busy:{exercise_id}"
    if not cache.add(busy, 1, 30):
        return
    try:
        tick(exercise_id)
    except Exception:  # a bot must never break a student's page; the next try waits
        logger.exception("bot tick failed for exercise %s", exercise_id)
        _remember_plan(exercise_id, state[0] if state else 0, now + RETRY_SECONDS)
    finally:
        cache.delete(busy)


# --- hand-over, take-back, a human arrives -----------------------------------------------------

PACE_SECONDS = (1, 600)


def set_pace(*, exercise: Exercise, seconds: int, actor: str) -> bool:
    """How long the bots think, on average; moves already due keep their time. False: unchanged."""
    low, high = PACE_SECONDS
    if not low <= seconds <= high:
        raise services.GameError(f"Choose a pace of {low} to {high} seconds.")
    with transaction.atomic():
        locked = services.locked_exercise(exercise.pk)
        if locked.bot_delay_seconds == seconds:
            return False
        before, locked.bot_delay_seconds = locked.bot_delay_seconds, seconds
        locked.save(update_fields=["bot_delay_seconds"])
        services.record(
            locked, Event.Kind.EXERCISE_EDITED, actor, round=locked.current_round(), bot_delay_seconds=[before, seconds]
        )
    locked.bump()
    cache.delete(_plan_key(locked.pk))
    return True


def hand_over(*, team: Team, persona: str, actor: str) -> None:
    """The facilitator lets a bot play ``team`` with ``persona`` (or switches its persona)."""
    if persona not in CLASSROOM_PERSONAS:
        raise services.GameError("Choose one of the personas listed.")
    with transaction.atomic():
        exercise = services.locked_exercise(team.exercise_id)
        if exercise.is_ended:
            raise services.GameError("The exercise has ended.")
        locked = Team.objects.select_for_update().get(pk=team.pk)
        if locked.bot_persona == persona:
            raise services.GameError(f"{locked.name} is already played by the {CLASSROOM_PERSONAS[persona].label} bot.")
        before = locked.bot_persona
        locked.bot_persona, locked.bot_since = persona, timezone.now()
        locked.save(update_fields=["bot_persona", "bot_since"])
        services.record(
            exercise,
            Event.Kind.BOT_ASSIGNED,
            actor,
            round=exercise.current_round(),
            team=locked,
            party=locked.key,
            persona=persona,
            before=before or None,
        )
    exercise.bump()
    _announce(exercise.pk)


def take_back(*, team: Team, actor: str, kind: str = Event.Kind.BOT_RELEASED, **details) -> bool:
    """The team is played by people again; False when it had no bot."""
    with transaction.atomic():
        exercise = services.locked_exercise(team.exercise_id)
        locked = Team.objects.select_for_update().get(pk=team.pk)
        if not locked.bot_persona:
            return False
        persona = locked.bot_persona
        locked.bot_persona, locked.bot_since = "", None
        locked.save(update_fields=["bot_persona", "bot_since"])
        services.record(
            exercise,
            kind,
            actor,
            round=exercise.current_round(),
            team=locked,
            party=locked.key,
            persona=persona,
            **details,
        )
    exercise.bump()
    _announce(exercise.pk)
    return True


def human_joined(team: Team, participant) -> bool:
    """A player joined with the team's code: they take over from its bot, if it has one."""
    if not team.bot_persona:
        return False
    return take_back(team=team, actor=participant.label, kind=Event.Kind.BOT_REPLACED, name=participant.display_name)


# --- rehearsal ---------------------------------------------------------------------------------


def start_rehearsal(*, exercise: Exercise, facilitator) -> Exercise:
    """A copy of ``exercise`` with every team a bot and 30-second rounds; its first round opens now."""
    team_keys = list(exercise.teams.values_list("key", flat=True))
    rehearsal = services.create_exercise(
        facilitator=facilitator,
        scenario=exercise.scenario,
        title=f"Rehearsal: {exercise.title}"[:200],
        team_keys=team_keys,
        num_rounds=exercise.num_rounds,
        round_minutes=exercise.round_minutes,
        copied_from=exercise,
    )
    kinds = list(CLASSROOM_PERSONAS)
    now = timezone.now()
    actor = services.facilitator_label(facilitator)
    with transaction.atomic():
        locked = services.locked_exercise(rehearsal.pk)
        locked.rehearsal = True
        locked.round_seconds = REHEARSAL_ROUND_SECONDS
        locked.bot_delay_seconds = REHEARSAL_DELAY_SECONDS
        locked.save(update_fields=["rehearsal", "round_seconds", "bot_delay_seconds"])
        for i, team in enumerate(locked.teams.all()):
            team.bot_persona, team.bot_since = kinds[i % len(kinds)], now
            team.save(update_fields=["bot_persona", "bot_since"])
            services.record(
                locked, Event.Kind.BOT_ASSIGNED, actor, team=team, party=team.key, persona=team.bot_persona, before=None
            )
        services.record(
            locked,
            Event.Kind.REHEARSAL_STARTED,
            actor,
            copied_from=exercise.pk,
            personas={t.key: t.bot_persona for t in locked.teams.all()},
            round_seconds=REHEARSAL_ROUND_SECONDS,
        )
    services.start_round(exercise=locked, actor=_actor())
    _announce(locked.pk)
    return locked


def _run_rehearsal_clock(exercise: Exercise) -> datetime | None:
    """Open the next round a short break after the last one closed, end after the last; returns
    when it next has something to do."""
    current = exercise.current_round()
    if current is None:
        return timezone.now()
    if current.status == Round.Status.OPEN:
        return current.deadline
    if current.status != Round.Status.CLOSED:
        return None  # paused: the facilitator resumes
    at = current.closed_at + REHEARSAL_BREAK
    if timezone.now() < at:
        return at
    try:
        if current.number < exercise.num_rounds:
            services.start_round(exercise=exercise, actor=_actor())
        else:
            services.end_exercise(exercise=exercise, actor=_actor())
    except services.GameError:
        pass  # another worker moved the clock first
    return None
