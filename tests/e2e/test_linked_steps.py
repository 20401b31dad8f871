"""A linked deal whose condition breaks, played in a real browser: the team room and the report
say the dependent step is void because its condition was broken (rules/ledger.py)."""

import pytest
from playwright.sync_api import expect

from exercises import rules
from exercises.models import Commitment
from tests import factories
from tests.e2e.test_play_a_round import join, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def freeze_breaks(monkeypatch):
    """The dice: offer #1's first step (the DPRK's freeze) breaks, everything else is kept."""

    def resolve(seed, key, probability):
        draw = 0.99 if key == "offer-1-c1" else 0.0
        return draw < probability, draw

    monkeypatch.setattr(rules, "resolve_commitment", resolve)


def test_a_step_whose_condition_broke_is_shown_void_in_the_room_and_the_report(
    live_server, new_page, shoot, freeze_breaks
):
    base = live_server.url
    exercise = factories.make_exercise(factories.make_facilitator("alice"), teams=("USA", "DPRK"), rounds=2)
    console = new_page()
    login(console, base)
    console.goto(f"{base}/exercises/{exercise.pk}/")
    kim = new_page()
    join(kim, base, factories.team(exercise, "DPRK"), "Kim")
    ann = new_page(390, 844)  # a phone
    join(ann, base, factories.team(exercise, "USA"), "Ann")
    console.click("button:has-text('Start round 1')")

    # The DPRK offers a freeze; the USA's relief comes only if the freeze is met.
    expect(kim.locator("#team-live")).to_contain_text("Round 1 of 2", timeout=8000)
    kim.check("input[name=recipients][value=USA]")
    kim.fill("#id_c-0-action", "freeze")
    kim.fill("#id_c-0-object", "plutonium reprocessing")
    kim.fill("#id_c-0-site", "Yongbyon")
    kim.fill("#id_c-0-deadline", "within 30 days")
    kim.fill("#id_c-0-verification", "IAEA inspectors with continuous access")
    kim.click("button:has-text('Add a commitment')")
    expect(kim.locator("#id_c-1-action")).to_be_visible()
    kim.select_option("#id_c-1-by", "USA")
    kim.check("input[name='c-1-to'][value='DPRK']")
    kim.fill("#id_c-1-action", "suspend")
    kim.fill("#id_c-1-object", "UN sanctions on coal exports")
    kim.fill("#id_c-1-deadline", "within 30 days")
    kim.fill("#id_c-1-conditional_on", "1")
    kim.click("button:has-text('Send offer')")
    expect(kim.locator(".alert-success")).to_contain_text("Offer #1 sent")

    expect(ann.locator("#offer-1")).to_be_visible(timeout=8000)
    ann.locator("#offer-1 button:has-text('Accept')").click()
    expect(ann.locator(".alert-success")).to_contain_text("now an agreement")

    # Both steps fall due at round 2's close: the freeze breaks, so the relief is void.
    console.reload()
    console.click("button:has-text('Close round 1 now')")
    expect(console.locator(".alert-success")).to_contain_text("Round 1 closed")
    console.click("button:has-text('Start round 2')")
    kim.reload()  # round 2 is the last: the composer warns that deals are settled at the end
    expect(kim.locator("[data-testid=last-round-warning]")).to_contain_text("final reckoning")
    shoot(kim, "last-round-warning-desktop")
    console.click("button:has-text('Close round 2 now')")
    expect(console.locator(".alert-success")).to_contain_text("Round 2 closed")
    assert dict(Commitment.objects.values_list("position", "outcome")) == {1: "broken", 2: "voided"}

    ann.reload()
    results = ann.locator("details:has(h2:has-text('Results of round 2'))")
    expect(results).to_contain_text("Void (condition broken)")
    expect(results).to_contain_text("its condition, no. 1, was broken")
    expect(results).to_contain_text("Broken")
    shoot(ann, "linked-void-team-room-390")
    kim.reload()
    expect(kim.locator("body")).to_contain_text("its condition, no. 1, was broken")
    shoot(kim, "linked-void-team-room-desktop")

    # The umpire's table lists the void step (nothing to overrule) with "value this step".
    umpire = console.locator("table.umpire")
    expect(umpire).to_contain_text("its condition, no. 1, was broken")
    expect(umpire.locator("button:has-text('Value this step')")).to_have_count(2)
    console.locator("#umpire-heading").scroll_into_view_if_needed()
    shoot(console, "linked-void-console")
    projector = new_page()
    projector.context.add_cookies(console.context.cookies())
    projector.goto(f"{base}/exercises/{exercise.pk}/projector/")
    expect(projector.locator("body")).to_contain_text("void (condition broken)")
    shoot(projector, "linked-void-projector")
    phone = new_page(390, 844)
    phone.context.add_cookies(console.context.cookies())
    phone.goto(f"{base}/exercises/{exercise.pk}/rounds/2/")
    expect(phone.locator("body")).to_contain_text("(its condition, no. 1, was broken)")
    shoot(phone, "linked-void-round-results-390")

    console.click("button:has-text('End exercise')")
    console.goto(f"{base}/exercises/{exercise.pk}/report/")
    expect(console.locator("body")).to_contain_text("Void (condition broken)")
    expect(console.locator("body")).to_contain_text("void, its condition no. 1 was broken.")
    shoot(console, "linked-void-report")
