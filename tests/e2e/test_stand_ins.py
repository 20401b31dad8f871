"""A human team trades with two stand-in bots, a base hitter and a hardliner, and reads their answers."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from exercises import bots, services
from exercises.models import Exercise
from tests import factories
from tests.e2e.test_play_a_round import settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def pick(page, row: int, key: str, by: str) -> None:
    """A catalogue item on composer row ``row`` (0-based): the composer fills its fields and its giver in."""
    if row:
        page.click("button:has-text('Add a commitment')")
        expect(page.locator(f"#id_c-{row}-kind")).to_be_visible()
        settled(page)
    page.select_option(f"#id_c-{row}-kind", key)
    expect(page.locator(f"#id_c-{row}-by")).to_have_value(by, timeout=8000)


def trade(page, partner: str, give: str, get: str) -> int:
    """USA's step for the partner's step, each dated, verified and waiting for the other; returns its number."""
    page.check(f"input[name=recipients][value={partner}]")
    pick(page, 0, give, "USA")
    pick(page, 1, get, partner)
    for row, other in ((0, 2), (1, 1)):
        page.fill(f"#id_c-{row}-site", page.input_value(f"#id_c-{row}-site") or "Panmunjom")
        page.fill(f"#id_c-{row}-deadline", "within 30 days")
        page.fill(f"#id_c-{row}-verification", page.input_value(f"#id_c-{row}-verification") or "IAEA inspectors")
        page.fill(f"#id_c-{row}-conditional_on", str(other))
    sent = page.locator("#room-flash .alert-success")
    before = sent.inner_text() if sent.count() else ""
    page.click("button:has-text('Send offer')")
    # The send is answered in place: wait for this offer's word, not the previous one's.
    expect(sent).to_contain_text("sent")
    if before:
        expect(sent).not_to_have_text(before)
    return int(re.search(r"#(\d+)", sent.inner_text())[1])


def test_a_team_trades_with_a_base_hitter_and_a_hardliner(live_server, new_page, shoot):
    facilitator = factories.make_facilitator("alice")
    exercise = factories.make_exercise(facilitator, teams=("USA", "DPRK", "ROK"), rounds=2, minutes=15)
    Exercise.objects.filter(pk=exercise.pk).update(bot_delay_seconds=2)
    usa, dprk, rok = (factories.team(exercise, k) for k in ("USA", "DPRK", "ROK"))
    bots.hand_over(team=dprk, persona="base-hitter", actor="facilitator alice")
    bots.hand_over(team=rok, persona="hardliner", actor="facilitator alice")
    services.start_round(exercise=exercise, actor="facilitator alice")

    for width, height, name in ((1280, 900, "desktop"), (390, 844, "phone")):
        page = new_page(width, height)
        page.goto(f"{live_server.url}/join/{usa.join_code}/")
        page.fill("#id_display_name", f"Ann {name}")
        page.click("button:has-text('Join')")
        if name == "phone":
            shoot(page, "16-phone-room-with-bots")
            continue
        expect(page.locator("#team-live")).to_contain_text("Round 1 of 2")

        # A step for a step with the base hitter; the hardliner is asked to give first-rate value for less.
        to_dprk = trade(page, "DPRK", "end-of-war-declaration", "test-moratorium")
        to_rok = trade(page, "ROK", "no-strategic-assets", "food-aid")

        # The room polls; the bots answer after their delay, each with its reason.
        dprk_card, rok_card = page.locator(f"#offer-{to_dprk}"), page.locator(f"#offer-{to_rok}")
        expect(dprk_card).to_contain_text("DPRK: accepted “Specific and reciprocal: agreed.”", timeout=20000)
        expect(rok_card).to_contain_text("ROK: rejected “We do not pay first", timeout=20000)
        expect(dprk_card.locator(".bot-badge")).to_be_visible()
        expect(rok_card.locator(".bot-badge")).to_have_attribute("title", "Played by a bot: Hardliner")
        # The bots' own offers of the round arrive as any team's would, marked as theirs.
        expect(page.locator("#team-live .bot-badge").first).to_be_visible()
        shoot(page, "16-desktop-answers-from-bots")
        dprk_card.screenshot(path=str(SHOTS / "16-desktop-base-hitter-answer.png"))
        rok_card.screenshot(path=str(SHOTS / "16-desktop-hardliner-answer.png"))

    assert exercise.bot_actions.filter(key=f"answer-{to_dprk}", outcome="accept").count() == 1
    assert exercise.bot_actions.filter(key=f"answer-{to_rok}", outcome="reject").count() == 1


def login(page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")


def test_the_facilitator_hands_a_team_over_and_watches_a_rehearsal(live_server, new_page, shoot):
    facilitator = factories.make_facilitator("alice")
    exercise = factories.make_exercise(facilitator, rounds=2, title="Monday section")
    dprk = factories.team(exercise, "DPRK")
    console = new_page()
    login(console, live_server.url)
    console.goto(f"{live_server.url}/exercises/{exercise.pk}/")
    console.click("summary:has-text('Hand a team to a bot')")
    console.select_option(f"#persona-{dprk.pk}", "hardliner")
    console.locator(f"#persona-{dprk.pk}").locator("xpath=..").get_by_role(
        "button", name=re.compile("Hand to a bot")
    ).click()
    expect(console.locator(".alert-success")).to_contain_text("is played by the Hardliner bot")
    expect(console.locator("tr[data-team=DPRK] .bot-badge")).to_be_visible()
    console.click("summary:has-text('Hand a team to a bot')")
    console.locator("#stand-ins-heading").locator("xpath=..").screenshot(path=str(SHOTS / "16-console-stand-ins.png"))

    console.goto(f"{live_server.url}/exercises/")
    shoot(console, "16-exercise-list-rehearse")
    console.locator("button:has-text('Rehearse')").click()
    expect(console.locator(".alert-success")).to_contain_text("Rehearsal started")
    rehearsal = Exercise.objects.get(rehearsal=True)
    expect(console.locator("h1")).to_contain_text("Rehearsal: Monday section")
    projector = console.context.new_page()  # the same login, another window
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(f"{live_server.url}/exercises/{rehearsal.pk}/projector/")
    expect(projector.locator("body")).to_contain_text("Rehearsal: every team is played by a bot.")
    # The bots trade while the console and the projector watch: offers fill the matrix.
    expect(console.locator("#live-matrix")).to_contain_text("#1", timeout=30000)
    expect(console.locator("#live-events")).to_contain_text("(bot)", timeout=30000)
    shoot(console, "16-rehearsal-console")
    shoot(projector, "16-rehearsal-projector")
    console.get_by_role("button", name="End exercise").click()
    expect(console.locator("body")).to_contain_text("ended")
    # The first report a server draws loads matplotlib: allow it longer than a page.
    console.goto(f"{live_server.url}/exercises/{rehearsal.pk}/report/", timeout=60000)
    expect(console.locator("body")).to_contain_text("bot: Base hitter")
    shoot(console, "16-rehearsal-report")
