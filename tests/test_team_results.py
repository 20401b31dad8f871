"""Results for students: after each close the room shows what happened; after the end, the standings."""

import re

import pytest
from django.utils.html import escape

from exercises import results, services
from exercises.models import Commitment, Offer, Round, TeamScore
from tests import factories
from tests.conftest import player_client

SETTLED = (Commitment.Outcome.KEPT, Commitment.Outcome.BROKEN, Commitment.Outcome.VOIDED)


def _poll(client, participant, rev="0") -> str:
    response = client.get(f"/play/{participant.team_id}/poll/?rev={rev}")
    assert response.status_code in (200, 286)
    return response.content.decode()


def _agree(sender, recipient, rows=None):
    offer = factories.send_offer(sender, [recipient.team], rows)
    services.respond(offer=offer, participant=recipient, accept=True)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED
    return offer


def _close(exercise):
    services.close_round(round=exercise.current_round(), actor="t")


@pytest.fixture
def two_rounds(exercise, usa, dprk, rok):
    """Round 1: USA and DPRK agree (due at round 2's close), ROK and DPRK agree too. Round 2 closes."""
    services.start_round(exercise=exercise, actor="t")
    usa_deal = _agree(dprk, usa, factories.specific_rows("DPRK", "USA"))
    rok_deal = _agree(rok, dprk, factories.specific_rows("ROK", "DPRK"))
    _close(exercise)
    services.start_round(exercise=exercise, actor="t")
    _close(exercise)
    return usa_deal, rok_deal


def test_the_room_shows_no_results_before_the_first_close(exercise, usa, usa_client):
    services.start_round(exercise=exercise, actor="t")
    assert 'data-testid="round-result"' not in usa_client.get(f"/play/{usa.team_id}/").content.decode()


def test_after_a_close_the_poll_brings_the_round_result_live(exercise, usa, dprk, usa_client):
    services.start_round(exercise=exercise, actor="t")
    _agree(dprk, usa)
    before = _poll(usa_client, usa)
    revision = re.search(r"rev=(\d+)", before).group(1)
    assert "Results of round" not in before
    _close(exercise)
    after = _poll(usa_client, usa, revision)
    score = TeamScore.objects.get(team=usa.team, round__number=1)
    round_1 = Round.objects.get(number=1)
    assert "Results of round 1" in after
    assert f"your score {score.total:.1f}" in after
    assert f"{round_1.tension_before:.0f} → {round_1.tension_after:.0f}" in after
    # Nothing fell due yet: the agreement's commitments are due at the next close.
    assert "None of your agreements' commitments fell due at this close." in after
    assert "2 commitments in your agreements are still due" in after
    assert "Round 1 has closed. Your results for it are in the room." in after  # what a screen reader hears


def test_it_shows_what_happened_to_the_teams_commitments_and_those_made_to_it(two_rounds, exercise, usa, usa_client):
    usa_deal, _ = two_rounds
    page = usa_client.get(f"/play/{usa.team_id}/").content.decode()
    assert "Results of round 2" in page
    by_usa, to_usa = (usa_deal.commitments.get(by=k) for k in ("USA", "DPRK"))
    mine = page.split("What your team promised")[1].split("What others promised your team")[0]
    theirs = page.split("What others promised your team")[1].split("</details>")[0]
    assert by_usa.summary in mine and to_usa.summary in theirs
    for commitment, part in ((by_usa, mine), (to_usa, theirs)):
        # The dice come from the exercise's random seed: either step may break, and then the
        # step that was conditional on it is void. Every settled outcome must be shown.
        assert commitment.outcome in SETTLED
        assert f'outcome-{commitment.outcome}">{commitment.get_outcome_display()}</span>' in part
    latest, previous = (TeamScore.objects.get(team=usa.team, round__number=n).total for n in (2, 1))
    assert f"{latest - previous:+.1f} since round 1" in page


def test_a_team_never_sees_other_teams_agreements_in_its_results(two_rounds, exercise, usa, rok, usa_client):
    _, rok_deal = two_rounds
    page = usa_client.get(f"/play/{usa.team_id}/").content.decode()
    for commitment in rok_deal.commitments.all():
        assert commitment.summary not in page
    rok_page = player_client(rok).get(f"/play/{rok.team_id}/").content.decode()
    assert rok_deal.commitments.get(by="ROK").summary in rok_page.split("What your team promised")[1]


@pytest.mark.parametrize("outcome", [choice for choice, _ in Commitment.Outcome.choices])
def test_every_resolution_the_model_knows_shows_with_its_own_label(exercise, usa, dprk, usa_client, outcome):
    """Read from the model: a resolution added later (a void condition ...) appears without template changes."""
    services.start_round(exercise=exercise, actor="t")
    deal = _agree(dprk, usa)
    _close(exercise)
    commitment = deal.commitments.get(position=1)
    Commitment.objects.filter(pk=commitment.pk).update(outcome=outcome, resolved_in=Round.objects.get(number=1))
    page = usa_client.get(f"/play/{usa.team_id}/").content.decode()
    label = Commitment.Outcome(outcome).label
    assert f'<span class="badge outcome-{outcome}">{label}</span> {commitment.summary}' in page


def test_after_the_end_the_room_shows_standings_the_debrief_link_and_no_composer(two_rounds, exercise, usa, usa_client):
    revision = re.search(r"rev=(\d+)", _poll(usa_client, usa)).group(1)
    services.end_exercise(exercise=exercise, actor="t")
    debrief = f"/play/{usa.team_id}/debrief/"
    polled = _poll(usa_client, usa, revision)
    assert "Final results" in polled and f'href="{debrief}"' in polled
    # The open page loses its composer at once: an out-of-band swap replaces it.
    assert 'id="composer-wrap" aria-labelledby="composer-heading" hx-swap-oob="true"' in polled
    assert "no more offers can be sent" in polled
    page = usa_client.get(f"/play/{usa.team_id}/").content.decode()
    assert "Send offer" not in page and 'id="composer"' not in page
    assert f'href="{debrief}"' in page and "Results of round 2" in page
    standings = page.split('data-testid="final-results"')[1].split("</table>")[0]
    scores = TeamScore.objects.filter(round__number=2).select_related("team").order_by("-total", "team__order")
    assert [escape(t.team.name) for t in scores] == re.findall(
        r'<th scope="row" class="fw-normal">([^<]+?)(?: <strong>|</th>)', standings
    )
    assert "(your team)" in standings
    assert usa_client.get(debrief).status_code == 200


def test_ties_share_a_rank(exercise, usa):
    services.start_round(exercise=exercise, actor="t")
    _close(exercise)  # nothing delivered: every team has the same shared stability
    rounds = list(exercise.rounds.all())
    standings = results.final_standings(exercise, usa.team, rounds)
    assert [s.rank for s in standings] == [1, 1, 1, 1]
    TeamScore.objects.filter(team=usa.team).update(total=99)
    TeamScore.objects.filter(team__key="China").update(total=0)
    assert [(s.key, s.rank) for s in results.final_standings(exercise, usa.team, rounds)] == [
        ("USA", 1),
        ("DPRK", 2),
        ("ROK", 2),
        ("China", 4),
    ]


def test_results_cost_a_fixed_number_of_queries(two_rounds, exercise, usa, django_assert_max_num_queries):
    rounds = list(exercise.rounds.all())
    with django_assert_max_num_queries(2):
        results.latest_result(usa.team, rounds)
