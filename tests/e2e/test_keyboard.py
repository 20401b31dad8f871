"""A player who uses only the keyboard sends an offer, and another answers one."""

import pytest
from playwright.sync_api import expect

from exercises import services
from exercises.models import Offer
from tests import factories
from tests.e2e.test_play_a_round import join

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TWO_POLLS_MS = 4_000 + 1_500


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 400) -> None:
    """Press Tab (or Shift+Tab) until the element matching ``selector`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("s => { const e = document.activeElement; return !!e && e.matches(s); }", selector):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{selector} never received the focus by keyboard")


def test_an_offer_is_sent_and_answered_with_the_keyboard_only(live_server, new_page):
    exercise = factories.make_exercise(factories.make_facilitator("alice"), teams=("USA", "DPRK", "ROK"))
    services.start_round(exercise=exercise, actor="t")
    kim, ann = new_page(), new_page()
    join(kim, live_server.url, factories.team(exercise, "DPRK"), "Kim")
    join(ann, live_server.url, factories.team(exercise, "USA"), "Ann")

    # Kim (DPRK): recipients with Space, a catalogue item with the arrow keys, a free-text step typed in.
    tab_to(kim, "input[name=recipients][value=USA]")
    kim.keyboard.press("Space")
    tab_to(kim, "#id_c-0-kind")
    for _ in range(2):
        kim.keyboard.press("ArrowDown")  # item 2: the Yongbyon freeze
    expect(kim.locator("#id_c-0-site")).to_have_value("Yongbyon Nuclear Scientific Research Center", timeout=5_000)
    tab_to(kim, "#id_c-0-deadline")
    kim.keyboard.type("within 30 days")
    tab_to(kim, "button[name=add_row]")
    kim.keyboard.press("Enter")
    expect(kim.locator("#id_c-1-by")).to_be_attached()
    tab_to(kim, "#id_c-1-by", backwards=True)  # the new row comes after the button's old place
    kim.keyboard.press("ArrowUp")  # DPRK -> USA: who commits
    expect(kim.locator("#id_c-1-by")).to_have_value("USA")
    tab_to(kim, "input[name='c-1-to'][value=DPRK]")
    kim.keyboard.press("Space")
    tab_to(kim, "#id_c-1-text")
    kim.keyboard.type("lift the ban on Pyongyang's fuel imports within 30 days")
    expect(kim.locator("[data-testid=preview-specificity]")).to_be_visible(timeout=5_000)
    tab_to(kim, "#composer button[data-once]")
    kim.keyboard.press("Enter")
    expect(kim.locator(".alert-success")).to_contain_text("Offer #1 sent")
    # Sent in place (htmx): focus goes to the message, not lost with the swapped composer.
    expect(kim.locator("#room-flash")).to_be_focused()
    offer = Offer.objects.get()
    assert [c.by for c in offer.commitments.all()] == ["DPRK", "USA"]
    assert offer.commitments.get(position=1).kind == "yongbyon-freeze"

    # Ann (USA): the offer arrives; she reaches Accept with Tab and presses Enter.
    expect(ann.locator("#offer-1")).to_be_visible(timeout=TWO_POLLS_MS)
    tab_to(ann, "#offer-1 button[value=accept]")
    focused = ann.evaluate("document.activeElement.innerText")
    assert "Accept" in focused and "offer #1" in focused  # the button says which offer it answers
    ann.keyboard.press("Enter")
    expect(ann.locator(".alert-success")).to_contain_text("now an agreement")
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED
