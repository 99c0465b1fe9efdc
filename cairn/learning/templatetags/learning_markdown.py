"""Render lesson text written in Markdown, safely."""

from django import template
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

register = template.Library()

# CommonMark with raw HTML off: authors' HTML is shown as text, and markdown-it's
# link check refuses javascript:, vbscript:, file: and data: addresses.
_renderer = MarkdownIt("commonmark", {"html": False}).enable("table")


@register.filter
def markdown(text: str) -> SafeString:
    """Return `text` rendered from Markdown to HTML."""
    html: str = _renderer.render(text or "")
    return mark_safe(html)  # noqa: S308  # markdown-it escaped the author's HTML
