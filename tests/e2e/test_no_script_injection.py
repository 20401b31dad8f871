"""Whatever a user typed is shown as text: a team named like an HTML tag runs nothing."""

import pytest

from exercises import services
from exercises.models import Observer, Team
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOAD = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(2)</script>"


def test_typed_markup_runs_nowhere(live_server, new_page):
    base = live_server.url
    facilitator = factories.make_facilitator("alice")
    exercise = factories.make_exercise(facilitator, teams=("USA", "DPRK"), rounds=2)
    exercise.scenario["teams"][0]["name"] = PAYLOAD
    exercise.save(update_fields=["scenario"])
    Team.objects.filter(exercise=exercise, key="USA").update(name=PAYLOAD)
    usa = factories.make_player(exercise, "USA", PAYLOAD)
    dprk = factories.make_player(exercise, "DPRK", SCRIPT[:40])
    round_ = services.start_round(exercise=exercise, actor="t")
    services.push_inject(exercise=exercise, actor="t", inject_data={"title": PAYLOAD, "text": SCRIPT, "tension": 1})
    rows = factories.specific_rows("DPRK", "USA")
    rows[0]["text"] = SCRIPT
    rows[0]["site"] = PAYLOAD
    offer = services.submit_offer(
        participant=dprk, recipients=[usa.team], commitments=rows, client_token="x", message=PAYLOAD
    ).offer
    services.respond(offer=offer, participant=usa, accept=True)
    services.close_round(round=round_, actor="t")
    observer = Observer.objects.create(exercise=exercise, name=PAYLOAD)

    dialogs = []
    facilitator_page = new_page()
    facilitator_page.on("dialog", lambda d: dialogs.append(d.message))
    facilitator_page.goto(f"{base}/accounts/login/")
    facilitator_page.fill("#id_username", "alice")
    facilitator_page.fill("#id_password", factories.PASSWORD)
    facilitator_page.click("button[type=submit]")
    pages = [
        f"/exercises/{exercise.pk}/",
        f"/exercises/{exercise.pk}/projector/",
        f"/exercises/{exercise.pk}/join-cards/",
        f"/exercises/{exercise.pk}/rounds/1/",
        f"/exercises/{exercise.pk}/offers/{offer.number}/",
        f"/exercises/{exercise.pk}/report/",
        f"/observe/{observer.token}/",
    ]
    for path in pages:
        facilitator_page.goto(base + path)
        facilitator_page.wait_for_timeout(300)
        assert facilitator_page.locator("img[src=x]").count() == 0, path
        assert PAYLOAD in facilitator_page.content().replace("&lt;", "<").replace("&gt;", ">"), path

    for player in (usa, dprk):
        page = new_page()
        page.on("dialog", lambda d: dialogs.append(d.message))
        page.goto(f"{base}/join/{player.team.join_code}/")
        page.fill("#id_display_name", player.display_name)
        page.click("button:has-text('Join')")
        page.wait_for_timeout(2500)  # at least one poll swaps the live fragment in
        paths = [f"/play/{player.team_id}/", f"/play/{player.team_id}/offers/{offer.number}/"]
        # A counter pre-fills the composer with the other side's text: still only text.
        paths.append(f"/play/{player.team_id}/?counter={offer.number}")
        for path in paths:
            page.goto(base + path)
            page.wait_for_timeout(300)
            assert page.locator("img[src=x]").count() == 0, path
        assert page.locator("#id_c-0-site").input_value() == PAYLOAD  # kept as typed, shown as text
    assert dialogs == []
