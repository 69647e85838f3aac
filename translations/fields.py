"""Translated texts as plain columns: `title` (English), `title_zh_hant`, `title_zh_hans`.

    class Milestone(Translatable, PublishableItem):
        title = models.CharField(max_length=300)
        title_translations = Translations("title")

adds `title_zh_hant` (Traditional Chinese, Hong Kong usage) and `title_zh_hans` (Simplified:
an editor's override; empty means "made from the Traditional text with OpenCC"), each a
copy of `title` that may be blank. They are ordinary fields: fixtures, history, forms,
search and `.values()` see them as they are, and `title` is always the English text,
whatever language a request is in. Reading in a language is `obj.local.title`
(translations.text).
"""

from __future__ import annotations

from .languages import FIELD_SUFFIX, SIMPLIFIED, TRADITIONAL

LANGUAGE_NAMES = {TRADITIONAL: "Traditional Chinese", SIMPLIFIED: "Simplified Chinese"}
HELP = {
    TRADITIONAL: "Hong Kong usage. Empty: readers of Chinese pages see the English.",
    SIMPLIFIED: "Empty: made from the Traditional Chinese with OpenCC. Fill only to correct it.",
}
# What a translation does not copy from its English field.
_NOT_COPIED = ("unique", "db_index", "help_text", "verbose_name", "default", "blank", "null")


def translated_name(field: str, language: str) -> str:
    return f"{field}_{FIELD_SUFFIX[language]}"


class Translations:
    """Placed in a model's body after the English field it translates (see the module)."""

    def __init__(self, source: str):
        self.source = source

    def contribute_to_class(self, cls, name: str) -> None:
        english = cls._meta.get_field(self.source)
        _name, path, args, kwargs = english.deconstruct()
        for key in _NOT_COPIED:
            kwargs.pop(key, None)
        label = english.verbose_name
        for language in (TRADITIONAL, SIMPLIFIED):
            field = type(english)(
                *args,
                **kwargs,
                verbose_name=f"{label} ({LANGUAGE_NAMES[language]})",
                help_text=HELP[language],
                blank=True,
                default="",
            )
            cls.add_to_class(translated_name(self.source, language), field)
        # Those of every base too (an abstract base's date_basis, another's citation).
        inherited = [f for base in cls.__mro__ for f in base.__dict__.get("translated_fields", ())]
        cls.translated_fields = tuple(dict.fromkeys([*inherited, self.source]))


def translation_fields(model) -> list[str]:
    """Every translated column of `model`: ["title_zh_hant", "title_zh_hans", …]."""
    return [
        translated_name(field, language)
        for field in getattr(model, "translated_fields", ())
        for language in (TRADITIONAL, SIMPLIFIED)
    ]


def with_translations(model, fields) -> list[str]:
    """`fields` and the translations of those that are translated (for `.only()`)."""
    translated = getattr(model, "translated_fields", ())
    out = []
    for field in fields:
        out.append(field)
        if field in translated:
            out += [translated_name(field, language) for language in (TRADITIONAL, SIMPLIFIED)]
    return out
