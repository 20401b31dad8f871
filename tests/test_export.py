"""Data files: CSV and XLSX read back to the same rows, formula injection, JSON schema, round trip."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from exercises import services
from exercises.models import (
    Commitment,
    Event,
    Exercise,
    ImprovementItem,
    Inject,
    Observation,
    Observer,
    Offer,
    Participant,
    ReportNarrative,
    Response,
    Round,
    Team,
    TeamScore,
)
from exercises.reports import tables
from exercises.reports.data import build_report
from exercises.reports.edits import save_narrative
from exercises.reports.export import export_exercise, import_exercise
from exercises.reports.schema import validate_export
from tests import factories
from tests.test_report_content import played_exercise

EVIL = ('=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tTAB", "\rCR")


@pytest.fixture
def played(db):
    exercise = played_exercise(rounds=3, seed="export-test")
    observer = Observer.objects.create(exercise=exercise, name="Dr Evans")
    Observation.objects.create(
        exercise=exercise, observer=observer, author="Dr Evans", round=exercise.rounds.first(), text="Good."
    )
    Observation.objects.create(exercise=exercise, author="facilitator demo", text="Whole exercise note.")
    save_narrative(exercise=exercise, text="**Summary**", actor="t")
    ImprovementItem.objects.create(exercise=exercise, issue="I", recommendation="R", owner="O", order=1)
    return exercise


def test_csv_files_parse_back_to_the_report_rows(played, client):
    client.force_login(played.facilitator)
    report = build_report(played)
    for name in tables.TABLES:
        response = client.get(f"/exercises/{played.pk}/report/{name}.csv")
        assert response["Content-Type"].startswith("text/csv")
        assert response.content.startswith(b"\xef\xbb\xbf"), "a UTF-8 byte-order mark, for Excel"
        parsed = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        columns, rows = tables.table(report, name)
        assert parsed[0] == list(columns)
        assert parsed[1:] == [[str(v) for v in row] for row in rows]
        assert len(parsed) > 3
    assert len(tables.table(report, "events")[1]) == played.events.count()
    assert len(tables.table(report, "offers")[1]) == played.offers.count()


def test_xlsx_has_one_sheet_per_table_with_the_same_rows(played, client):
    client.force_login(played.facilitator)
    content = client.get(f"/exercises/{played.pk}/report/report.xlsx").content
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    report = build_report(played)
    assert workbook.sheetnames == ["Teams", "Participants", "Scores", "Offers", "Commitments", "Events"]
    for name in tables.TABLES:
        columns, rows = tables.table(report, name)
        sheet = list(workbook[name.capitalize()].iter_rows(values_only=True))
        assert list(sheet[0]) == list(columns)
        assert [[("" if v is None else v) for v in row] for row in sheet[1:]] == rows


def test_formula_injection_is_neutralised(db, facilitator):
    exercise = factories.make_exercise(facilitator)
    usa = factories.make_player(exercise, "USA")
    dprk = factories.make_player(exercise, "DPRK")
    services.start_round(exercise=exercise, actor="t")
    rows = [{"by": "DPRK", "to": ["USA"], "text": text} for text in EVIL]
    services.submit_offer(participant=dprk, recipients=[usa.team], commitments=rows, client_token="x", message=EVIL[0])
    report = build_report(exercise)
    texts = [row[tables.COMMITMENT_COLUMNS.index("text")] for row in tables.table(report, "commitments")[1]]
    assert texts == ["'" + t for t in EVIL]
    message = tables.table(report, "offers")[1][0][tables.OFFER_COLUMNS.index("message")]
    assert message == "'" + EVIL[0]
    parsed = list(csv.reader(io.StringIO(tables.to_csv(report, "commitments"))))
    assert all(not cell.startswith(tables.FORMULA_STARTS) for row in parsed[1:] for cell in row if cell)
    workbook = load_workbook(io.BytesIO(tables.to_xlsx(report)))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value
    # Numbers are not text and keep their sign.
    assert tables.neutralise(-3) == -3 and tables.neutralise("plain") == "plain"


def test_the_json_export_validates_against_its_schema(played, client):
    client.force_login(played.facilitator)
    data = json.loads(client.get(f"/exercises/{played.pk}/report/export.json").content)
    assert validate_export(data) == []
    for key in ("scenario", "teams", "participants", "rounds", "injects", "offers", "responses", "commitments",
                "events", "scores", "observations", "improvement_items"):  # fmt: skip
        assert data[key], key
    assert len(data["events"]) == played.events.count()


def test_the_schema_ships_inside_the_package_in_one_copy():
    from django.conf import settings

    from exercises.reports import schema

    assert schema.SCHEMA_FILE.is_file()
    assert schema.export_schema()["type"] == "object"
    assert not (settings.BASE_DIR / "docs" / "export-schema.json").exists()  # one copy: docs link to it
    doc = (settings.BASE_DIR / "docs" / "export-format.md").read_text(encoding="utf-8")
    assert "(../exercises/reports/export-schema.json)" in doc


def test_the_schema_check_catches_broken_files(played):
    data = json.loads(json.dumps(export_exercise(played)))
    good = validate_export(data)
    assert good == []
    data["version"] = 4
    del data["teams"][0]["key"]
    data["offers"][0]["status"] = "maybe"
    data["rounds"][0]["opened_at"] = "yesterday"
    data["extra"] = 1
    problems = " | ".join(validate_export(data))
    for expected in ("$.version", "$.teams[0]: missing 'key'", "$.offers[0].status", "$.rounds[0].opened_at",
                     "unexpected key 'extra'"):  # fmt: skip
        assert expected in problems


# Secrets regenerated on import, and fields that are ids; everything else must match.
SKIP = {"id", "exercise", "join_code", "token", "observer_token", "user"}
TABLES = (
    (Team, lambda e: Team.objects.filter(exercise=e)),
    (Participant, lambda e: Participant.objects.filter(team__exercise=e)),
    (Round, lambda e: Round.objects.filter(exercise=e)),
    (Inject, lambda e: Inject.objects.filter(exercise=e)),
    (Offer, lambda e: Offer.objects.filter(exercise=e)),
    (Commitment, lambda e: Commitment.objects.filter(offer__exercise=e).order_by("offer__number", "position")),
    (Response, lambda e: Response.objects.filter(offer__exercise=e)),
    (TeamScore, lambda e: TeamScore.objects.filter(round__exercise=e)),
    (Event, lambda e: Event.objects.filter(exercise=e)),
    (Observer, lambda e: Observer.objects.filter(exercise=e)),
    (Observation, lambda e: Observation.objects.filter(exercise=e)),
    (ReportNarrative, lambda e: ReportNarrative.objects.filter(exercise=e)),
    (ImprovementItem, lambda e: ImprovementItem.objects.filter(exercise=e)),
)


def snapshot(exercise: Exercise) -> dict:
    """Every row's own fields in model order; foreign keys as natural keys, not ids."""
    exercise = Exercise.objects.get(pk=exercise.pk)
    out = {"exercise": _row(exercise)}
    for model, rows in TABLES:
        out[model.__name__] = [_row(obj) for obj in rows(exercise)]
    return out


def _natural(obj):
    if obj is None:
        return None
    if isinstance(obj, Team):
        return obj.key
    if isinstance(obj, Round):
        return obj.number
    if isinstance(obj, Offer):
        return obj.number
    if isinstance(obj, Participant):
        return (obj.team.key, obj.display_name)
    if isinstance(obj, Observer):
        return obj.name
    return str(obj)


def _row(obj) -> dict:
    row = {}
    for f in obj._meta.concrete_fields:
        if f.name in SKIP:
            continue
        if f.is_relation:
            row[f.name] = _natural(getattr(obj, f.name))
        else:
            row[f.name] = getattr(obj, f.attname)
    for f in obj._meta.many_to_many:
        row[f.name] = [_natural(o) for o in getattr(obj, f.name).all()]
    if isinstance(obj, Exercise):
        row["facilitator"] = obj.facilitator.get_username()
    return row


def test_export_then_import_round_trips_exactly(played, tmp_path):
    before = snapshot(played)
    path = tmp_path / "export.json"
    call_command("export_exercise", str(played.pk), "--output", str(path))
    out = io.StringIO()
    call_command("import_exercise", str(path), stdout=out)
    copy = Exercise.objects.order_by("-pk").first()
    assert copy.pk != played.pk and "Imported exercise" in out.getvalue()
    after = snapshot(copy)
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    assert len(after["Event"]) == played.events.count() > 50
    # New secrets: the copy's join codes do not let anyone into the original.
    assert not set(copy.teams.values_list("join_code", flat=True)) & set(
        played.teams.values_list("join_code", flat=True)
    )


def test_round_trip_keeps_counters_pauses_and_audiences(db, facilitator):
    exercise = factories.make_exercise(facilitator)
    usa = factories.make_player(exercise, "USA")
    dprk = factories.make_player(exercise, "DPRK")
    first = services.start_round(exercise=exercise, actor="t")
    parent = factories.send_offer(dprk, [usa.team])
    factories.send_offer(usa, [dprk.team], factories.specific_rows("USA", "DPRK"), parent=parent)
    services.push_inject(exercise=exercise, actor="t", inject_data={"title": "T", "text": "x"}, audience=[usa.team])
    services.pause_round(round=first, actor="t")
    copy = import_exercise(json.loads(json.dumps(export_exercise(exercise))), facilitator=facilitator)
    assert snapshot(copy) == snapshot(exercise)
    assert copy.offers.get(number=2).parent.number == 1


def test_import_refuses_bad_files_with_a_message(db, tmp_path, facilitator):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    with pytest.raises(CommandError, match="Not a valid Tabletop export"):
        call_command("import_exercise", str(bad), "--facilitator", facilitator.username)
    bad.write_text("not json")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_exercise", str(bad))
    with pytest.raises(CommandError, match="No user"):
        call_command("import_exercise", str(bad), "--facilitator", "nobody")
    with pytest.raises(CommandError, match="No exercise"):
        call_command("export_exercise", "999999")
    assert Exercise.objects.count() == 0


def test_a_version_2_file_still_imports_with_no_step_voided_withdrawn_or_valued(played, facilitator):
    data = json.loads(json.dumps(export_exercise(played)))
    data["version"] = 2
    for c in data["commitments"]:
        for key in ("breach_position", "withdrawn_in", "settled_at_end", "umpire_value"):
            del c[key]
    for r in data["rounds"]:
        del r["reckoning_from"]
    for r in data["responses"]:
        del r["note"]
    assert validate_export(data) == []
    copy = import_exercise(data, facilitator=facilitator)
    commitments = Commitment.objects.filter(offer__exercise=copy)
    assert commitments.count() == Commitment.objects.filter(offer__exercise=played).count() > 0
    assert not commitments.filter(settled_at_end=True).exists()
    assert all(c.umpire_value == {} and c.breach_position is None for c in commitments)
