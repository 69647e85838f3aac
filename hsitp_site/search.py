"""One search over the whole public site: `/search/?q=`.

Pure text functions (query parsing, excerpts, highlighting) come first, then the queries
(`*_matches`), then `site_search()`, the service the view calls, and the view.

* PostgreSQL: full-text search with the "english" configuration and websearch syntax
  (`"hong kong" -shenzhen`), ranked by `ts_rank`. Milestones and meetings are matched and
  ranked on a vector PostgreSQL stores with each row (`stored_vector`: a generated column
  with a GIN index, migrations `0004_stored_search_vector`), so ranking many matches does
  not parse their texts again; the milestone and meeting vectors below are the columns'
  expressions: change one, change the other, in a new migration (a test shows with EXPLAIN
  that the index is used).
* Any other database, and on every database a query with CJK characters (which the
  "english" configuration does not split into words): every term must occur as a
  case-insensitive substring of one of the fields (AND); `-term` excludes.

Only what the public may see is searched: `published()` milestones and meetings, and the
people and organisations that have public pages (`public()`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial, reduce
from operator import and_, or_

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Count, F, Func, Q, TextField, Window
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from meetings.models import NEWEST_FIRST, Meeting, Organization, Person
from milestones.models import Milestone

MAX_QUERY_LENGTH = 200  # characters; longer input is cut, so hostile input stays cheap
MAX_TERMS = 10  # terms used by the substring path and the highlighter
LIMIT_PER_KIND = 20
EXCERPT_LENGTH = 220  # characters
SEARCH_CONFIG = "english"

# Han (with extensions and compatibility ideographs), kana, Hangul, Bopomofo, and CJK
# punctuation and full-width forms: text PostgreSQL's "english" parser does not split.
_CJK = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    "\U00020000-\U0003134f]"
)
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_SPACE = re.compile(r"\s+")
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
    return _SPACE.sub(" ", text).strip()


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
        term = _SPACE.sub(" ", term).strip()
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


def _spans(text: str, terms: Iterable[str], to_word_end: bool) -> list[tuple[int, int]]:
    """Merged (start, end) spans of every case-insensitive occurrence of every term,
    overlapping occurrences included."""
    spans = []
    for term in terms:
        if not term:
            continue
        pattern = re.compile(re.escape(term), re.IGNORECASE)
        position = 0
        while (match := pattern.search(text, position)) is not None:
            end = match.end()
            if to_word_end and not has_cjk(term):
                end = _WORD_END.match(text, end).end()
            spans.append((match.start(), end))
            position = match.start() + 1
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


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
    for start, end in _spans(text, list(terms), to_word_end):
        pieces.append(escape(text[position:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # every piece of text is escaped above


def excerpt(text: str, terms: Iterable[str], *, length: int = EXCERPT_LENGTH) -> str:
    """About `length` characters of `text` (white space collapsed) around the first
    occurrence of any term, cut at spaces where there are any, with "…" where cut. Without
    an occurrence, the beginning of the text."""
    text = _SPACE.sub(" ", str(text)).strip()
    if len(text) <= length:
        return text
    spans = _spans(text, list(terms), to_word_end=False)
    first = spans[0][0] if spans else 0
    start = max(0, first - length // 4)
    if start:
        space = text.find(" ", start, first)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start + length // 2, end)
        end = space if space != -1 else end
    return f"{'…' if start else ''}{text[start:end].strip()}{'…' if end < len(text) else ''}"


# --- Queries -------------------------------------------------------------------------------


def stored_vector(model):
    """The search vector PostgreSQL stores with each row (a generated column with the GIN
    index `<app>_search_gin`, made by the migrations `0004_stored_search_vector`): matching
    and ranking read it instead of parsing the texts again. Its expression is
    `milestone_vector()` or `meeting_vector()` below."""
    table = model._meta.db_table
    return RawSQL(f'"{table}"."search_vector"', [], output_field=SearchVectorField())


def milestone_vector() -> SearchVector:
    """The expression of the stored column milestones_milestone.search_vector."""
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "body", weight="B", config=SEARCH_CONFIG
    )


def meeting_vector() -> SearchVector:
    """The expression of the stored column meetings_meeting.search_vector."""
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("place", weight="B", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("full_text", weight="C", config=SEARCH_CONFIG)
    )


def person_vector() -> SearchVector:
    return SearchVector("honorific", "name", config=SEARCH_CONFIG)


def organisation_vector() -> SearchVector:
    return SearchVector("name", "abbreviation", config=SEARCH_CONFIG)


def uses_full_text(query: str, using=None) -> bool:
    """PostgreSQL full-text search, unless the query has CJK characters (substring path)."""
    return (using or connection).vendor == "postgresql" and not has_cjk(query)


def _substring_filter(parsed: ParsedQuery, fields: Iterable[str]) -> Q:
    fields = list(fields)

    def any_field(term: str) -> Q:
        return reduce(or_, (Q(**{f"{name}__icontains": term}) for name in fields))

    conditions = [any_field(term) for term in parsed.terms]
    conditions += [~any_field(term) for term in parsed.excluded]
    return reduce(and_, conditions)


def _matching(queryset, query: str, vector_factory, fields, order):
    """`queryset` narrowed to matches of `query`, best first, each row annotated with
    `total`: the number of matches (a window count, so no second query is needed)."""
    total = Window(expression=Count("*"))
    if uses_full_text(query, connection):
        search_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        return (
            queryset.alias(
                search=vector_factory(),
                # "T" for a query the index cannot answer ("-park", "the -park": only
                # negations once stop words are dropped), "" for one without words. Both
                # would scan every row, so they match nothing. PostgreSQL folds this
                # constant at planning time.
                indexable=Func(search_query, function="querytree", output_field=TextField()),
            )
            .exclude(indexable__in=["T", ""])
            .filter(search=search_query)
            .annotate(rank=SearchRank(vector_factory(), search_query), total=total)
            .order_by(F("rank").desc(), *order)
        )
    parsed = parse_query(query)
    if not parsed:
        return queryset.none()
    return queryset.filter(_substring_filter(parsed, fields)).annotate(total=total).order_by(*order)


def milestone_matches(query: str):
    """Published milestones matching `query` (title, body), best first."""
    queryset = Milestone.objects.published().only(
        "title", "slug", "body", "date_precision", "date_start", "date_end"
    )
    vector = partial(stored_vector, Milestone)
    return _matching(queryset, query, vector, ["title", "body"], ["sort_key"])


def meeting_matches(query: str):
    """Published meetings matching `query` (title, summary, full text, place), best first."""
    queryset = Meeting.objects.published().only(
        "title",
        "slug",
        "summary",
        "full_text",
        "place",
        "date_precision",
        "date_start",
        "date_end",
        "number",
    )
    fields = ["title", "summary", "full_text", "place"]
    return _matching(queryset, query, partial(stored_vector, Meeting), fields, NEWEST_FIRST)


def person_matches(query: str):
    """People with a public page matching `query` (name, honorific)."""
    queryset = Person.objects.filter(pk__in=Person.objects.public().values("pk"))
    return _matching(queryset, query, person_vector, ["name", "honorific"], ["name", "pk"])


def organisation_matches(query: str):
    """Organisations with a public page matching `query` (name, abbreviation)."""
    queryset = Organization.objects.filter(pk__in=Organization.objects.public().values("pk"))
    fields = ["name", "abbreviation"]
    return _matching(queryset, query, organisation_vector, fields, ["name", "pk"])


# --- The service ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    url: str
    title: SafeString  # highlighted
    date_display: str = ""
    excerpt: SafeString = field(default_factory=lambda: mark_safe(""))


@dataclass(frozen=True)
class SearchGroup:
    kind: str  # "milestones", "meetings", "people", "organisations": also the anchor
    label: str
    hits: list[SearchHit]
    total: int

    @property
    def has_more(self) -> bool:
        return self.total > len(self.hits)


def highlight_terms(query: str) -> tuple[list[str], bool]:
    """(terms to mark, whether marks run to word ends) for results of `query`."""
    terms = list(parse_query(query).terms)
    if uses_full_text(query):
        words = {word for term in terms for word in term.split()}
        return terms + sorted({stem_prefix(word) for word in words}), True
    return terms, False


def _first_with(texts: Iterable[str], terms, to_word_end) -> str:
    texts = [text for text in texts if text]
    for text in texts:
        if _spans(text, terms, to_word_end):
            return text
    return texts[0] if texts else ""


def site_search(query: str, *, limit_per_kind: int = LIMIT_PER_KIND) -> list[SearchGroup]:
    """Published milestones and meetings, and people and organisations with public pages,
    matching `query`: one group per kind, in that order, at most `limit_per_kind` hits each,
    with the total. Four queries whatever the number of results; none for an empty query."""
    query = normalise_query(query)
    if not query:
        return []
    terms, to_word_end = highlight_terms(query)

    def mark(text: str) -> SafeString:
        return highlight(text, terms, to_word_end=to_word_end)

    def snippet(*texts: str) -> SafeString:
        return mark(excerpt(_first_with(texts, terms, to_word_end), terms))

    def group(kind, label, rows, make_hit) -> SearchGroup:
        rows = list(rows[:limit_per_kind])
        total = rows[0].total if rows else 0
        return SearchGroup(kind, label, [make_hit(row) for row in rows], total)

    return [
        group(
            "milestones",
            _("Milestones"),
            milestone_matches(query),
            lambda m: SearchHit(
                m.get_absolute_url(), mark(m.title), m.date_display, snippet(m.body)
            ),
        ),
        group(
            "meetings",
            _("Meetings"),
            meeting_matches(query),
            lambda m: SearchHit(
                m.get_absolute_url(),
                mark(m.title),
                m.date_display,
                snippet(m.summary, m.full_text, m.place),
            ),
        ),
        group(
            "people",
            _("People"),
            person_matches(query),
            lambda p: SearchHit(p.get_absolute_url(), mark(str(p))),
        ),
        group(
            "organisations",
            _("Organisations"),
            organisation_matches(query),
            lambda o: SearchHit(
                o.get_absolute_url(),
                mark(f"{o.name} ({o.abbreviation})" if o.abbreviation else o.name),
                excerpt=mark(o.get_side_display()) if o.side else mark_safe(""),
            ),
        ),
    ]


# --- The page ------------------------------------------------------------------------------


class SearchView(TemplateView):
    """GET /search/?q=: the form, and the results grouped by kind."""

    template_name = "search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        raw = self.request.GET.get("q", "")
        query = normalise_query(raw)
        groups = site_search(query) if query else []
        context.update(
            query=query,
            truncated=is_truncated(raw),
            max_query_length=MAX_QUERY_LENGTH,
            groups=groups,
            total=sum(group.total for group in groups),
        )
        return context
