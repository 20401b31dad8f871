"""A whole live exercise of four bot teams under a real gunicorn with several workers.

Nothing but the requests of watchers (observers' polls, from several threads, spread over
the workers) drives the bots. The facilitator's steps come from another process, as from
the console. Then the record is checked: each bot move happened exactly once (one action,
one event, one offer or answer), never before its delay ran out and at a human pace after
it, nothing while the round was paused, nothing after a round closed or the exercise ended.

Runs on the kind of database the suite runs on, in a fresh database of its own (never the
suite's, never `test`): `.ci/run`'s SQLite pass plays it on SQLite (the workers share a file
cache), its PostgreSQL pass on PostgreSQL with Redis. Each pass used to play both, twice a
minute of CI for the same check.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import server as bench_server  # noqa: E402

WORKERS = 3
ROUND_SECONDS = 20
DELAY_SECONDS = 2  # each move waits 1 to 3 s
PAUSE_SECONDS = 5
# A move is made by the first watcher's request after its delay ran out: they poll every
# 0.25 s, so this bound is about a machine too busy to answer, not about the design.
LATE_SECONDS = 15


class Server(bench_server.BenchServer):
    """The benchmark's gunicorn harness on a database of this test's own."""

    def __init__(self, db: str):
        self.pg_name = f"tabletop_standins_{os.getpid()}"
        super().__init__(db, workers=WORKERS)

    def _env(self) -> dict:
        env = super()._env()
        if self.db == "postgres":
            env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{self.pg_name}"
            env["REDIS_URL"] = os.environ.get("REDIS_URL") or bench_server.REDIS_URL
            env["CACHE_PREFIX"] = f"standins{os.getpid()}"
        return env

    def __enter__(self):
        if self.db == "postgres":
            bench_server.recreate_pg_database(self.pg_name)
        self.manage("migrate", "--noinput", "--verbosity", "0")
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        if self.db == "postgres":
            bench_server.drop_pg_database(self.pg_name)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run(self, code: str) -> dict:
        """Python in a fresh process with Django set up; its last line is JSON."""
        prelude = "import json\nfrom exercises import bots, services\nfrom exercises.models import *\n"
        return json.loads(self.shell(prelude + code))


SETUP = f"""
from django.contrib.auth import get_user_model
from tests import factories
user = get_user_model().objects.create_user(username="fac", password="x" * 20)
exercise = factories.make_exercise(user, rounds=2)
Exercise.objects.filter(pk=exercise.pk).update(bot_delay_seconds={DELAY_SECONDS}, round_seconds={ROUND_SECONDS})
observer = services.invite_observer(exercise=exercise, name="Watcher", actor="facilitator fac")
print(json.dumps({{"exercise": exercise.pk, "token": observer.token}}))
"""

# Round 1 is paused the moment it opens, and the teams are handed to their bots during the
# pause: every bot's first move falls due while the round is paused.
START_PAUSED = """
exercise = Exercise.objects.get(pk={exercise})
round_ = services.start_round(exercise=exercise, actor="facilitator fac")
services.pause_round(round=round_, actor="facilitator fac")
for team, persona in zip(exercise.teams.all(), ["base-hitter", "grand-bargainer", "hardliner", "reciprocator"]):
    bots.hand_over(team=team, persona=persona, actor="facilitator fac")
print(json.dumps({{"ok": True}}))
"""

RESUME = """
round_ = Exercise.objects.get(pk={exercise}).current_round()
services.resume_round(round=round_, actor="facilitator fac")
print(json.dumps({{"ok": True}}))
"""

STATE = """
exercise = Exercise.objects.get(pk={exercise})
current = exercise.current_round()
print(json.dumps({{"ended": exercise.is_ended, "round": current.number if current else 0,
                  "status": current.status if current else "", "actions": exercise.bot_actions.count()}}))
"""

START = """
services.start_round(exercise=Exercise.objects.get(pk={exercise}), actor="facilitator fac")
print(json.dumps({{"ok": True}}))
"""

END = """
services.end_exercise(exercise=Exercise.objects.get(pk={exercise}), actor="facilitator fac")
print(json.dumps({{"ok": True}}))
"""

# Everything the checks need, read from the database once the exercise is over.
RECORD = """
from exercises.models import Response
exercise = Exercise.objects.get(pk={exercise})
ts = lambda d: d.timestamp() if d else None
rounds = {{r.pk: {{"number": r.number, "opened": ts(r.opened_at), "closed": ts(r.closed_at)}} for r in exercise.rounds.all()}}
actions = [
    {{"team": a.team.key, "round": a.round_id, "key": a.key, "outcome": a.outcome, "due": ts(a.due_at),
      "acted": ts(a.acted_at), "offer": a.offer.number if a.offer else None, "note": a.note,
      "expected_due": ts((max(a.round.opened_at, a.team.bot_since) if a.key == "open"
                         else max(Offer.objects.get(exercise=exercise, number=int(a.key.split("-")[1])).created_at,
                                  a.team.bot_since)) + bots.delay(exercise, a.team.key, a.round.number, a.key))}}
    for a in exercise.bot_actions.select_related("team", "round", "offer")
]
events = [
    {{"kind": e.kind, "at": ts(e.created_at), "actor": e.actor, "team": e.team.key if e.team else None,
      "round": e.round_id, "offer": e.details.get("offer"), "parent": e.details.get("parent"),
      "counter": e.details.get("counter")}}
    for e in exercise.events.select_related("team").order_by("created_at", "pk")
]
offers = [
    {{"number": o.number, "from": o.from_team.key, "round": o.round_id, "parent": o.parent.number if o.parent else None,
      "created": ts(o.created_at), "by_bot": (o.submitted_by.display_name if o.submitted_by else "").endswith("(bot)")}}
    for o in exercise.offers.select_related("from_team", "parent", "submitted_by")
]
responses = [
    {{"offer": r.offer.number, "team": r.team.key, "kind": r.kind, "at": ts(r.created_at), "note": r.note}}
    for r in Response.objects.filter(offer__exercise=exercise).select_related("offer", "team")
]
print(json.dumps({{"rounds": rounds, "actions": actions, "events": events, "offers": offers, "responses": responses}}))
"""


class Watchers:
    """Observers' browsers polling the live view, each with its own session, until stopped."""

    def __init__(self, port: int, token: str, count: int = 4, every: float = 0.25):
        self.base = f"http://127.0.0.1:{port}"
        self.token, self.count, self.every = token, count, every
        self.stop = threading.Event()
        self.requests = 0
        self.errors: list[str] = []
        self.threads = [threading.Thread(target=self._watch, daemon=True) for _ in range(count)]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=30)

    def _watch(self):
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        try:
            opener.open(f"{self.base}/observe/{self.token}/", timeout=30).read()
        except OSError as err:
            self.errors.append(f"page: {err}")
            return
        while not self.stop.is_set():
            try:
                with opener.open(f"{self.base}/observe/{self.token}/poll/?rev=0&at=0", timeout=30) as r:
                    r.read()
                    if r.status not in (200, 204, 286):
                        self.errors.append(f"poll answered {r.status}")
                self.requests += 1
            except OSError as err:
                self.errors.append(f"poll: {err}")
            self.stop.wait(self.every)


def wait_for(server: Server, exercise: int, test, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = server.run(STATE.format(exercise=exercise))
        if test(state):
            return state
        time.sleep(1)
    raise AssertionError(f"timed out; last state {state}")


def play(server: Server) -> tuple[dict, dict]:
    ids = server.run(SETUP)
    exercise = ids["exercise"]
    with Watchers(server.port, ids["token"]) as watchers:
        server.run(START_PAUSED.format(exercise=exercise))
        time.sleep(PAUSE_SECONDS)
        server.run(RESUME.format(exercise=exercise))
        wait_for(server, exercise, lambda s: s["status"] == "closed")
        time.sleep(2)  # watchers keep polling a closed round: nothing may happen now
        server.run(START.format(exercise=exercise))
        wait_for(server, exercise, lambda s: s["round"] == 2 and s["status"] == "closed")
        server.run(END.format(exercise=exercise))
        time.sleep(2)
    assert not watchers.errors, watchers.errors[:5]
    assert watchers.requests > 100
    return server.run(RECORD.format(exercise=exercise)), {"requests": watchers.requests}


BOT_KINDS = {"offer_submitted", "offer_accepted", "offer_rejected", "offer_countered"}


def check(record: dict) -> dict:
    rounds, actions, events = record["rounds"], record["actions"], record["events"]
    # Each move once: unique keys, and the game's record agrees move for move.
    keys = [(a["team"], a["round"], a["key"]) for a in actions]
    assert len(keys) == len(set(keys))
    opens = [a for a in actions if a["key"] == "open"]
    assert sorted((a["team"], rounds[str(a["round"])]["number"]) for a in opens) == sorted(
        (team, n) for team in ("USA", "DPRK", "ROK", "China") for n in (1, 2)
    )
    bot_events = [e for e in events if e["kind"] in BOT_KINDS and e["actor"].endswith("(bot)")]
    sent = [e for e in bot_events if e["kind"] == "offer_submitted" and e["parent"] is None]
    assert len(sent) == sum(a["outcome"] == "sent" for a in actions)
    for a in actions:
        if a["outcome"] in ("accept", "reject", "counter"):
            number = int(a["key"].split("-")[1])
            kind = {"accept": "offer_accepted", "reject": "offer_rejected", "counter": "offer_countered"}[a["outcome"]]
            matching = [e for e in bot_events if e["kind"] == kind and e["team"] == a["team"] and e["offer"] == number]
            assert len(matching) == 1, (a, matching)
            answer = [r for r in record["responses"] if r["offer"] == number and r["team"] == a["team"]]
            assert len(answer) == 1 and answer[0]["kind"] == a["outcome"]
            assert a["note"], a  # every answer says why
    # Every bot event is one of the moves above (no move was made twice by two workers).
    moves = sum(a["outcome"] in ("sent", "accept", "reject") for a in actions) + 2 * sum(
        a["outcome"] == "counter" for a in actions
    )
    assert len(bot_events) == moves
    assert any(a["outcome"] == "accept" for a in actions) and any(a["outcome"] != "accept" for a in actions)

    # The pace: never before the seeded delay, soon after it.
    pause = next(e["at"] for e in events if e["kind"] == "round_paused")
    resume = next(e["at"] for e in events if e["kind"] == "round_resumed")
    late = []
    for a in actions:
        assert abs(a["due"] - a["expected_due"]) < 0.001, a
        assert a["acted"] >= a["due"], a
        start = max(a["due"], resume) if a["due"] < resume and rounds[str(a["round"])]["number"] == 1 else a["due"]
        late.append(a["acted"] - start)
        assert a["acted"] - start <= LATE_SECONDS, a
    # Nothing while paused: round 1's first moves fell due during the pause and waited for the resume.
    waited = [a for a in opens if rounds[str(a["round"])]["number"] == 1]
    assert all(pause < a["due"] < resume < a["acted"] for a in waited), (pause, resume, waited)
    assert not [e for e in bot_events if pause <= e["at"] <= resume]
    assert not [a for a in actions if pause <= a["acted"] <= resume]
    # Nothing after a round closed, in it or at all once the exercise ended.
    for a in actions:
        assert a["acted"] < rounds[str(a["round"])]["closed"], a
    for e in bot_events:
        assert e["at"] < rounds[str(e["round"])]["closed"], e
    ended = next(e["at"] for e in events if e["kind"] == "exercise_ended")
    assert not [e for e in events if e["at"] > ended]
    late.sort()
    return {"moves": len(actions), "median_late_s": late[len(late) // 2], "max_late_s": late[-1]}


SUITE_DB = "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"


@pytest.mark.parametrize("db", [SUITE_DB])
def test_four_bot_teams_play_a_live_exercise_on_several_workers(db):
    with Server(db) as server:
        assert len(server.worker_pids()) == WORKERS
        record, traffic = play(server)
    measured = check(record)
    print(f"\n{db}: {measured} over {traffic['requests']} polls")  # quoted in docs/performance.md
