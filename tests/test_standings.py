"""Ties are ranked equally wherever standings appear: console, projector, round results, report, debrief."""

import re

import pytest

from exercises import rules, services
from exercises.models import TeamScore
from tests import factories
from tests.test_report_content import page_text

FIVE = ("USA", "DPRK", "ROK", "China", "Japan")


def ranks(values):
    return [(s.rank, s.tied) for s in rules.standings(values, score=lambda v: v)]


def test_equal_scores_share_a_rank_and_the_next_rank_skips():
    assert ranks([3.3] * 5) == [(1, True)] * 5
    assert ranks([1.0, 3.3, 5.0, 3.3]) == [(1, False), (2, True), (2, True), (4, False)]
    assert ranks([2.0, 2.0, 1.0]) == [(1, True), (1, True), (3, False)]
    assert ranks([]) == []


def test_scores_are_compared_as_shown_to_one_decimal():
    # 3.34 and 3.26 both read "3.3": ranking them apart would look arbitrary.
    assert ranks([3.34, 3.26, 3.1]) == [(1, True), (1, True), (3, False)]
    assert [s.score for s in rules.standings([3.34, 3.26], score=lambda v: v)] == [3.3, 3.3]


def test_equal_scores_keep_the_order_they_came_in():
    names = [s.item for s in rules.standings(["b", "a", "c"], score=lambda v: 1.0)]
    assert names == ["b", "a", "c"]


@pytest.fixture
def tied(facilitator):
    """Five teams, one round closed without an agreement: every team scores the same stability."""
    exercise = factories.make_exercise(facilitator, teams=FIVE)
    round_ = services.start_round(exercise=exercise, actor="t")
    services.close_round(round=round_, actor="t")
    totals = set(TeamScore.objects.filter(round=round_).values_list("total", flat=True))
    assert len(totals) == 1 and TeamScore.objects.filter(round=round_).count() == 5
    return exercise


def rank_cells(html: str, table_class: str) -> list[str]:
    table = re.search(rf'<table class="[^"]*{table_class}[^"]*">.*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr>\s*<td[^>]*>(.*?)</td>", table, re.S)
    return [page_text(cell).strip() for cell in rows]


def test_the_console_ranks_five_tied_teams_first(facilitator_client, tied):
    html = facilitator_client.get(f"/exercises/{tied.pk}/").content.decode()
    assert rank_cells(html, "leaderboard") == ["1 tied"] * 5


def test_the_projector_ranks_five_tied_teams_first(facilitator_client, tied):
    services.reveal_leaderboard(exercise=tied, revealed=True, actor="t")
    html = facilitator_client.get(f"/exercises/{tied.pk}/projector/").content.decode()
    ranks_shown = [page_text(r).strip() for r in re.findall(r'<span class="proj-rank">(.*?)</span> ', html, re.S)]
    assert ranks_shown == ["1 tied"] * 5


def test_round_results_rank_five_tied_teams_first(facilitator_client, tied):
    html = facilitator_client.get(f"/exercises/{tied.pk}/rounds/1/").content.decode()
    assert [page_text(r).strip() for r in re.findall(r"<tr><td>(.*?)</td><td>", html, re.S)] == ["1 tied"] * 5


def test_the_report_and_the_debrief_rank_five_tied_teams_first(facilitator_client, tied):
    for tail in ("", "debrief/"):
        html = facilitator_client.get(f"/exercises/{tied.pk}/report/{tail}").content.decode()
        assert rank_cells(html, "aar-standings") == ["1 tied"] * 5, tail


def test_the_report_ranks_different_scores_in_order(facilitator_client, tied):
    # An umpire-free way to move one team ahead: a later round's score row for USA.
    round_ = tied.rounds.get(number=1)
    TeamScore.objects.filter(round=round_, team__key="ROK").update(total=9.0)
    TeamScore.objects.filter(round=round_, team__key="USA").update(total=1.0)
    html = facilitator_client.get(f"/exercises/{tied.pk}/report/").content.decode()
    assert rank_cells(html, "aar-standings") == ["1", "2 tied", "2 tied", "2 tied", "5"]
    standings = re.search(r'<table class="[^"]*aar-standings.*?</table>', html, re.S).group(0)
    assert page_text(standings).index("Republic of Korea") < page_text(standings).index("United States")
