"""The console's and projector's markup that a template loop would make too slow, built in Python.

Only what a measured hot path needs (docs/performance.md, docs/architecture.md): the offer
matrix (3,600 cells with 60 teams) and the teams table (300 presence badges), both re-rendered
on every console poll after an offer; the projector's agreements, re-rendered on every
projector poll; and the roster's list of teams to move a player to, built once per team
instead of once per player (300 players x 59 teams). Everything goes through format_html and
format_html_join, which escape what they are given. The roster and the umpire's table, cached
per exercise-wide revision, are templates (_roster.html, _umpire_rows.html) rendering the rows
of exercises/rooms.py.
"""

import unicodedata

from django import template
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from exercises.models import Offer
from exercises.rooms import numbered_url
from exercises.templatetags.stand_ins import bot_badge

register = template.Library()


def _join(parts) -> SafeString:
    """Pieces that are each safe already (format_html's output or the constants below), end to end.

    format_html_join would run format_html once more per piece: 3,600 times for a 60-team matrix.
    """
    return mark_safe("".join(parts))


def _dash(value) -> str:
    return "–" if value is None else str(value)


def _escaper():
    """``format_html("{}", value)``, kept for the values a table repeats (statuses, scores, counts).

    format_html escapes every argument that is not already safe, and escaping a number costs
    about as much as filling in the rest of a matrix link; the same few values recur hundreds
    of times in one render.
    """
    seen = {}

    def escaped(value) -> SafeString:
        if value not in seen:
            seen[value] = format_html("{}", value)
        return seen[value]

    return escaped


@register.filter(is_safe=False)
def truncate(text: str, length: int) -> str:
    """The ``truncatechars`` filter, without its per-character walk when the text is short enough
    (the umpire's table truncates two texts in each of its hundreds of rows)."""
    if len(text) <= length:
        return unicodedata.normalize("NFC", text)  # what Truncator returns for a short text
    return Truncator(text).chars(length)


# --- the offer matrix ----------------------------------------------------------------------------

_SELF_CELL = mark_safe('<td class="matrix-self" aria-label="same team"></td>')
_EMPTY_CELL = mark_safe("<td></td>")


@register.simple_tag(takes_context=True)
def offer_matrix_rows(context) -> SafeString:
    """The matrix's rows: a row per sending team, a cell per receiving team, a link per offer."""
    teams, cells, observer = context["teams"], context["matrix"], context.get("observer")
    if observer:
        offer_url = numbered_url("observer_offer", observer.token)
    else:
        offer_url = numbered_url("console_offer", context["exercise"].pk)
    labels = dict(Offer.Status.choices)  # get_status_display() looks the label up anew for each offer
    shown = _escaper()
    links = {}  # an offer to several teams shows in several cells
    for offers in cells.values():
        for o in offers:
            if o.pk not in links:
                url = shown(offer_url(o.number))  # once, though the link names it twice
                links[o.pk] = format_html(
                    '<a class="matrix-offer badge status-{} d-block text-start mb-1" href="{}" hx-get="{}"'
                    ' hx-target="#offer-modal-body" data-bs-toggle="modal" data-bs-target="#offer-modal">'
                    "#{} · {} · S {} R {}</a>",
                    shown(o.status),
                    url,
                    url,
                    o.number,
                    shown(labels.get(o.status, o.status)),
                    shown(_dash(o.specificity)),
                    shown(_dash(o.reciprocity)),
                )
    ids = [team.pk for team in teams]
    rows = []
    for team in teams:
        sender = team.pk
        row = []
        for recipient in ids:
            offers = cells.get((sender, recipient))
            if recipient == sender:
                row.append(_SELF_CELL)
            elif offers:
                row.append(format_html("<td>{}</td>", _join(links[o.pk] for o in offers)))
            else:
                row.append(_EMPTY_CELL)
        rows.append(format_html('<tr><th scope="row">{}</th>{}</tr>', team.key, _join(row)))
    return _join(rows)


# --- the teams table -----------------------------------------------------------------------------

_DASH_CELL = mark_safe('<span class="text-body-secondary small">–</span>')
_DRAFTING = mark_safe('<span class="badge drafting">✎ drafting</span>')
_THIS_ROUND = {
    True: mark_safe('<span class="badge submitted">✓ submitted</span>'),
    False: mark_safe('<span class="badge not-submitted">no offer yet</span>'),
}
_NOT_YET = mark_safe('<span class="text-body-secondary small">not yet</span>')
_NOBODY = mark_safe('<span class="text-body-secondary small ms-1">nobody yet</span>')


@register.simple_tag(takes_context=True)
def team_rows(context) -> SafeString:
    """The teams table (rooms.TeamRow): presence, drafting, offers sent, received and answered, score."""
    current = context.get("current")
    now = timezone.now()
    shown = _escaper()
    rows = []
    for team in context["team_rows"]:
        key = shown(team.key)
        waiting = ""
        if team.waiting:
            waiting = format_html(' <span class="small text-body-secondary">({} waiting)</span>', shown(team.waiting))
        rows.append(
            format_html(
                '<tr data-team="{}"><th scope="row">{} <span class="text-body-secondary small fw-normal">{}</span>{}</th>'
                '<td><span class="fw-semibold">{}</span><span class="text-body-secondary">/{}</span> {}</td>'
                "<td>{}</td><td>{}</td>"
                '<td class="text-end">{}</td><td class="text-end">{}</td><td class="text-end">{}{}</td>'
                '<td>{}</td><td class="text-end">{}</td></tr>',
                key,
                team.name,
                key,
                bot_badge(team),
                shown(team.present_count),
                shown(len(team.players)),
                _presence_badges(team),
                _DRAFTING if team.drafting else _DASH_CELL,
                _last_active(team.last_active, now),
                shown(team.sent),
                shown(team.received),
                shown(team.answered),
                waiting,
                _THIS_ROUND[bool(team.sent)] if current else _DASH_CELL,
                floatformat(team.score.total, 1) if team.score else _DASH_CELL,
            )
        )
    return _join(rows)


def _last_active(moment, now) -> SafeString:
    """When the team last typed in its composer, sent or answered an offer, in words."""
    if moment is None:
        return _NOT_YET
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        words = "just now"
    elif seconds < 3600:
        words = f"{seconds // 60} min ago"
    else:
        words = f"at {timezone.localtime(moment):%H:%M}"
    return format_html('<time class="small text-nowrap" datetime="{}">{}</time>', moment.isoformat(), words)


_PRESENT = {
    True: mark_safe('<span class="badge presence-on ms-1" title="here now">● '),
    False: mark_safe('<span class="badge presence-off ms-1" title="not seen in the last 30 s">○ '),
}


def _presence_badges(team) -> SafeString:
    """One badge per player, filled when seen in the last 30 s."""
    if not team.players:
        return _NOBODY
    return format_html_join("", "{}{}</span>", ((_PRESENT[p.is_present], p.name) for p in team.players))


# --- the roster ----------------------------------------------------------------------------------


@register.simple_tag(takes_context=True)
def move_options(context, team) -> SafeString:
    """The <option>s of a roster team's "move to" select (rooms.RosterTeam.move_to).

    Every player of a team shows the same list, and every team's list is the others' teams:
    each option is written once per render and each team's list joined once, not once per
    player (a template loop over 360 players x 59 teams cost 0.3 s: docs/performance.md,
    "Console tables as templates").
    """
    options, lists = context.render_context.setdefault("move_options", ({}, {}))
    if team.pk not in lists:
        for choice in team.move_to:
            if choice.pk not in options:
                options[choice.pk] = format_html('<option value="{}">{}</option>', choice.pk, choice.name)
        lists[team.pk] = _join(options[choice.pk] for choice in team.move_to)
    return lists[team.pk]


# --- the projector's agreements ------------------------------------------------------------------

_OUTCOME_CHIPS = {
    "kept": mark_safe(' <span class="proj-chip">✓ kept</span>'),
    "broken": mark_safe(' <span class="proj-chip proj-chip-broken">✗ broken</span>'),
    "voided": mark_safe(' <span class="proj-chip proj-chip-void">void (condition broken)</span>'),
    "withdrawn": mark_safe(' <span class="proj-chip proj-chip-void">↺ withdrawn (snap-back)</span>'),
}


@register.simple_tag
def agreement_items(agreements) -> SafeString:
    """The projector's agreements (rooms.AgreementRow): parties, scores, round, each commitment's outcome."""
    shown = _escaper()
    return format_html_join(
        "",
        '<div class="proj-agreement" data-fit-item><div class="proj-agreement-head">#{} · {} ⇄ {}'
        ' <span class="proj-chip">Specificity {}</span> <span class="proj-chip">Reciprocity {}</span>'
        ' <span class="proj-muted">round {}</span></div><ul class="proj-commitments">{}</ul></div>',
        (
            (
                offer.number,
                shown(offer.from_key),
                shown(", ".join(offer.recipient_keys)),
                shown(_dash(offer.specificity)),
                shown(_dash(offer.reciprocity)),
                shown(offer.round_number),
                format_html_join(
                    "",
                    "<li>{}{}</li>",
                    ((truncate(term.summary, 110), _OUTCOME_CHIPS.get(term.outcome, "")) for term in offer.terms),
                ),
            )
            for offer in agreements
        ),
    )
