from django.urls import path

from exercises.views import facilitator, public, team

urlpatterns = [
    path("", public.home, name="home"),
    path("healthz", public.healthz, name="healthz"),
    path("join/", public.join, name="join"),
    path("join/<str:code>/", public.join, name="join_code"),
    # Facilitator
    path("exercises/", facilitator.exercise_list, name="exercise_list"),
    path("exercises/new/", facilitator.exercise_create, name="exercise_create"),
    path("exercises/<int:exercise_id>/", facilitator.exercise_detail, name="exercise_detail"),
    path("exercises/<int:exercise_id>/rounds/start/", facilitator.round_start, name="round_start"),
    path("exercises/<int:exercise_id>/rounds/<int:number>/", facilitator.round_results, name="round_results"),
    path("exercises/<int:exercise_id>/rounds/<int:number>/close/", facilitator.round_close, name="round_close"),
    path("exercises/<int:exercise_id>/end/", facilitator.exercise_end, name="exercise_end"),
    # Teams
    path("play/<int:team_id>/", team.team_room, name="team_room"),
    path("play/<int:team_id>/poll/", team.team_poll, name="team_poll"),
    path("play/<int:team_id>/composer/", team.composer_refresh, name="composer_refresh"),
    path("play/<int:team_id>/preview/", team.offer_preview, name="offer_preview"),
    path("play/<int:team_id>/offers/", team.offer_submit, name="offer_submit"),
    path("play/<int:team_id>/offers/<int:number>/", team.offer_detail, name="offer_detail"),
    path("play/<int:team_id>/offers/<int:number>/respond/", team.offer_respond, name="offer_respond"),
]
