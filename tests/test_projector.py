"""The projector and the join cards: public information only, readable by the whole room."""

import re

import pytest
import time_machine
from django.utils import timezone

from exercises import rooms, services
from exercises.models import Commitment, Team
from tests import factories


def projector(client, exercise):
    return client.get(f"/exercises/{exercise.pk}/projector/")


def private_texts(exercise) -> list[str]:
    """Every team's brief and objectives: none may reach the room's screen."""
    texts = []
    for team in exercise.scenario["teams"]:
        texts.append(team["brief"].strip()[:80])
        texts.extend(o[:60] for o in team.get("objectives", []))
    return [t for t in texts if t]


def test_it_shows_round_clock_and_join_qr_codes(facilitator_client, exercise):
    page = projector(facilitator_client, exercise).content.decode()
    assert "Waiting to start" in page and page.count('class="qr"') == exercise.teams.count()
    for team in exercise.teams.all():
        assert team.join_code in page
    services.start_round(exercise=exercise, actor="t")
    page = projector(facilitator_client, exercise).content.decode()
    assert "Round 1 of 3" in page and 'class="clock proj-clock"' in page


def test_it_never_shows_a_private_brief(facilitator_client, exercise, usa, dprk):
    services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    services.respond(offer=offer, participant=usa, accept=True)
    page = projector(facilitator_client, exercise).content.decode()
    assert private_texts(exercise), "the scenario should have briefs to hide"
    for text in private_texts(exercise):
        assert text not in page
    assert "your private brief" not in page


def test_it_shows_agreements_with_their_scores(facilitator_client, exercise, usa, dprk):
    services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    services.respond(offer=offer, participant=usa, accept=True)
    offer.refresh_from_db()
    page = projector(facilitator_client, exercise).content.decode()
    assert "#1 · DPRK ⇄ USA" in page and f"Specificity {offer.specificity}" in page


def test_an_agreement_lists_its_parties_in_team_order_and_each_commitments_outcome(
    facilitator_client, exercise, usa, dprk
):
    china = factories.make_player(exercise, "China", "Li")
    services.start_round(exercise=exercise, actor="t")
    long_text = "hold talks on a peace regime " * 6
    rows = factories.specific_rows("DPRK", "USA") + [{"by": "China", "to": ["DPRK"], "text": long_text}]
    offer = factories.send_offer(dprk, [china.team, usa.team], rows)
    services.respond(offer=offer, participant=usa, accept=True)
    services.respond(offer=offer, participant=china, accept=True)
    offer.commitments.filter(position=1).update(outcome=Commitment.Outcome.KEPT)
    offer.commitments.filter(position=2).update(outcome=Commitment.Outcome.BROKEN)
    page = projector(facilitator_client, exercise).content.decode()
    assert "#1 · DPRK ⇄ USA, China" in page
    terms = re.findall(r"<li>(.*?)</li>", page.split('class="proj-commitments"')[1].split("</ul>")[0])
    assert len(terms) == 3
    assert terms[0].startswith("DPRK freeze") and terms[0].endswith('<span class="proj-chip">✓ kept</span>')
    assert terms[1].endswith('<span class="proj-chip proj-chip-broken">✗ broken</span>')
    assert terms[2] == long_text.strip()[:109] + "…"


def test_agreements_are_typed_rows_and_hostile_names_and_terms_are_escaped(facilitator_client, exercise, usa, dprk):
    script = '<script>alert("x")</script>'
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    rows = factories.specific_rows("DPRK", "USA")
    rows[0]["object"] = script
    services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team], rows)
    services.respond(offer=offer, participant=usa, accept=True)
    Team.objects.filter(pk=dprk.team_id).update(name=script, key='<i>"K"')  # as no form would allow
    response = projector(facilitator_client, exercise)
    page = response.content.decode()
    agreements = response.context["agreements"]
    assert [type(a) for a in agreements] == [rooms.AgreementRow]
    assert all(isinstance(t, rooms.AgreementTerm) for t in agreements[0].terms)
    assert "<script>alert" not in page and '<i>"K"' not in page
    shown = page.split('class="proj-fit"')[1].split("data-fit-more")[0]
    assert "#1 · &lt;i&gt;&quot;K&quot; ⇄ USA" in shown and escaped in shown
    assert escaped in page.split('id="proj-join"')[1]  # the join kit names the team


def test_it_shows_public_news_but_not_news_for_chosen_teams(facilitator_client, exercise, dprk):
    services.push_inject(exercise=exercise, actor="t", inject_data={"title": "Summit announced", "text": "Hanoi."})
    services.push_inject(
        exercise=exercise, actor="t", inject_data={"title": "Secret cable", "text": "x"}, audience=[dprk.team]
    )
    page = projector(facilitator_client, exercise).content.decode()
    assert "Summit announced" in page and "Secret cable" not in page


def test_it_shows_the_leaderboard_only_when_revealed(facilitator_client, exercise, usa, dprk):
    round_ = services.start_round(exercise=exercise, actor="t")
    services.close_round(round=round_, actor="t")
    assert "Leaderboard" not in projector(facilitator_client, exercise).content.decode()
    services.reveal_leaderboard(exercise=exercise, revealed=True, actor="t")
    assert "Leaderboard after round 1" in projector(facilitator_client, exercise).content.decode()


def test_poll_answers_204_without_a_query(facilitator_client, exercise, django_assert_num_queries):
    page = projector(facilitator_client, exercise).content.decode()
    revision = re.search(r"projector/poll/\?rev=(\d+)", page).group(1)
    with django_assert_num_queries(0):
        response = facilitator_client.get(f"/exercises/{exercise.pk}/projector/poll/", {"rev": revision})
    assert response.status_code == 204


def test_poll_sends_only_the_changed_fragments(facilitator_client, exercise):
    services.start_round(exercise=exercise, actor="t")
    # The header's clock carries the seconds left: time stands still, so only the news changes.
    with time_machine.travel(timezone.now(), tick=False):
        page = projector(facilitator_client, exercise).content.decode()
        revision = re.search(r"projector/poll/\?rev=(\d+)", page).group(1)
        stamps = dict(re.findall(r'class="live-stamp" name="(s-[a-z]+)" value="([0-9a-f]+)"', page))
        services.push_inject(exercise=exercise, actor="t", inject_data={"title": "Summit announced", "text": "Hanoi."})
        response = facilitator_client.get(f"/exercises/{exercise.pk}/projector/poll/", {"rev": revision, **stamps})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="live-inject"' in html and "Summit announced" in html
    assert 'id="live-join"' not in html and 'id="live-header"' not in html


def test_poll_stops_when_the_exercise_has_ended(facilitator_client, exercise):
    projector(facilitator_client, exercise)
    services.end_exercise(exercise=exercise, actor="t")
    response = facilitator_client.get(f"/exercises/{exercise.pk}/projector/poll/", {"rev": "0"})
    assert response.status_code == 286


def test_join_cards_have_one_card_and_qr_per_team(facilitator_client, exercise):
    page = facilitator_client.get(f"/exercises/{exercise.pk}/join-cards/").content.decode()
    assert page.count('class="join-card"') == exercise.teams.count() == page.count('class="qr"')
    for team in exercise.teams.all():
        assert team.join_code in page
    for text in private_texts(exercise):
        assert text not in page


def test_a_join_qr_code_drawn_by_one_worker_serves_the_others(facilitator_client, exercise, monkeypatch):
    from exercises import qr

    cards = f"/exercises/{exercise.pk}/join-cards/"

    def codes():
        return re.findall(r"<svg .*?</svg>", facilitator_client.get(cards).content.decode(), re.S)

    first = codes()
    assert len(first) == exercise.teams.count()
    qr.svg.cache_clear()  # another worker: its own memory, the same shared cache

    def draw_again(data, label):
        raise AssertionError(f"drew {label} again")

    monkeypatch.setattr(qr, "_draw", draw_again)
    assert codes() == first


def test_join_links_use_site_url_when_opened_on_localhost(facilitator_client, exercise, settings):
    settings.SITE_URL = "http://tabletop.example.edu"
    page = facilitator_client.get(f"/exercises/{exercise.pk}/join-cards/", HTTP_HOST="127.0.0.1").content.decode()
    assert "http://tabletop.example.edu/join/" in page


@pytest.mark.parametrize("path", ["projector/", "join-cards/"])
def test_another_facilitator_gets_404(other_facilitator_client, exercise, path):
    assert other_facilitator_client.get(f"/exercises/{exercise.pk}/{path}").status_code == 404
