"""An exercise and its table: the teams, their players, the rounds and the news pushed to them.

Also the join codes and tokens that open them. ``Exercise.bump`` publishes each change to
the poll cache (exercises/live/).
"""

import secrets
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db import connection, models
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
