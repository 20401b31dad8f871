"""The peer in the benchmark: oTree's participant page, served by oTree's own `prodserver`.

oTree is what a department would otherwise run a classroom game on, so `make bench`
measures its simplest participant page (one app, one page, one number field) side by
side with our team room and unchanged poll (scenarios.throughput). oTree lives in its own
virtual environment (bench/.otree-venv, git-ignored), installed from PyPI on the first run
with the Python that the Makefile finds (scripts/find-python). The project is generated
into a temporary directory at bench time; only this generator is committed.

When oTree cannot be installed (PyPI unreachable) or started, `PeerUnavailable` says why
and the other benchmarks run without it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from server import PG_BENCH_DB, drop_pg_database, free_port, recreate_pg_database

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV = HERE / ".otree-venv"
OTREE_VERSION = "6.0.15"
# oTree reaches PostgreSQL through SQLAlchemy 1.3 and psycopg2.
REQUIREMENTS = (f"otree=={OTREE_VERSION}", "psycopg2-binary==2.9.13")
APP = "number"
SESSION_CONFIG = "bench"


class PeerUnavailable(Exception):
    """oTree could not be installed or started; the message says why, for the table."""


# --- the virtual environment -----------------------------------------------------------------------


def find_python() -> str:
    """The Python the Makefile would use (>= 3.12; $PYTHON first), or PeerUnavailable."""
    out = subprocess.run([str(ROOT / "scripts" / "find-python")], capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise PeerUnavailable("no Python >= 3.12 for oTree's environment: " + _last_line(out.stderr))
    return out.stdout.strip()


def ensure_venv(venv: Path = VENV, python: str | None = None, pip_env: dict | None = None) -> Path:
    """Install oTree into `venv` unless it is there already (a stamp names what was installed).

    The environment is made without pip and filled by this interpreter's pip (`pip --python`):
    quicker than bootstrapping a second pip, and a failed install leaves no stamp, so the
    next run starts over. `pip_env` overrides pip's environment (tests point it at a dead index).
    """
    stamp = venv / ".installed"
    wanted = " ".join(REQUIREMENTS)
    if stamp.is_file() and stamp.read_text().strip() == wanted and (venv / "bin" / "otree").exists():
        return venv
    python = python or find_python()
    _step([python, "-m", "venv", "--clear", "--without-pip", str(venv)], "could not create", venv)
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet"]
    pip += ["--disable-pip-version-check", "--retries", "2", "--timeout", "30", *REQUIREMENTS]
    _step(pip, f"could not install oTree {OTREE_VERSION} from PyPI (is it reachable?) into", venv, pip_env)
    stamp.write_text(wanted + "\n")
    return venv


def _step(cmd: list[str], failure: str, venv: Path, env_overrides: dict | None = None) -> None:
    env = {**os.environ, **(env_overrides or {})}
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise PeerUnavailable(f"{failure} {_shown(venv)}: {err}") from err
    if out.returncode != 0:
        raise PeerUnavailable(f"{failure} {_shown(venv)}: {_last_line(out.stderr or out.stdout)}")


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def _last_line(text: str) -> str:
    """pip's last ERROR line says what went wrong; otherwise the last line."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")]
    return (errors or lines or ["no output"])[-1]


# --- the project -----------------------------------------------------------------------------------

PROJECT_FILES = {
    "__init__.py": "",
    "_static/.keep": "",  # oTree refuses to start without a _static directory
    "settings.py": f"""\
SESSION_CONFIGS = [dict(name="{SESSION_CONFIG}", app_sequence=["{APP}"], num_demo_participants=1)]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
PARTICIPANT_FIELDS = []
SESSION_FIELDS = []
LANGUAGE_CODE = "en"
REAL_WORLD_CURRENCY_CODE = "USD"
USE_POINTS = True
ADMIN_USERNAME = "admin"
SECRET_KEY = "bench-only-otree-secret"
""",
    f"{APP}/__init__.py": f"""\
from otree.api import BaseConstants, BaseGroup, BasePlayer, BaseSubsession, Page, models


class C(BaseConstants):
    NAME_IN_URL = "{APP}"
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    number = models.IntegerField(label="Your number", min=0, max=100)


class Number(Page):
    form_model = "player"
    form_fields = ["number"]


page_sequence = [Number]
""",
    f"{APP}/Number.html": """\
{{ block title }}Your number{{ endblock }}
{{ block content }}
    {{ formfields }}
    {{ next_button }}
{{ endblock }}
""",
}


def write_project(directory: Path) -> Path:
    """The smallest oTree project with one participant page holding one number field."""
    for name, text in PROJECT_FILES.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return directory


# --- the server ------------------------------------------------------------------------------------


class OTreeServer:
    """with OTreeServer("sqlite") as peer: wrk http://127.0.0.1:{peer.port}{peer.page_path}

    SQLite: oTree's default database file in the generated project. PostgreSQL: a database
    `<bench db>_otree`, created and dropped here, as our own server does with its own.
    One session with one participant; `page_path` is that participant's page.
    """

    def __init__(self, db: str, venv: Path = VENV):
        self.db, self.venv = db, venv
        self.pg_db = f"{PG_BENCH_DB}_otree"
        self.port = free_port()
        self.tmp = Path(tempfile.mkdtemp(prefix="tabletop-bench-otree-"))
        self.project = write_project(self.tmp / "project")
        self.proc: subprocess.Popen | None = None
        self.page_path = ""

    def _env(self) -> dict:
        drop = ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV", "PYTHONPATH")
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env.update(
            # prodserver starts `otree timeoutsubprocess` by name: it must be on PATH.
            PATH=f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
            OTREE_PRODUCTION="1",  # as deployed: no debug pages
            OTREE_ADMIN_PASSWORD="bench-only",
            PYTHONDONTWRITEBYTECODE="1",
        )
        if self.db == "postgres":
            env["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{self.pg_db}"
        return env

    def __enter__(self) -> OTreeServer:
        try:
            self._start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _start(self) -> None:
        if self.db == "postgres":
            recreate_pg_database(self.pg_db)
        otree = str(self.venv / "bin" / "otree")
        out = subprocess.run(
            [otree, "create_session", SESSION_CONFIG, "1"],
            cwd=self.project,
            env=self._env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if out.returncode != 0:
            raise PeerUnavailable(f"otree create_session failed: {_last_line(out.stderr or out.stdout)}")
        code = self._participant_code()
        log = open(self.tmp / "otree.log", "wb")  # noqa: SIM115 - closed with the server
        # A session of its own: stopping the group also stops the timeout worker it starts.
        self.proc = subprocess.Popen(
            [otree, "prodserver", f"127.0.0.1:{self.port}"],
            cwd=self.project,
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.page_path = self._wait_for_page(f"/InitializeParticipant/{code}")

    def _participant_code(self) -> str:
        query = "SELECT code FROM otree_participant ORDER BY id LIMIT 1"
        if self.db == "postgres":
            import psycopg

            with psycopg.connect(self._env()["DATABASE_URL"]) as conn:
                row = conn.execute(query).fetchone()
        else:
            with contextlib.closing(sqlite3.connect(self.project / "db.sqlite3")) as conn:
                row = conn.execute(query).fetchone()
        if not row:
            raise PeerUnavailable("otree create_session made no participant")
        return row[0]

    def _wait_for_page(self, start: str, seconds: float = 60) -> str:
        """The participant's start link redirects to the page; its path is what we load."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise PeerUnavailable(f"otree prodserver exited: {self.log_tail()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{start}", timeout=5) as reply:
                    if reply.status == 200 and b'name="number"' in reply.read():
                        return urllib.parse.urlsplit(reply.geturl()).path
            except OSError:
                pass
            time.sleep(0.3)
        raise PeerUnavailable(f"otree prodserver did not serve the participant page in {seconds:.0f} s")

    def log_tail(self) -> str:
        log = self.tmp / "otree.log"
        return log.read_text(errors="replace")[-1500:] if log.exists() else ""

    def __exit__(self, *exc) -> None:
        self.stop()
        if self.db == "postgres":
            drop_pg_database(self.pg_db)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def stop(self) -> None:
        """prodserver and the timeout worker it started share one process group: stop both."""
        if not self.proc:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(timeout=20)
                break
            except subprocess.TimeoutExpired:
                continue
        self.proc = None
