"""The site's languages and how each is written: codes, tags, and OpenCC conversion.

The history is written in English and Traditional Chinese (Hong Kong usage); Simplified
Chinese is made from the Traditional text with OpenCC (Hong Kong Traditional to Mainland
Simplified, with phrases), unless an editor wrote an override.
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

ENGLISH = "en"
TRADITIONAL = "zh-hant"
SIMPLIFIED = "zh-hans"
CHINESE = (TRADITIONAL, SIMPLIFIED)

_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def has_han(text: str) -> bool:
    """Whether `text` has Chinese characters."""
    return bool(_HAN.search(text))


# Django's language code -> the suffix of a translated field ("title_zh_hant").
FIELD_SUFFIX = {TRADITIONAL: "zh_hant", SIMPLIFIED: "zh_hans"}

# BCP 47 tags: of a text (lang="…" on an element), of a whole page (<html lang>), for
# hreflang, and Open Graph's locale.
TEXT_TAG = {ENGLISH: "en", TRADITIONAL: "zh-Hant", SIMPLIFIED: "zh-Hans"}
PAGE_TAG = {ENGLISH: "en-HK", TRADITIONAL: "zh-Hant-HK", SIMPLIFIED: "zh-Hans"}
OG_LOCALE = {ENGLISH: "en_GB", TRADITIONAL: "zh_HK", SIMPLIFIED: "zh_CN"}

# Open data's ?lang= takes these (and the codes themselves).
LANG_PARAMETER = {ENGLISH: ENGLISH, TRADITIONAL: TRADITIONAL, SIMPLIFIED: SIMPLIFIED}


def normalise(code: str | None) -> str:
    """One of ENGLISH, TRADITIONAL, SIMPLIFIED for a language code ("zh-Hant", "zh-hans"…);
    English for anything else."""
    code = (code or "").lower().replace("_", "-")
    if code.startswith("zh-hans") or code in {"zh-cn", "zh-sg"}:
        return SIMPLIFIED
    if code.startswith("zh"):
        return TRADITIONAL
    return ENGLISH


@lru_cache(maxsize=1)
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("hk2sp")


@lru_cache(maxsize=1)
def _to_traditional() -> opencc.OpenCC:
    return opencc.OpenCC("s2hkp")


@lru_cache(maxsize=4096)
def to_simplified(text: str) -> str:
    """Hong Kong Traditional Chinese as Mainland Simplified Chinese, phrases included."""
    return _to_simplified().convert(text) if text else text


@lru_cache(maxsize=1024)
def to_traditional(text: str) -> str:
    """Simplified Chinese as Hong Kong Traditional (for search input): 创新 -> 創新."""
    return _to_traditional().convert(text) if text else text


def spellings(term: str) -> list[str]:
    """A search term as typed, and in Traditional Chinese when that differs (创新 -> 創新)."""
    traditional = to_traditional(term) if has_han(term) else term
    return [term] if traditional == term else [term, traditional]
