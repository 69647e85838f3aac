"""`site_search()`, the service the search page calls: the matches of each kind, best first,
highlighted, with their totals.

Only what the public may see is searched: `published()` milestones and meetings, and the
people and organisations that have public pages (`public()`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from meetings.models import NEWEST_FIRST, Meeting, Organization, Person
from milestones.models import Milestone
from search.backends import (
    matching,
    organisation_vector,
    person_vector,
    stored_vector,
    uses_full_text,
)
from search.query import excerpt, highlight, match_spans, normalise_query, parse_query, stem_prefix

LIMIT_PER_KIND = 20


def milestone_matches(query: str):
    """Published milestones matching `query` (title, body), best first."""
    queryset = Milestone.objects.published().only(
        "title", "slug", "body", "date_precision", "date_start", "date_end"
    )
    vector = partial(stored_vector, Milestone)
    return matching(queryset, query, vector, ["title", "body"], ["sort_key"])


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
    return matching(queryset, query, partial(stored_vector, Meeting), fields, NEWEST_FIRST)


def person_matches(query: str):
    """People with a public page matching `query` (name, honorific)."""
    queryset = Person.objects.filter(pk__in=Person.objects.public().values("pk"))
    return matching(queryset, query, person_vector, ["name", "honorific"], ["name", "pk"])


def organisation_matches(query: str):
    """Organisations with a public page matching `query` (name, abbreviation)."""
    queryset = Organization.objects.filter(pk__in=Organization.objects.public().values("pk"))
    fields = ["name", "abbreviation"]
    return matching(queryset, query, organisation_vector, fields, ["name", "pk"])


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
        if match_spans(text, terms, to_word_end):
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
