"""The console's and projector's repeated markup (offer matrix, presence badges, roster,
umpire, agreements), built in Python.

With 60 teams the offer matrix has 3,600 cells and the teams table 300 presence badges;
a template loop with a condition per cell made every console poll after an offer cost
well over 100 ms (docs/performance.md). The roster (a select of every other team per
player: 1 MB for 300 players), the umpire's table after ten rounds and the projector's
agreements cost as much whenever they were rendered. These write the same markup in
one pass.
"""

import unicodedata

from django import template
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from exercises.models import Commitment, breach_words, commitment_summary
from exercises.templatetags.stand_ins import bot_badge

register = template.Library()

_SELF_CELL = '<td class="matrix-self" aria-label="same team"></td>'
# Any number the int converter accepts; what matters is that it is found in the reversed URL.
_NUMBER_MARK = 987654321


def numbered_url(name: str, *args):
    """``reverse(name, args=[*args, n])`` as a function of n, for URLs whose last part is n.

    reverse() costs tens of microseconds; a matrix of 300 offers needs 300 links.
    """
    head, _, tail = reverse(name, args=[*args, _NUMBER_MARK]).rpartition(str(_NUMBER_MARK))
    return lambda number: f"{head}{number}{tail}"


def _csrf_input(context) -> str:
    """What {% csrf_token %} writes: one token per render, shared by every form in it."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'


def _dash(value) -> str:
    return "–" if value is None else str(value)


def truncate(text: str, length: int) -> str:
    """The ``truncatechars`` filter, without its per-character walk when the text is short enough."""
    if len(text) <= length:
        return unicodedata.normalize("NFC", text)  # what Truncator returns for a short text
    return Truncator(text).chars(length)


@register.simple_tag(takes_context=True)
def offer_matrix_rows(context) -> SafeString:
    """The matrix's rows: a row per sending team, a cell per receiving team, a link per offer."""
    teams, cells, observer = context["teams"], context["matrix"], context.get("observer")
    if observer:
        offer_url = numbered_url("observer_offer", observer.token)
    else:
        offer_url = numbered_url("console_offer", context["exercise"].pk)
    links = {}  # an offer to several teams shows in several cells
    for offers in cells.values():
        for o in offers:
            if o.pk not in links:
                url = escape(offer_url(o.number))
                links[o.pk] = (
                    f'<a class="matrix-offer badge status-{escape(o.status)} d-block text-start mb-1" href="{url}"'
                    f' hx-get="{url}" hx-target="#offer-modal-body" data-bs-toggle="modal"'
                    f' data-bs-target="#offer-modal">#{o.number} · {escape(o.get_status_display())}'
                    f" · S {_dash(o.specificity)} R {_dash(o.reciprocity)}</a>"
                )
    ids = [team.pk for team in teams]
    rows = []
    for team in teams:
        sender = team.pk
        rows.append(f'<tr><th scope="row">{escape(team.key)}</th>')
        for recipient in ids:
            offers = cells.get((sender, recipient))
            if recipient == sender:
                rows.append(_SELF_CELL)
            elif offers:
                rows.append("<td>" + "".join([links[o.pk] for o in offers]) + "</td>")
            else:
                rows.append("<td></td>")
        rows.append("</tr>")
    return mark_safe("".join(rows))


_DASH_CELL = '<span class="text-body-secondary small">–</span>'
_DRAFTING = '<span class="badge drafting">✎ drafting</span>'
_THIS_ROUND = {
    True: '<span class="badge submitted">✓ submitted</span>',
    False: '<span class="badge not-submitted">no offer yet</span>',
}


@register.simple_tag(takes_context=True)
def team_rows(context) -> SafeString:
    """The teams table: presence, drafting, offers sent, received and answered, score (see room_state)."""
    current = context.get("current")
    now = timezone.now()
    rows = []
    for team in context["teams"]:
        key = escape(team.key)
        waiting = f' <span class="small text-body-secondary">({team.waiting} waiting)</span>' if team.waiting else ""
        score = floatformat(team.score.total, 1) if team.score else _DASH_CELL
        rows.append(
            f'<tr data-team="{key}"><th scope="row">{escape(team.name)}'
            f' <span class="text-body-secondary small fw-normal">{key}</span>{bot_badge(team)}</th>'
            f'<td><span class="fw-semibold">{team.present_count}</span>'
            f'<span class="text-body-secondary">/{len(team.players)}</span> {_presence_badges(team)}</td>'
            f"<td>{_DRAFTING if team.drafting else _DASH_CELL}</td>"
            f"<td>{_last_active(team.last_active, now)}</td>"
            f'<td class="text-end">{team.sent}</td><td class="text-end">{team.received}</td>'
            f'<td class="text-end">{team.answered}{waiting}</td>'
            f"<td>{_THIS_ROUND[bool(team.sent)] if current else _DASH_CELL}</td>"
            f'<td class="text-end">{score}</td></tr>'
        )
    return mark_safe("".join(rows))


def _last_active(moment, now) -> str:
    """When the team last typed in its composer, sent or answered an offer, in words."""
    if moment is None:
        return '<span class="text-body-secondary small">not yet</span>'
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        words = "just now"
    elif seconds < 3600:
        words = f"{seconds // 60} min ago"
    else:
        words = f"at {timezone.localtime(moment):%H:%M}"
    return f'<time class="small text-nowrap" datetime="{moment.isoformat()}">{words}</time>'


def _presence_badges(team) -> str:
    """One badge per player, filled when seen in the last 30 s."""
    if not team.players:
        return '<span class="text-body-secondary small ms-1">nobody yet</span>'
    return "".join(
        f'<span class="badge presence-on ms-1" title="here now">● {escape(p.display_name)}</span>'
        if p.is_present
        else f'<span class="badge presence-off ms-1" title="not seen in the last 30 s">○ {escape(p.display_name)}</span>'
        for p in team.players
    )


@register.simple_tag(takes_context=True)
def roster_items(context) -> SafeString:
    """A line per player; for the facilitator, a form to move them to any other team and one to remove them."""
    teams, exercise, read_only = context["teams"], context["exercise"], context.get("read_only")
    csrf = "" if read_only else _csrf_input(context)
    move_url = numbered_url("player_move", exercise.pk)
    remove_url = numbered_url("player_remove", exercise.pk)
    readmit_url = None if read_only else numbered_url("player_readmit", exercise.pk)
    choices = [(team.pk, f'<option value="{team.pk}">{escape(team.name)}</option>') for team in teams]
    items = []
    for team in teams:
        name = escape(team.name)
        others = "".join(option for pk, option in choices if pk != team.pk)
        for player in team.players:
            who = escape(player.display_name)
            item = (
                '<li class="d-flex flex-wrap gap-2 align-items-center border-bottom py-1">'
                f'<span class="me-auto"><span class="fw-semibold">{who}</span>'
                f' <span class="small text-body-secondary">{name}</span></span>'
            )
            if not read_only:
                item += (
                    f'<form method="post" action="{escape(move_url(player.pk))}" class="d-flex gap-1">{csrf}'
                    f'<label class="visually-hidden" for="move-{player.pk}">Move {who} to</label>'
                    f'<select id="move-{player.pk}" name="team" class="form-select form-select-sm">{others}</select>'
                    '<button class="btn btn-sm btn-outline-secondary" type="submit">Move</button></form>'
                    f'<form method="post" action="{escape(remove_url(player.pk))}">{csrf}'
                    '<button class="btn btn-sm btn-outline-danger" type="submit"'
                    f' data-confirm="Remove {who} from {name}? Their browser loses its seat.">Remove</button></form>'
                )
            items.append(item + "</li>")
        items.extend(_removed_items(team, name, csrf, readmit_url))
    return mark_safe("".join(items))


def _removed_items(team, name: str, csrf: str, readmit_url) -> list[str]:
    """Removed players stay listed, greyed, with the way back for the facilitator."""
    items = []
    for player in team.removed_players:
        who = escape(player.display_name)
        item = (
            '<li class="d-flex flex-wrap gap-2 align-items-center border-bottom py-1 text-body-secondary">'
            f'<span class="me-auto"><span class="fw-semibold text-decoration-line-through">{who}</span>'
            f' <span class="small">{name} · removed</span></span>'
        )
        if readmit_url:
            item += (
                f'<form method="post" action="{escape(readmit_url(player.pk))}">{csrf}'
                '<button class="btn btn-sm btn-outline-secondary" type="submit">Readmit</button></form>'
            )
        items.append(item + "</li>")
    return items


@register.simple_tag(takes_context=True)
def umpire_rows(context) -> SafeString:
    """A row per settled commitment: offer, summary, round, outcome and value; for the
    facilitator, a ruling form (drawn steps) and the "value this step" form."""
    read_only = context.get("read_only")
    csrf = "" if read_only else _csrf_input(context)
    exercise_id = context["exercise"].pk
    override_url = None if read_only else numbered_url("commitment_override", exercise_id)
    value_url = None if read_only else numbered_url("commitment_value", exercise_id)
    rows = []
    for c in context["resolved"]:  # value rows: see UMPIRE_FIELDS
        p_kept = "" if c.kept_probability is None else f" · p(kept) {floatformat(c.kept_probability, 2)}"
        when = "final reckoning" if c.settled_at_end else f"round {c.resolved_in__number}"
        ruling = ""
        if c.overridden:
            reason = c.override_reason
            ruling = f' <span class="small" title="{escape(reason)}">by umpire: {escape(truncate(reason, 40))}</span>'
        row = (
            f"<tr><td>#{c.offer__number}.{c.position}"
            f' <span class="small text-body-secondary">{escape(c.offer__from_team__key)}</span></td>'
            f'<td class="small">{escape(truncate(commitment_summary(c), 90))}</td>'
            f'<td class="small">{when}{p_kept}</td>'
            f'<td><span class="badge outcome-{escape(c.outcome)}">{escape(Commitment.Outcome(c.outcome).label)}</span>'
            f"{escape(ledger_note(c.outcome, c.breach_position, c.withdrawn_in__number))}{ruling}</td>"
            f'<td class="small">{escape(_umpire_values(c.umpire_value))}</td>'
        )
        if not read_only:
            row += f"<td>{_ruling_form(c, csrf, override_url)}{_value_form(c, csrf, value_url)}</td>"
        rows.append(row + "</tr>")
    return mark_safe("".join(rows))


def ledger_note(outcome: str, breach: int | None, withdrawn_in: int | None = None) -> str:
    """Why a linked step was not delivered: " (its condition, no. 1, was broken)"."""
    words = breach_words(outcome, breach)
    if not words:
        return ""
    when = f", round {withdrawn_in}" if outcome == Commitment.Outcome.WITHDRAWN and withdrawn_in else ""
    return f" ({words}{when})"


def _umpire_values(values: dict) -> str:
    return ", ".join(f"{party} {floatformat(v, -1)}" for party, v in (values or {}).items()) or "—"


def _ruling_form(c, csrf: str, override_url) -> str:
    """Kept or broken, overruled with a reason: only for steps the dice decided."""
    if c.outcome not in (Commitment.Outcome.KEPT, Commitment.Outcome.BROKEN):
        return ""
    flip = "broken" if c.outcome == "kept" else "kept"
    return (
        f'<form method="post" action="{escape(override_url(c.pk))}"'
        f' class="d-flex gap-1 align-items-center mb-1">{csrf}'
        f'<input type="hidden" name="outcome" value="{flip}">'
        f'<label class="visually-hidden" for="reason-{c.pk}">Reason</label>'
        f'<input id="reason-{c.pk}" class="form-control form-control-sm" name="reason" placeholder="Reason"'
        f' maxlength="{settings.TABLETOP_LIMITS["text_length"]}">'
        f'<button class="btn btn-sm btn-outline-secondary text-nowrap" type="submit">Rule {flip}</button>'
        "</form>"
    )


def _value_form(c, csrf: str, value_url) -> str:
    """The umpire's "value this step": worth to its giver and to each receiver (empty: clear)."""
    current = c.umpire_value or {}
    giver = current.get(c.by, "")
    receiver = next((v for p, v in current.items() if p != c.by), "")
    return (
        f'<form method="post" action="{escape(value_url(c.pk))}" class="d-flex gap-1 align-items-center">{csrf}'
        f'<label class="visually-hidden" for="giver-{c.pk}">Value to {escape(c.by)}</label>'
        f'<input id="giver-{c.pk}" class="form-control form-control-sm umpire-value" name="giver" inputmode="decimal"'
        f' placeholder="{escape(c.by)}" value="{escape(floatformat(giver, -1) if giver != "" else "")}">'
        f'<label class="visually-hidden" for="receiver-{c.pk}">Value to each receiver</label>'
        f'<input id="receiver-{c.pk}" class="form-control form-control-sm umpire-value" name="receiver"'
        f' inputmode="decimal" placeholder="{escape(", ".join(c.to or []) or "to")}"'
        f' value="{escape(floatformat(receiver, -1) if receiver != "" else "")}">'
        '<button class="btn btn-sm btn-outline-secondary text-nowrap" type="submit">Value this step</button>'
        "</form>"
    )


_OUTCOME_CHIPS = {
    "kept": ' <span class="proj-chip">✓ kept</span>',
    "broken": ' <span class="proj-chip proj-chip-broken">✗ broken</span>',
    "voided": ' <span class="proj-chip proj-chip-void">void (condition broken)</span>',
    "withdrawn": ' <span class="proj-chip proj-chip-void">↺ withdrawn (snap-back)</span>',
}


@register.simple_tag
def agreement_items(agreements) -> SafeString:
    """The projector's agreements: parties, scores, round, and each commitment with its outcome."""
    items = []
    for offer in agreements:
        terms = "".join(
            f"<li>{escape(truncate(commitment_summary(term), 110))}{_OUTCOME_CHIPS.get(term.outcome, '')}</li>"
            for term in offer.terms
        )
        items.append(
            f'<div class="proj-agreement" data-fit-item><div class="proj-agreement-head">#{offer.number} · {escape(offer.from_key)}'
            f" ⇄ {escape(', '.join(offer.recipient_keys))}"
            f' <span class="proj-chip">Specificity {_dash(offer.specificity)}</span>'
            f' <span class="proj-chip">Reciprocity {_dash(offer.reciprocity)}</span>'
            f' <span class="proj-muted">round {offer.round_number}</span></div>'
            f'<ul class="proj-commitments">{terms}</ul></div>'
        )
    return mark_safe("".join(items))
