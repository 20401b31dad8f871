"""Property-based fuzzing: random, huge, unicode, negative and mismatched values posted to
every form and fed to the scoring command. The answer is never a 500."""

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercises import services
from exercises.rules import cli
from exercises.scenarios import load_scenario
from tests import factories

# Derandomized: CI runs the same cases every time (hypothesis still shrinks and explores
# them); `--hypothesis-seed` or a local edit explores others.
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large, HealthCheck.too_slow],
)

# Numbers as browsers may send them: digits of other scripts, superscripts and fractions
# (which str.isdigit() accepts and int() refuses), signs, separators, and values past
# every bound, up to Python's 4,300-digit limit for int() and beyond.
odd_numbers = st.one_of(
    st.sampled_from(["²", "¹²", "½", "⑫", "٣", "१२", "１２", "𝟏", "1_000", "1e3", "0x1f", "-0", "+7", " 7 ", "7\x00"]),
    st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=25),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(["9" * 19, "9" * 4300, "9" * 5000, "1" + "0" * 18]),
)
# Values a mischievous class types: unicode, control characters, markup, huge, negative, lists.
junk_text = st.one_of(
    odd_numbers,
    st.text(max_size=60),
    st.just("x" * 2001),
    st.just("é" * 5000),
    st.sampled_from(["<script>alert(1)</script>", "=cmd|' /C calc'!A0", "-1", "0", "1e309", "NaN", "\x00", "🇰🇷🇰🇵"]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)
junk = st.one_of(junk_text, st.lists(junk_text, max_size=4))
OK_STATUSES = {200, 204, 286, 302, 400, 404, 405, 409, 429}


def composer_data(draw_fields: dict) -> dict:
    data = {"c-INITIAL_FORMS": "0", "c-MIN_NUM_FORMS": "1", "c-MAX_NUM_FORMS": "12"}
    data.update(draw_fields)
    return data


COMPOSER_KEYS = [
    "c-TOTAL_FORMS",
    "recipients",
    "client_token",
    "parent",
    "message",
    "c-0-kind",
    "c-0-by",
    "c-0-to",
    "c-0-action",
    "c-0-object",
    "c-0-quantity",
    "c-0-unit",
    "c-0-site",
    "c-0-deadline",
    "c-0-verification",
    "c-0-phase",
    "c-0-conditional_on",
    "c-0-duration",
    "c-0-text",
    "c-0-filled_kind",
    "remove_row",
    "add_row",
]


@pytest.fixture
def open_round(exercise, usa, dprk):
    services.start_round(exercise=exercise, actor="t")
    return exercise


@FUZZ
@given(fields=st.fixed_dictionaries({}, optional={k: junk for k in COMPOSER_KEYS}))
def test_composer_endpoints_never_fail(open_round, dprk, dprk_client, fields):
    # One seated browser for every example: rejoining in a loop is rate-limited.
    client = dprk_client
    for path in ("offers/", "preview/", "composer/"):
        response = client.post(f"/play/{dprk.team_id}/{path}", composer_data(fields))
        assert response.status_code in OK_STATUSES, (path, response.status_code)


@FUZZ
@given(answer=junk, number=st.integers(min_value=-5, max_value=10**12))
def test_respond_never_fails(open_round, usa, dprk, usa_client, answer, number):
    client = usa_client
    response = client.post(f"/play/{usa.team_id}/offers/{number}/respond/", {"answer": answer})
    assert response.status_code in OK_STATUSES


@FUZZ
@given(code=junk, name=junk)
def test_join_never_fails(client, exercise, code, name):
    from django.core.cache import cache

    cache.clear()  # the rate limit is not what this test is about
    response = client.post("/join/", {"code": code, "display_name": name})
    assert response.status_code in OK_STATUSES


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {}, optional={k: junk for k in ("title", "scenario", "teams", "num_rounds", "round_minutes")}
    )
)
def test_create_exercise_never_fails(facilitator_client, data):
    response = facilitator_client.post("/exercises/new/", data)
    assert response.status_code in OK_STATUSES


@FUZZ
@given(rev=junk_text)
def test_poll_never_fails(exercise, usa, usa_client, rev):
    client = usa_client
    assert client.get(f"/play/{usa.team_id}/poll/", {"rev": rev}).status_code in OK_STATUSES


# Every number a page reads from its query string, on every page that reads one.
QUERY_NUMBERS = [
    ("team", "/play/{team}/", "counter"),
    ("team", "/play/{team}/poll/", "rev"),
    ("facilitator", "/exercises/{exercise}/poll/", "rev"),
    ("facilitator", "/exercises/{exercise}/poll/", "at"),
    ("facilitator", "/exercises/{exercise}/projector/poll/", "rev"),
    ("facilitator", "/observe/{token}/poll/", "rev"),
    ("facilitator", "/observe/{token}/poll/", "at"),
]


@FUZZ
@given(value=odd_numbers, other=odd_numbers)
def test_numbers_in_query_strings_never_fail(facilitator_client, open_round, usa, usa_client, value, other):
    from exercises.models import Observer

    observer = Observer.objects.get_or_create(exercise=open_round, name="Dean")[0]
    clients = {"team": usa_client, "facilitator": facilitator_client}
    for who, path, name in QUERY_NUMBERS:
        url = path.format(team=usa.team_id, exercise=open_round.pk, token=observer.token)
        response = clients[who].get(url, {name: value, "rev" if name == "at" else "at": other})
        assert response.status_code in OK_STATUSES, (url, name, response.status_code)


@FUZZ
@given(number=st.one_of(st.integers(min_value=0, max_value=10**40), st.sampled_from([2**63, 2**63 - 1, 2**31])))
def test_numbers_in_paths_never_fail(facilitator_client, open_round, usa, usa_client, number):
    client = usa_client
    for url in (f"/play/{number}/", f"/play/{usa.team_id}/offers/{number}/", f"/exercises/{number}/"):
        assert client.get(url).status_code in OK_STATUSES, url
    for path in ("rounds/{n}/", "offers/{n}/", "rounds/{n}/pause/", "players/{n}/move/", "teams/{n}/join-code/"):
        url = f"/exercises/{open_round.pk}/" + path.format(n=number)
        method = facilitator_client.post if path.endswith(("pause/", "move/", "join-code/")) else facilitator_client.get
        assert method(url).status_code in OK_STATUSES, url


@settings(max_examples=500, deadline=None, derandomize=True)
@given(
    raw=st.one_of(odd_numbers, st.text(max_size=30)), low=st.integers(-(10**20), 10**20), span=st.integers(0, 10**20)
)
def test_the_number_parser_reads_a_bounded_number_or_says_why(raw, low, span):
    from exercises import numbers

    try:
        value = numbers.parse_int(raw, low=low, high=low + span)
    except numbers.NotANumber as exc:
        assert str(exc).startswith("Enter a whole number")
    else:
        assert low <= value <= low + span and int(raw.strip()) == value


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=20,
)
commitment_keys = ["id", "to", "kind", "action", "quantity", "unit", "deadline", "verification"]
commitment_keys += ["conditional_on", "phase", "value", "text"]
commitments = st.fixed_dictionaries(
    {"by": st.sampled_from(["USA", "DPRK", "Mars", ""])},
    optional={k: json_values for k in commitment_keys},
)
offers_payload = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {
            "offers": st.lists(
                st.fixed_dictionaries({"id": json_values, "commitments": st.lists(commitments, max_size=4)}), max_size=3
            )
        },
        optional={"scenario": st.sampled_from(["second-summit-2019", "atlantis", 3])},
    ),
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(payload=offers_payload)
def test_score_offers_command_never_crashes(payload):
    out, err = io.StringIO(), io.StringIO()
    code = cli.run("-", io.StringIO(json.dumps(payload)), out, err, load_scenario)
    if code == 0:
        assert "results" in json.loads(out.getvalue())
    else:
        assert code == 2 and len(err.getvalue().strip().splitlines()) == 1 and "Traceback" not in err.getvalue()


def test_fuzz_factories_still_make_valid_offers(open_round, usa, dprk):
    # A control: the fuzzed endpoints do accept well-formed input.
    assert factories.send_offer(dprk, [usa.team]).pk


# --- the facilitator's console, the observer form and the report editors ---------------------

FACILITATOR_FIELDS = [
    "title", "text", "tension", "audience", "minutes", "key", "outcome", "reason", "team", "reveal",
    "name", "round", "issue", "recommendation", "owner", "due_date",
]  # fmt: skip
FACILITATOR_POSTS = [
    "rounds/1/pause/",
    "rounds/1/resume/",
    "rounds/1/extend/",
    "injects/push/",
    "injects/",
    "leaderboard/",
    "commitments/{commitment}/override/",
    "commitments/{commitment}/value/",
    "players/{player}/move/",
    "observers/",
    "report/narrative/",
    "report/plan/new/",
    "report/plan/{item}/",
]


@pytest.fixture
def console_world(open_round, usa, dprk):
    from exercises.models import ImprovementItem, Observer

    offer = factories.send_offer(dprk, [usa.team])
    return {
        "commitment": offer.commitments.first().pk,
        "player": usa.pk,
        "item": ImprovementItem.objects.create(exercise=open_round, issue="i", recommendation="r").pk,
        "observer": Observer.objects.create(exercise=open_round, name="Dean").token,
    }


@FUZZ
@given(fields=st.fixed_dictionaries({}, optional={k: junk for k in FACILITATOR_FIELDS}))
def test_console_observer_and_report_forms_never_fail(facilitator_client, open_round, console_world, fields):
    base = f"/exercises/{open_round.pk}/"
    for path in FACILITATOR_POSTS:
        url = base + path.format(**console_world)
        response = facilitator_client.post(url, fields)
        assert response.status_code in OK_STATUSES, (url, response.status_code)
    response = facilitator_client.post(f"/observe/{console_world['observer']}/observations/", fields)
    assert response.status_code in OK_STATUSES
