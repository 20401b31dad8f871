"""The console, the projector and a team room in separate browsers, as in a classroom."""

import re

import pytest
from playwright.sync_api import expect

from exercises import services
from exercises.models import Round
from tests import factories
from tests.e2e.test_play_a_round import join, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TWO_POLLS_MS = 4_000 + 1_500  # two poll intervals, plus a request's worth of slack


def test_an_inject_reaches_a_team_and_pause_freezes_its_clock(live_server, new_page, shoot):
    base = live_server.url
    facilitator = factories.make_facilitator("alice")
    exercise = factories.make_exercise(facilitator, teams=("USA", "DPRK", "ROK", "China"), rounds=3, minutes=15)
    usa, dprk = factories.team(exercise, "USA"), factories.team(exercise, "DPRK")

    console = new_page(1400, 900)
    login(console, base)
    console.goto(f"{base}/exercises/{exercise.pk}/")
    shoot(console, "10-console-lobby")

    kim = new_page(390, 844)  # a phone
    join(kim, base, dprk, "Kim")
    ann = new_page()
    join(ann, base, usa, "Ann")

    # The console sees the players arrive by polling, without a reload.
    expect(console.locator("#live-teams")).to_contain_text("Kim", timeout=TWO_POLLS_MS)
    console.click("button:has-text('Start round 1')")
    expect(console.locator("#round-heading")).to_contain_text("Round 1 of 3")
    expect(kim.locator("#team-live")).to_contain_text("Round 1 of 3", timeout=TWO_POLLS_MS)

    # Written news for every team: it shows on the phone within two polls.
    console.fill("#id_title", "Missile test over the Sea of Japan")
    console.fill("#id_text", "A launch at dawn; Tokyo protests.")
    console.fill("#id_tension", "5")
    console.click("button:has-text('Push to the teams')")
    expect(console.locator(".alert-success")).to_contain_text("Pushed to every team")
    expect(kim.locator(".inject-latest")).to_contain_text("Missile test over the Sea of Japan", timeout=TWO_POLLS_MS)

    # A team's offer shows in the console's matrix within two polls.
    kim.check("input[name=recipients][value=USA]")
    kim.fill("#id_c-0-action", "freeze")
    kim.fill("#id_c-0-object", "plutonium reprocessing")
    kim.fill("#id_c-0-site", "Yongbyon")
    kim.fill("#id_c-0-deadline", "within 30 days")
    kim.click("button:has-text('Send offer')")
    expect(kim.locator(".alert-success")).to_contain_text("Offer #1 sent")
    expect(console.locator("#live-matrix")).to_contain_text("#1 · Awaiting answers", timeout=TWO_POLLS_MS)
    expect(ann.locator("#team-live")).to_contain_text("Offer #1", timeout=TWO_POLLS_MS)
    console.locator("#live-matrix a.matrix-offer").first.click()
    expect(console.locator("#offer-modal-body")).to_contain_text("Specificity")
    shoot(console, "11-console-offer-modal")
    console.locator("#offer-modal .btn-close").click()

    # Pause: the phone's clock freezes and its submit is refused with a clear message.
    console.click("button:has-text('Pause')")
    expect(console.locator("#round-heading")).to_contain_text("Paused")
    clock = kim.locator("#team-live .clock")
    expect(clock).to_have_attribute("data-status", "paused", timeout=TWO_POLLS_MS)
    # The swapped-in clock is drawn by app.js on the next tick (at most a second later).
    expect(clock).to_contain_text("paused", timeout=2_000)
    frozen = clock.inner_text()
    kim.wait_for_timeout(2_200)
    assert clock.inner_text() == frozen
    expect(kim.locator("#team-live")).to_contain_text("The facilitator has paused the round")
    shoot(kim, "12-dprk-phone-paused")
    kim.check("input[name=recipients][value=ROK]")
    kim.fill("#id_c-0-action", "dismantle")
    kim.fill("#id_c-0-object", "the 5 MW reactor")
    kim.fill("#id_c-0-site", "Yongbyon")
    kim.click("button:has-text('Send offer')")
    expect(kim.locator("#composer-wrap .alert-danger")).to_contain_text("paused the round")
    expect(kim.locator("#id_c-0-site")).to_have_value("Yongbyon")  # the draft is kept
    assert Round.objects.get().status == Round.Status.PAUSED

    console.click("button:has-text('Resume')")
    expect(kim.locator("#team-live .clock")).to_have_attribute("data-status", "open", timeout=TWO_POLLS_MS)
    shoot(console, "13-console-running")


def test_the_projector_shows_the_room_and_no_private_text(live_server, new_page, shoot):
    base = live_server.url
    facilitator = factories.make_facilitator("alice")
    exercise = factories.make_exercise(facilitator, teams=("USA", "DPRK", "ROK", "China"), rounds=3, minutes=15)
    usa, dprk = factories.make_player(exercise, "USA", "Ann"), factories.make_player(exercise, "DPRK", "Kim")

    screen = new_page(1920, 1080)
    login(screen, base)
    screen.goto(f"{base}/exercises/{exercise.pk}/projector/")
    expect(screen.locator(".proj-join")).to_contain_text("Join your team")
    shoot(screen, "20-projector-lobby")

    # Everything the projector shows arrives by polling.
    first = services.start_round(exercise=exercise, actor="t")
    expect(screen.locator("[data-testid=projector-round]")).to_contain_text("Round 1 of 3", timeout=TWO_POLLS_MS)
    offer = factories.send_offer(dprk, [usa.team])
    services.respond(offer=offer, participant=usa, accept=True)
    services.push_inject(
        exercise=exercise, actor="t", inject_data={"title": "Summit set for Hanoi", "text": "Both leaders confirm."}
    )
    expect(screen.locator("#proj-agreements")).to_be_visible()
    expect(screen.locator(".proj-inject")).to_contain_text("Summit set for Hanoi", timeout=TWO_POLLS_MS)
    expect(screen.locator("body")).to_contain_text("#1 · DPRK ⇄ USA", timeout=TWO_POLLS_MS)
    services.close_round(round=first, actor="t")
    services.reveal_leaderboard(exercise=exercise, revealed=True, actor="t")
    expect(screen.locator("#proj-leaderboard")).to_contain_text("Leaderboard after round 1", timeout=TWO_POLLS_MS)
    services.start_round(exercise=exercise, actor="t")
    expect(screen.locator("[data-testid=projector-round]")).to_contain_text("Round 2 of 3", timeout=TWO_POLLS_MS)
    shoot(screen, "21-projector-running")

    text = screen.locator("body").inner_text()
    for team in exercise.scenario["teams"]:
        assert team["brief"].strip()[:60] not in text
        for objective in team.get("objectives", []):
            assert objective[:50] not in text
    assert not re.search(r"private brief", text, re.I)


def test_join_cards_print_one_card_per_team(live_server, new_page, shoot):
    base = live_server.url
    facilitator = factories.make_facilitator("alice")
    exercise = factories.make_exercise(facilitator, teams=("USA", "DPRK", "ROK", "China"))
    page = new_page(900, 1200)
    login(page, base)
    page.goto(f"{base}/exercises/{exercise.pk}/join-cards/")
    expect(page.locator(".join-card")).to_have_count(4)
    shoot(page, "30-join-cards")
    page.emulate_media(media="print")
    shoot(page, "31-join-cards-print")
