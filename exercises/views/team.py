"""The team room: brief, clock, inbox, sent offers and the offer composer."""

import secrets

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.base import Message
from django.core.cache import cache
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseStopPolling

from exercises import access, live, numbers, offer_diff, rooms, scoring, services
from exercises.forms import PHASES, CommitmentFormSet, OfferForm, only_if, only_if_text
from exercises.models import Exercise, Offer
from exercises.rules.model import COMMITMENT_TERMS

# A composer row: the commitment's terms, plus the catalogue entry that pre-filled it.
COMPOSER_FIELDS = (*COMMITMENT_TERMS, "filled_kind")


# --- building blocks ---------------------------------------------------------------------------


def _playing_keys(teams) -> set[str]:
    return {t.key for t in teams}


def _catalogue(exercise: Exercise, teams) -> list[dict]:
    """The scenario's catalogue less the items only teams that are not playing could give."""
    keys = _playing_keys(teams)
    return [item for item in exercise.scenario.get("catalogue", []) if not item.get("by") or keys & set(item["by"])]


def _formset(exercise, teams, data=None, initial=None):
    """Only the exercise's teams can commit or be committed to: a party not playing cannot keep a promise."""
    parties = [{"key": t.key, "name": t.name} for t in teams]
    return CommitmentFormSet(
        data,
        initial=initial,
        prefix="c",
        form_kwargs={"parties": parties, "catalogue": _catalogue(exercise, teams)},
    )


def _offer_form(participant, teams, data=None, initial=None):
    return OfferForm(data, initial=initial, team=participant.team, teams=teams)


def _teams(participant) -> list:
    return list(participant.team.exercise.teams.all())


def _blank_row(team_key: str) -> dict:
    return {"by": team_key}


def _counter_initial(participant, parent: Offer) -> tuple[dict, list[dict]]:
    """A counter starts as the parent's text, addressed back to its sender."""
    team = participant.team
    recipients = [parent.from_team.key] + [r.key for r in parent.recipients.all() if r.pk != team.pk]
    rows = []
    for c in parent.commitments.all():
        row = {name: getattr(c, name) for name in COMPOSER_FIELDS if name not in ("conditional_on", "filled_kind")}
        row["conditional_on"] = only_if_text(c.conditional_on)
        row["filled_kind"] = c.kind
        rows.append(row)
    return {"recipients": recipients, "parent": parent.pk}, rows


def _raw_rows(formset) -> list[dict]:
    """What the team typed so far, valid or not, so a refresh never loses a word."""
    rows = []
    for form in formset.forms:
        row = {name: form[name].value() for name in COMPOSER_FIELDS}
        rows.append(row)
    return rows


def _fill_from_catalogue(exercise, teams, rows: list[dict]) -> None:
    """When a row's catalogue item changes, pre-fill the fields the team left empty."""
    items = {item["key"]: item for item in _catalogue(exercise, teams)}
    playing = _playing_keys(teams)
    for row in rows:
        kind = row.get("kind") or ""
        if not kind or kind == row.get("filled_kind") or kind not in items:
            continue
        item = items[kind]
        for name, value in item.get("fields", {}).items():
            if value not in (None, "") and not row.get(name):
                row[name] = value
        givers = [key for key in item.get("by", []) if key in playing]
        if givers:
            row["by"] = row.get("by") if row.get("by") in givers else givers[0]
        if item.get("to") and not row.get("to"):
            # Mirror items list both sides as givers and receivers; nobody gives to itself.
            row["to"] = [key for key in item["to"] if key != row["by"] and key in playing]
        row["filled_kind"] = kind


def _lenient_rows(rows: list[dict]) -> list[dict]:
    """Rows the engine can score while the team is still typing."""
    scored = []
    for position, row in enumerate(rows, start=1):
        if not row.get("by") or not any(row.get(f) for f in ("kind", "action", "object", "text")):
            continue
        scored.append(
            dict(
                row,
                position=position,
                to=[t for t in (row.get("to") or []) if t],
                conditional_on=only_if(row.get("conditional_on"), position=position, count=len(rows), strict=False),
                phase=numbers.int_or_none(row.get("phase"), low=PHASES[0], high=PHASES[1]),
            )
        )
    return scored


def room_context(participant, *, offer_form=None, formset=None, error: str = "", client_token: str = "") -> dict:
    team = participant.team
    exercise = team.exercise
    teams = _teams(participant)
    if offer_form is None:
        offer_form = _offer_form(
            participant, teams, initial={"client_token": client_token or secrets.token_urlsafe(16)}
        )
    if formset is None:
        formset = _formset(exercise, teams, initial=[_blank_row(team.key)])
    context = rooms.team_live_state(participant)
    context.update(
        {
            "offer_form": offer_form,
            "formset": formset,
            "composer_error": error,
            "countering": _countering(participant, offer_form),
            "team_brief": team.scenario_team,
            "teammates": team.participants.seated(),
        }
    )
    return context


def _countering(participant, offer_form) -> Offer | None:
    """The offer a counter being drafted answers (from the form, as the page or a refresh sent it)."""
    raw = offer_form.data.get("parent") if offer_form.is_bound else offer_form.initial.get("parent")
    try:
        pk = int(str(raw or "")[:18])  # digits int() reads ("²" is not one), below any database's id limit
    except ValueError:
        return None
    if pk < 1:
        return None
    return _visible_offers(participant).select_related("from_team").filter(pk=pk).first()


# --- views -------------------------------------------------------------------------------------


@require_GET
def team_room(request, team_id: int):
    """The room as kept for the team when it is asked for as it is; built otherwise (and kept)."""
    if not request.GET and not request.htmx:
        page = _kept_room(request, team_id)
        if page is not None:
            return page
    return _built_room(request, team_id)


def _kept_room(request, team_id: int) -> HttpResponse | None:
    """The kept page, filled for this browser: one cache read and one small query (the seat)."""
    seat = access.seat(request, team_id)
    if seat is None:
        return None
    draft_key = _refused_key(seat.participant_id)
    page, extra = live.kept_team_page(seat.exercise_id, team_id, also=(draft_key,))
    if page is None or draft_key in extra:
        return None  # changed, not kept yet, or a refused draft to show: the built room
    player = access.seated_player(request, team_id)
    if player is None:
        return None  # moved, removed, signed in: team_seat says what to do
    access.mark_seen(player)
    return HttpResponse(_fill(request, page, player.display_name))


@access.team_seat
def _built_room(request, participant):
    exercise = participant.team.exercise
    services.close_if_expired(exercise)
    exercise.refresh_from_db()
    access.mark_seen(participant)
    if request.GET.get("discard") == "draft":
        cache.delete(_refused_key(participant.pk))
        return redirect("team_room", team_id=participant.team_id)
    counter_number = numbers.int_or_none(request.GET.get("counter"), low=1, high=numbers.MAX_ID)
    kept = None if counter_number is not None else _kept_draft(participant)
    if kept is not None:
        return _room_with_draft(request, participant, *kept)
    if counter_number is None:
        if _composer_only(request):  # "Cancel the counter": a blank composer
            return render(
                request, "exercises/team_room.html#composer", room_context(participant) | {"focus_composer": True}
            )
        # The page every teammate gets: kept with its slots, unless a facilitator's own browser asks.
        keep = not access.signed_in(request)
        context = room_context(participant, client_token=live.CLIENT_TOKEN)
        return HttpResponse(_render_room(request, participant, context, keep=keep))
    parent = _visible_offer(participant, counter_number)
    initial, rows = _counter_initial(participant, parent)
    initial["client_token"] = secrets.token_urlsafe(16)
    teams = _teams(participant)
    context = room_context(
        participant,
        offer_form=_offer_form(participant, teams, initial=initial),
        formset=_formset(exercise, teams, initial=rows),
    )
    if _composer_only(request):
        return render(request, "exercises/team_room.html#composer", context | {"focus_composer": True})
    return HttpResponse(_render_room(request, participant, context))


def _composer_only(request) -> bool:
    """Counter (and its cancel) swap the composer in place; a reload, a link opened in a new tab
    or htmx restoring a page the browser's history lost gets the whole room."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _render_room(request, participant, context: dict, *, keep: bool = False) -> str:
    """The whole room: its live fragment and its shell, rendered with slots, then filled for this browser.

    Kept (``keep``), the live fragment serves the teammates' polls and both serve their reloads
    (live.kept_team_page); the kept copy must then show nobody's session: no signed-in user.
    """
    exercise = participant.team.exercise
    context |= {
        "csrf_token": live.CSRF,
        "player_name": live.NAME,
        "messages_slot": live.MESSAGES,
        "live_slot": live.LIVE,
    }
    if keep:
        context["user"] = AnonymousUser()
    live_html = render_to_string("exercises/team_room.html#live", context, request)
    shell = render_to_string("exercises/team_room.html", context, request)
    if keep:
        # The kept copies are read against the cached state: make sure it is there (no query more).
        current = context["current"]
        deadline = current.deadline.timestamp() if current and current.is_open and current.deadline else None
        live.refresh_state(exercise.pk, exercise.revision, deadline)
        live.keep_team_fragment(exercise.pk, participant.team_id, exercise.revision, live_html, exercise.is_ended)
        live.keep_team_page(exercise.pk, participant.team_id, exercise.revision, shell)
    return _fill(request, shell.replace(live.LIVE, live_html, 1), participant.display_name)


def _fill(request, page: str, name: str) -> str:
    return live.fill_page(
        request, page, name=name, client_token=secrets.token_urlsafe(16), messages=_messages_html(request)
    )


def _messages_html(request) -> str:
    """This browser's messages (a redirect's "Offer #3 sent."), shown once."""
    storage = messages.get_messages(request)
    if not storage:
        return ""
    return render_to_string("_messages.html", {"messages": storage})


@require_GET
def team_poll(request, team_id: int):
    """Nothing new: 204 from the cache without a query. Something new: the live fragment."""
    seat = access.seat(request, team_id)
    if seat is None:
        raise Http404
    revision = request.GET.get("rev", "")
    if live.team_unchanged(seat.exercise_id, team_id, revision):
        return HttpResponse(status=204)
    try:
        participant = access.participant_for_team(request, team_id)
    except Http404:
        moved_to = access.follow_move(request, team_id)
        if moved_to is not None:
            return HttpResponseClientRedirect(reverse("team_room", args=[moved_to]))
        if access.removal(request, team_id) is None:
            raise
        # The room itself tells the player they were removed.
        return HttpResponseClientRedirect(reverse("team_room", args=[team_id]))
    # A teammate's poll (or reload) already rendered what this team sees now: the same HTML
    # for every player of the team (only the CSRF token differs; see live.cached_team_fragment).
    shared = live.cached_team_fragment(request, seat.exercise_id, team_id)
    if shared is not None:
        access.mark_seen(participant)
        return _poll_answer(team_id, *shared)
    exercise = participant.team.exercise
    services.close_if_expired(exercise)
    exercise.refresh_from_db()
    live.refresh_state(exercise.pk, exercise.revision, exercise.open_deadline_ts())
    access.mark_seen(participant)
    if str(exercise.revision) == revision:
        return HttpResponse(status=204)
    html = render_to_string("exercises/team_room.html#live", rooms.team_live_state(participant), request)
    live.keep_team_fragment(exercise.pk, team_id, exercise.revision, html, exercise.is_ended)
    return _poll_answer(team_id, html, exercise.is_ended)


def _poll_answer(team_id: int, html: str, ended: bool) -> HttpResponse:
    """The live fragment; at the end, the composer too gives way, and polling stops."""
    if not ended:
        return HttpResponse(html)
    closed = render_to_string("exercises/team_room.html#composer_closed", {"oob": True, "team_id": team_id})
    return HttpResponse(html + closed, status=HttpResponseStopPolling.status_code)


@require_POST
@access.team_seat
def composer_refresh(request, participant):
    """Add or remove a row, or pre-fill from the catalogue, keeping everything typed."""
    exercise = participant.team.exercise
    teams = _teams(participant)
    formset = _formset(exercise, teams, request.POST)
    rows = _raw_rows(formset)
    if "add_row" in request.POST and len(rows) < CommitmentFormSet.max_num:
        rows.append(_blank_row(participant.team.key))
    remove = numbers.int_or_none(request.POST.get("remove_row"), low=0, high=len(rows) - 1)
    if remove is not None and len(rows) > 1:
        rows.pop(remove)
    _fill_from_catalogue(exercise, teams, rows)
    access.mark_seen(participant, drafting=True)
    offer_form = _offer_form(participant, teams, initial=_offer_initial(request.POST))
    context = room_context(participant, offer_form=offer_form, formset=_formset(exercise, teams, initial=rows))
    return render(request, "exercises/team_room.html#composer", context)


def _offer_initial(post) -> dict:
    return {
        "recipients": post.getlist("recipients"),
        "message": post.get("message", ""),
        "client_token": post.get("client_token") or secrets.token_urlsafe(16),
        "parent": post.get("parent") or None,
    }


@require_POST
@access.team_seat
def offer_preview(request, participant):
    """Live scores while drafting: the engine's reasons and what would raise them."""
    exercise = participant.team.exercise
    formset = _formset(exercise, _teams(participant), request.POST)
    rows = _lenient_rows(_raw_rows(formset))
    # The preview a page asks for as it loads (a counter, a kept draft) is not typing.
    access.mark_seen(participant, drafting=request.POST.get("on_load") != "1")
    result = hints = None
    if rows:
        team = participant.team.key
        recipients = request.POST.getlist("recipients")
        current = exercise.current_round()
        scored = scoring.score(
            exercise, "draft", rows, [team, *recipients], round_number=current.number if current else 1, proposer=team
        )
        result = scoring.visible_detail(scored.to_dict(), team)
        hints = scoring.hint_rows(result)
    context = {"result": result, "hints": hints, "exercise": exercise}
    return render(request, "exercises/team_room.html#score_panel", context)


@require_POST
@access.team_seat
def offer_submit(request, participant):
    exercise = participant.team.exercise
    teams = _teams(participant)
    offer_form = _offer_form(participant, teams, request.POST)
    formset = _formset(exercise, teams, request.POST)
    if not (offer_form.is_valid() and formset.is_valid()):
        context = room_context(participant, offer_form=offer_form, formset=formset)
        if request.htmx:
            return render(request, "exercises/team_room.html#composer", context)
        return HttpResponse(_render_room(request, participant, context), status=400)
    parent = None
    if offer_form.cleaned_data.get("parent"):
        parent = _visible_offer_by_pk(participant, offer_form.cleaned_data["parent"])
    recipients = offer_form.recipient_teams()
    # The new offer (and a countered parent) shows in these rooms only; see live.scoped_to.
    involved = {participant.team_id, *(r.pk for r in recipients)}
    if parent is not None:
        involved |= {parent.from_team_id, *parent.recipients.values_list("pk", flat=True)}
    try:
        with live.scoped_to(involved):
            result = services.submit_offer(
                participant=participant,
                recipients=recipients,
                commitments=formset.rows(),
                client_token=offer_form.cleaned_data["client_token"],
                message=offer_form.cleaned_data["message"],
                parent=parent,
            )
    except services.GameError as exc:
        # Post/redirect/get: a reload of the room must not send the refused offer again.
        _keep_refused_draft(participant, request.POST, str(exc))
        if request.htmx:
            context = room_context(participant, offer_form=offer_form, formset=formset, error=str(exc))
            return render(request, "exercises/team_room.html#composer", context | {"kept_draft": True})
        return redirect(reverse("team_room", args=[participant.team_id]) + "#composer-heading")
    _forget_sent_draft(participant, offer_form.cleaned_data["client_token"])
    if result.duplicate:
        said = (messages.INFO, f"Offer #{result.offer.number} was already sent; it was not sent twice.")
    else:
        said = (messages.SUCCESS, f"Offer #{result.offer.number} sent.")
    if request.htmx:
        # A blank composer, the room's live part with the offer in it, and the word that it went.
        participant.team.exercise.refresh_from_db()
        context = room_context(participant) | {"messages": [Message(*said)]}
        return _swaps(request, context, "composer", "live", "flash")
    messages.add_message(request, *said)
    return redirect("team_room", team_id=participant.team_id)


def _swaps(request, context: dict, *names: str) -> HttpResponse:
    """An htmx answer: the first fragment for the target, the others out of band (``oob`` in the context)."""
    first, *others = names
    parts = [render_to_string(f"exercises/team_room.html#{first}", context | {"oob": False}, request)]
    parts += [render_to_string(f"exercises/team_room.html#{name}", context | {"oob": True}, request) for name in others]
    return HttpResponse("".join(parts))


# A refused offer's draft waits here, and the room shows it until it is sent or discarded
# (a reload must neither send it again nor lose it). The cache is shared by every worker
# (see settings.CACHES).
REFUSED_DRAFT_SECONDS = 60 * 60


def _refused_key(participant_id: int) -> str:
    return f"refused-draft:{participant_id}"


def _keep_refused_draft(participant, post, reason: str) -> None:
    fields = {name: post.getlist(name) for name in post if name != "csrfmiddlewaretoken"}
    cache.set(_refused_key(participant.pk), {"fields": fields, "reason": reason, "shown": False}, REFUSED_DRAFT_SECONDS)


def _kept_draft(participant) -> tuple[QueryDict, str] | None:
    """The refused draft and, the first time it is shown, why it was refused."""
    kept = cache.get(_refused_key(participant.pk))
    if kept is None:
        return None
    reason = "" if kept["shown"] else kept["reason"]
    if not kept["shown"]:
        cache.set(_refused_key(participant.pk), kept | {"shown": True}, REFUSED_DRAFT_SECONDS)
    data = QueryDict(mutable=True)
    for name, values in kept["fields"].items():
        data.setlist(name, values)
    return data, reason


def _forget_sent_draft(participant, client_token: str) -> None:
    kept = cache.get(_refused_key(participant.pk))
    if kept is not None and kept["fields"].get("client_token") == [client_token]:
        cache.delete(_refused_key(participant.pk))


def _room_with_draft(request, participant, data: QueryDict, reason: str):
    teams = _teams(participant)
    offer_form = _offer_form(participant, teams, data)
    formset = _formset(participant.team.exercise, teams, data)
    context = room_context(participant, offer_form=offer_form, formset=formset, error=reason)
    context["kept_draft"] = True
    return HttpResponse(_render_room(request, participant, context))


@require_POST
@access.team_seat
def offer_respond(request, participant, number: int):
    offer = _visible_offer(participant, number)
    answer = request.POST.get("answer")
    said = _answer(offer, participant, answer)
    if request.htmx:
        # The room's live part, answered, in place of the one the buttons were in.
        participant.team.exercise.refresh_from_db()
        context = rooms.team_live_state(participant) | {"messages": [Message(*said)]}
        return _swaps(request, context, "live", "flash")
    messages.add_message(request, *said)
    return redirect("team_room", team_id=participant.team_id)


def _answer(offer, participant, answer) -> tuple[int, str]:
    """Accept or reject the offer for the team; what to tell the player."""
    if answer not in ("accept", "reject"):
        return messages.ERROR, "Choose accept or reject."
    involved = {offer.from_team_id, *offer.recipients.values_list("pk", flat=True)}
    try:
        with live.scoped_to(involved):
            services.respond(offer=offer, participant=participant, accept=answer == "accept")
    except services.GameError as exc:
        return messages.ERROR, str(exc)
    offer.refresh_from_db()
    if offer.is_agreement:
        return messages.SUCCESS, f"Offer #{offer.number} accepted by everyone: it is now an agreement."
    return messages.SUCCESS, f"You {answer}ed offer #{offer.number}."


@require_GET
@access.team_seat
def offer_detail(request, participant, number: int):
    offer = _visible_offer(participant, number)
    # What a counter changed, when the team saw the offer it answers (a third team did not).
    parent = _visible_offers(participant).filter(pk=offer.parent_id).first() if offer.parent_id else None
    context = {
        "offer": offer,
        "detail": scoring.visible_detail(offer.score_detail, participant.team.key),
        "diff": offer_diff.diff_offers(offer_diff.offer_terms(parent), offer_diff.offer_terms(offer))
        if parent
        else None,
        "team": participant.team,
        "exercise": participant.team.exercise,
        "participant": participant,
    }
    return render(request, "exercises/offer_detail.html", context)


def _visible_offers(participant):
    return rooms.visible_offers(participant.team)


def _visible_offer(participant, number: int) -> Offer:
    """One offer the team may see; any other number is 404."""
    return get_object_or_404(_visible_offers(participant).select_related("from_team", "round", "parent"), number=number)


def _visible_offer_by_pk(participant, pk: int) -> Offer:
    team = participant.team
    offer = Offer.objects.filter(pk=pk, exercise_id=team.exercise_id).filter(recipients=team).first()
    if offer is None:
        raise Http404("No such offer to counter.")
    return offer
