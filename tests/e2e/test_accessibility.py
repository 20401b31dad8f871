"""Every page a class meets, checked by the axe-core engine; the skip link, with the keyboard.

axe-core is vendored for the tests only (tests/e2e/vendor/axe-core/README.md). It runs all its
rules on each page. The promise is no serious or critical violation; the test holds the pages
to none at all (the moderate and minor ones it found were fixed too), and names the rule, its
help text and the elements concerned.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from exercises import services
from exercises.models import Participant
from tests import factories
from tests.e2e.conftest import CHROMIUM
from tests.e2e.test_play_a_round import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"


def axe_violations(page) -> list[dict]:
    """Run axe on the page as it is now: its violations, whatever their impact."""
    page.add_script_tag(path=str(AXE))
    assert page.evaluate("axe.version") == AXE_VERSION
    return page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = "; ".join(" ".join(node["target"]) for node in v["nodes"][:4])
        lines.append(f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} elements, e.g. {targets})")
    return "\n".join(lines)


@pytest.fixture
def open_page(browser):
    """A browser context that lets the test add axe's script under the site's strict CSP."""
    contexts = []

    def make(width=1280, height=900):
        context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def classroom(db):
    """An exercise mid-game: round 1 closed with an agreement, round 2 open with an offer waiting."""
    facilitator = factories.make_facilitator("alice")
    exercise = factories.make_exercise(facilitator, teams=("USA", "DPRK", "ROK"), rounds=3, minutes=15)
    usa = factories.make_player(exercise, "USA", "Ann")
    dprk = factories.make_player(exercise, "DPRK", "Kim")
    round_1 = services.start_round(exercise=exercise, actor="t")
    agreed = factories.send_offer(dprk, [usa.team])
    services.respond(offer=agreed, participant=usa, accept=True)
    services.close_round(round=round_1, actor="t")
    services.start_round(exercise=exercise, actor="t")
    factories.send_offer(dprk, [usa.team], factories.vague_rows("DPRK", "USA"))
    observer = services.invite_observer(exercise=exercise, name="Dean", actor="t")
    return exercise, usa, observer


def check(page, url: str, failures: dict, name: str):
    page.goto(url)
    expect(page.locator("main")).to_be_visible()
    found = axe_violations(page)
    if found:
        failures[name] = describe(found)


def test_axe_finds_no_violation_on_any_page(live_server, open_page, classroom):
    exercise, usa, observer = classroom
    base, failures = live_server.url, {}
    anonymous = open_page()
    check(anonymous, f"{base}/", failures, "home")
    check(anonymous, f"{base}/join/", failures, "join")
    check(anonymous, f"{base}/accounts/login/", failures, "login")

    player = open_page(390, 844)  # a phone
    player.goto(f"{base}/join/{usa.team.join_code}/")
    player.fill("#id_display_name", usa.display_name)
    player.click("button:has-text('Join')")
    check(player, f"{base}/play/{usa.team_id}/", failures, "team room (phone)")

    facilitator = open_page()
    login(facilitator, base)
    e = f"{base}/exercises/{exercise.pk}"
    for name, url in [
        ("exercise list", f"{base}/exercises/"),
        ("console", f"{e}/"),
        ("settings", f"{e}/settings/"),
        ("round results", f"{e}/rounds/1/"),
        ("report", f"{e}/report/"),
    ]:
        check(facilitator, url, failures, name)
    phone = open_page(390, 844)  # a facilitator on a phone: wide tables scroll in boxes the keyboard reaches
    login(phone, base)
    for name, url in [
        ("exercise list (phone)", f"{base}/exercises/"),
        ("console (phone)", f"{e}/"),
        ("round results (phone)", f"{e}/rounds/1/"),
        ("report (phone)", f"{e}/report/"),
    ]:
        check(phone, url, failures, name)
    projector = open_page(1920, 1080)
    login(projector, base)
    check(projector, f"{e}/projector/", failures, "projector")
    check(open_page(), f"{base}/observe/{observer.token}/", failures, "observer")

    services.end_exercise(exercise=exercise, actor="t")
    check(facilitator, f"{e}/report/debrief/", failures, "debrief")
    check(player, f"{base}/play/{usa.team_id}/", failures, "team room after the end (phone)")
    check(player, f"{base}/play/{usa.team_id}/debrief/", failures, "team debrief (phone)")
    assert Participant.objects.filter(pk=usa.pk).exists()
    assert not failures, "\n".join(f"{page}:\n{text}" for page, text in failures.items())


def test_the_skip_link_is_first_and_moves_focus_to_the_page_content(live_server, open_page, classroom):
    exercise, usa, _ = classroom
    page = open_page()
    login(page, live_server.url)
    for url in ("/", f"/exercises/{exercise.pk}/", f"/exercises/{exercise.pk}/report/"):
        page.goto(live_server.url + url)
        page.keyboard.press("Tab")
        focused = page.evaluate("[document.activeElement.textContent.trim(), document.activeElement.className]")
        assert focused[0] == "Skip to main content", url
        skip = page.locator(".skip-link")
        assert skip.bounding_box()["width"] > 100, "shown while focused"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main", url
        assert skip.bounding_box()["width"] <= 1, "hidden again (Bootstrap's visually-hidden: a 1 px clip)"


def test_the_vendored_axe_is_the_pinned_release_with_its_licence():
    text = AXE.read_text(encoding="utf-8")
    assert text.startswith(f"/*! axe v{AXE_VERSION}")
    assert (AXE.parent / "LICENSE").read_text().startswith("Mozilla Public License, version 2.0")
    assert CHROMIUM  # the same Chromium as every browser test
