"""Reading a model's texts in a language, and knowing which language each text is in.

`obj.local.title` is the title in the request's language: Traditional Chinese on /zh-hant/,
Simplified on /zh-hans/ (an editor's override, or the Traditional text through OpenCC), and
the English text where no Chinese one exists. The result is a `Localized` string that knows
the language it is really in, so that a page can mark it (`lang="en"` on a Chinese page):
English is never passed off as Chinese.
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.translation import get_language

from .fields import translated_name
from .languages import ENGLISH, SIMPLIFIED, TEXT_TAG, TRADITIONAL, normalise, to_simplified


class Localized(str):
    """A text and the language it is written in (ENGLISH, TRADITIONAL or SIMPLIFIED)."""

    language: str

    def __new__(cls, text: str, language: str):
        value = super().__new__(cls, text or "")
        value.language = language
        return value

    def __reduce__(self):  # copied and pickled (a cached fragment) with its language
        return (Localized, (str(self), self.language))

    def is_foreign(self, page_language: str | None = None) -> bool:
        """Written in another language than the page (nothing to mark when empty)."""
        return bool(self) and self.language != normalise(page_language or get_language())


def localized(obj, field: str, language: str | None = None) -> Localized:
    """`obj.<field>` in `language` (the active one by default), falling back to English."""
    return _pick(lambda name: getattr(obj, name), field, language)


def localized_value(row: dict, key: str, language: str | None = None) -> Localized:
    """The same for a `.values()` row: `key` ("series__name") and its translations'
    keys ("series__name_zh_hant") are in the row. None stays None (an outer join's gap)."""
    if row.get(key) is None:
        return None
    return _pick(lambda name: row[name] or "", key, language)


def _pick(get, field: str, language: str | None) -> Localized:
    language = normalise(language or get_language())
    english = get(field)
    if language == ENGLISH:
        return Localized(english, ENGLISH)
    if language == SIMPLIFIED:
        override = get(translated_name(field, SIMPLIFIED))
        if override:
            return Localized(override, SIMPLIFIED)
    traditional = get(translated_name(field, TRADITIONAL))
    if traditional:
        if language == SIMPLIFIED:
            return Localized(to_simplified(traditional), SIMPLIFIED)
        return Localized(traditional, TRADITIONAL)
    return Localized(english, ENGLISH)


class LocalTexts:
    """`obj.local`: attribute access to localized() for a model's translated fields."""

    __slots__ = ("_obj", "_language")

    def __init__(self, obj, language: str | None = None):
        self._obj = obj
        self._language = language

    def __getattr__(self, field: str) -> Localized:
        if field not in getattr(type(self._obj), "translated_fields", ()):
            raise AttributeError(field)
        return localized(self._obj, field, self._language)


class Translatable:
    """Mixin of models with `Translations` fields: `obj.local.<field>`."""

    @property
    def local(self) -> LocalTexts:
        return LocalTexts(self)


def language_of(value) -> str:
    """The language a text of the history is written in: a Localized text knows; any other
    is English, the language every item has."""
    return value.language if isinstance(value, Localized) else ENGLISH


def lang_attribute(value, page_language: str | None = None) -> str:
    """` lang="en"` for an element that shows `value` when it is written in another
    language than the page's (`page_language`, the active one by default; `{% content_lang
    %}`); nothing otherwise."""
    language = language_of(value)
    if not value or language == normalise(page_language or get_language()):
        return ""
    return format_html(' lang="{}"', TEXT_TAG[language])
