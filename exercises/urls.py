from django.urls import path

from exercises.views import console, facilitator, observers, projector, public, team

urlpatterns = [
    path("", public.home, name="home"),
    path("healthz", public.healthz, name="healthz"),
    path("join/", public.join, name="join"),
    path("join/<str:code>/", public.join, name="join_code"),
    # Facilitator
    path("exercises/", facilitator.exercise_list, name="exercise_list"),
    path("exercises/new/", facilitator.exercise_create, name="exercise_create"),
    path("exercises/<int:exercise_id>/", console.exercise_console, name="exercise_detail"),
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

# --- Live console, projector, join kit, observers (issue #4) ---------------------------------
E = "exercises/<int:exercise_id>/"
urlpatterns += [
    path(f"{E}poll/", console.console_poll, name="console_poll"),
    path(f"{E}offers/<int:number>/", console.console_offer, name="console_offer"),
    path(f"{E}rounds/<int:number>/pause/", console.round_pause, name="round_pause"),
    path(f"{E}rounds/<int:number>/resume/", console.round_resume, name="round_resume"),
    path(f"{E}rounds/<int:number>/extend/", console.round_extend, name="round_extend"),
    path(f"{E}injects/push/", console.inject_push, name="inject_push"),
    path(f"{E}injects/", console.inject_write, name="inject_write"),
    path(f"{E}leaderboard/", console.leaderboard_reveal, name="leaderboard_reveal"),
    path(f"{E}commitments/<int:commitment_id>/override/", console.commitment_override, name="commitment_override"),
    path(f"{E}players/<int:participant_id>/move/", console.player_move, name="player_move"),
    path(f"{E}players/<int:participant_id>/remove/", console.player_remove, name="player_remove"),
    path(f"{E}observers/", console.observer_invite, name="observer_invite"),
    path(f"{E}projector/", projector.projector, name="projector"),
    path(f"{E}projector/poll/", projector.projector_poll, name="projector_poll"),
    path(f"{E}join-cards/", projector.join_cards, name="join_cards"),
    path("observe/<str:token>/", observers.observe, name="observe"),
    path("observe/<str:token>/poll/", observers.observer_poll, name="observer_poll"),
    path("observe/<str:token>/offers/<int:number>/", observers.observer_offer, name="observer_offer"),
    path("observe/<str:token>/observations/", observers.observation_create, name="observation_create"),
]
