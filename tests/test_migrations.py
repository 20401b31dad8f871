"""Data migrations, run on real rows: from the migration before each to the one that changes them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("exercises", "0002_exercise_archive_and_management_events")]
AFTER = [("exercises", "0003_participant_removal_and_event_log_protection")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_names_differing_only_in_case_stay_separate_players():
    apps = migrate(BEFORE)
    user = apps.get_model("auth", "User").objects.create(username="mig")
    exercise = apps.get_model("exercises", "Exercise").objects.create(
        facilitator=user, title="Old", scenario_key="s", scenario={}
    )
    team = apps.get_model("exercises", "Team").objects.create(exercise=exercise, key="USA", name="USA")
    Participant = apps.get_model("exercises", "Participant")
    ids = [Participant.objects.create(team=team, display_name=name).pk for name in ("Twin", "twin", " Ann ")]
    try:
        apps = migrate(AFTER)
        Participant = apps.get_model("exercises", "Participant")
        keys = dict(Participant.objects.values_list("pk", "name_key"))
        assert keys == {ids[0]: "twin", ids[1]: f"twin#{ids[1]}", ids[2]: "ann"}
        assert not Participant.objects.filter(removed_at__isnull=False).exists()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest, for the next tests
