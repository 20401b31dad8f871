"""The team room: brief, clock, inbox, sent offers and the offer composer."""

import functools
import secrets

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseStopPolling

from exercises import access, live, numbers, scoring, services
from exercises.forms import PHASES, CommitmentFormSet, OfferForm
from exercises.models import COMMITMENT_TERMS, Event, Exercise, Inject, Offer

# A composer row: the commitment's terms, plus the catalogue entry that pre-filled it.
COMPOSER_FIELDS = (*COMMITMENT_TERMS, "filled_kind")


def team_seat(view):
    """Open only to a player seated on this team; others 404, strangers go to the join page."""

    @functools.wraps(view)
    def wrapper(request, team_id: int, *args, **kwargs):
        if not request.session.get(access.SEATS):
            return redirect(f"/join/?next=/play/{team_id}/")
        try:
            participant = access.participant_for_team(request, team_id)
        except Http404:
            moved_to = access.follow_move(request, team_id)
            if moved_to is None:
                raise
            messages.info(request, "The facilitator moved you to another team.")
            return redirect("team_room", team_id=moved_to)
        return view(request, participant, *args, **kwargs)

    return wrapper


# --- building blocks ---------------------------------------------------------------------------


def _parties(exercise: Exercise) -> list[dict]:
    """Every scenario party may be bound by a commitment, playing or not."""
    return exercise.scenario.get("teams", [])


def _formset(exercise, data=None, initial=None):
    return CommitmentFormSet(
        data,
        initial=initial,
        prefix="c",
        form_kwargs={"parties": _parties(exercise), "catalogue": exercise.scenario.get("catalogue", [])},
    )


def _offer_form(participant, data=None, initial=None):
    team = participant.team
    return OfferForm(data, initial=initial, team=team, teams=list(team.exercise.teams.all()))


def _blank_row(team_key: str) -> dict:
    return {"by": team_key}


def _counter_initial(participant, parent: Offer) -> tuple[dict, list[dict]]:
    """A counter starts as the parent's text, addressed back to its sender."""
    team = participant.team
    recipients = [parent.from_team.key] + [r.key for r in parent.recipients.all() if r.pk != team.pk]
    rows = []
    for c in parent.commitments.all():
        row = {name: getattr(c, name) for name in COMPOSER_FIELDS if name not in ("conditional_on", "filled_kind")}
        row["conditional_on"] = ", ".join(str(p) for p in c.conditional_on)
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


def _fill_from_catalogue(exercise, rows: list[dict]) -> None:
    """When a row's catalogue item changes, pre-fill the fields the team left empty."""
    items = {item["key"]: item for item in exercise.scenario.get("catalogue", [])}
    for row in rows:
        kind = row.get("kind") or ""
        if not kind or kind == row.get("filled_kind") or kind not in items:
            continue
        item = items[kind]
        for name, value in item.get("fields", {}).items():
            if value not in (None, "") and not row.get(name):
                row[name] = value
        if item.get("by"):
            row["by"] = row.get("by") if row.get("by") in item["by"] else item["by"][0]
        if item.get("to") and not row.get("to"):
            # Mirror items list both sides as givers and receivers; nobody gives to itself.
            row["to"] = [key for key in item["to"] if key != row["by"]]
        row["filled_kind"] = kind


def _lenient_rows(rows: list[dict]) -> list[dict]:
    """Rows the engine can score while the team is still typing."""
    scored = []
    for position, row in enumerate(rows, start=1):
        if not row.get("by") or not any(row.get(f) for f in ("kind", "action", "object", "text")):
            continue
        conditional = numbers.int_list(
            row.get("conditional_on"), low=1, high=len(rows), max_items=len(rows), strict=False
        )
        scored.append(
            dict(
                row,
                position=position,
                to=[t for t in (row.get("to") or []) if t],
                conditional_on=[p for p in conditional if p != position],
                phase=numbers.int_or_none(row.get("phase"), low=PHASES[0], high=PHASES[1]),
            )
        )
    return scored


def room_context(participant, *, offer_form=None, formset=None, error: str = "") -> dict:
    team = participant.team
    exercise = team.exercise
    if offer_form is None:
        offer_form = _offer_form(participant, initial={"client_token": secrets.token_urlsafe(16)})
    if formset is None:
        formset = _formset(exercise, initial=[_blank_row(team.key)])
    context = live_context(participant)
    context.update(
        {
            "offer_form": offer_form,
            "formset": formset,
            "composer_error": error,
            "team_brief": team.scenario_team,
            "teammates": team.participants.seated(),
        }
    )
    return context


def live_context(participant) -> dict:
    """The part of the room that polling refreshes."""
    team = participant.team
    exercise = team.exercise
    current = exercise.current_round()
    offers = (
        Offer.objects.filter(exercise=exercise)
        .filter(Q(from_team=team) | Q(recipients=team))
        .distinct()
        .select_related("from_team", "round", "parent")
        .prefetch_related("recipients", "commitments", "responses__team")
        .order_by("-number")
    )
    offers = list(offers)
    injects = (
        Inject.objects.filter(exercise=exercise)
        .filter(Q(audience=None) | Q(audience=team))
        .distinct()
        .select_related("round")
        .order_by("-pushed_at", "-pk")
    )
    for offer in offers:
        offer.my_answer = next((r for r in offer.responses.all() if r.team_id == team.pk), None)
    conflicts = []
    if current:
        flagged = exercise.events.filter(kind=Event.Kind.CONFLICT_FLAGGED, team=team, round=current)
        conflicts = [event.details.get("text", "") for event in flagged]
    return {
        "conflicts": conflicts,
        "participant": participant,
        "team": team,
        "exercise": exercise,
        "current": current,
        "injects": list(injects[:5]),
        "inbox": [o for o in offers if o.from_team_id != team.pk],
        "sent": [o for o in offers if o.from_team_id == team.pk],
        "revision": exercise.revision,
    }


# --- views -------------------------------------------------------------------------------------


@require_GET
@team_seat
def team_room(request, participant):
    exercise = participant.team.exercise
    services.close_if_expired(exercise)
    exercise.refresh_from_db()
    access.mark_seen(participant)
    offer_form = formset = None
    counter_number = numbers.int_or_none(request.GET.get("counter"), low=1, high=numbers.MAX_ID)
    if counter_number is not None:
        parent = _visible_offer(participant, counter_number)
        initial, rows = _counter_initial(participant, parent)
        initial["client_token"] = secrets.token_urlsafe(16)
        offer_form = _offer_form(participant, initial=initial)
        formset = _formset(exercise, initial=rows)
    context = room_context(participant, offer_form=offer_form, formset=formset)
    context["counter_of"] = counter_number or ""
    return render(request, "exercises/team_room.html", context)


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
        if moved_to is None:
            raise
        return HttpResponseClientRedirect(reverse("team_room", args=[moved_to]))
    # A teammate's poll already rendered what this team sees now: the same HTML for every
    # player of the team (only the CSRF token differs; see live.cached_team_fragment).
    shared = live.cached_team_fragment(request, seat.exercise_id, team_id)
    if shared is not None:
        access.mark_seen(participant)
        html, ended = shared
        return HttpResponse(html, status=HttpResponseStopPolling.status_code if ended else 200)
    exercise = participant.team.exercise
    services.close_if_expired(exercise)
    exercise.refresh_from_db()
    live.refresh_state(exercise.pk, exercise.revision, exercise.open_deadline_ts())
    access.mark_seen(participant)
    if str(exercise.revision) == revision:
        return HttpResponse(status=204)
    html = render_to_string("exercises/team_room.html#live", live_context(participant), request)
    live.keep_team_fragment(exercise.pk, team_id, exercise.revision, html, exercise.is_ended)
    return HttpResponse(html, status=HttpResponseStopPolling.status_code if exercise.is_ended else 200)


@require_POST
@team_seat
def composer_refresh(request, participant):
    """Add or remove a row, or pre-fill from the catalogue, keeping everything typed."""
    exercise = participant.team.exercise
    formset = _formset(exercise, request.POST)
    rows = _raw_rows(formset)
    if "add_row" in request.POST and len(rows) < CommitmentFormSet.max_num:
        rows.append(_blank_row(participant.team.key))
    remove = numbers.int_or_none(request.POST.get("remove_row"), low=0, high=len(rows) - 1)
    if remove is not None and len(rows) > 1:
        rows.pop(remove)
    _fill_from_catalogue(exercise, rows)
    access.mark_seen(participant, drafting=True)
    offer_form = _offer_form(participant, initial=_offer_initial(request.POST))
    context = room_context(participant, offer_form=offer_form, formset=_formset(exercise, initial=rows))
    return render(request, "exercises/team_room.html#composer", context)


def _offer_initial(post) -> dict:
    return {
        "recipients": post.getlist("recipients"),
        "message": post.get("message", ""),
        "client_token": post.get("client_token") or secrets.token_urlsafe(16),
        "parent": post.get("parent") or None,
    }


@require_POST
@team_seat
def offer_preview(request, participant):
    """Live scores while drafting: the engine's reasons and what would raise them."""
    exercise = participant.team.exercise
    formset = _formset(exercise, request.POST)
    rows = _lenient_rows(_raw_rows(formset))
    access.mark_seen(participant, drafting=True)
    result = None
    if rows:
        recipients = request.POST.getlist("recipients")
        result = scoring.score(exercise, "draft", rows, [participant.team.key, *recipients])
    return render(request, "exercises/team_room.html#score_panel", {"result": result, "exercise": exercise})


@require_POST
@team_seat
def offer_submit(request, participant):
    exercise = participant.team.exercise
    offer_form = _offer_form(participant, request.POST)
    formset = _formset(exercise, request.POST)
    if not (offer_form.is_valid() and formset.is_valid()):
        return _composer_again(request, participant, offer_form, formset)
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
        return _composer_again(request, participant, offer_form, formset, error=str(exc))
    if result.duplicate:
        messages.info(request, f"Offer #{result.offer.number} was already sent; it was not sent twice.")
    else:
        messages.success(request, f"Offer #{result.offer.number} sent.")
    return redirect("team_room", team_id=participant.team_id)


def _composer_again(request, participant, offer_form, formset, error: str = ""):
    context = room_context(participant, offer_form=offer_form, formset=formset, error=error)
    status = 409 if error else 400
    return render(request, "exercises/team_room.html", context, status=status)


@require_POST
@team_seat
def offer_respond(request, participant, number: int):
    offer = _visible_offer(participant, number)
    answer = request.POST.get("answer")
    if answer not in ("accept", "reject"):
        messages.error(request, "Choose accept or reject.")
        return redirect("team_room", team_id=participant.team_id)
    involved = {offer.from_team_id, *offer.recipients.values_list("pk", flat=True)}
    try:
        with live.scoped_to(involved):
            services.respond(offer=offer, participant=participant, accept=answer == "accept")
    except services.GameError as exc:
        messages.error(request, str(exc))
    else:
        offer.refresh_from_db()
        if offer.is_agreement:
            messages.success(request, f"Offer #{number} accepted by everyone: it is now an agreement.")
        else:
            messages.success(request, f"You {answer}ed offer #{number}.")
    return redirect("team_room", team_id=participant.team_id)


@require_GET
@team_seat
def offer_detail(request, participant, number: int):
    offer = _visible_offer(participant, number)
    return render(
        request,
        "exercises/offer_detail.html",
        {"offer": offer, "team": participant.team, "exercise": participant.team.exercise, "participant": participant},
    )


def _visible_offer(participant, number: int) -> Offer:
    """Offers sent by or to the team; any other number is 404."""
    team = participant.team
    return get_object_or_404(
        Offer.objects.filter(exercise_id=team.exercise_id)
        .filter(Q(from_team=team) | Q(recipients=team))
        .distinct()
        .select_related("from_team", "round", "parent"),
        number=number,
    )


def _visible_offer_by_pk(participant, pk: int) -> Offer:
    team = participant.team
    offer = Offer.objects.filter(pk=pk, exercise_id=team.exercise_id).filter(recipients=team).first()
    if offer is None:
        raise Http404("No such offer to counter.")
    return offer
