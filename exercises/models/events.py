"""The record of play: the append-only event log, and the moves the stand-ins made (claimed once each)."""

from django.db import models
from django.utils import timezone

from exercises.models.exercise import Exercise, Round, Team
from exercises.models.offers import Offer


class BotAction(models.Model):
    """One move a stand-in made (or was refused), claimed once under the exercise row's lock.

    ``key`` names the move within its round: "open" (the round's offers) or "answer-<n>"
    (its answer to offer #n); the unique constraint makes a second claim impossible, however
    many server workers try at once. ``due_at`` is when the seeded delay ran out.
    """

    class Outcome(models.TextChoices):
        SENT = "sent", "Sent an offer"
        NOTHING = "nothing", "Had nothing to offer"
        ACCEPTED = "accept", "Accepted"
        REJECTED = "reject", "Rejected"
        COUNTERED = "counter", "Countered"
        REFUSED = "refused", "Refused by the game"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="bot_actions")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="bot_actions")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="bot_actions")
    key = models.CharField(max_length=30)
    persona = models.CharField(max_length=30)
    offer = models.ForeignKey(Offer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    due_at = models.DateTimeField()
    acted_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["acted_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["team", "round", "key"], name="one_bot_action_per_key")]

    def __str__(self) -> str:
        return f"{self.team} {self.key} in round {self.round.number}: {self.outcome}"


class EventQuerySet(models.QuerySet):
    """Append-only: bulk updates and deletes are refused."""

    def update(self, **kwargs):
        raise TypeError("Events are append-only and cannot be updated.")

    def delete(self):
        raise TypeError("Events are append-only and cannot be deleted.")


class Event(models.Model):
    class Kind(models.TextChoices):
        EXERCISE_CREATED = "exercise_created", "Exercise created"
        EXERCISE_STARTED = "exercise_started", "Exercise started"
        EXERCISE_ENDED = "exercise_ended", "Exercise ended"
        EXERCISE_EDITED = "exercise_edited", "Exercise settings changed"
        EXERCISE_ARCHIVED = "exercise_archived", "Exercise archived"
        EXERCISE_RESTORED = "exercise_restored", "Exercise restored from the archive"
        PLAYER_JOINED = "player_joined", "Player joined"
        PLAYER_REJOINED = "player_rejoined", "Player returned"
        PLAYER_MOVED = "player_moved", "Player moved"
        PLAYER_REMOVED = "player_removed", "Player removed"
        PLAYER_READMITTED = "player_readmitted", "Player readmitted"
        JOIN_CODE_CHANGED = "join_code_changed", "Join code changed"
        ROUND_OPENED = "round_opened", "Round opened"
        ROUND_PAUSED = "round_paused", "Round paused"
        ROUND_RESUMED = "round_resumed", "Round resumed"
        ROUND_EXTENDED = "round_extended", "Round extended"
        ROUND_CLOSED = "round_closed", "Round closed"
        INJECT_PUSHED = "inject_pushed", "Inject pushed"
        INJECT_TRIGGERED = "inject_triggered", "Inject triggered"
        TRIGGER_DISARMED = "trigger_disarmed", "Trigger disarmed"
        OFFER_SUBMITTED = "offer_submitted", "Offer sent"
        OFFER_ACCEPTED = "offer_accepted", "Offer accepted"
        OFFER_REJECTED = "offer_rejected", "Offer rejected"
        OFFER_COUNTERED = "offer_countered", "Offer countered"
        OFFER_EXPIRED = "offer_expired", "Offer expired"
        AGREEMENT_REACHED = "agreement_reached", "Agreement reached"
        COMMITMENT_RESOLVED = "commitment_resolved", "Commitment resolved"
        COMMITMENT_OVERRIDDEN = "commitment_overridden", "Resolution overridden"
        COMMITMENT_VOIDED = "commitment_voided", "Commitment void (condition broken)"
        COMMITMENT_WITHDRAWN = "commitment_withdrawn", "Commitment withdrawn (snap-back)"
        COMMITMENT_VALUED = "commitment_valued", "Step valued by the umpire"
        FINAL_RECKONING = "final_reckoning", "Final reckoning"
        CONFLICT_FLAGGED = "conflict_flagged", "Conflicting commitments"
        TENSION_CHANGED = "tension_changed", "Tension changed"
        SCORES_UPDATED = "scores_updated", "Scores updated"
        OBSERVER_INVITED = "observer_invited", "Observer invited"
        OBSERVATION_RECORDED = "observation_recorded", "Observation"
        LEADERBOARD_REVEALED = "leaderboard_revealed", "Leaderboard shown"
        REPORT_EDITED = "report_edited", "Report edited"
        BOT_ASSIGNED = "bot_assigned", "Team handed to a bot"
        BOT_RELEASED = "bot_released", "Team taken back from its bot"
        BOT_REPLACED = "bot_replaced", "A player took over from the bot"
        REHEARSAL_STARTED = "rehearsal_started", "Rehearsal started"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="events")
    # RESTRICT: deleting a round or a team on its own (in the admin, say) would rewrite
    # the events that name it, so it is refused; deleting the whole exercise, log
    # included, is allowed.
    round = models.ForeignKey(Round, on_delete=models.RESTRICT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    actor = models.CharField(max_length=120)  # who did it, as people read it: "facilitator alice", "USA: Min"
    team = models.ForeignKey(Team, on_delete=models.RESTRICT, null=True, blank=True, related_name="+")
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.actor}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Events are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Events are append-only and cannot be deleted.")
