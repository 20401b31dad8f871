"""Create a demo facilitator and exercise, optionally with rounds played by scripted teams."""

import json
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from exercises import bots as stand_ins
from exercises import services
from exercises.models import Exercise, Participant
from exercises.reports import tables
from exercises.scenarios import DEFAULT_SCENARIO_KEY, ScenarioError, available_scenarios, load_scenario

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "tabletop-demo"
DEMO_TITLE = "Demo: second summit"  # the default scenario's demo keeps its old title, so `make run` reuses it


def demo_title(scenario_key: str) -> str:
    if scenario_key == DEFAULT_SCENARIO_KEY:
        return DEMO_TITLE
    return f"Demo: {load_scenario(scenario_key)['title']}"


class Command(BaseCommand):
    help = "Create (or reuse) the demo facilitator and exercise; print the login and join links."

    def add_arguments(self, parser):
        parser.add_argument(
            "--teams", type=int, default=4, help="number of teams (beyond the scenario's, extra delegations are added)"
        )
        parser.add_argument("--rounds", type=int, default=None, help="rounds in the exercise (default: the scenario's)")
        parser.add_argument("--played-rounds", type=int, default=0, help="rounds to play with scripted teams")
        parser.add_argument(
            "--bots",
            type=int,
            default=0,
            help="hand this many teams (the last ones) to stand-in bots; the first stays human",
        )
        parser.add_argument("--new", action="store_true", help="always create a new exercise")
        parser.add_argument("--seed", default=None, help="outcome seed, for reproducible demos")
        parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
        parser.add_argument(
            "--scenario",
            default=DEFAULT_SCENARIO_KEY,
            help=f"key of a built-in scenario pack (default: {DEFAULT_SCENARIO_KEY})",
        )
        # `make run HOST=... PORT=...` passes its own, so the printed links open the server it starts.
        parser.add_argument("--host", default="127.0.0.1", help="the host the server listens on (for the links)")
        parser.add_argument("--port", type=int, default=8000, help="the port the server listens on (for the links)")

    def handle(self, *args, teams, rounds, played_rounds, bots, new, seed, json: bool, host, port, scenario, **options):
        if teams < 2 or teams > 60:
            raise CommandError("--teams must be between 2 and 60.")
        if not 0 <= bots < teams:
            raise CommandError("--bots must be between 0 and the number of teams less one (one team stays human).")
        if scenario not in available_scenarios():
            known = ", ".join(sorted(available_scenarios()))
            raise CommandError(f"--scenario: unknown scenario {scenario!r}; known scenarios: {known}")
        facilitator = demo_facilitator()
        exercise = None if new else existing_demo(facilitator, teams, scenario)
        if exercise is None:
            exercise = create_demo(
                facilitator, teams=teams, rounds=rounds, played_rounds=played_rounds, seed=seed, scenario_key=scenario
            )
        if bots:
            hand_to_bots(exercise, bots)
        payload = describe(exercise)
        if json:
            self.stdout.write(dumps(payload))
        else:
            self.stdout.write(as_text(payload, base_url(host, port)))


def dumps(payload: dict) -> str:
    return json.dumps(payload, indent=2)


def demo_facilitator():
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=DEMO_USERNAME, defaults={"first_name": "Demo"})
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def existing_demo(facilitator, teams: int, scenario_key: str = DEFAULT_SCENARIO_KEY):
    """Running `make run` twice reuses the demo instead of piling up copies."""
    for exercise in Exercise.objects.filter(
        facilitator=facilitator, title=demo_title(scenario_key), scenario_key=scenario_key
    ).exclude(status=Exercise.Status.ENDED):
        if exercise.teams.count() == teams:
            return exercise
    return None


def demo_scenario(teams: int, scenario_key: str = DEFAULT_SCENARIO_KEY) -> dict:
    """A built-in scenario, with extra generic delegations when more teams are asked for."""
    try:
        scenario = load_scenario(scenario_key)
    except ScenarioError as exc:
        raise CommandError(str(exc)) from None
    for n in range(len(scenario["teams"]) + 1, teams + 1):
        key = f"D{n:02d}"
        scenario["teams"].append(
            {
                "key": key,
                "name": f"Delegation {n}",
                "optional": True,
                "brief": "An observer delegation with a stake in regional stability: broker specific, verifiable steps.",
                "objectives": ["Help broker one specific, verifiable agreement."],
            }
        )
        for item in scenario["catalogue"]:
            item["values"][key] = item.get("default_value", 0)
    return scenario


def create_demo(
    facilitator,
    *,
    teams: int,
    rounds: int | None,
    played_rounds: int,
    seed: str | None,
    scenario_key: str = DEFAULT_SCENARIO_KEY,
) -> Exercise:
    scenario = demo_scenario(teams, scenario_key)
    num_rounds = max(rounds or scenario["defaults"]["rounds"], played_rounds)
    with transaction.atomic():
        exercise = services.create_exercise(
            facilitator=facilitator,
            scenario=scenario,
            title=demo_title(scenario_key),
            team_keys=[t["key"] for t in scenario["teams"][:teams]],
            num_rounds=num_rounds,
            round_minutes=scenario["defaults"]["round_minutes"],
        )
        if seed:
            Exercise.objects.filter(pk=exercise.pk).update(seed=seed)
            exercise.refresh_from_db()
    if played_rounds:
        ScriptedTeams(exercise).play(played_rounds)
    return exercise


class ScriptedTeams:
    """Bots in the manner of oTree: each team sends offers, answers its inbox, rounds close.

    Half the offers are specific "base hits" built from the catalogue's defaults with a
    deadline and a verifier; the others are vague declarations, so a played demo shows
    both kinds of outcome.
    """

    def __init__(self, exercise: Exercise):
        self.exercise = exercise
        self.random = random.Random(f"demo-{exercise.seed}")  # --seed replays the same demo
        self.players = {
            team.key: Participant.objects.get_or_create(team=team, display_name=f"{team.key} bot")[0]
            for team in exercise.teams.all()
        }
        self.teams = list(exercise.teams.all())
        self.catalogue = exercise.scenario["catalogue"]
        third_party = [v["name"] for v in exercise.scenario.get("verifiers") or () if v.get("kind") == "third-party"]
        # a verifier this scenario recognises, so the specific half of the demo scores as specific
        self.verifier = f"{third_party[0]} inspectors with access on request" if third_party else "joint inspection"

    def play(self, rounds: int) -> None:
        actor = services.facilitator_label(self.exercise.facilitator)
        for number in range(1, rounds + 1):
            services.start_round(exercise=self.exercise, actor=actor)
            for index, team in enumerate(self.teams):
                partner = self.teams[(index + number) % len(self.teams)]
                if partner.pk == team.pk:
                    partner = self.teams[(index + 1) % len(self.teams)]
                self.send(team, partner, specific=(index + number) % 2 == 0, number=number)
            self.answer_inboxes()
            current = self.exercise.current_round()
            services.close_round(round=current, actor=actor)

    def send(self, team, partner, *, specific: bool, number: int) -> None:
        rows = [self.commitment(team.key, partner.key, specific), self.commitment(partner.key, team.key, specific)]
        if specific:
            rows[0]["conditional_on"] = [2]
            rows[1]["conditional_on"] = [1]
        services.submit_offer(
            participant=self.players[team.key],
            recipients=[partner],
            commitments=rows,
            client_token=f"demo-{number}-{team.key}-{partner.key}",
            message="A first step, verified, in return for yours." if specific else "Let us build a new relationship.",
        )

    def commitment(self, by: str, to: str, specific: bool) -> dict:
        items = [i for i in self.catalogue if by in i["by"]] or self.catalogue
        item = self.random.choice(items)
        if not specific:
            return {
                "by": by,
                "to": [to],
                "kind": item["key"],
                "action": "work toward",
                "object": item["title"].lower(),
                "deadline": "at an early date",
                "text": "in the spirit of mutual confidence, as soon as possible",
            }
        fields = {k: v for k, v in item["fields"].items() if v not in (None, "")}
        return {
            "by": by,
            "to": [to],
            "kind": item["key"],
            **{k: str(v) for k, v in fields.items()},
            "deadline": fields.get("deadline") or f"within {self.random.choice([30, 60, 90])} days",
            "verification": fields.get("verification") or self.verifier,
        }

    def answer_inboxes(self) -> None:
        current = self.exercise.current_round()
        for offer in current.offers.filter(status="pending").order_by("number"):
            for recipient in offer.recipients.all():
                # Specific, reciprocal offers are usually accepted; vague ones often are too,
                # as vague summit statements often are, which is what the outcome model then punishes.
                accept = self.random.random() < (0.85 if (offer.specificity or 0) >= 50 else 0.55)
                services.respond(offer=offer, participant=self.players[recipient.key], accept=accept)
                offer.refresh_from_db()
                if offer.status != "pending":
                    break


def hand_to_bots(exercise: Exercise, count: int) -> None:
    """The last ``count`` teams to stand-ins, personas in turn (base hitter first); teams already
    played by a bot keep theirs, so running the command again changes nothing."""
    kinds = list(stand_ins.CLASSROOM_PERSONAS)
    actor = services.facilitator_label(exercise.facilitator)
    chosen = list(exercise.teams.all())[-count:]
    for i, team in enumerate(chosen):
        if not team.bot_persona and not exercise.is_ended:
            stand_ins.hand_over(team=team, persona=kinds[i % len(kinds)], actor=actor)


def describe(exercise: Exercise) -> dict:
    """Paths, not absolute URLs: the caller knows its host."""
    return {
        "facilitator": {"username": DEMO_USERNAME, "password": DEMO_PASSWORD, "login_url": reverse("login")},
        "exercise": {
            "id": exercise.pk,
            "title": exercise.title,
            "scenario_key": exercise.scenario_key,
            "dashboard_url": reverse("exercise_detail", args=[exercise.pk]),
            "rounds": exercise.num_rounds,
            "played_rounds": exercise.rounds.filter(status="closed").count(),
            **live_paths(exercise),
            "report": report_paths(exercise),
        },
        "teams": [
            {
                "name": team.name,
                "key": team.key,
                "code": team.join_code,
                "join_url": reverse("join_code", args=[team.join_code]),
                "room_url": reverse("team_room", args=[team.pk]),
                "poll_url": reverse("team_poll", args=[team.pk]),
                "debrief_url": reverse("team_debrief", args=[team.pk]),
                "bot": team.bot_persona or None,
            }
            for team in exercise.teams.all()
        ],
    }


def report_paths(exercise: Exercise) -> dict:
    """The after-action report and its downloads (docs/report.md)."""
    args = [exercise.pk]
    return {
        "report_url": reverse("report", args=args),
        "pdf_url": reverse("report_pdf", args=args),
        "debrief_url": reverse("report_debrief", args=args),
        "debrief_pdf_url": reverse("report_debrief_pdf", args=args),
        "xlsx_url": reverse("report_xlsx", args=args),
        **{f"{name}_csv_url": reverse(f"report_{name}_csv", args=args) for name in tables.TABLES},
        "export_json_url": reverse("report_export_json", args=args),
    }


def live_paths(exercise: Exercise) -> dict:
    """The console's poll, the projector and the join cards; observers' share links if any."""
    args = [exercise.pk]
    return {
        "console_poll_url": reverse("console_poll", args=args),
        "projector_url": reverse("projector", args=args),
        "projector_poll_url": reverse("projector_poll", args=args),
        "join_cards_url": reverse("join_cards", args=args),
        "observers": [
            {
                "name": o.name,
                "observe_url": reverse("observe", args=[o.token]),
                "poll_url": reverse("observer_poll", args=[o.token]),
            }
            for o in exercise.observers.all()
        ],
    }


def base_url(host: str, port: int) -> str:
    """Where a browser on this machine reaches the server: a server on every address is also on 127.0.0.1."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}:{port}"


def as_text(payload: dict, host: str) -> str:
    lines = [
        "",
        "Tabletop demo is ready.",
        f"  Facilitator: {host}{payload['facilitator']['login_url']}  "
        f"user {payload['facilitator']['username']!r}, password {payload['facilitator']['password']!r}",
        f"  Dashboard:   {host}{payload['exercise']['dashboard_url']}",
        f"  Projector:   {host}{payload['exercise']['projector_url']}",
        f"  Report:      {host}{payload['exercise']['report']['report_url']}",
        "  Team join links (one per team; open each in a different browser or private window):",
    ]
    for team in payload["teams"]:
        bot = f"  (bot: {team['bot']}; joining takes over)" if team["bot"] else ""
        lines.append(f"    {team['name']:<20} code {team['code']}  {host}{team['join_url']}{bot}")
    if any(team["bot"] for team in payload["teams"]):
        lines.append("  Start round 1 on the dashboard: the bots answer and send offers at a human pace.")
    return "\n".join(lines) + "\n"
