"""Scenarios written in the studio. Built-in packs stay YAML files in exercises/scenarios/."""

from django.conf import settings
from django.db import models


class Scenario(models.Model):
    """A facilitator's own scenario. Its content lives in its versions, the newest first."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scenarios")
    key = models.CharField(max_length=64)  # the pack's ``key``; unique per owner, never a built-in key
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="scenario_key_unique_per_owner")]

    def __str__(self) -> str:
        return self.key

    def latest(self) -> "ScenarioVersion":
        return self.versions.order_by("-number").first()


class ScenarioVersion(models.Model):
    """One save of a scenario: a validated snapshot (docs/scenario-format.md), never changed.

    An exercise created from it points here and keeps its own copy of the snapshot, so a
    later save never changes a running or finished exercise or its report.
    """

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    # where this version came from: "blank", "duplicate of <title> v2", "upload", "studio"
    origin = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scenario", "-number"]
        constraints = [models.UniqueConstraint(fields=["scenario", "number"], name="scenario_version_unique")]

    def __str__(self) -> str:
        return f"{self.scenario.key} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("A scenario version is never changed: save a new one.")
        super().save(*args, **kwargs)

    @property
    def title(self) -> str:
        return self.data.get("title", "")
