"""Steps of the game that span several models, each in one transaction.

Lock order, everywhere: the exercise row, then the round row, then offers. Each
step checks its preconditions under the lock, so two facilitators closing the same
round, or a submission racing the deadline, end with exactly one outcome.

The steps live in modules named for what they change: ``rounds`` (an exercise's course:
created, rounds opened, paused, extended, closed, ended), ``offers`` (sending, countering,
answering), ``settlement`` (a close's ledger, tension and scores), ``injects``, ``umpire``
(overrides and values) and ``console`` (leaderboard, observers); ``base`` holds what they
share. Callers use ``services.<step>``: the public steps are re-exported here.
"""

from exercises.services.base import SYSTEM, GameError, check_length, facilitator_label, locked_exercise, record
from exercises.services.console import invite_observer, record_observation, reveal_leaderboard
from exercises.services.injects import push_inject
from exercises.services.offers import SubmitResult, respond, submit_offer
from exercises.services.rounds import (
    MAX_EXTEND_MINUTES,
    close_expired_rounds,
    close_if_expired,
    close_round,
    create_exercise,
    end_exercise,
    extend_round,
    pause_round,
    resume_round,
    start_round,
)
from exercises.services.umpire import UMPIRE_VALUE_LIMIT, override_resolution, value_step

__all__ = [
    "MAX_EXTEND_MINUTES",
    "SYSTEM",
    "UMPIRE_VALUE_LIMIT",
    "GameError",
    "SubmitResult",
    "check_length",
    "close_expired_rounds",
    "close_if_expired",
    "close_round",
    "create_exercise",
    "end_exercise",
    "extend_round",
    "facilitator_label",
    "invite_observer",
    "locked_exercise",
    "override_resolution",
    "pause_round",
    "push_inject",
    "record",
    "record_observation",
    "respond",
    "resume_round",
    "reveal_leaderboard",
    "start_round",
    "submit_offer",
    "value_step",
]
