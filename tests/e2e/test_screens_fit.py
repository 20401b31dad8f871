"""The projector fits a 1920x1080 screen at every stage; the observer page shows every column."""

import pytest

from exercises import services
from tests import factories
from tests.e2e.test_play_a_round import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIX = ("USA", "DPRK", "ROK", "China", "Japan", "Russia")
W, H = 1920, 1080

# The box of every element of a selector, and whether it is drawn (not display: none).
BOXES = """sel => [...document.querySelectorAll(sel)].map(e => {
  const r = e.getBoundingClientRect();
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, shown: e.getClientRects().length > 0};
})"""


def boxes(page, selector: str) -> list[dict]:
    return page.evaluate(BOXES, selector)


def on_screen(box: dict) -> bool:
    return box["shown"] and box["left"] >= 0 and box["top"] >= 0 and box["right"] <= W and box["bottom"] <= H


def assert_no_scrolling(page):
    size = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert size == [W, H], f"the page is {size[0]}x{size[1]}: it scrolls"


def play_many_agreements(exercise, players, count: int):
    """Pairs of teams agree, round after round of sending: more agreements than fit on a screen."""
    teams = [p.team for p in players]
    for i in range(count):
        sender, receiver = players[i % len(players)], players[(i + 1) % len(players)]
        offer = factories.send_offer(sender, [receiver.team], factories.specific_rows(sender.team.key, teams[0].key))
        services.respond(offer=offer, participant=receiver, accept=True)


@pytest.fixture
def six_teams(db):
    facilitator = factories.make_facilitator("alice")
    exercise = factories.make_exercise(facilitator, teams=SIX, rounds=3, minutes=15, title="IR 210 — section A")
    players = [factories.make_player(exercise, key, f"{key} lead") for key in SIX]
    return exercise, players


def test_the_projector_fits_1920x1080_in_the_lobby_a_round_and_after_the_end(live_server, new_page, shoot, six_teams):
    exercise, players = six_teams
    page = new_page(W, H)
    login(page, live_server.url)
    url = f"{live_server.url}/exercises/{exercise.pk}/projector/"

    # Before round 1: six large QR codes, all on the screen.
    page.goto(url)
    shoot(page, "projector-1920-lobby")
    assert_no_scrolling(page)
    assert len(boxes(page, ".proj-join-team")) == 6
    assert all(on_screen(b) for b in boxes(page, ".proj-join-team")), "a team's join code is off the screen"

    # A round with news, ten agreements and the leaderboard shown.
    services.close_round(round=services.start_round(exercise=exercise, actor="t"), actor="t")
    services.reveal_leaderboard(exercise=exercise, revealed=True, actor="t")
    services.start_round(exercise=exercise, actor="t")
    services.push_inject(
        exercise=exercise,
        actor="t",
        inject_data={"title": "Missile test over the Sea of Japan", "text": "A launch at dawn; Tokyo protests. " * 6},
    )
    play_many_agreements(exercise, players, 10)
    page.goto(url)
    shoot(page, "projector-1920-round")
    assert_no_scrolling(page)
    for selector in ("#proj-join", ".proj-leaderboard", ".proj-inject", "#proj-agreements", ".proj-join-team"):
        found = boxes(page, selector)
        assert found and all(on_screen(b) for b in found), f"{selector} is not whole on the screen"
    agreements = boxes(page, ".proj-agreement")
    shown = [b for b in agreements if b["shown"]]
    assert len(agreements) == 10 and 1 <= len(shown) < 10
    assert all(on_screen(b) for b in shown), "an agreement is cut off"
    more = page.locator("[data-fit-more]")
    assert more.inner_text() == f"{10 - len(shown)} earlier agreements are not shown here; the report lists every one."
    assert on_screen(boxes(page, "[data-fit-more]")[0])
    # The right half holds the leaderboard and the join codes, not empty space.
    side = boxes(page, ".proj-side")[0]
    assert side["left"] > W / 2 and boxes(page, "#proj-join")[0]["left"] > W / 2
    assert boxes(page, ".proj-leaderboard")[0]["left"] > W / 2

    # Leaderboard hidden: the join codes (with their QR codes) keep the right half.
    services.reveal_leaderboard(exercise=exercise, revealed=False, actor="t")
    page.goto(url)
    shoot(page, "projector-1920-round-no-leaderboard")
    assert_no_scrolling(page)
    assert boxes(page, "#proj-join")[0]["left"] > W / 2
    assert all(on_screen(b) for b in boxes(page, ".proj-qr"))

    # After the end: no join codes, the agreements take the whole width.
    services.end_exercise(exercise=exercise, actor="t")
    page.goto(url)
    shoot(page, "projector-1920-ended")
    assert_no_scrolling(page)
    assert not boxes(page, "#proj-join")
    assert boxes(page, ".proj-agreements")[0]["right"] > W * 0.9


def test_the_observer_page_shows_the_score_column(live_server, new_page, shoot, six_teams):
    exercise, players = six_teams
    observer = services.invite_observer(exercise=exercise, name="Dean", actor="t")
    services.close_round(round=services.start_round(exercise=exercise, actor="t"), actor="t")
    services.start_round(exercise=exercise, actor="t")
    for width in (1280, 1920):
        page = new_page(width, 900)
        page.goto(f"{live_server.url}/observe/{observer.token}/")
        shoot(page, f"observer-{width}")
        score = page.locator("#live-teams th", has_text="Score")
        box = score.bounding_box()
        assert box["x"] + box["width"] <= width
        # Nothing covers it and no scrolling box clips it: the point in its middle is the cell itself.
        hit = page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y).closest('th')?.textContent.trim()",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
        )
        assert hit == "Score"
        scroller = page.locator("#live-teams .table-responsive")
        assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth"), "the teams table scrolls sideways"
