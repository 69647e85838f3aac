"""Template filters of the site."""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()

# As django.utils.html.json_script does: nothing in the JSON can end the <script> element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(data) -> str:
    """A schema.org JSON-LD block: JSON escaped so that it cannot close its <script> element."""
    if not data:
        return ""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        JSON_SCRIPT_ESCAPES
    )
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


def _content_is_foreign() -> bool:
    return (get_language() or settings.LANGUAGE_CODE) != settings.CONTENT_LANGUAGE


@register.simple_tag
def content_lang() -> str:
    """` lang="en"` for an element that shows the history's texts (titles, bodies, names,
    posts, captions), written in settings.CONTENT_LANGUAGE, on a page in another language:
    a screen reader then reads them in their own language. Nothing on an English page."""
    if not _content_is_foreign():
        return ""
    return format_html(' lang="{}"', settings.CONTENT_LANGUAGE)


@register.filter
def in_content_lang(value) -> str:
    """`value` (a text of the history inside an interface sentence: "在Shenzhen") in a
    <span lang="en"> on a page in another language."""
    if not value or not _content_is_foreign():
        return value
    return format_html('<span lang="{}">{}</span>', settings.CONTENT_LANGUAGE, value)


@register.filter
def venue(meeting) -> str:
    """A meeting's venue as `venue_display` says it, its place marked with its language."""
    place = in_content_lang(meeting.place)
    parts = [format_html(part.replace("%(place)s", "{}"), place) for part in meeting.venue_parts()]
    return mark_safe(conditional_escape(gettext(" and ")).join(parts))  # noqa: S308
