"""A whole class through the UI only: a facilitator and five teams, three rounds, from set-up to the debrief.

Catalogue picks and free-text steps, a counter to a multi-party offer, news, a removed
player, results after every close and final standings after the end; each screen is
checked at each step. Nothing is set up behind the pages' backs except the
facilitator's account (signing up is not part of the product).
"""

import re

import pytest
from playwright.sync_api import expect

from exercises.models import Commitment, Exercise, Offer
from exercises.scenarios import DEFAULT_SCENARIO_KEY, load_scenario
from tests import factories
from tests.e2e.test_play_a_round import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TWO_POLLS_MS = 4_000 + 1_500
TEAMS = ("USA", "DPRK", "ROK", "China", "Japan")
NAMES = {t["key"]: t["name"] for t in load_scenario(DEFAULT_SCENARIO_KEY)["teams"]}


def join_with_code(page, base: str, code: str, name: str, team: str) -> None:
    page.goto(f"{base}/join/")
    page.fill("#id_code", code)
    page.fill("#id_display_name", name)
    page.click("button:has-text('Join')")
    expect(page.locator("#brief-heading")).to_contain_text(NAMES[team])


def live(page):
    return page.locator("#team-live")


def card(page, number: int):
    return page.locator(f"#offer-{number}")


def send(page, text: str) -> None:
    page.click("#composer button[data-once]")
    expect(page.locator(".alert-success")).to_contain_text(text)


def close_modal(page) -> None:
    """Escape closes the offer modal; Bootstrap ignores it while the modal is still fading in,
    so a loaded machine needs a second press (the modal would otherwise cover the inject form)."""
    modal = page.locator("#offer-modal")
    for _ in range(10):
        page.keyboard.press("Escape")
        try:
            expect(modal).to_be_hidden(timeout=1000)
            return
        except AssertionError:
            continue
    expect(modal).to_be_hidden()


def test_a_class_of_five_teams_plays_three_rounds_through_the_ui(live_server, new_page, shoot):
    base = live_server.url
    factories.make_facilitator("alice")

    # --- set-up: the facilitator creates the exercise and reads the join codes off the console ---
    console = new_page(1400, 1000)
    login(console, base)
    console.goto(f"{base}/exercises/new/")
    console.fill("#id_title", "IR 210, section B")
    for key in TEAMS:
        console.check(f"input[name=teams][value={key}]")
    console.fill("#id_num_rounds", "3")
    console.fill("#id_round_minutes", "20")
    console.click("button:has-text('Create exercise')")
    expect(console.locator("h1")).to_have_text("IR 210, section B")
    assert Exercise.objects.get().num_rounds == 3
    codes = {}
    for item in console.locator(".join-kit > div.d-flex").all():
        name = item.locator(".fw-semibold").inner_text()
        codes[next(k for k, v in NAMES.items() if v == name)] = item.locator(".join-code").inner_text()
    assert sorted(codes) == sorted(TEAMS)

    rooms = {}
    for key, player, width in (
        ("USA", "Ann", 1280),
        ("DPRK", "Kim", 390),  # a phone
        ("ROK", "Min", 1280),
        ("China", "Li", 1280),
        ("Japan", "Aiko", 390),
    ):
        rooms[key] = new_page(width, 900 if width > 400 else 844)
        join_with_code(rooms[key], base, codes[key], player, key)
    jae = new_page(390, 844)  # a second ROK player, who will be removed
    join_with_code(jae, base, codes["ROK"], "Jae", "ROK")
    usa, dprk, rok, china, japan = (rooms[k] for k in TEAMS)
    for page in rooms.values():
        expect(live(page)).to_contain_text("Waiting for the facilitator to start round 1.")
    expect(console.locator("#live-teams")).to_contain_text("Jae", timeout=TWO_POLLS_MS)
    assert "drafting" not in console.locator("#live-teams").inner_text()  # opening a room is not drafting

    # --- round 1 -------------------------------------------------------------------------------------
    console.click("button:has-text('Start round 1')")
    expect(console.locator("#round-heading")).to_contain_text("Round 1 of 3")
    for page in (*rooms.values(), jae):
        expect(live(page)).to_contain_text("Round 1 of 3 · Open", timeout=TWO_POLLS_MS)

    # DPRK: a catalogue pick and a free-text step, to the USA and ROK.
    dprk.check("input[name=recipients][value=USA]")
    dprk.check("input[name=recipients][value=ROK]")
    dprk.select_option("#id_c-0-kind", "yongbyon-freeze")
    expect(dprk.locator("#id_c-0-site")).to_have_value("Yongbyon Nuclear Scientific Research Center", timeout=5_000)
    dprk.fill("#id_c-0-deadline", "within 30 days")
    dprk.click("button:has-text('Add a commitment')")
    expect(dprk.locator("#id_c-1-by")).to_be_visible()
    dprk.select_option("#id_c-1-by", "USA")
    dprk.check("input[name='c-1-to'][value=DPRK]")
    dprk.fill("#id_c-1-text", "lift the cap on refined petroleum imports to 1 million barrels a year within 60 days")
    expect(dprk.locator("[data-testid=preview-specificity]")).to_be_visible(timeout=5_000)
    expect(console.locator("tr[data-team=DPRK]")).to_contain_text("drafting", timeout=12_000)
    shoot(dprk, "class-01-dprk-phone-composer")
    send(dprk, "Offer #1 sent")
    offer_1 = Offer.objects.get(number=1)
    assert offer_1.commitments.get(position=1).kind == "yongbyon-freeze"
    assert offer_1.commitments.get(position=1).action == "freeze"  # the pick filled the fields

    # ROK counters #1 with a firmer deadline; the composer says what it counters.
    expect(card(rok, 1)).to_be_visible(timeout=TWO_POLLS_MS)
    card(rok, 1).locator("a:has-text('Counter')").click()
    expect(rok.locator("#composer-heading")).to_have_text(f"Counter-offer to #1 from {NAMES['DPRK']}")
    expect(rok.locator("a:has-text('Cancel the counter')")).to_be_visible()
    expect(rok.locator("#id_c-0-deadline")).to_have_value("within 30 days")
    rok.fill("#id_c-0-deadline", "within 14 days")
    send(rok, "Offer #2 sent")
    expect(card(rok, 2).locator("[data-testid=offer-diff]")).to_contain_text("By when")
    shoot(rok, "class-02-rok-counter-sent")

    # The USA, the other recipient of #1: told who countered and what it can still do.
    expect(card(usa, 1)).to_contain_text(f"{NAMES['ROK']} countered this offer with offer #2", timeout=TWO_POLLS_MS)
    expect(card(usa, 1)).to_contain_text("This offer can no longer be accepted: answer #2 instead")
    expect(card(usa, 2).locator("[data-testid=offer-diff]")).to_contain_text("within 14 days")
    shoot(usa, "class-03-usa-multi-party-counter")
    card(usa, 2).locator("button[value=accept]").click()
    expect(usa.locator(".alert-success")).to_contain_text("You accepted offer #2")
    expect(card(dprk, 1)).to_contain_text(f"{NAMES['ROK']} countered your offer with offer #2", timeout=TWO_POLLS_MS)
    expect(card(dprk, 2).locator("[data-testid=offer-diff]")).to_contain_text("within 30 days")
    card(dprk, 2).locator("button[value=accept]").click()
    expect(dprk.locator(".alert-success")).to_contain_text("now an agreement")

    # China offers Japan a catalogue item; Japan rejects it.
    china.check("input[name=recipients][value=Japan]")
    china.select_option("#id_c-0-kind", "china-customs-enforcement")
    expect(china.locator("#id_c-0-site")).to_have_value("Dandong crossing and Chinese ports", timeout=5_000)
    china.uncheck("input[name='c-0-to'][value=USA]")
    china.check("input[name='c-0-to'][value=Japan]")
    send(china, "Offer #3 sent")
    expect(card(japan, 3)).to_be_visible(timeout=TWO_POLLS_MS)
    card(japan, 3).locator("button[value=reject]").click()
    expect(japan.locator(".alert-success")).to_contain_text("You rejected offer #3")

    # The console: the matrix, and the counter's diff in its modal.
    expect(console.locator("#live-matrix")).to_contain_text("#3 · Rejected", timeout=TWO_POLLS_MS)
    expect(console.locator("#live-matrix")).to_contain_text("#2 · Agreement")
    console.locator("#live-matrix a.matrix-offer:has-text('#2 ·')").first.click()
    expect(console.locator("#offer-modal-body [data-testid=offer-diff]")).to_contain_text("within 14 days")
    shoot(console, "class-04-console-counter-diff")
    close_modal(console)
    expect(console.locator("tr[data-team=Japan]")).to_contain_text("just now")

    # News for every team.
    console.fill("#id_title", "Satellite images show work at Sohae")
    console.fill("#id_text", "Analysts see new construction at the launch site.")
    console.click("button:has-text('Push to the teams')")
    for page in (*rooms.values(), jae):
        expect(page.locator(".inject-latest")).to_contain_text("Sohae", timeout=TWO_POLLS_MS)

    # Jae is removed: the open page says so, and stays so on reload; Min plays on.
    console.locator(".roster li", has_text="Jae").locator("button:has-text('Remove')").click()
    expect(console.locator(".alert-success")).to_contain_text("Jae removed")
    expect(jae.locator("h1")).to_have_text("You were removed from the team", timeout=TWO_POLLS_MS)
    jae.reload()
    expect(jae.locator("main")).to_contain_text(f"removed you from {NAMES['ROK']}")
    shoot(jae, "class-05-removed-player")

    console.click("button:has-text('Close round 1 now')")
    expect(console.locator(".alert-success")).to_contain_text("Round 1 closed")
    for key, page in rooms.items():
        result = page.locator("[data-testid=round-result]")
        expect(result).to_contain_text("Results of round 1", timeout=TWO_POLLS_MS)
        expect(result).to_contain_text("Your score")
        expect(result).to_contain_text("Regional tension")
        still_due = "2 commitments in your agreements are still due" if key in ("USA", "DPRK", "ROK") else "fell due"
        expect(result).to_contain_text(still_due)
    expect(live(jae)).to_have_count(0)
    shoot(usa, "class-06-usa-results-round-1")

    # --- round 2: Japan and China agree; the round-1 agreement falls due -----------------------------
    console.click("button:has-text('Start round 2')")
    expect(live(japan)).to_contain_text("Round 2 of 3 · Open", timeout=TWO_POLLS_MS)
    expect(japan.locator("details[data-testid=round-result]")).not_to_have_attribute("open", "")
    japan.check("input[name=recipients][value=China]")
    japan.check("input[name='c-0-to'][value=China]")
    japan.fill("#id_c-0-text", "host a working group on customs data in Tokyo by 30 June 2019")
    send(japan, "Offer #4 sent")
    expect(card(china, 4)).to_be_visible(timeout=TWO_POLLS_MS)
    card(china, 4).locator("button[value=accept]").click()
    expect(china.locator(".alert-success")).to_contain_text("now an agreement")
    console.click("button:has-text('Close round 2 now')")
    expect(console.locator(".alert-success")).to_contain_text("Round 2 closed")

    freeze, relief = (Commitment.objects.get(offer__number=2, position=n) for n in (1, 2))
    assert {freeze.outcome, relief.outcome} <= {"kept", "broken"}
    expectations = {
        "DPRK": ("What your team promised", freeze, "What others promised your team", relief),
        "USA": ("What your team promised", relief, "What others promised your team", freeze),
    }
    for key, (mine_heading, mine, theirs_heading, theirs) in expectations.items():
        result = rooms[key].locator("[data-testid=round-result]")
        expect(result).to_contain_text("Results of round 2", timeout=TWO_POLLS_MS)
        text = result.inner_text()
        assert re.search(rf"{mine_heading}\s+{mine.get_outcome_display()} {re.escape(mine.summary)}", text), text
        assert re.search(rf"{theirs_heading}\s+{theirs.get_outcome_display()} {re.escape(theirs.summary)}", text), text
    rok_result = rok.locator("[data-testid=round-result]")
    expect(rok_result).to_contain_text("Other promises in your agreements")
    expect(rok_result).to_contain_text("since round 1")
    assert freeze.summary not in china.locator("[data-testid=round-result]").inner_text()  # not China's deal
    shoot(dprk, "class-07-dprk-phone-results-round-2")

    # --- round 3, and the end -------------------------------------------------------------------------
    console.click("button:has-text('Start round 3')")
    expect(live(usa)).to_contain_text("Round 3 of 3 · Open", timeout=TWO_POLLS_MS)
    usa.check("input[name=recipients][value=China]")
    usa.select_option("#id_c-0-kind", "liaison-offices")
    expect(usa.locator("#id_c-0-action")).not_to_have_value("", timeout=5_000)
    send(usa, "Offer #5 sent")
    console.click("button:has-text('End exercise')")
    expect(console.locator("#round-heading")).to_contain_text("The exercise has ended")

    for key, page in rooms.items():
        final = page.locator("[data-testid=final-results]")
        expect(final).to_contain_text("Final results", timeout=TWO_POLLS_MS)
        rows = final.locator("tbody tr")
        expect(rows).to_have_count(5)
        expect(final.locator("tr.table-primary")).to_contain_text(NAMES[key])
        expect(final.locator("tr.table-primary")).to_contain_text("(your team)")
        expect(final.locator("a:has-text('Read the debrief')")).to_have_attribute("href", re.compile(r"/debrief/$"))
        expect(page.locator("#composer")).to_have_count(0)  # the composer went away without a reload
        expect(page.locator("#composer-wrap")).to_contain_text("no more offers can be sent")
        expect(page.locator("[data-testid=round-result]")).to_contain_text("Results of round 3")
    assert Offer.objects.get(number=5).status == Offer.Status.EXPIRED
    shoot(japan, "class-08-japan-phone-final")
    shoot(china, "class-09-china-final")

    dprk.locator("[data-testid=final-results] a:has-text('Read the debrief')").click()
    expect(dprk.locator("h1")).to_have_text("IR 210, section B")
    expect(dprk.locator("main")).to_contain_text("Debrief")
    shoot(dprk, "class-10-dprk-debrief")
    expect(jae.locator("h1")).to_have_text("You were removed from the team")
