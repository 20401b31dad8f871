from django import template

from exercises.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """Render Markdown and strip anything that could run script."""
    return render_markdown(text)
