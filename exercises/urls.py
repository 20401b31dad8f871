from django.urls import path

from exercises.views import (
    console,
    facilitator,
    manage,
    observers,
    projector,
    public,
    reports,
    rounds,
    stand_ins,
    studio,
    team,
)

E = "exercises/<int:exercise_id>/"

urlpatterns = [
    # The polls first: they are nearly every request a lecture hall makes, and Django
    # tries the patterns in order (what a dozen misses cost: docs/performance.md).
    path("play/<int:team_id>/poll/", team.team_poll, name="team_poll"),
    path(f"{E}poll/", console.console_poll, name="console_poll"),
    path(f"{E}projector/poll/", projector.projector_poll, name="projector_poll"),
    path("observe/<str:token>/poll/", observers.observer_poll, name="observer_poll"),
    # Public
    path("", public.home, name="home"),
    path("healthz", public.healthz, name="healthz"),
    path("join/", public.join, name="join"),
    path("join/<str:code>/", public.join, name="join_code"),
    # Facilitator
    path("exercises/", facilitator.exercise_list, name="exercise_list"),
    path("exercises/new/", facilitator.exercise_create, name="exercise_create"),
    path("exercises/<int:exercise_id>/", console.exercise_console, name="exercise_detail"),
    path("exercises/<int:exercise_id>/rounds/start/", rounds.round_start, name="round_start"),
    path("exercises/<int:exercise_id>/rounds/<int:number>/", facilitator.round_results, name="round_results"),
    path("exercises/<int:exercise_id>/rounds/<int:number>/close/", rounds.round_close, name="round_close"),
    path("exercises/<int:exercise_id>/end/", rounds.exercise_end, name="exercise_end"),
    path(f"{E}settings/", manage.exercise_settings, name="exercise_settings"),
    path(f"{E}duplicate/", manage.exercise_duplicate, name="exercise_duplicate"),
    path(f"{E}archive/", manage.exercise_archive, name="exercise_archive"),
    path(f"{E}delete/", manage.exercise_delete, name="exercise_delete"),
    # Teams
    path("play/<int:team_id>/", team.team_room, name="team_room"),
    path("play/<int:team_id>/composer/", team.composer_refresh, name="composer_refresh"),
    path("play/<int:team_id>/preview/", team.offer_preview, name="offer_preview"),
    path("play/<int:team_id>/offers/", team.offer_submit, name="offer_submit"),
    path("play/<int:team_id>/offers/<int:number>/", team.offer_detail, name="offer_detail"),
    path("play/<int:team_id>/offers/<int:number>/respond/", team.offer_respond, name="offer_respond"),
]

# --- Live console, projector, join kit, observers (issue #4) ---------------------------------
urlpatterns += [
    path(f"{E}offers/<int:number>/", console.console_offer, name="console_offer"),
    path(f"{E}rounds/<int:number>/pause/", rounds.round_pause, name="round_pause"),
    path(f"{E}rounds/<int:number>/resume/", rounds.round_resume, name="round_resume"),
    path(f"{E}rounds/<int:number>/extend/", rounds.round_extend, name="round_extend"),
    path(f"{E}injects/push/", console.inject_push, name="inject_push"),
    path(f"{E}injects/", console.inject_write, name="inject_write"),
    path(f"{E}triggers/fire/", console.trigger_fire, name="trigger_fire"),
    path(f"{E}triggers/disarm/", console.trigger_disarm, name="trigger_disarm"),
    path(f"{E}leaderboard/", console.leaderboard_reveal, name="leaderboard_reveal"),
    path(f"{E}commitments/<int:commitment_id>/override/", console.commitment_override, name="commitment_override"),
    path(f"{E}commitments/<int:commitment_id>/value/", console.commitment_value, name="commitment_value"),
    path(f"{E}players/<int:participant_id>/move/", console.player_move, name="player_move"),
    path(f"{E}players/<int:participant_id>/remove/", console.player_remove, name="player_remove"),
    path(f"{E}players/<int:participant_id>/readmit/", console.player_readmit, name="player_readmit"),
    path(f"{E}teams/<int:team_id>/join-code/", console.join_code_rotate, name="join_code_rotate"),
    path(f"{E}observers/", console.observer_invite, name="observer_invite"),
    path(f"{E}projector/", projector.projector, name="projector"),
    path(f"{E}join-cards/", projector.join_cards, name="join_cards"),
    path("observe/<str:token>/", observers.observe, name="observe"),
    path("observe/<str:token>/offers/<int:number>/", observers.observer_offer, name="observer_offer"),
    path("observe/<str:token>/observations/", observers.observation_create, name="observation_create"),
]

# --- After-action report, exports and debrief (issue #5) ---------------------------------------
R = "exercises/<int:exercise_id>/report/"
urlpatterns += [
    path(R, reports.report, name="report"),
    path(f"{R}report.pdf", reports.report_pdf, name="report_pdf"),
    path(f"{R}debrief/", reports.report_debrief, name="report_debrief"),
    path(f"{R}debrief.pdf", reports.report_debrief_pdf, name="report_debrief_pdf"),
    path(f"{R}report.xlsx", reports.report_xlsx, name="report_xlsx"),
    path(f"{R}export.json", reports.export_json, name="report_export_json"),
    *(path(f"{R}{t}.csv", reports.report_csv, {"table": t}, name=f"report_{t}_csv") for t in reports.CSV_TABLES),
    path(f"{R}narrative/", reports.narrative_edit, name="narrative_edit"),
    path(f"{R}plan/new/", reports.improvement_add, name="improvement_add"),
    path(f"{R}plan/<int:item_id>/", reports.improvement_edit, name="improvement_edit"),
    path(f"{R}plan/<int:item_id>/delete/", reports.improvement_delete, name="improvement_delete"),
    path("observe/<str:token>/report/", reports.observer_report, name="observer_report"),
    path("observe/<str:token>/report/report.pdf", reports.observer_report_pdf, name="observer_report_pdf"),
    path("play/<int:team_id>/debrief/", reports.team_debrief, name="team_debrief"),
    path("play/<int:team_id>/debrief/debrief.pdf", reports.team_debrief_pdf, name="team_debrief_pdf"),
]

# --- Stand-ins and rehearsals (issue #16) -------------------------------------------------------
urlpatterns += [
    path(f"{E}teams/<int:team_id>/bot/", stand_ins.team_bot, name="team_bot"),
    path(f"{E}bots/pace/", stand_ins.bot_pace, name="bot_pace"),
    path(f"{E}rehearsal/", stand_ins.rehearsal_start, name="rehearsal_start"),
]

# --- Scenario studio (issue #17): own scenarios, versions, YAML in and out -------------------
S = "studio/<int:scenario_id>/"
urlpatterns += [
    path("studio/", studio.studio_list, name="studio_list"),
    path("studio/new/", studio.studio_new, name="studio_new"),
    path("studio/duplicate/", studio.studio_duplicate, name="studio_duplicate"),
    path("studio/upload/", studio.studio_upload, name="studio_upload"),
    path("studio/yaml/<str:ref>/", studio.studio_download, name="studio_download"),
    path(S, studio.studio_edit, name="studio_edit"),
    path(f"{S}preview/<str:team_key>/", studio.studio_preview, name="studio_preview"),
    path(f"{S}simulate/", studio.studio_simulate, name="studio_simulate"),
]
