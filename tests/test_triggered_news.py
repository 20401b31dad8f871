"""Triggered news: scenario injects that fire at the round close that meets their condition,
and the console's armed-trigger list with "fire now" and "disarm"."""

import pytest

from exercises import rules, services, triggered_news
from exercises.models import Commitment, Event, Inject
from tests import factories

HIGH_TENSION = {
    "key": "missiles-fly",
    "title": "Short-range missiles launched",
    "text": "Several missiles fall into the sea.",
    "tension": 8,
    "round": None,
    "trigger": {"tension_at_least": 70},
}
FREEZE_BROKEN = {
    "key": "freeze-broken",
    "title": "Reactor restarts",
    "text": "Steam rises at Yongbyon again.",
    "tension": 10,
    "round": None,
    "trigger": {"broken": ["yongbyon-freeze"]},
}
FREEZE_KEPT = {
    "key": "freeze-kept",
    "title": "Inspectors report the reactor cold",
    "text": "The seals are intact.",
    "tension": -5,
    "round": None,
    "trigger": {"kept": ["yongbyon-freeze"]},
}
NO_DEAL = {
    "key": "no-deal",
    "title": "Talks stall",
    "text": "Nothing was signed.",
    "tension": 4,
    "round": None,
    "trigger": {"no_agreement_by": 1},
}


def arm(exercise, *injects):
    """The pack's scheduled news and these triggers only (the pack's own triggers would fire too)."""
    scheduled = [inject for inject in exercise.scenario["injects"] if not inject.get("trigger")]
    exercise.scenario["injects"] = [*scheduled, *injects]
    exercise.save(update_fields=["scenario"])


def tagged_rows(giver="DPRK", receiver="USA"):
    rows = factories.specific_rows(giver, receiver)
    rows[0]["kind"] = "yongbyon-freeze"
    return rows


def agree_in_round_1(exercise, usa, dprk):
    round_ = services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team], tagged_rows())
    services.respond(offer=offer, participant=usa, accept=True)
    services.close_round(round=round_, actor="t")
    return offer


def settle(offer, outcome):
    """Decide the offer's commitments by hand, so the test does not depend on the dice."""
    offer.commitments.update(outcome=outcome)


def close_round_2(exercise):
    round_ = services.start_round(exercise=exercise, actor="t")
    services.close_round(round=round_, actor="t")
    return round_


def fired(exercise):
    return list(exercise.events.filter(kind=Event.Kind.INJECT_TRIGGERED).values_list("details__key", flat=True))


# --- at the round close ----------------------------------------------------------------------------


def test_a_broken_commitment_fires_its_news_once_at_the_close(exercise, usa, dprk):
    arm(exercise, FREEZE_BROKEN, FREEZE_KEPT)
    offer = agree_in_round_1(exercise, usa, dprk)
    assert fired(exercise) == []
    settle(offer, Commitment.Outcome.BROKEN)
    round_2 = services.start_round(exercise=exercise, actor="t")
    exercise.refresh_from_db()
    tension_at_close = exercise.tension  # the scheduled news of round 2 included
    services.close_round(round=round_2, actor="t")
    assert fired(exercise) == ["freeze-broken"]
    inject = Inject.objects.get(key="freeze-broken")
    assert inject.round == round_2 and not inject.audience.exists()
    event = exercise.events.get(kind=Event.Kind.INJECT_TRIGGERED)
    assert event.actor == services.SYSTEM and event.round == round_2
    assert (
        event.details["condition"]
        == "a commitment on “IAEA-monitored freeze of fissile production at Yongbyon” is broken"
    )
    # The news is pushed like any other: the usual event, and its tension counts in the round's close.
    assert exercise.events.filter(kind=Event.Kind.INJECT_PUSHED, details__key="freeze-broken").count() == 1
    round_2.refresh_from_db()
    exercise.refresh_from_db()
    assert round_2.tension_after == exercise.tension == pytest.approx(tension_at_close + 10)
    assert exercise.events.filter(kind=Event.Kind.TENSION_CHANGED, details__cause="inject: Reactor restarts").exists()
    # Once: a later close that still meets the condition fires nothing again.
    services.close_round(round=services.start_round(exercise=exercise, actor="t"), actor="t")
    assert fired(exercise) == ["freeze-broken"] and Inject.objects.filter(key="freeze-broken").count() == 1


def test_a_kept_commitment_fires_the_good_news(exercise, usa, dprk):
    arm(exercise, FREEZE_BROKEN, FREEZE_KEPT)
    offer = agree_in_round_1(exercise, usa, dprk)
    settle(offer, Commitment.Outcome.KEPT)
    close_round_2(exercise)
    assert fired(exercise) == ["freeze-kept"]


def test_tension_at_or_above_a_level_fires(exercise):
    arm(exercise, HIGH_TENSION)
    exercise.tension = 69
    exercise.save(update_fields=["tension"])
    round_1 = services.start_round(exercise=exercise, actor="t")
    services.close_round(round=round_1, actor="t")
    assert fired(exercise) == []
    exercise.refresh_from_db()
    exercise.tension = 70
    exercise.save(update_fields=["tension"])
    close_round_2(exercise)
    assert fired(exercise) == ["missiles-fly"]


def test_no_agreement_by_round_n(exercise, usa, dprk):
    arm(exercise, NO_DEAL)
    services.close_round(round=services.start_round(exercise=exercise, actor="t"), actor="t")
    assert fired(exercise) == ["no-deal"]


def test_an_agreement_in_time_keeps_the_no_deal_news_away(exercise, usa, dprk):
    arm(exercise, NO_DEAL)
    agree_in_round_1(exercise, usa, dprk)
    close_round_2(exercise)
    assert fired(exercise) == []


def test_scheduled_and_untriggered_news_are_left_alone(exercise):
    before = len([i for i in exercise.scenario["injects"] if i.get("round") == 1])
    arm(exercise, NO_DEAL)
    services.close_round(round=services.start_round(exercise=exercise, actor="t"), actor="t")
    assert Inject.objects.filter(exercise=exercise).count() == before + 1


def test_news_pushed_by_hand_before_its_trigger_does_not_fire_again(exercise):
    arm(exercise, NO_DEAL)
    services.push_inject(exercise=exercise, actor="t", inject_data=NO_DEAL)
    services.close_round(round=services.start_round(exercise=exercise, actor="t"), actor="t")
    assert fired(exercise) == [] and Inject.objects.filter(key="no-deal").count() == 1


# --- by the facilitator, as services ---------------------------------------------------------------


def test_a_disarmed_trigger_never_fires(exercise):
    arm(exercise, NO_DEAL)
    triggered_news.disarm_trigger(exercise=exercise, key="no-deal", actor="facilitator alice")
    services.close_round(round=services.start_round(exercise=exercise, actor="t"), actor="t")
    assert fired(exercise) == [] and not Inject.objects.filter(key="no-deal").exists()
    with pytest.raises(services.GameError, match="was disarmed"):
        triggered_news.fire_trigger(exercise=exercise, key="no-deal", actor="facilitator alice")


def test_fired_by_hand_then_never_again(exercise):
    arm(exercise, NO_DEAL)
    round_1 = services.start_round(exercise=exercise, actor="t")
    triggered_news.fire_trigger(exercise=exercise, key="no-deal", actor="facilitator alice")
    event = exercise.events.get(kind=Event.Kind.INJECT_TRIGGERED)
    assert event.details["by_hand"] is True and event.actor == "facilitator alice" and event.round == round_1
    services.close_round(round=round_1, actor="t")
    assert Inject.objects.filter(key="no-deal").count() == 1
    with pytest.raises(services.GameError, match="already been delivered"):
        triggered_news.fire_trigger(exercise=exercise, key="no-deal", actor="facilitator alice")
    with pytest.raises(services.GameError, match="already been delivered"):
        triggered_news.disarm_trigger(exercise=exercise, key="no-deal", actor="facilitator alice")


def test_only_triggered_scenario_news_can_be_fired_or_disarmed(exercise):
    untriggered = next(i["key"] for i in exercise.scenario["injects"] if not i.get("trigger"))
    for key in (untriggered, "nope"):
        with pytest.raises(services.GameError, match="no trigger"):
            triggered_news.fire_trigger(exercise=exercise, key=key, actor="t")
        with pytest.raises(services.GameError, match="no trigger"):
            triggered_news.disarm_trigger(exercise=exercise, key=key, actor="t")


def test_the_final_reckoning_makes_news_like_a_close(exercise, usa, dprk, monkeypatch):
    arm(exercise, FREEZE_BROKEN, FREEZE_KEPT)
    agree_in_round_1(exercise, usa, dprk)  # its steps come due in round 2, which never opens
    monkeypatch.setattr(rules, "resolve_commitment", lambda seed, key, probability: (True, 0.0))
    services.end_exercise(exercise=exercise, actor="t")
    assert fired(exercise) == ["freeze-kept"]
    reckoning = exercise.events.get(kind=Event.Kind.FINAL_RECKONING)
    assert reckoning.details["news"] == ["freeze-kept"]
    news = Inject.objects.get(exercise=exercise, title=FREEZE_KEPT["title"])
    assert news.round.number == 1


def test_nothing_fires_after_the_end(exercise):
    arm(exercise, NO_DEAL)
    services.end_exercise(exercise=exercise, actor="t")
    with pytest.raises(services.GameError, match="has ended"):
        triggered_news.fire_trigger(exercise=exercise, key="no-deal", actor="t")


def test_the_rows_say_what_became_of_each_trigger(exercise):
    arm(exercise, NO_DEAL, HIGH_TENSION, FREEZE_KEPT)
    triggered_news.disarm_trigger(exercise=exercise, key="missiles-fly", actor="facilitator alice")
    services.close_round(round=services.start_round(exercise=exercise, actor="t"), actor="t")
    rows = {row.key: row for row in triggered_news.trigger_rows(exercise)}
    assert (rows["no-deal"].status, rows["no-deal"].note) == ("fired", "fired at the close of round 1")
    assert (rows["missiles-fly"].status, rows["missiles-fly"].note) == ("disarmed", "disarmed by facilitator alice")
    assert rows["freeze-kept"].is_armed
    assert rows["missiles-fly"].condition == "tension is at or above 70"


# --- the console ---------------------------------------------------------------------------------


def console(client, exercise) -> str:
    return client.get(f"/exercises/{exercise.pk}/").content.decode()


def test_the_console_lists_armed_triggers_with_their_conditions(facilitator_client, exercise):
    arm(exercise, NO_DEAL, FREEZE_BROKEN)
    page = console(facilitator_client, exercise)
    section = page.split('id="triggers-heading"')[1].split("</details>")[0]
    assert "Talks stall" in section and "no agreement is reached by the end of round 1" in section
    assert section.count("Fire now") == 2 and section.count(">Disarm<") == 2


def test_the_console_fires_a_trigger_by_hand_and_teams_see_it(facilitator_client, exercise, usa, usa_client):
    arm(exercise, FREEZE_BROKEN)
    services.start_round(exercise=exercise, actor="t")
    response = facilitator_client.post(f"/exercises/{exercise.pk}/triggers/fire/", {"key": "freeze-broken"})
    assert response.status_code == 302 and response["Location"].endswith("#triggers-heading")
    assert Inject.objects.filter(key="freeze-broken").count() == 1
    assert fired(exercise) == ["freeze-broken"]
    assert "Reactor restarts" in usa_client.get(f"/play/{usa.team_id}/").content.decode()
    section = console(facilitator_client, exercise).split('id="triggers-heading"')[1].split("</details>")[0]
    assert "fired by hand in round 1" in section and "Fire now" not in section


def test_the_console_disarms_a_trigger(facilitator_client, exercise):
    arm(exercise, FREEZE_BROKEN)
    revision = exercise.revision
    response = facilitator_client.post(
        f"/exercises/{exercise.pk}/triggers/disarm/", {"key": "freeze-broken"}, follow=True
    )
    assert "Disarmed; this news will not fire: Reactor restarts" in response.content.decode()
    event = exercise.events.get(kind=Event.Kind.TRIGGER_DISARMED)
    assert event.details["key"] == "freeze-broken" and event.actor == "facilitator alice"
    exercise.refresh_from_db()
    assert exercise.revision > revision
    assert "disarmed by facilitator alice" in console(facilitator_client, exercise)


def test_a_second_fire_is_refused_visibly(facilitator_client, exercise):
    arm(exercise, FREEZE_BROKEN)
    url = f"/exercises/{exercise.pk}/triggers/fire/"
    facilitator_client.post(url, {"key": "freeze-broken"})
    response = facilitator_client.post(url, {"key": "freeze-broken"}, follow=True)
    assert "already been delivered; a trigger fires once" in response.content.decode()
    assert Inject.objects.filter(key="freeze-broken").count() == 1


def test_an_unknown_key_is_refused_with_a_message(facilitator_client, exercise):
    response = facilitator_client.post(f"/exercises/{exercise.pk}/triggers/fire/", {"key": "nope"}, follow=True)
    assert "has no trigger in this scenario" in response.content.decode()
    assert not Inject.objects.exists()


@pytest.mark.parametrize("action", ["fire", "disarm"])
def test_trigger_actions_refuse_get(facilitator_client, exercise, action):
    arm(exercise, FREEZE_BROKEN)
    assert facilitator_client.get(f"/exercises/{exercise.pk}/triggers/{action}/?key=freeze-broken").status_code == 405
    assert not exercise.events.filter(kind__in=[Event.Kind.INJECT_TRIGGERED, Event.Kind.TRIGGER_DISARMED]).exists()


@pytest.mark.parametrize("action", ["fire", "disarm"])
def test_trigger_actions_require_access(other_facilitator_client, client, usa_client, exercise, action):
    arm(exercise, FREEZE_BROKEN)
    url = f"/exercises/{exercise.pk}/triggers/{action}/"
    assert other_facilitator_client.post(url, {"key": "freeze-broken"}).status_code == 404
    for outsider in (client, usa_client):
        response = outsider.post(url, {"key": "freeze-broken"})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    exercise.refresh_from_db()
    assert triggered_news.trigger_rows(exercise)[0].is_armed
    assert not Inject.objects.filter(key="freeze-broken").exists()


def test_observers_do_not_see_the_triggers(client, exercise):
    arm(exercise, FREEZE_BROKEN)
    observer = services.invite_observer(exercise=exercise, name="Dr Lee", actor="t")
    page = client.get(f"/observe/{observer.token}/").content.decode()
    assert "triggers-heading" not in page


# --- everywhere a pushed inject appears ----------------------------------------------------------


def test_fired_news_appears_in_the_report_and_on_the_projector(facilitator_client, exercise):
    arm(exercise, NO_DEAL, FREEZE_BROKEN)
    triggered_news.disarm_trigger(exercise=exercise, key="freeze-broken", actor="facilitator alice")
    services.close_round(round=services.start_round(exercise=exercise, actor="t"), actor="t")
    projector = facilitator_client.get(f"/exercises/{exercise.pk}/projector/").content.decode()
    assert "Talks stall" in projector
    services.end_exercise(exercise=exercise, actor="t")
    report = facilitator_client.get(f"/exercises/{exercise.pk}/report/").content.decode()
    assert "Inject: Talks stall" in report
    assert "“Talks stall” fired; its condition: no agreement is reached by the end of round 1." in report
    assert "“Reactor restarts” disarmed; it would have fired when a commitment on" in report


def test_the_default_pack_answers_a_class_that_agrees_nothing(exercise):
    services.close_round(round=services.start_round(exercise=exercise, actor="t"), actor="t")
    assert "summit-breaks-up" not in fired(exercise)
    close_round_2(exercise)
    assert "summit-breaks-up" in fired(exercise)
    assert not any(key in fired(exercise) for key in ("rail-link-work", "family-reunions", "iaea-back-at-yongbyon"))
