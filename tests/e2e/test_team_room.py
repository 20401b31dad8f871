"""The team room in a real browser: catalogue picks, presence, the clock and a screen reader, removal."""

import pytest
from playwright.sync_api import expect

from exercises import roster, services
from exercises.models import Offer, Participant
from tests import factories
from tests.e2e.test_play_a_round import join, settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TWO_POLLS_MS = 4_000 + 1_500


def _catalogue_item(exercise, key: str) -> dict:
    return next(i for i in exercise.scenario["catalogue"] if i["key"] == key)


def test_picking_a_catalogue_item_fills_the_composer_by_mouse_and_by_keyboard(live_server, new_page):
    """Defect 1: the previews' hx-sync was inherited by the pick, whose fill request was cancelled."""
    exercise = factories.make_exercise(factories.make_facilitator("alice"), teams=("USA", "DPRK", "ROK"))
    kim = new_page()
    join(kim, live_server.url, factories.team(exercise, "DPRK"), "Kim")
    aborted = []
    kim.on("console", lambda message: aborted.append(message.text) if "sendAbort" in message.text else None)

    # Mouse: choose item 2 from the list.
    freeze = _catalogue_item(exercise, "yongbyon-freeze")
    kim.select_option("#id_c-0-kind", freeze["key"])
    expect(kim.locator("#id_c-0-action")).to_have_value(freeze["fields"]["action"], timeout=5_000)
    expect(kim.locator("#id_c-0-object")).to_have_value(freeze["fields"]["object"])
    expect(kim.locator("#id_c-0-site")).to_have_value(freeze["fields"]["site"])
    expect(kim.locator("input[name='c-0-to'][value='USA']")).to_be_checked()
    expect(kim.locator("#id_c-0-by")).to_have_value("DPRK")

    # Keyboard, on a second commitment: focus the list and move down with the arrow key.
    kim.click("button:has-text('Add a commitment')")
    expect(kim.locator("#id_c-1-kind")).to_be_visible()
    settled(kim)
    kim.focus("#id_c-1-kind")
    kim.keyboard.press("ArrowDown")  # "— free text —" -> item 1
    first = exercise.scenario["catalogue"][0]
    expect(kim.locator("#id_c-1-action")).to_have_value(first["fields"]["action"], timeout=5_000)
    expect(kim.locator("#id_c-0-site")).to_have_value(freeze["fields"]["site"])  # row 1 kept
    assert not aborted


def test_opening_the_room_is_not_drafting_typing_is(live_server, new_page):
    """Defect 5: the load-time preview marked every team as drafting for a minute."""
    exercise = factories.make_exercise(factories.make_facilitator("alice"), teams=("USA", "DPRK"))
    ann = new_page()
    with ann.expect_response(lambda r: "/preview/" in r.url):
        join(ann, live_server.url, factories.team(exercise, "USA"), "Ann")
    assert Participant.objects.get(display_name="Ann").drafting_at is None
    # A counter composer opens pre-filled and previews itself: still not typing.
    ann.reload()
    ann.wait_for_load_state("networkidle")
    assert Participant.objects.get(display_name="Ann").drafting_at is None
    with ann.expect_response(lambda r: "/preview/" in r.url):
        ann.fill("#id_c-0-action", "suspend")
    assert Participant.objects.get(display_name="Ann").drafting_at is not None


def test_the_clock_is_silent_and_the_room_announces_what_changed(live_server, new_page):
    """Defect 10: the clock lived in an aria-live region, so a screen reader spoke every second."""
    exercise = factories.make_exercise(factories.make_facilitator("alice"), teams=("USA", "DPRK"))
    ann = new_page()
    join(ann, live_server.url, factories.team(exercise, "USA"), "Ann")
    services.start_round(exercise=exercise, actor="t")
    status = ann.locator("#room-status")
    expect(status).to_contain_text("Round 1 of 3 is open.", timeout=TWO_POLLS_MS)
    said = status.inner_text()
    clock = ann.locator(".clock")
    expect(clock).to_have_attribute("role", "timer")
    live_regions = ann.locator("[aria-live]:not([aria-live=off])")
    for i in range(live_regions.count()):
        region = live_regions.nth(i)
        assert region.locator(".clock").count() == 0, region.evaluate("e => e.outerHTML.slice(0, 200)")
    # Over three seconds the clock ticks but the status region says nothing new.
    before = clock.inner_text()
    ann.wait_for_timeout(3_000)
    assert clock.inner_text() != before
    expect(status).to_have_text(said)
    services.push_inject(exercise=exercise, actor="t", inject_data={"title": "Talks in Hanoi", "text": "x"})
    expect(status).to_have_text("Round 1 of 3 is open. News: Talks in Hanoi.", timeout=TWO_POLLS_MS)


def test_a_removed_players_open_page_says_so(live_server, new_page):
    """Defect 4: the open page polled into 404s every 2 s; a reload showed a bare 404."""
    exercise = factories.make_exercise(factories.make_facilitator("alice"), teams=("USA", "DPRK"))
    ann = new_page()
    join(ann, live_server.url, factories.team(exercise, "USA"), "Ann")
    failures = []
    ann.on("response", lambda r: failures.append(r.url) if r.status == 404 else None)
    roster.remove_participant(participant=Participant.objects.get(display_name="Ann"), actor="facilitator alice")
    expect(ann.locator("h1")).to_have_text("You were removed from the team", timeout=TWO_POLLS_MS)
    ann.wait_for_timeout(2_500)  # the notice does not poll
    ann.reload()
    expect(ann.locator("h1")).to_have_text("You were removed from the team")
    assert "United States" in ann.locator("main").inner_text()
    assert not failures


def test_a_send_refused_before_round_1_is_not_resent_by_a_reload(live_server, new_page):
    """Defect 6: the refused POST left the browser on /offers/; a reload after round 1 opened sent it."""
    exercise = factories.make_exercise(factories.make_facilitator("alice"), teams=("USA", "DPRK"))
    kim = new_page()
    join(kim, live_server.url, factories.team(exercise, "DPRK"), "Kim")
    kim.check("input[name=recipients][value=USA]")
    kim.fill("#id_c-0-action", "freeze")
    kim.fill("#id_c-0-site", "Yongbyon")
    kim.click("button:has-text('Send offer')")
    expect(kim.locator("#composer-wrap .alert-danger")).to_contain_text("No round is open yet")
    # Sent with htmx, the refusal comes in place; the browser never left the room's URL (a GET).
    assert "/offers/" not in kim.url and f"/play/{factories.team(exercise, 'DPRK').pk}/" in kim.url
    services.start_round(exercise=exercise, actor="t")
    kim.reload()
    expect(kim.locator("#id_c-0-site")).to_have_value("Yongbyon")
    assert not Offer.objects.exists()
