"""The debrief's material: observers and their observations, the facilitator's narrative, the improvement plan."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from exercises.models.exercise import Exercise, Round, Team, new_token


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
