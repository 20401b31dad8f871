"""One table says who may reach every URL; this test walks the URL configuration and
checks every route, for every role, with GET and POST, against it.

A route missing from the table fails the test, so no future page escapes the check.
Clients enforce CSRF and send the token the way htmx does (X-CSRFToken header).
"""

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from exercises import services
from exercises.models import ImprovementItem, Observer
from exercises.scenarios import DEFAULT_SCENARIO_KEY
from exercises.studio import library
from tests import factories

# Who is asking. An observer holds only the share link (the token in the URL).
ROLES = ("anonymous", "other_exercise_player", "other_team_player", "other_facilitator", "observer", "team_player")
ROLES += ("owner",)  # last: the one role that may change the exercise runs after the others looked


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    methods: str  # "G", "P" or "GP": what the view answers for an allowed role
    ended: bool = False  # reach it in an exercise that has ended (the debrief)


def rule(who: str, methods: str, **kw) -> Rule:
    return Rule(frozenset(GROUPS[who]), methods, **kw)


GROUPS = {
    "everyone": ROLES,
    "owner": ("owner",),
    "facilitators": ("owner", "other_facilitator"),  # any logged-in facilitator, for their own list
    "team": ("team_player",),
    "link": ROLES,  # the observer link is the credential: whoever has it is the observer
}

TABLE: dict[str, Rule] = {
    # Public
    "home": rule("everyone", "G"),
    "healthz": rule("everyone", "G"),
    "join": rule("everyone", "GP"),
    "join_code": rule("everyone", "GP"),
    "login": rule("everyone", "GP"),
    "admin_login": rule("everyone", "GP"),
    "logout": rule("everyone", "P"),
    # Facilitator (owner only)
    "exercise_list": rule("facilitators", "G"),
    "exercise_create": rule("facilitators", "GP"),
    "exercise_detail": rule("owner", "G"),
    "console_poll": rule("owner", "G"),
    "console_offer": rule("owner", "G"),
    "round_start": rule("owner", "P"),
    "round_results": rule("owner", "G"),
    "round_close": rule("owner", "P"),
    "round_pause": rule("owner", "P"),
    "round_resume": rule("owner", "P"),
    "round_extend": rule("owner", "P"),
    "exercise_end": rule("owner", "P"),
    "exercise_settings": rule("owner", "GP"),
    "exercise_duplicate": rule("owner", "P"),
    "exercise_archive": rule("owner", "P"),
    "exercise_delete": rule("owner", "P"),
    "inject_push": rule("owner", "P"),
    "inject_write": rule("owner", "P"),
    "trigger_fire": rule("owner", "P"),
    "trigger_disarm": rule("owner", "P"),
    "leaderboard_reveal": rule("owner", "P"),
    "commitment_override": rule("owner", "P"),
    "commitment_value": rule("owner", "P"),
    "player_move": rule("owner", "P"),
    "player_remove": rule("owner", "P"),
    "player_readmit": rule("owner", "P"),
    "join_code_rotate": rule("owner", "P"),
    "observer_invite": rule("owner", "P"),
    "team_bot": rule("owner", "P"),
    "bot_pace": rule("owner", "P"),
    "rehearsal_start": rule("owner", "P"),
    "projector": rule("owner", "G"),
    "projector_poll": rule("owner", "G"),
    "join_cards": rule("owner", "G"),
    "report": rule("owner", "G"),
    "report_pdf": rule("owner", "G"),
    "report_debrief": rule("owner", "G"),
    "report_debrief_pdf": rule("owner", "G"),
    "report_xlsx": rule("owner", "G"),
    "report_export_json": rule("owner", "G"),
    "report_offers_csv": rule("owner", "G"),
    "report_commitments_csv": rule("owner", "G"),
    "report_events_csv": rule("owner", "G"),
    "report_teams_csv": rule("owner", "G"),
    "report_participants_csv": rule("owner", "G"),
    "report_scores_csv": rule("owner", "G"),
    "narrative_edit": rule("owner", "GP"),
    "improvement_add": rule("owner", "GP"),
    "improvement_edit": rule("owner", "GP"),
    "improvement_delete": rule("owner", "P"),
    # Scenario studio: any facilitator's own library; one facilitator's scenario is theirs alone
    "studio_list": rule("facilitators", "G"),
    "studio_new": rule("facilitators", "P"),
    "studio_duplicate": rule("facilitators", "P"),
    "studio_upload": rule("facilitators", "P"),
    "studio_download": rule("owner", "G"),
    "studio_edit": rule("owner", "GP"),
    "studio_preview": rule("owner", "G"),
    "studio_simulate": rule("owner", "P"),
    # Team (a player seated on this team)
    "team_room": rule("team", "G"),
    "team_poll": rule("team", "G"),
    "composer_refresh": rule("team", "P"),
    "offer_preview": rule("team", "P"),
    "offer_submit": rule("team", "P"),
    "offer_detail": rule("team", "G"),
    "offer_respond": rule("team", "P"),
    "team_debrief": rule("team", "G", ended=True),
    "team_debrief_pdf": rule("team", "G", ended=True),
    # Observer share link
    "observe": rule("link", "G"),
    "observer_poll": rule("link", "G"),
    "observer_offer": rule("link", "G"),
    "observation_create": rule("link", "P"),
    "observer_report": rule("link", "G"),
    "observer_report_pdf": rule("link", "G"),
}


def walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin checks staff status itself; see test_admin_needs_staff
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), entry.namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.name, prefix + str(entry.pattern), entry.default_args


ROUTES = sorted({name: (path, kwargs) for name, path, kwargs in walk(get_resolver().url_patterns)}.items())


def test_every_route_is_in_the_table():
    names = {name for name, _ in ROUTES}
    assert sorted(names - TABLE.keys()) == [], "routes missing from the authorization table"
    assert sorted(TABLE.keys() - names) == [], "table rows for routes that no longer exist"


# --- the world every route is tried in ----------------------------------------------------------


def csrf_client() -> Client:
    client = Client(enforce_csrf_checks=True)
    client.get("/join/")  # sets the csrftoken cookie, as any page with a form does
    return client


def seated(participant) -> Client:
    client = csrf_client()
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/join/",
        {"code": participant.team.join_code, "display_name": participant.display_name},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 302
    return client


def logged_in(user) -> Client:
    client = csrf_client()
    client.force_login(user)
    return client


@dataclass
class World:
    clients: dict
    kwargs: dict


def build_world(*, ended: bool) -> World:
    owner = factories.make_facilitator("owner")
    stranger = factories.make_facilitator("stranger")
    exercise = factories.make_exercise(owner, teams=("USA", "DPRK", "ROK"))
    usa = factories.make_player(exercise, "USA", "Ann")
    dprk = factories.make_player(exercise, "DPRK", "Kim")
    rok = factories.make_player(exercise, "ROK", "Min")
    elsewhere = factories.make_exercise(stranger, title="Elsewhere")
    outsider = factories.make_player(elsewhere, "USA", "Zed")
    round_ = services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    item = ImprovementItem.objects.create(exercise=exercise, issue="Deadlines", recommendation="Add them")
    observer = Observer.objects.create(exercise=exercise, name="Dean")
    own = library.duplicate(owner, DEFAULT_SCENARIO_KEY).scenario
    clients = {
        "anonymous": csrf_client(),
        "other_exercise_player": seated(outsider),
        "other_team_player": seated(dprk),
        "other_facilitator": logged_in(stranger),
        "observer": csrf_client(),
        "team_player": seated(usa),
        "owner": logged_in(owner),
    }
    if ended:  # players were seated while it ran; joining an ended exercise is refused
        services.close_round(round=round_, actor="t")
        services.end_exercise(exercise=exercise, actor="t")
    kwargs = {
        "exercise_id": exercise.pk,
        "number": offer.number,  # also round 1
        "team_id": usa.team_id,
        "participant_id": rok.pk,
        "commitment_id": offer.commitments.first().pk,
        "item_id": item.pk,
        "token": observer.token,
        "code": usa.team.join_code,
        "scenario_id": own.pk,
        "ref": library.ref_of(own),
        "team_key": "USA",
    }
    return World(clients, kwargs)


def url_for(path: str, kwargs: dict) -> str:
    url = "/" + path
    for name, value in kwargs.items():
        for converter in ("int", "str"):
            url = url.replace(f"<{converter}:{name}>", str(value))
    assert "<" not in url, f"unknown URL parameter in {path}"
    return url


def reached(response) -> bool:
    """The view itself answered (not a gate: login, join page, 403/404 or wrong method)."""
    if response.status_code == 302:
        location = response["Location"]
        return not (location.startswith("/accounts/login/") or location.startswith("/join/"))
    return response.status_code in (200, 204, 286, 400, 409)


def refused(response) -> bool:
    if response.status_code == 302:
        return response["Location"].startswith(("/accounts/login/", "/join/"))
    return response.status_code in (403, 404, 405)


def ask(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    return client.post(url, {}, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)


@pytest.mark.parametrize("name, route", ROUTES, ids=[name for name, _ in ROUTES])
def test_route_obeys_the_table(db, name, route):
    path, _ = route
    rule_ = TABLE[name]
    world = build_world(ended=rule_.ended)
    url = url_for(path, world.kwargs)
    for role in ROLES:
        client = world.clients[role]
        for method in ("GET", "POST"):
            response = ask(client, method, url)
            answers_method = method[0] in rule_.methods
            where = f"{method} {url} as {role}: {response.status_code} {response.get('Location', '')}"
            if role in rule_.allowed and answers_method:
                assert reached(response), where
            elif role in rule_.allowed:
                assert response.status_code == 405, where
            else:
                assert refused(response), where


@pytest.mark.parametrize("name", [n for n, r in TABLE.items() if "P" in r.methods and r.allowed != set(ROLES)])
def test_posts_without_the_csrf_token_are_refused(db, name):
    path = dict(ROUTES)[name][0]
    rule_ = TABLE[name]
    world = build_world(ended=rule_.ended)
    role = next(iter(rule_.allowed))
    response = world.clients[role].post(url_for(path, world.kwargs), {})
    assert response.status_code == 403


def test_a_wrong_observer_token_is_404(db):
    world = build_world(ended=False)
    for name in ("observe", "observer_poll", "observer_report", "observation_create"):
        url = url_for(dict(ROUTES)[name][0], {**world.kwargs, "token": "not-a-token"})
        assert (
            ask(world.clients["anonymous"], "GET" if name != "observation_create" else "POST", url).status_code == 404
        )


def test_admin_needs_staff(db):
    world = build_world(ended=False)
    response = world.clients["owner"].get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
