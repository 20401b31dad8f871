"""Triggered news in a browser: the console lists it, fires one by hand, disarms another;
the team's phone shows the fired news; the report tells the facilitator what happened at Hanoi."""

import pytest
from playwright.sync_api import expect

from exercises import services
from tests import factories
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_play_a_round import join, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TWO_POLLS_MS = 4_000 + 1_500


def test_the_facilitator_fires_and_disarms_triggered_news(live_server, new_page, shoot):
    base = live_server.url
    facilitator = factories.make_facilitator("alice")
    exercise = factories.make_exercise(facilitator, teams=("USA", "DPRK", "ROK", "China"), rounds=4, minutes=15)
    dprk = factories.team(exercise, "DPRK")

    console = new_page(1400, 900)
    login(console, base)
    kim = new_page(390, 844)
    join(kim, base, dprk, "Kim")
    console.goto(f"{base}/exercises/{exercise.pk}/")
    console.click("button:has-text('Start round 1')")
    expect(console.locator("#round-heading")).to_contain_text("Round 1 of 4")

    triggers = console.locator("details.triggers")
    expect(triggers).to_contain_text("Fires when no agreement is reached by the end of round 2")
    rail = triggers.locator("[data-trigger=rail-link-work]")
    expect(rail).to_contain_text("a commitment on “UN exemption for inter-Korean projects")
    expect(rail.locator(".badge")).to_have_text("Armed")
    triggers.scroll_into_view_if_needed()
    shoot(console, "12b-console-triggers-armed")
    triggers.screenshot(path=str(SCREENSHOTS / "12b-triggers-armed-card.png"))

    # Fire the good news by hand (the confirm dialog is accepted): the phone shows it within two polls.
    rail.locator("button:has-text('Fire now')").click()
    expect(console.locator(".alert-success")).to_contain_text("Fired by hand and pushed to every team")
    expect(console.locator("[data-trigger=rail-link-work]")).to_contain_text("fired by hand in round 1")
    expect(kim.locator("#team-live")).to_contain_text("Rail engineers return north", timeout=TWO_POLLS_MS)

    # Disarm the aftermath of a failed summit: it does not fire when round 2 closes without a deal.
    console.locator("[data-trigger=summit-breaks-up] button:has-text('Disarm')").click()
    expect(console.locator("[data-trigger=summit-breaks-up]")).to_contain_text("disarmed by facilitator alice")
    console.locator("details.triggers").scroll_into_view_if_needed()
    shoot(console, "12b-console-triggers-after")
    console.locator("details.triggers").screenshot(path=str(SCREENSHOTS / "12b-triggers-after-card.png"))
    shoot(kim, "12b-phone-fired-news")

    phone_console = new_page(390, 844)
    login(phone_console, base)
    phone_console.goto(f"{base}/exercises/{exercise.pk}/")
    phone_console.locator("details.triggers").scroll_into_view_if_needed()
    shoot(phone_console, "12b-console-triggers-phone")
    phone_console.locator("details.triggers").screenshot(path=str(SCREENSHOTS / "12b-triggers-phone-card.png"))

    services.end_exercise(exercise=exercise, actor="t")
    console.goto(f"{base}/exercises/{exercise.pk}/report/", timeout=60_000)  # charts are drawn on first view
    notes = console.locator("#scenario-notes")
    expect(notes).to_contain_text("What happened at Hanoi")
    expect(notes).to_contain_text("Sources of the scenario")
    expect(console.locator("#timeline")).to_contain_text(
        "“Rail engineers return north under the exemption” fired by hand"
    )
    notes.scroll_into_view_if_needed()
    shoot(console, "12b-report-behind-the-scenario")
    notes.screenshot(path=str(SCREENSHOTS / "12b-report-notes-section.png"))
