"""The admin shows the game's record; it never rewrites it.

Every change to an exercise goes through the services, which record an Event. An
admin form editing a round, an offer or a player, or deleting one (which cascades to
offers and would clear the round or team named by past events), would bypass that, so
the game's models are view-only here. The database backs this up: an event restricts
the deletion of the round or team it names, unless the whole exercise, log included,
is deleted with it (models.Event).
"""

from django.contrib import admin

from exercises.models import Event, Exercise, Offer, Participant, Round, Team


class ReadOnly:
    """View only: no adding, changing or deleting."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TeamInline(ReadOnly, admin.TabularInline):
    model = Team
    extra = 0
    fields = ("key", "name", "join_code")


@admin.register(Exercise)
class ExerciseAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("title", "facilitator", "status", "num_rounds", "created_at")
    list_filter = ("status",)
    inlines = [TeamInline]


@admin.register(Participant)
class ParticipantAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("display_name", "team", "joined_at", "last_seen_at", "removed_at")


@admin.register(Round)
class RoundAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("exercise", "number", "status", "deadline")


@admin.register(Offer)
class OfferAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("exercise", "number", "from_team", "status", "specificity", "reciprocity")


@admin.register(Event)
class EventAdmin(ReadOnly, admin.ModelAdmin):
    """The log is append-only, in the admin too."""

    list_display = ("created_at", "exercise", "kind", "actor")
    list_filter = ("kind",)
