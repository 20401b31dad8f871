"""A facilitator and two players, in separate browsers, play one round."""

import pytest
from playwright.sync_api import expect

from exercises.models import Offer
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base: str):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")


def join(page, base: str, team, name: str):
    page.goto(f"{base}/join/{team.join_code}/")
    page.fill("#id_display_name", name)
    page.click("button:has-text('Join')")
    expect(page.locator("#brief-heading")).to_contain_text(team.name)


def settled(page) -> None:
    """Wait until htmx has nothing in flight and has wired up what it swapped in.

    htmx attaches the listeners of swapped-in content in its settle step, 20 ms after the swap; a key pressed
    in between reaches an element that htmx does not listen to yet. A person is never that quick; a test is.
    """
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-added')")


def test_join_offer_counter_accept_close(live_server, new_page, shoot):
    base = live_server.url
    facilitator = factories.make_facilitator("alice")
    exercise = factories.make_exercise(facilitator, teams=("USA", "DPRK", "ROK"), rounds=2, minutes=15)
    usa, dprk = factories.team(exercise, "USA"), factories.team(exercise, "DPRK")

    console = new_page()
    login(console, base)
    console.goto(f"{base}/exercises/{exercise.pk}/")
    shoot(console, "01-facilitator-lobby")

    kim = new_page(390, 844)  # a phone
    join(kim, base, dprk, "Kim")
    shoot(kim, "02-dprk-room-before-round")
    ann = new_page()
    join(ann, base, usa, "Ann")

    console.reload()
    expect(console.locator("body")).to_contain_text("Kim")
    console.click("button:has-text('Start round 1')")
    expect(console.locator("h2#round-heading")).to_contain_text("Round 1 of 2")

    # DPRK drafts a base hit: the live score panel reacts while typing.
    expect(kim.locator("#team-live")).to_contain_text("Round 1 of 2", timeout=8000)
    kim.check("input[name=recipients][value=USA]")
    kim.fill("#id_c-0-action", "freeze")
    kim.fill("#id_c-0-object", "plutonium reprocessing")
    kim.fill("#id_c-0-site", "Yongbyon")
    kim.fill("#id_c-0-deadline", "within 30 days")
    kim.fill("#id_c-0-verification", "IAEA inspectors with continuous access")
    expect(kim.locator("[data-testid=preview-specificity]")).to_be_visible(timeout=8000)
    shoot(kim, "03-dprk-composer-with-scores")
    kim.click("button:has-text('Send offer')")
    expect(kim.locator(".alert-success")).to_contain_text("Offer #1 sent")

    # USA sees it arrive by polling, and counters.
    expect(ann.locator("#team-live")).to_contain_text("Offer #1", timeout=8000)
    shoot(ann, "04-usa-inbox")
    ann.evaluate("window.sameRoom = true")  # gone if the page reloads
    ann.click("a:has-text('Counter')")
    counter_heading = "Counter-offer to #1 from Democratic People's Republic of Korea"
    expect(ann.locator("#composer-heading")).to_have_text(counter_heading)
    expect(ann.locator("#composer-heading")).to_be_focused()
    assert ann.url.endswith("?counter=1") and ann.evaluate("window.sameRoom") is True
    # Cancel swaps a blank composer in; the back button brings the counter back.
    ann.click("a:has-text('Cancel the counter')")
    expect(ann.locator("#composer-heading")).to_have_text("New offer")
    assert not ann.url.endswith("?counter=1")
    ann.go_back()
    expect(ann.locator("#composer-heading")).to_have_text(counter_heading)
    assert ann.evaluate("window.sameRoom") is True
    expect(ann.locator("#id_c-0-site")).to_have_value("Yongbyon")
    ann.click("button:has-text('Add a commitment')")
    expect(ann.locator("#id_c-1-action")).to_be_visible()
    ann.select_option("#id_c-1-by", "USA")
    ann.check("input[name='c-1-to'][value='DPRK']")
    ann.fill("#id_c-1-action", "suspend")
    ann.fill("#id_c-1-object", "sanctions on coal exports")
    ann.fill("#id_c-1-deadline", "within 30 days")
    ann.fill("#id_c-0-conditional_on", "2")
    shoot(ann, "05-usa-counter-composer")
    ann.click("button:has-text('Send offer')")
    expect(ann.locator(".alert-success")).to_contain_text("Offer #2 sent")

    # DPRK accepts the counter: an agreement.
    expect(kim.locator("#offer-2")).to_be_visible(timeout=8000)
    kim.locator("#offer-2 button:has-text('Accept')").click()
    expect(kim.locator(".alert-success")).to_contain_text("now an agreement")
    shoot(kim, "06-dprk-agreement")

    console.reload()
    shoot(console, "07-facilitator-status")
    console.click("button:has-text('Close round 1 now')")
    expect(console.locator(".alert-success")).to_contain_text("Round 1 closed")
    shoot(console, "08-facilitator-after-close")

    assert Offer.objects.get(number=2).status == Offer.Status.ACCEPTED
    assert Offer.objects.get(number=1).status == Offer.Status.COUNTERED
    expect(ann.locator("#team-live")).to_contain_text("Round 1 of 2 · Closed", timeout=8000)
