"""Template filters of the site."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext

from pagecache import fragments
from translations.languages import ENGLISH, TEXT_TAG, normalise
from translations.text import Localized, lang_attribute, language_of

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


@register.filter
def date_time(item) -> str:
    """`item`'s date as people write it (`date_display`), in a <time> whose datetime is as
    precise as known (`date_iso`: '2017-10', '2021'); plain text when nothing precise is
    true of the whole date (unknown, or a range across years)."""
    if not item.date_iso:
        return conditional_escape(item.date_display)
    return format_html('<time datetime="{}">{}</time>', item.date_iso, item.date_display)


@register.simple_tag
def content_lang(value) -> str:
    """` lang="en"` for an element that shows `value` (a title, body, name, post, caption)
    when it is written in another language than the page, e.g. the English where no Chinese
    text exists: a screen reader then reads it in its own language. Nothing otherwise."""
    return lang_attribute(value)


@register.simple_tag
def lang_attr(language: str) -> str:
    """` lang="en"` for an element whose text is in `language` (a language code), when the
    page is in another; nothing otherwise."""
    if not language or normalise(language) == normalise(get_language()):
        return ""
    return format_html(' lang="{}"', TEXT_TAG[normalise(language)])


@register.filter
def in_content_lang(value) -> str:
    """`value` (a text of the history inside an interface sentence: "在Shenzhen") in a
    <span lang="en"> when it is written in another language than the page."""
    if not lang_attribute(value):
        return value
    return format_html('<span lang="{}">{}</span>', TEXT_TAG[language_of(value)], value)


@register.filter
def excerpt(value, words: int):
    """The start of a text: `words` words of English, twice as many characters of Chinese
    (which has no spaces between words). Keeps the text's language."""
    language = language_of(value)
    if language == ENGLISH:
        short = Truncator(value).words(int(words), truncate="…")
    else:
        short = Truncator(value).chars(int(words) * 2, truncate="…")
    return Localized(short, language)


@register.filter
def of_year(by_year: dict, year):
    """What `by_year` holds for `year` (the timeline's meetings of a year), or {}."""
    return (by_year or {}).get(year, {})


@register.filter
def venue(meeting) -> str:
    """A meeting's venue as `venue_display` says it, its place marked with its language."""
    place = in_content_lang(meeting.local.place)
    parts = [format_html(part.replace("%(place)s", "{}"), place) for part in meeting.venue_parts()]
    return mark_safe(conditional_escape(gettext(" and ")).join(parts))  # noqa: S308


@register.filter
def fragment_version(obj) -> str:
    """What a `{% cache %}` fragment showing `obj` varies on (pagecache/fragments.py)."""
    return fragments.fragment_version(obj)
