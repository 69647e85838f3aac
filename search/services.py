"""`site_search()`, the service the search page calls: the matches of each kind, best first,
highlighted, with their totals.

Only what the public may see is searched: `published()` milestones and meetings, and the
people and organisations that have public pages (`public()`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from meetings.models import NEWEST_FIRST, Meeting, Organization, Person
from milestones.models import Milestone
from search.backends import (
    StoredVector,
    matching,
    organisation_vector,
    person_vector,
    ranked_at_most,
    uses_full_text,
)
from search.query import (
    excerpt,
    first_match,
    has_cjk,
    highlight,
    normalise_query,
    parse_query,
    stem_prefix,
)
from translations.fields import with_translations
from translations.languages import ENGLISH, normalise, spellings, to_simplified
from translations.text import Localized

LIMIT_PER_KIND = 20


def _texts(model, titles, others) -> tuple[list[str], list[str]]:
    """(title fields, other fields) with their Chinese translations: what is searched."""
    return with_translations(model, titles), with_translations(model, others)


def milestone_texts() -> tuple[list[str], list[str]]:
    return _texts(Milestone, ["title"], ["body"])


def meeting_texts() -> tuple[list[str], list[str]]:
    return _texts(Meeting, ["title"], ["summary", "full_text", "place"])


# What SQLite's full-text indexes hold (publishing/fts.py): the texts searched, kept so
# after every migrate (search/apps.py).
FULL_TEXT_INDEXED = {Milestone: milestone_texts, Meeting: meeting_texts}


def milestone_matches(query: str):
    """Published milestones matching `query` (title, body, in each language), best first."""
    titles, others = milestone_texts()
    fields = ["slug", "date_precision", "date_start", "date_end", *titles, *others]
    queryset = Milestone.objects.published().only(*fields)
    vector = StoredVector
    return matching(queryset, query, vector, (titles, others), ["sort_key"])


def meeting_matches(query: str):
    """Published meetings matching `query` (title, summary, full text, place), best first."""
    titles, others = meeting_texts()
    fields = ["slug", "date_precision", "date_start", "date_end", "number", *titles, *others]
    queryset = Meeting.objects.published().only(*fields)
    vector = StoredVector
    return matching(queryset, query, vector, (titles, others), NEWEST_FIRST)


def person_matches(query: str):
    """People with a public page matching `query` (name, honorific)."""
    queryset = Person.objects.public()
    fields = _texts(Person, ["name"], ["honorific"])
    return matching(queryset, query, person_vector, fields, ["name", "pk"])


def organisation_matches(query: str):
    """Organisations with a public page matching `query` (name, abbreviation)."""
    queryset = Organization.objects.public()
    fields = _texts(Organization, ["name", "abbreviation"], [])
    return matching(queryset, query, organisation_vector, fields, ["name", "pk"])


@dataclass(frozen=True)
class SearchHit:
    url: str
    title: SafeString  # highlighted
    date_display: str = ""
    date_iso: str | None = None  # for <time datetime>: as precise as known
    excerpt: SafeString = field(default_factory=lambda: mark_safe(""))
    title_language: str = ENGLISH  # the language each is written in (the page marks it)
    excerpt_language: str = ENGLISH
    name: str = field(kw_only=True)  # the title as written, unmarked (the page's JSON-LD)


@dataclass(frozen=True)
class SearchGroup:
    kind: str  # "milestones", "meetings", "people", "organisations": also the anchor
    label: str
    hits: list[SearchHit]
    total: int
    ranked: int  # how many of the `total` matches were ranked to choose the `hits`

    @property
    def has_more(self) -> bool:
        return self.total > len(self.hits)

    @property
    def ranked_some(self) -> bool:
        """Whether the hits are the best of only some of the matches (a common word on
        PostgreSQL: search.backends.FullTextBackend)."""
        return self.ranked < self.total


def highlight_terms(query: str) -> tuple[list[str], bool]:
    """(terms to mark, whether marks run to word ends) for results of `query`. A Chinese
    term is marked in both scripts (a Simplified page shows converted text)."""
    terms = list(parse_query(query).terms)
    if has_cjk(query):
        forms = [form for t in terms for s in spellings(t) for form in (s, to_simplified(s))]
        return list(dict.fromkeys(forms)), False
    if uses_full_text(query):
        words = {word for term in terms for word in term.split()}
        return terms + sorted({stem_prefix(word) for word in words}), True
    return terms, False


def _first_with(texts: Iterable[str], terms) -> Localized:
    """The first of `texts` (Localized) with a match; else the first one."""
    texts = [text for text in texts if text]
    for text in texts:
        if first_match(text, terms) is not None:
            return text
    return texts[0] if texts else Localized("", ENGLISH)


def _english(obj, field) -> Localized:
    return Localized(getattr(obj, field), ENGLISH)


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

    def hit(url, title: Localized, dated=None, texts=()) -> SearchHit:
        """A hit titled in the page's language, its excerpt from the first text (in the
        page's language, then English) that has a match."""
        text = _first_with(texts, terms)
        return SearchHit(
            url,
            mark(title),
            dated.date_display if dated else "",
            dated.date_iso if dated else None,
            mark(excerpt(text, terms)) if text else mark_safe(""),
            title.language,
            text.language,
            name=str(title),
        )

    ranked_limit = ranked_at_most(query)

    def group(kind, label, rows, make_hit) -> SearchGroup:
        rows = list(rows[:limit_per_kind])
        total = rows[0].total if rows else 0
        ranked = total if ranked_limit is None else min(total, ranked_limit)
        return SearchGroup(kind, label, [make_hit(row) for row in rows], total, ranked)

    return [
        group(
            "milestones",
            _("Milestones"),
            milestone_matches(query),
            lambda m: hit(
                m.get_absolute_url(),
                m.local.title,
                m,
                (m.local.body, _english(m, "body")),
            ),
        ),
        group(
            "meetings",
            _("Meetings"),
            meeting_matches(query),
            lambda m: hit(
                m.get_absolute_url(),
                m.local.title,
                m,
                (
                    m.local.summary,
                    m.local.full_text,
                    m.local.place,
                    *(_english(m, f) for f in ("summary", "full_text", "place")),
                ),
            ),
        ),
        group(
            "people",
            _("People"),
            person_matches(query),
            lambda p: hit(p.get_absolute_url(), p.local_name),
        ),
        group(
            "organisations",
            _("Organisations"),
            organisation_matches(query),
            lambda o: SearchHit(
                o.get_absolute_url(),
                mark(o.local_name),
                excerpt=mark(o.get_side_display()) if o.side else mark_safe(""),
                title_language=o.local_name.language,
                excerpt_language=normalise(get_language()),
                name=str(o.local_name),
            ),
        ),
    ]
