"""What was offered and agreed: offers, the answers to them, their commitments (the ledger) and the scores.

``commitment_summary`` is the one line every page shows for a commitment; ``SUMMARY_TERMS``
the terms it reads, derived from the rules' ``COMMITMENT_TERMS``.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from exercises.models.exercise import Exercise, Participant, Round, Team
from exercises.rules.model import TEXT_FIELDS


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

    @property
    def links(self) -> tuple[int, ...]:
        """The positions this step waits for ("Only if commitment no."), as the ledger reads them.
        Stored as forms.only_if parsed them; JSON may hand them back as other numbers."""
        return tuple(int(p) for p in self.conditional_on or ())


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
# Who commits, then the terms written as text (rules.model), less the two a one-line
# summary leaves to the full view: how a step is verified and how long it lasts. The
# parties it is for, its catalogue item, links and phase are structure, shown elsewhere.
SUMMARY_OMITS = ("verification", "duration")
SUMMARY_TERMS = ("by", *(name for name in TEXT_FIELDS if name not in SUMMARY_OMITS))


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
