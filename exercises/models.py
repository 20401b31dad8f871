"""The exercise's state: who plays, what rounds ran, what was offered and agreed.

Models hold state and small derived facts (``Round.is_open``, ``Offer.is_agreement``);
every change of the game (pausing a round, submitting an offer, closing a round) is a
step in ``services.py``, one transaction each.
Every state change appends an ``Event``; events are never updated or deleted.
"""

import secrets
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

# Join codes avoid characters that are easy to misread aloud or on a projector
# (0/O, 1/I/L, 5/S, 2/Z, 8/B). 8 characters of 24 symbols: 24**8 ≈ 1.1e11 codes.
JOIN_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY3467"
JOIN_CODE_LENGTH = 8


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(raw: str) -> str:
    """Accept codes typed with spaces, dashes or lower case."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def new_token() -> str:
    return secrets.token_urlsafe(24)


class ExerciseQuerySet(models.QuerySet):
    def for_facilitator(self, user):
        return self.filter(facilitator=user)


class Exercise(models.Model):
    class Status(models.TextChoices):
        SETUP = "setup", "Not started"
        RUNNING = "running", "Running"
        ENDED = "ended", "Ended"

    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercises")
    title = models.CharField(max_length=200)
    scenario_key = models.CharField(max_length=100)
    # The scenario as it was when the exercise was created: editing a scenario
    # file never rewrites a past exercise.
    scenario = models.JSONField()
    # The studio version it was created from (none for a built-in pack). PROTECT: a version
    # an exercise was made from is part of that exercise's record.
    scenario_version = models.ForeignKey(
        "exercises.ScenarioVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="exercises"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SETUP)
    num_rounds = models.PositiveSmallIntegerField(default=4)
    round_minutes = models.PositiveSmallIntegerField(default=15)
    tension = models.FloatField(default=60.0)
    # Bumped on every change so that polling clients can tell "nothing new" cheaply.
    revision = models.PositiveBigIntegerField(default=1)
    seed = models.CharField(max_length=64, default=new_token, editable=False)
    leaderboard_revealed = models.BooleanField(default=False)
    observer_token = models.CharField(max_length=64, default=new_token, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Archived exercises leave the facilitator's list (they stay whole and reachable).
    archived_at = models.DateTimeField(null=True, blank=True)
    # A rehearsal: every team a bot, short rounds that open and close by themselves (exercises/bots.py).
    rehearsal = models.BooleanField(default=False)
    # Bots act this long (on average; each delay is seeded, from half to one and a half times
    # it) after a round opens and after an offer reaches them.
    bot_delay_seconds = models.PositiveSmallIntegerField(default=40)
    # A rehearsal's rounds are counted in seconds; None: round_minutes.
    round_seconds = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = ExerciseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_ended(self) -> bool:
        return self.status == self.Status.ENDED

    @property
    def is_running(self) -> bool:
        return self.status == self.Status.RUNNING

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def bump(self) -> int:
        """Advance the revision after a change and publish it to the poll cache."""
        from exercises import live

        # One statement, so two concurrent bumps never read back the same revision (a
        # revision nobody publishes would keep every poll rendering; see live.py).
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Exercise._meta.db_table} SET revision = revision + 1 WHERE id = %s RETURNING revision",
                [self.pk],
            )
            self.revision = cursor.fetchone()[0]
        live.publish_revision(self.pk, self.revision, self.open_deadline_ts())
        return self.revision

    def open_deadline_ts(self) -> float | None:
        """The open round's deadline, so a cached poll knows when it must look again."""
        deadline = self.rounds.filter(status=Round.Status.OPEN).values_list("deadline", flat=True).first()
        return deadline.timestamp() if deadline else None

    @property
    def round_length(self) -> timedelta:
        return timedelta(seconds=self.round_seconds) if self.round_seconds else timedelta(minutes=self.round_minutes)

    @property
    def round_length_label(self) -> str:
        return f"{self.round_seconds} s" if self.round_seconds else f"{self.round_minutes} min"

    def current_round(self):
        return self.rounds.order_by("-number").first()

    @property
    def team_names(self) -> dict[str, str]:
        return {t["key"]: t["name"] for t in self.scenario.get("teams", [])}


class Team(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="teams")
    key = models.CharField(max_length=10)  # the party code used by the rules: the pack's team key
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)
    join_code = models.CharField(max_length=16, unique=True, default=new_join_code)
    # A stand-in: the persona (exercises/personas.py) that plays this team, blank for people.
    bot_persona = models.CharField(max_length=30, blank=True)
    bot_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["exercise", "key"], name="team_key_unique_in_exercise")]

    def __str__(self) -> str:
        return self.name

    @property
    def scenario_team(self) -> dict:
        for team in self.exercise.scenario.get("teams", []):
            if team["key"] == self.key:
                return team
        return {"key": self.key, "name": self.name, "brief": "", "objectives": []}


def name_key(display_name: str) -> str:
    """How a team tells its players' names apart: "Twin", "twin " and fullwidth "ｔｗｉｎ" are one name.

    Computed in Python, not by the database, because SQLite's lower() folds ASCII only.
    """
    return unicodedata.normalize("NFKC", " ".join(display_name.split())).casefold()


class ParticipantQuerySet(models.QuerySet):
    def seated(self):
        """Players still in the game: not removed by the facilitator."""
        return self.filter(removed_at__isnull=True)


class Participant(models.Model):
    """A player: no account, a display name and a seat on one team.

    A removed player keeps their row (their offers and answers still name them) with
    ``removed_at`` set: their seat no longer opens the room, and the join form refuses
    their name on that team until the facilitator readmits them.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="participants")
    display_name = models.CharField(max_length=40)
    # One name per team, whatever the case or width; unique in the database, so two
    # simultaneous joins as "Twin" and "TWIN" make one player.
    name_key = models.CharField(max_length=160, editable=False)
    joined_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    drafting_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name_key"], name="participant_name_key_unique_in_team"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.team.key})"

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.display_name)
        super().save(*args, **kwargs)

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def label(self) -> str:
        return f"{self.team.key}: {self.display_name}"


class Round(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PAUSED = "paused", "Paused"
        CLOSED = "closed", "Closed"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(default=timezone.now)
    # Absolute: a restart loses nothing and every browser counts down to the same instant.
    deadline = models.DateTimeField(null=True, blank=True)
    # While paused the clock is frozen: what was left is kept here, deadline is cleared.
    paused_remaining = models.DurationField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    tension_before = models.FloatField(null=True, blank=True)
    # After everything settled in this round, the final reckoning included.
    tension_after = models.FloatField(null=True, blank=True)
    # Set only on the round the final reckoning settled in: the tension at the round's own close.
    reckoning_from = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["exercise", "number"], name="round_number_unique")]

    def __str__(self) -> str:
        return f"Round {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def remaining(self, now=None) -> timedelta:
        if self.status == self.Status.PAUSED:
            return self.paused_remaining or timedelta(0)
        if self.status == self.Status.CLOSED or self.deadline is None:
            return timedelta(0)
        return max(self.deadline - (now or timezone.now()), timedelta(0))

    def is_expired(self, now=None) -> bool:
        return (
            self.status == self.Status.OPEN and self.deadline is not None and self.deadline <= (now or timezone.now())
        )

    def accepts_submissions(self, now=None) -> bool:
        return self.status == self.Status.OPEN and not self.is_expired(now)


class Inject(models.Model):
    """A scenario development pushed to the room (or to chosen teams)."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="injects")
    round = models.ForeignKey(Round, on_delete=models.SET_NULL, null=True, blank=True, related_name="injects")
    key = models.CharField(max_length=100, blank=True)  # the scenario's key, blank when written live
    title = models.CharField(max_length=200)
    text = models.TextField()
    tension_delta = models.FloatField(default=0)
    # Empty means every team sees it.
    audience = models.ManyToManyField(Team, blank=True, related_name="targeted_injects")
    pushed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-pushed_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class OfferQuerySet(models.QuerySet):
    def involving(self, team):
        """Offers sent by or to ``team``: the only ones its players may see."""
        return self.filter(Q(from_team=team) | Q(recipients=team)).distinct()


class Offer(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting answers"
        ACCEPTED = "accepted", "Agreement"
        REJECTED = "rejected", "Rejected"
        COUNTERED = "countered", "Countered"
        EXPIRED = "expired", "Expired"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="offers")
    # Numbered within the exercise (#1, #2 ...): what players call it, and the stable
    # key for the seeded outcome draw.
    number = models.PositiveIntegerField()
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="offers")
    from_team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="offers_sent")
    recipients = models.ManyToManyField(Team, related_name="offers_received")
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="counters")
    submitted_by = models.ForeignKey(Participant, on_delete=models.SET_NULL, null=True, blank=True)
    message = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    # One form submission stores one offer, however often it is re-posted.
    client_token = models.CharField(max_length=64)
    # What the rules engine decided at submission, kept as it was then.
    specificity = models.PositiveSmallIntegerField(null=True, blank=True)
    reciprocity = models.PositiveSmallIntegerField(null=True, blank=True)
    score_detail = models.JSONField(default=dict, blank=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["from_team", "client_token"], name="offer_client_token_unique"),
            models.UniqueConstraint(fields=["exercise", "number"], name="offer_number_unique"),
        ]
        indexes = [models.Index(fields=["exercise", "round", "status"])]

    def __str__(self) -> str:
        return f"Offer #{self.number} from {self.from_team.key}"

    @property
    def is_agreement(self) -> bool:
        return self.status == self.Status.ACCEPTED


class Response(models.Model):
    """One recipient team's answer to an offer."""

    class Kind(models.TextChoices):
        ACCEPT = "accept", "Accepted"
        REJECT = "reject", "Rejected"
        COUNTER = "counter", "Countered"

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="responses")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="responses")
    participant = models.ForeignKey(Participant, on_delete=models.SET_NULL, null=True, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Why, in a sentence the proposer can read (a bot's answer carries one; never a value).
    note = models.TextField(blank=True)
    counter_offer = models.ForeignKey(Offer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        # The last guard against two answers from one team, whatever the race.
        constraints = [models.UniqueConstraint(fields=["offer", "team"], name="one_response_per_team")]

    def __str__(self) -> str:
        return f"{self.team} {self.get_kind_display().lower()} offer #{self.offer.number}"


class Commitment(models.Model):
    """One concrete promise inside an offer; on the ledger once the offer is agreed."""

    class Outcome(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        DUE = "due", "On the ledger"
        KEPT = "kept", "Kept"
        BROKEN = "broken", "Broken"
        VOID = "void", "Not agreed"
        # Linked steps (rules/ledger.py): a step whose condition was broken is never owed,
        # and a snap-back step is taken back when the other side breaks a later step.
        VOIDED = "voided", "Void (condition broken)"
        WITHDRAWN = "withdrawn", "Withdrawn (snap-back)"

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="commitments")
    position = models.PositiveSmallIntegerField()  # 1-based, the id other commitments refer to
    # Parties are codes, not Team rows: an offer may bind a party that is not playing.
    by = models.CharField(max_length=20)
    to = models.JSONField(default=list, blank=True)
    kind = models.CharField(max_length=100, blank=True)  # catalogue key
    action = models.CharField(max_length=200, blank=True)
    object = models.CharField(max_length=300, blank=True)
    quantity = models.CharField(max_length=50, blank=True)
    unit = models.CharField(max_length=50, blank=True)
    site = models.CharField(max_length=200, blank=True)
    deadline = models.CharField(max_length=100, blank=True)
    verification = models.CharField(max_length=200, blank=True)
    conditional_on = models.JSONField(default=list, blank=True)  # positions in the same offer
    phase = models.PositiveSmallIntegerField(null=True, blank=True)
    duration = models.CharField(max_length=100, blank=True)
    text = models.TextField(blank=True)
    specificity = models.PositiveSmallIntegerField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    # The ledger: set when the offer becomes an agreement, resolved at a later close.
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PROPOSED)
    due_round = models.PositiveSmallIntegerField(null=True, blank=True)
    resolved_in = models.ForeignKey(Round, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kept_probability = models.FloatField(null=True, blank=True)
    draw = models.FloatField(null=True, blank=True)
    overridden = models.BooleanField(default=False)
    override_reason = models.TextField(blank=True)
    # The broken step that voided this one (its condition) or withdrew it (snap-back).
    breach_position = models.PositiveSmallIntegerField(null=True, blank=True)
    # A kept snap-back step stops counting from the round it was withdrawn in.
    withdrawn_in = models.ForeignKey(Round, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Resolved in the final reckoning, when the exercise ended, not at a round's close.
    settled_at_end = models.BooleanField(default=False)
    # The umpire's "value this step": {party: value}, beats the catalogue and the free-text default.
    umpire_value = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["offer_id", "position"]
        constraints = [models.UniqueConstraint(fields=["offer", "position"], name="commitment_position_unique")]
        indexes = [models.Index(fields=["outcome", "due_round"])]

    def __str__(self) -> str:
        return self.summary

    @property
    def summary(self) -> str:
        return commitment_summary(self)

    @property
    def because(self) -> str:
        return breach_words(self.outcome, self.breach_position)


def breach_words(outcome: str, breach: int | None) -> str:
    """Why a linked step was not delivered, in the words every page uses (round results, the
    team room, the console, the projector and the report): "its condition, no. 1, was broken"."""
    if not breach:
        return ""
    if outcome == Commitment.Outcome.VOIDED:
        return f"its condition, no. {breach}, was broken"
    if outcome == Commitment.Outcome.WITHDRAWN:
        return f"taken back when no. {breach} was broken"
    return ""


# What commitment_summary reads: the fields a query loads to show commitments in one line.
SUMMARY_TERMS = ("by", "action", "quantity", "unit", "object", "site", "deadline", "text")


def commitment_summary(terms) -> str:
    """A commitment in one line: who does what, how much, where and by when (or its free text).

    ``terms`` is a Commitment or any row with the same attributes (the console reads
    hundreds of them as value rows, not model instances).
    """
    parts = [terms.by, terms.action, terms.quantity, terms.unit, terms.object]
    words = " ".join(p for p in parts if p)
    if terms.site:
        words += f" at {terms.site}"
    if terms.deadline:
        words += f", {terms.deadline}"
    return words if words.strip() != terms.by else (terms.text or terms.by)


class TeamScore(models.Model):
    """A team's standing after a round closed, with how it was computed."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="scores")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="scores")
    delivered = models.FloatField(default=0)
    stability = models.FloatField(default=0)
    total = models.FloatField(default=0)
    detail = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["round__number", "team__order"]
        constraints = [models.UniqueConstraint(fields=["round", "team"], name="one_score_per_team_round")]

    def __str__(self) -> str:
        return f"{self.team}: {self.total} after round {self.round.number}"


class Observer(models.Model):
    """Someone the facilitator invited to watch and write observations."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="observers")
    name = models.CharField(max_length=80)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Observation(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="observations")
    observer = models.ForeignKey(Observer, on_delete=models.SET_NULL, null=True, blank=True)
    author = models.CharField(max_length=120)
    round = models.ForeignKey(Round, on_delete=models.SET_NULL, null=True, blank=True)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Observation by {self.author}"


class ReportNarrative(models.Model):
    """The facilitator's own words in the after-action report (Markdown)."""

    exercise = models.OneToOneField(Exercise, on_delete=models.CASCADE, related_name="narrative")
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Narrative for {self.exercise}"


class ImprovementItem(models.Model):
    """One row of the AAR improvement plan."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="improvement_items")
    issue = models.CharField(max_length=300)
    recommendation = models.TextField()
    owner = models.CharField(max_length=120, blank=True)
    due_date = models.DateField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.issue


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


# The scenario studio's models live with the studio (exercises/studio/); Django finds
# an app's models through this module.
from exercises.studio.models import Scenario, ScenarioVersion  # noqa: E402, F401
