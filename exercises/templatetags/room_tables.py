"""The console's and projector's repeated markup (offer matrix, presence badges,
agreements), built in Python.

With 60 teams the offer matrix has 3,600 cells and the teams table 300 presence badges;
a template loop with a condition per cell made every console poll after an offer cost
well over 100 ms (docs/performance.md), and ten rounds of agreements as much on the
projector. These write the same markup in one pass.
"""

import unicodedata

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

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


@register.filter
def presence_badges(team) -> SafeString:
    """One badge per player, filled when seen in the last 30 s (see room_state)."""
    if not team.players:
        return mark_safe('<span class="text-body-secondary small ms-1">nobody yet</span>')
    return mark_safe(
        "".join(
            '<span class="badge presence-on ms-1" title="here now">● ' + escape(p.display_name) + "</span>"
            if p.is_present
            else '<span class="badge presence-off ms-1" title="not seen in the last 30 s">○ '
            + escape(p.display_name)
            + "</span>"
            for p in team.players
        )
    )


_OUTCOME_CHIPS = {
    "kept": ' <span class="proj-chip">✓ kept</span>',
    "broken": ' <span class="proj-chip proj-chip-broken">✗ broken</span>',
}


@register.simple_tag
def agreement_items(agreements) -> SafeString:
    """The projector's agreements: parties, scores, round, and each commitment with its outcome."""
    items = []
    for offer in agreements:
        terms = "".join(
            f"<li>{escape(truncate(term.summary, 110))}{_OUTCOME_CHIPS.get(term.outcome, '')}</li>"
            for term in offer.terms
        )
        items.append(
            f'<div class="proj-agreement"><div class="proj-agreement-head">#{offer.number} · {escape(offer.from_key)}'
            f" ⇄ {escape(', '.join(offer.recipient_keys))}"
            f' <span class="proj-chip">Specificity {_dash(offer.specificity)}</span>'
            f' <span class="proj-chip">Reciprocity {_dash(offer.reciprocity)}</span>'
            f' <span class="proj-muted">round {offer.round_number}</span></div>'
            f'<ul class="proj-commitments">{terms}</ul></div>'
        )
    return mark_safe("".join(items))
