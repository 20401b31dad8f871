from django.contrib import admin

from exercises.models import Event, Exercise, Offer, Participant, Round, Team


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0
    fields = ("key", "name", "join_code")
    readonly_fields = ("join_code",)


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ("title", "facilitator", "status", "num_rounds", "created_at")
    list_filter = ("status",)
    inlines = [TeamInline]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ("display_name", "team", "joined_at", "last_seen_at")


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("exercise", "number", "status", "deadline")


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ("exercise", "number", "from_team", "status", "specificity", "reciprocity")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, in the admin too."""

    list_display = ("created_at", "exercise", "kind", "actor")
    list_filter = ("kind",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
