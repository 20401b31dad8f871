"""The "bot" badge on a team played by a stand-in, and the console's hand-over forms (exercises/bots.py)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from exercises import bots, personas

register = template.Library()


def persona_label(key: str) -> str:
    found = personas.PERSONAS.get(key)
    return found.label if found else key


@register.simple_tag
def bot_badge(team) -> SafeString:
    """Everyone sees which teams a bot plays (room, console, projector, report): never hidden."""
    if not getattr(team, "bot_persona", ""):
        return mark_safe("")
    label = persona_label(team.bot_persona)
    return format_html(
        ' <span class="badge bot-badge" title="Played by a bot: {}"><span aria-hidden="true">⚙</span> bot'
        '<span class="visually-hidden">, {}</span></span>',
        label,
        label.lower(),
    )


def _persona_options(selected: str) -> SafeString:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((k, " selected" if k == selected else "", p.label) for k, p in bots.CLASSROOM_PERSONAS.items()),
    )


@register.simple_tag(takes_context=True)
def stand_in_rows(context) -> SafeString:
    """One row per team: who plays it, and a form to hand it to a bot, switch persona or take it back."""
    exercise = context["exercise"]
    csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', context.get("csrf_token", ""))
    rows = []
    for team in context["team_rows"]:  # rooms.TeamRow
        url = reverse("team_bot", args=[exercise.pk, team.pk])
        if team.bot_persona:
            who = format_html("{}{}", persona_label(team.bot_persona), bot_badge(team))
            take_back = format_html(
                '<button class="btn btn-sm btn-outline-secondary" name="persona" value="" type="submit">'
                'Take back<span class="visually-hidden"> {}</span></button>',
                team.name,
            )
        else:
            who = format_html('<span class="text-body-secondary">people ({} seated)</span>', len(team.players))
            take_back = mark_safe("")
        form = format_html(
            '<form method="post" action="{}" class="d-flex flex-wrap gap-2 align-items-center">{}'
            '<label class="visually-hidden" for="persona-{}">Persona for {}</label>'
            '<select class="form-select form-select-sm w-auto" name="persona" id="persona-{}">{}</select>'
            '<button class="btn btn-sm btn-outline-primary" type="submit">{}<span class="visually-hidden"> {}</span>'
            "</button>{}</form>",
            url,
            csrf,
            team.pk,
            team.name,
            team.pk,
            _persona_options(team.bot_persona or "base-hitter"),
            "Switch persona" if team.bot_persona else "Hand to a bot",
            team.name,
            take_back,
        )
        rows.append(format_html('<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>', team.name, who, form))
    return format_html_join("", "{}", ((r,) for r in rows))


@register.simple_tag
def persona_descriptions() -> SafeString:
    return format_html_join(
        "",
        "<dt>{}</dt><dd>{}</dd>",
        ((p.label, p.description) for p in bots.CLASSROOM_PERSONAS.values()),
    )
