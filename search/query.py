"""What a reader typed, as pure text (no database): the query cut to size and parsed into
terms, phrases and exclusions; excerpts around the first match, and matches highlighted."""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from publishing.text import MAX_QUERY_LENGTH
from publishing.words import normalise_space

MAX_TERMS = 10  # terms used by the substring path and the highlighter
EXCERPT_LENGTH = 220  # characters

# Han (with extensions and compatibility ideographs), kana, Hangul, Bopomofo, and CJK
# punctuation and full-width forms: text PostgreSQL's "english" parser does not split.
_CJK = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    "\U00020000-\U0003134f]"
)
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD_END = re.compile(r"\w*")
# Light English suffix stripping, for highlighting only: full-text search matches stems
# ("approved" finds "approval"), so the highlighter marks words starting with the stem.
_SUFFIXES = (
    "ational",
    "ations",
    "ation",
    "ments",
    "ment",
    "ings",
    "ing",
    "ions",
    "ion",
    "ies",
    "ied",
    "ive",
    "ed",
    "es",
    "al",
    "ly",
    "s",
    "e",
    "y",
)
_MIN_STEM = 3


# --- Pure text functions -------------------------------------------------------------------


def _clean(raw: str) -> str:
    """Control characters (PostgreSQL rejects NUL) and every run of white space to one
    space; only the first few hundred characters are looked at."""
    text = "".join(
        " " if unicodedata.category(char)[0] in "CZ" else char
        for char in raw[: 4 * MAX_QUERY_LENGTH]
    )
    return normalise_space(text)


def normalise_query(raw: str | None) -> str:
    """The query as searched: cleaned, at most MAX_QUERY_LENGTH characters."""
    return _clean(raw or "")[:MAX_QUERY_LENGTH].strip()


def is_truncated(raw: str | None) -> bool:
    """Whether `normalise_query(raw)` had to cut the query."""
    return len(_clean(raw or "")) > MAX_QUERY_LENGTH


def has_cjk(text: str) -> bool:
    """Whether `text` contains Chinese, Japanese or Korean characters."""
    return bool(_CJK.search(text))


@dataclass(frozen=True)
class ParsedQuery:
    """Terms that must occur (a quoted phrase is one term) and terms that must not."""

    terms: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms)


def parse_query(query: str) -> ParsedQuery:
    """Websearch-like syntax for the substring path and the highlighter: words, "quoted
    phrases", -excluded; the operator `or` is dropped (not supported there). Terms are
    de-duplicated case-insensitively; at most MAX_TERMS of each kind."""
    terms: list[str] = []
    excluded: list[str] = []
    seen: set[tuple[bool, str]] = set()
    for match in _TOKEN.finditer(query):
        minus, phrase, word = match.groups()
        negative = False
        if phrase is not None:
            term, negative = phrase, minus == "-"
        else:
            term = word
            if term.startswith("-") and len(term) > 1:
                negative, term = True, term[1:]
            term = term.replace('"', "")
            if term == "-" or term.lower() == "or":
                continue
        term = normalise_space(term)
        if not term:
            continue
        key = (negative, term.casefold())
        if key in seen:
            continue
        seen.add(key)
        target = excluded if negative else terms
        if len(target) < MAX_TERMS:
            target.append(term)
    if not terms and excluded:
        # Something must be searched for; "-x" alone finds nothing.
        return ParsedQuery()
    return ParsedQuery(tuple(terms), tuple(excluded))


def stem_prefix(word: str) -> str:
    """`word` without one common English suffix ("approved" → "approv"), lower-cased; the
    word itself when that would leave fewer than three letters or it is not plain Latin."""
    lowered = word.lower()
    if not lowered.isascii() or not lowered.isalpha():
        return lowered
    for suffix in _SUFFIXES:
        if lowered.endswith(suffix) and len(lowered) - len(suffix) >= _MIN_STEM:
            return lowered[: -len(suffix)]
    return lowered


@functools.lru_cache(maxsize=64)
def _occurrences(terms: tuple[str, ...]) -> re.Pattern | None:
    """One pattern finding, at every position, the longest of `terms` that starts there
    (case-insensitive): a lookahead, so overlapping occurrences are all found in one scan."""
    alternatives = sorted({term for term in terms if term}, key=len, reverse=True)
    if not alternatives:
        return None
    return re.compile(f"(?=({'|'.join(map(re.escape, alternatives))}))", re.IGNORECASE)


def match_spans(text: str, terms: Iterable[str], to_word_end: bool) -> list[tuple[int, int]]:
    """Merged (start, end) spans of every case-insensitive occurrence of every term,
    overlapping occurrences included."""
    pattern = _occurrences(tuple(terms))
    if pattern is None:
        return []
    merged: list[tuple[int, int]] = []
    # Positions come in order; the longest term at a position covers every shorter one
    # there, and its word end every shorter one's (terms to take to their word's end have
    # no CJK: highlight_terms asks for it only then).
    for match in pattern.finditer(text):
        start, end = match.start(), match.end(1)
        if to_word_end and not has_cjk(match.group(1)):
            end = _WORD_END.match(text, end).end()
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def first_match(text: str, terms: Iterable[str]) -> int | None:
    """Where the first case-insensitive occurrence of any term starts, or None."""
    pattern = _occurrences(tuple(terms))
    match = pattern.search(text) if pattern is not None else None
    return match.start() if match else None


def highlight(text: str, terms: Iterable[str], *, to_word_end: bool = False) -> SafeString:
    """`text`, HTML-escaped, with every case-insensitive occurrence of the terms in <mark>.

    Matching is on the original text and each piece is escaped on its own, so a term never
    matches inside an entity and markup in the text stays text. Overlapping or adjacent
    matches become one <mark>. With `to_word_end`, a match runs on to the end of its word
    (for stems: "approv" marks "approval"; never for CJK terms, which have no word ends).
    """
    text = str(text)
    pieces = []
    position = 0
    for start, end in match_spans(text, list(terms), to_word_end):
        pieces.append(html.escape(text[position:start]))
        pieces.append(f"<mark>{html.escape(text[start:end])}</mark>")
        position = end
    pieces.append(html.escape(text[position:]))
    return mark_safe("".join(pieces))  # every piece of text is escaped above


def excerpt(text: str, terms: Iterable[str], *, length: int = EXCERPT_LENGTH) -> str:
    """About `length` characters of `text` (white space collapsed) around the first
    occurrence of any term, cut at spaces where there are any, with "…" where cut. Without
    an occurrence, the beginning of the text."""
    text = normalise_space(str(text))
    if len(text) <= length:
        return text
    first = first_match(text, terms) or 0
    start = max(0, first - length // 4)
    if start:
        space = text.find(" ", start, first)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start + length // 2, end)
        end = space if space != -1 else end
    return f"{'…' if start else ''}{text[start:end].strip()}{'…' if end < len(text) else ''}"
