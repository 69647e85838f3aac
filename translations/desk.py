"""The desk's forms in two languages: each English text with its Traditional Chinese beside
it on one row, and the Simplified overrides apart (most stay empty: OpenCC makes them)."""

from __future__ import annotations

from .fields import translated_name
from .languages import SIMPLIFIED, TRADITIONAL

SIMPLIFIED_DESCRIPTION = (
    "Readers of /zh-hans/ see the Traditional Chinese converted by OpenCC (Hong Kong to "
    "Mainland usage). Fill a field here only to correct a conversion."
)


def side_by_side(model, fields) -> list:
    """Admin `fields` with each translated field beside its Traditional Chinese."""
    translated = getattr(model, "translated_fields", ())
    rows = []
    for field in fields:
        if isinstance(field, str) and field in translated:
            rows.append((field, translated_name(field, TRADITIONAL)))
        else:
            rows.append(field)
    return rows


def simplified_fieldset(model, fields=None) -> tuple:
    """A collapsed fieldset of the Simplified overrides of `fields` (all by default)."""
    fields = fields or getattr(model, "translated_fields", ())
    return (
        "Simplified Chinese (overrides)",
        {
            "classes": ["collapse"],
            "fields": [translated_name(field, SIMPLIFIED) for field in fields],
            "description": SIMPLIFIED_DESCRIPTION,
        },
    )


def translated_search_fields(model, fields, prefix: str = "") -> list[str]:
    """`search_fields` with the Chinese columns of those translated: an editor finds 孫東."""
    translated = getattr(model, "translated_fields", ())
    out = []
    for field in fields:
        out.append(f"{prefix}{field}")
        if field in translated:
            out += [f"{prefix}{translated_name(field, lang)}" for lang in (TRADITIONAL, SIMPLIFIED)]
    return out
