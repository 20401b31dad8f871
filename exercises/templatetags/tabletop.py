from django import template
from django.utils.html import format_html

from exercises.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """Render Markdown and strip anything that could run script."""
    return render_markdown(text)


@register.simple_tag
def rank(standing):
    """A team's place in the standings; a shared place says so (rules/standings.py ranks ties equally)."""
    if standing.tied:
        return format_html('{}<span class="rank-tied"> tied</span>', standing.rank)
    return str(standing.rank)
