"""The benchmark runner starts, its load client parses HTTP and its peer harness judges; no timings here.

Nothing here installs or starts oTree: `make bench` does (bench/peer.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

from loadclient import Browser, parse_response, percentile  # noqa: E402


def test_run_py_help():
    out = subprocess.run([sys.executable, str(BENCH / "run.py"), "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "--db" in out.stdout and "--quick" in out.stdout


def test_the_load_client_parses_plain_and_chunked_responses():
    status, headers, pairs, body = parse_response(
        b"HTTP/1.1 302 Found\r\nLocation: /play/3/\r\nSet-Cookie: a=1; Path=/\r\nSet-Cookie: b=2\r\n"
        b"Content-Length: 2\r\n\r\nokEXTRA"
    )
    assert (status, headers["location"], body) == (302, "/play/3/", b"ok")
    assert [v for k, v in pairs if k == "set-cookie"] == ["a=1; Path=/", "b=2"]
    status, _, _, body = parse_response(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    )
    assert (status, body) == (200, b"abcde")


def test_cookies_and_percentiles():
    browser = Browser(8000)
    browser._store_cookie("sessionid=xyz; HttpOnly; Path=/")
    browser._store_cookie('messages=""; Max-Age=0; Path=/')
    assert browser.cookies == {"sessionid": "xyz"}
    assert percentile([5, 1, 4, 2, 3], 50) == 3 and percentile([], 95) == 0.0


# --- the peer (oTree): generated project, install that fails cleanly, the ratios -------------------


def test_the_generated_otree_project_has_one_page_with_one_number_field(tmp_path):
    from peer import APP, write_project

    project = write_project(tmp_path / "project")
    assert (project / "_static").is_dir()
    for source in project.rglob("*.py"):
        compile(source.read_text(), str(source), "exec")  # valid Python, without importing oTree
    app = (project / APP / "__init__.py").read_text()
    assert "models.IntegerField(" in app and 'form_fields = ["number"]' in app and "page_sequence = [Number]" in app
    assert "{{ formfields }}" in (project / APP / "Number.html").read_text()
    assert f'app_sequence=["{APP}"]' in (project / "settings.py").read_text()


def test_an_unreachable_index_makes_otree_unavailable_with_a_reason_and_no_stamp(tmp_path):
    from peer import OTREE_VERSION, PeerUnavailable, ensure_venv

    # No index and no config file: pip can only fail, and nothing is downloaded.
    offline = {"PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(tmp_path)}
    venv = tmp_path / "venv"
    with pytest.raises(PeerUnavailable) as failure:
        ensure_venv(venv, python=sys.executable, pip_env=offline)
    message = str(failure.value)
    assert f"could not install oTree {OTREE_VERSION} from PyPI" in message and f"otree=={OTREE_VERSION}" in message
    assert not (venv / ".installed").exists()


def test_an_installed_otree_is_not_installed_again(tmp_path):
    from peer import REQUIREMENTS, ensure_venv

    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "otree").write_text("")
    (venv / ".installed").write_text(" ".join(REQUIREMENTS) + "\n")
    # A Python that does not exist proves that nothing was run.
    assert ensure_venv(venv, python=str(tmp_path / "no-python")) == venv


def test_throughput_alternates_the_targets_and_judges_the_medians(monkeypatch):
    import scenarios

    rps = {"/healthz": [1000, 1100, 900], "/poll": [900, 950, 850], "/room": [60, 70, 50], "/page": [100, 90, 110]}
    order = []

    def fake_wrk(url, seconds, connections, cookie):
        path = url.split(":", 2)[2].split("/", 1)[1]
        order.append("/" + path)
        return {"rps": rps["/" + path].pop(0), "non_2xx": 0, "socket_errors": ""}

    monkeypatch.setattr(scenarios.shutil, "which", lambda name: "/usr/bin/wrk")
    monkeypatch.setattr(scenarios, "_wrk", fake_wrk)
    targets = [
        scenarios.Target("healthz", 1, "/healthz"),
        scenarios.Target("poll", 1, "/poll", "sessionid=x"),
        scenarios.Target("room", 1, "/room", "sessionid=x"),
        scenarios.Target("otree", 2, "/page"),
    ]
    result = scenarios.throughput(targets, seconds=1, repetitions=3)
    assert order == ["/healthz", "/poll", "/room", "/page"] * 3
    assert (result["healthz_rps"], result["poll_rps"], result["room_rps"], result["otree_rps"]) == (1000, 900, 60, 100)
    assert (result["ratio"], result["pass"]) == (0.9, True)
    assert (result["room_vs_otree"], result["room_vs_otree_pass"], result["room_vs_otree_goal_met"]) == (
        0.6,
        False,
        False,
    )
    assert (result["poll_vs_otree"], result["poll_vs_otree_pass"]) == (9.0, False)


def test_the_peer_ratios_pass_only_on_clean_runs_and_are_absent_without_otree():
    from scenarios import judge_throughput

    fast = {"healthz": 4000, "poll": 3600, "room": 1100, "otree": 100}
    assert judge_throughput(fast, [])["room_vs_otree_pass"] and judge_throughput(fast, [])["poll_vs_otree_pass"]
    assert judge_throughput(fast, [])["room_vs_otree_goal_met"]
    refused = judge_throughput(fast, ["otree: {'non_2xx': 3}"])
    assert not refused["room_vs_otree_pass"] and not refused["poll_vs_otree_pass"] and refused["pass"]
    alone = judge_throughput({"healthz": 4000, "poll": 3000, "room": 90}, [])
    assert "room_vs_otree" not in alone and (alone["ratio"], alone["pass"]) == (0.75, False)


def test_the_table_says_why_otree_was_not_measured():
    from run import peer_notes, poll_rows

    poll = {"ratio": 0.9, "poll_rps": 900, "healthz_rps": 1000, "target": ">= 0.8", "pass": True}
    poll["otree_unavailable"] = "could not install oTree"
    rows = poll_rows("sqlite", poll)
    assert [r[3] for r in rows] == ["PASS", "n/a", "n/a"] and "oTree unavailable" in rows[1][1]
    results = {"otree": {"unavailable": "could not install oTree"}, "servers": {"sqlite": {"poll": poll}}}
    assert peer_notes(results) == ["oTree: could not install oTree"]
