"""A student with a vague offer follows the composer's hints, as written, and gets a better offer."""

import re

import pytest
from playwright.sync_api import expect

from exercises import services
from tests import factories

from .conftest import SCREENSHOTS as SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The composer's labels (rules.FIELD_LABELS) -> the form's field names.
FIELDS = {
    "Action": "action",
    "Object": "object",
    "Quantity": "quantity",
    "Site": "site",
    "Deadline": "deadline",
    "Verification": "verification",
    "Duration": "duration",
    "Phase": "phase",
    "Only if commitment no.": "conditional_on",
    "In your own words": "text",
}


def scores(page) -> tuple[int, int]:
    return (
        int(page.locator("[data-testid=preview-specificity]").inner_text()),
        int(page.locator("[data-testid=preview-reciprocity]").inner_text()),
    )


def wait_for_new_scores(page, before_html: str) -> None:
    page.wait_for_function(
        """html => {
            const panel = document.querySelector('#score-panel');
            return panel && panel.innerHTML !== html && panel.querySelector('[data-testid=preview-specificity]');
        }""",
        arg=before_html,
        timeout=10000,
    )
    page.wait_for_timeout(700)  # a later keystroke's preview may still be on its way


def advice_of(item: str) -> str:
    """The hint's words without its gain badges ("... S +3 R +1")."""
    return re.sub(r"\s+[SR] [+-]\d+(\s+[SR] [+-]\d+)?\s*$", "", " ".join(item.split()))


def follow(page, hint: str) -> bool:
    """Do what the hint says, the way a student would; False if it asks for something this test skips."""
    where, _, advice = hint.partition(": ")
    row = re.match(r"Commitment (\d+) · (.+)", where)
    quoted = re.search(r"“([^”]+)”", advice)
    if row and row[2] == "From the catalogue":
        number = re.search(r"no\. (\d+)", advice)[1]
        select = page.locator(f"#id_c-{int(row[1]) - 1}-kind")
        value = select.locator("option", has_text=re.compile(rf"^{number}\. ")).first.get_attribute("value")
        select.select_option(value)  # the composer fills the item's fields in
        return True
    if row and "replace the vague words" in advice:
        for label in row[2].split(" and "):
            page.fill(f"#id_c-{int(row[1]) - 1}-{FIELDS[label]}", "")
        return True
    if row and row[2].startswith("Quantity") and quoted:
        number, unit = quoted[1].split(" ", 1)
        page.fill(f"#id_c-{int(row[1]) - 1}-quantity", number)
        page.fill(f"#id_c-{int(row[1]) - 1}-unit", unit)
        return True
    if row and row[2] in FIELDS and quoted:
        page.fill(f"#id_c-{int(row[1]) - 1}-{FIELDS[row[2]]}", quoted[1])
        return True
    ask = re.search(r"(?:ask (\w+) for|add (\w+)'s) no\. (\d+)", advice)
    if ask:  # a step the other side can deliver, from the catalogue, on a new row
        rows = page.locator("fieldset.commitment").count()
        page.click("button:has-text('Add a commitment')")
        select = page.locator(f"#id_c-{rows}-kind")
        expect(select).to_be_visible()
        page.wait_for_timeout(500)  # htmx binds the new row after the swap; a student is slower than that
        value = select.locator("option", has_text=re.compile(rf"^{ask[3]}\. ")).first.get_attribute("value")
        select.select_option(value)  # the composer sets who commits and fills the item's fields in
        expect(page.locator(f"#id_c-{rows}-by")).to_have_value(ask[1] or ask[2], timeout=8000)
        return True
    if where == "Only if commitment no.":
        for a, b in re.findall(r"(\d+) to (\d+)", advice):
            page.fill(f"#id_c-{int(a) - 1}-conditional_on", b)
        return True
    if where == "Phase":
        first, later = advice.split(" in phase 1 and ")
        for phase, ids in ((1, first), (2, later.split(" in phase 2")[0])):
            for cid in re.findall(r"\d+", ids):
                page.fill(f"#id_c-{int(cid) - 1}-phase", str(phase))
        return True
    return False


def test_following_the_hints_turns_a_vague_offer_into_a_better_one(live_server, new_page, shoot):
    facilitator = factories.make_facilitator("alice")
    exercise = factories.make_exercise(facilitator, teams=("USA", "DPRK"), rounds=3)
    services.start_round(exercise=exercise, actor="test")
    dprk = factories.team(exercise, "DPRK")
    for width, name in ((1280, "desktop"), (390, "phone")):
        page = new_page(width, 900 if width > 500 else 844)
        page.goto(f"{live_server.url}/join/{dprk.join_code}/")
        page.fill("#id_display_name", f"Kim {name}")
        page.click("button:has-text('Join')")
        page.check("input[name=recipients][value=USA]")
        page.fill("#id_c-0-text", "work toward complete denuclearization as soon as possible")
        expect(page.locator("[data-testid=hints] li").first).to_be_visible(timeout=8000)
        start = scores(page)
        shoot(page, f"11-{name}-1-vague-offer")

        steps = 0
        for _ in range(6):
            hints = [advice_of(h) for h in page.locator("[data-testid=hints] li").all_inner_texts()]
            before = page.locator("#score-panel").inner_html()
            assert any(follow(page, h) for h in hints), hints  # the first hint this test can follow
            steps += 1
            wait_for_new_scores(page, before)
            if sum(scores(page)) >= sum(start) + 80:
                break
        end = scores(page)
        shoot(page, f"11-{name}-2-after-{steps}-hints")
        page.locator(".score-preview").screenshot(path=str(SHOTS / f"11-{name}-3-score-panel.png"))
        assert end[0] >= start[0] + 40, (start, end)
        assert sum(end) >= sum(start) + 60, (start, end)
        assert steps <= 6
