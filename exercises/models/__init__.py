"""The exercise's state: who plays, what rounds ran, what was offered and agreed.

Models hold state and small derived facts (``Round.is_open``, ``Offer.is_agreement``);
every change of the game (pausing a round, submitting an offer, closing a round) is a
step in ``exercises/services/``, one transaction each.
Every state change appends an ``Event``; events are never updated or deleted.

exercise.py: Exercise, Team, Participant, Round, Inject (and join codes); offers.py: Offer,
Response, Commitment, TeamScore; debrief.py: Observer, Observation, ReportNarrative,
ImprovementItem; events.py: Event, BotAction. Everything is re-exported here: the app's
models are ``exercises.models.<Name>`` to Django and to every caller.
"""

from exercises.models.debrief import ImprovementItem, Observation, Observer, ReportNarrative
from exercises.models.events import BotAction, Event, EventQuerySet
from exercises.models.exercise import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    Exercise,
    ExerciseQuerySet,
    Inject,
    Participant,
    ParticipantQuerySet,
    Round,
    Team,
    name_key,
    new_join_code,
    new_token,
    normalise_join_code,
)
from exercises.models.offers import (
    SUMMARY_TERMS,
    Commitment,
    Offer,
    OfferQuerySet,
    Response,
    TeamScore,
    breach_words,
    commitment_summary,
)

# The scenario studio's models live with the studio (exercises/studio/); Django finds
# an app's models through this module.
from exercises.studio.models import Scenario, ScenarioVersion

__all__ = [
    "JOIN_CODE_ALPHABET",
    "JOIN_CODE_LENGTH",
    "SUMMARY_TERMS",
    "BotAction",
    "Commitment",
    "Event",
    "EventQuerySet",
    "Exercise",
    "ExerciseQuerySet",
    "ImprovementItem",
    "Inject",
    "Observation",
    "Observer",
    "Offer",
    "OfferQuerySet",
    "Participant",
    "ParticipantQuerySet",
    "ReportNarrative",
    "Response",
    "Round",
    "Scenario",
    "ScenarioVersion",
    "Team",
    "TeamScore",
    "breach_words",
    "commitment_summary",
    "name_key",
    "new_join_code",
    "new_token",
    "normalise_join_code",
]
