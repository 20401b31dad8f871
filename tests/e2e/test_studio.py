"""The scenario studio in a browser (issue 17's done-when): duplicate the default scenario,
change an item's values, add triggered news, save, start an exercise with it; the team room
shows the change and an exercise created earlier does not. Screenshots at desktop and phone
width go to the e2e screenshot folder (test-artifacts/screenshots/)."""

import pytest
from playwright.sync_api import expect

from exercises.models import Exercise
from exercises.studio import editor
from exercises.studio.models import Scenario
from tests import factories
from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = SCREENSHOTS


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def login(page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")


def new_exercise(page, base: str, title: str) -> Exercise:
    """From the studio page: 'New exercise with it', default teams and settings."""
    page.click("a:has-text('New exercise with it')")
    page.fill("#id_title", title)
    page.click("button:has-text('Create exercise')")
    expect(page.locator(".alert-success")).to_contain_text("Exercise created")
    return Exercise.objects.get(title=title)


def dprk_balance(page, base: str, exercise: Exercise) -> str:
    """DPRK's player drafts the item 'freeze at Yongbyon' for the USA: what the score panel says."""
    team = exercise.teams.get(key="DPRK")
    page.goto(f"{base}/join/{team.join_code}/")
    page.fill("#id_display_name", "Kim")
    page.click("button:has-text('Join')")
    expect(page.locator("#brief-heading")).to_contain_text(team.name)
    page.check("input[name=recipients][value=USA]")
    page.select_option("#id_c-0-kind", "yongbyon-freeze")
    expect(page.locator("#id_c-0-site")).to_have_value("Yongbyon Nuclear Scientific Research Center")
    panel = page.locator("#score-panel")
    expect(panel).to_contain_text("DPRK gives", timeout=10_000)
    return panel.inner_text()


def test_duplicate_edit_save_and_play_the_new_version(live_server, new_page):
    base = live_server.url
    factories.make_facilitator("alice")
    page = new_page()
    login(page, base)

    page.goto(f"{base}/studio/")
    shot(page, "01-studio-list-desktop")
    page.locator(".studio-list li", has_text="Second summit, 2019").locator("button:has-text('Duplicate')").click()
    expect(page.locator(".alert-success")).to_contain_text("Your copy of the scenario")
    scenario = Scenario.objects.get(key="second-summit-2019-copy")
    edit_url = page.url

    earlier = new_exercise(page, base, "Earlier section")
    assert earlier.scenario_version.number == 1

    page.goto(edit_url)
    item = page.locator("#catalogue-1")
    item.locator("summary").click()
    page.fill("[name='catalogue[1].values.DPRK']", "-2")
    page.click("button:has-text('Add news')")
    news = page.locator("details.studio-row[open]", has=page.locator("[name$='.title'][value='']")).last
    n = len(scenario.latest().data["injects"])
    page.fill(f"[name='injects[{n}].key']", "freeze-broken-news")
    page.fill(f"[name='injects[{n}].title']", "Inspectors find the freeze broken")
    page.fill(f"[name='injects[{n}].text']", "Inspectors report that the reactor is running again.")
    page.fill(f"[name='injects[{n}].tension']", "9")
    if editor.TRIGGERS:
        page.fill(f"[name='injects[{n}].trigger.broken']", "yongbyon-freeze")
    else:
        page.fill(f"[name='injects[{n}].round']", "3")
    expect(news).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    news.screenshot(path=str(SHOTS / "02a-studio-triggered-news-desktop.png"))
    page.locator("button:has-text('Save as version 2')").first.click()
    expect(page.locator(".alert-success")).to_contain_text("Saved as version 2")
    shot(page, "02-studio-edit-saved-desktop")

    latest = scenario.latest()
    assert latest.number == 2
    assert latest.data["catalogue"][1]["values"]["DPRK"] == -2
    added = latest.data["injects"][-1]
    assert added["key"] == "freeze-broken-news"
    if editor.TRIGGERS:
        assert added["trigger"] == {"broken": ["yongbyon-freeze"]}

    later = new_exercise(page, base, "Later section")
    assert later.scenario_version == latest
    assert later.scenario["injects"][-1]["key"] == "freeze-broken-news"

    player = new_page()
    assert "DPRK gives 2 and gets 0" in dprk_balance(player, base, later)
    other = new_page()
    assert "DPRK gives 6 and gets 0" in dprk_balance(other, base, earlier)  # the earlier one did not change
    earlier.refresh_from_db()
    assert earlier.scenario_version.number == 1
    assert earlier.scenario["catalogue"][1]["values"]["DPRK"] == -6
    assert "freeze-broken-news" not in [i["key"] for i in earlier.scenario["injects"]]


def test_inline_errors_preview_and_phone_width(live_server, new_page):
    base = live_server.url
    factories.make_facilitator("alice")
    page = new_page()
    login(page, base)
    page.goto(f"{base}/exercises/new/")  # picking another scenario brings its teams
    page.select_option("#id_scenario", "iran-nuclear-talks-2015")
    expect(page.locator("label", has_text="Islamic Republic of Iran")).to_be_visible()
    expect(page.locator("#id_num_rounds")).to_have_value("4")
    page.goto(f"{base}/studio/")
    page.locator(".studio-list li", has_text="Iran nuclear talks, 2015").locator("button:has-text('Duplicate')").click()
    expect(page.locator(".alert-success")).to_contain_text("Your copy of the scenario")
    page.locator("#catalogue-0 summary").click()
    page.fill("[name='catalogue[0].values.USA']", "lots")
    page.fill("[name='title']", "")
    page.locator("button:has-text('Save as version 2')").first.click()
    expect(page.locator("#studio-errors")).to_contain_text("Not saved: 2 problems")
    expect(page.locator("#f-catalogue-0-values-USA-err")).to_contain_text("must be a number between -10 and 10")
    expect(page.locator("#f-title-err")).to_contain_text("must not be empty")
    page.locator("#f-catalogue-0-values-USA").scroll_into_view_if_needed()
    shot(page, "03-studio-inline-errors-desktop")

    scenario = Scenario.objects.get(key="iran-nuclear-talks-2015-copy")
    page.goto(f"{base}/studio/{scenario.pk}/preview/Iran/")
    expect(page.locator("h2", has_text="your private brief")).to_contain_text("Islamic Republic of Iran")
    shot(page, "04-studio-preview-iran-desktop")

    phone = new_page(390, 844)
    login(phone, base)
    for name, url in (
        ("05-studio-list-phone", f"{base}/studio/"),
        ("06-studio-edit-phone", f"{base}/studio/{scenario.pk}/"),
        ("07-studio-preview-phone", f"{base}/studio/{scenario.pk}/preview/E3EU/"),
    ):
        phone.goto(url)
        shot(phone, name)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (name, width)  # nothing forces the page sideways on a phone
    phone.goto(f"{base}/studio/{scenario.pk}/")
    phone.locator("#catalogue-0 summary").click()
    phone.locator("#catalogue-0").screenshot(path=str(SHOTS / "06a-studio-item-phone.png"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_axe_finds_no_violation_in_the_studio(live_server, browser):
    from exercises.studio import library
    from tests.e2e.test_accessibility import axe_violations, describe

    base, failures = live_server.url, {}
    facilitator = factories.make_facilitator("alice")
    own = library.duplicate(facilitator, "iran-nuclear-talks-2015").scenario
    for width, height in ((1280, 900), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(10_000)
        login(page, base)
        for name, url in (
            ("studio list", f"{base}/studio/"),
            ("studio editor", f"{base}/studio/{own.pk}/"),
            ("studio preview", f"{base}/studio/{own.pk}/preview/USA/"),
        ):
            page.goto(url)
            found = axe_violations(page)
            if found:
                failures[f"{name} ({width}px)"] = describe(found)
        page.goto(f"{base}/studio/{own.pk}/")
        page.fill("[name='title']", "")
        page.locator("button:has-text('Save as version 2')").first.click()
        expect(page.locator("#studio-errors")).to_be_visible()
        found = axe_violations(page)
        if found:
            failures[f"studio editor with errors ({width}px)"] = describe(found)
        context.close()
    assert not failures, "\n".join(f"{page}:\n{text}" for page, text in failures.items())
