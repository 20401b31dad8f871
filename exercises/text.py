"""Markdown written by people, made safe to show: scenario briefs (the `markdown` template
filter) and the after-action report's narrative and briefs (exercises/reports).

Markdown passes raw HTML through, so everything it produces goes through nh3 with a short
allow-list: no scripts (their content is dropped too), no event handlers or other
attributes but a link's href/title and a table cell's alignment, no images (WeasyPrint
would fetch their URLs while building the report PDF), links only to http, https and
mailto.
"""

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

# Enough for briefs and a narrative: emphasis, lists, links, headings, tables.
ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    html = md.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
