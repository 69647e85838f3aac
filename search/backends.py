"""How the database finds matches: one backend per database vendor.

* `FullTextBackend` (PostgreSQL): full-text search with the "english" configuration and
  websearch syntax (`"hong kong" -shenzhen`), ranked by `ts_rank`. Milestones and meetings
  are matched and ranked on a vector PostgreSQL stores with each row (`stored_vector`: a
  generated column with a GIN index, migrations `0004_stored_search_vector`), so ranking
  many matches does not parse their texts again; the milestone and meeting vectors below
  are the columns' expressions: change one, change the other, in a new migration (a test
  shows with EXPLAIN that the index is used).
* `SubstringBackend`: any other database, and on every database a query with CJK
  characters (which the "english" configuration does not split into words): every term
  must occur as a case-insensitive substring of one of the fields (AND), in the English
  or the Chinese texts; `-term` excludes. A Simplified term is also looked for in its
  Traditional form (创新 finds 創新). Ranked: a term in a title (or a name) counts
  `TITLE_WEIGHT` times one in a body; then the kind's own order.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection, connections
from django.db.models import Case, Count, F, Func, IntegerField, Q, TextField, Value, When, Window
from django.db.models.expressions import RawSQL

from publishing.fts import MIN_TERM, fts_phrase, fts_table, indexed_columns
from search.query import ParsedQuery, has_cjk, parse_query
from translations.languages import spellings

SEARCH_CONFIG = "english"
TITLE_WEIGHT = 3


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


def _in_any(fields: Iterable[str], term: str, index: str | None = None) -> Q:
    """`term` (in each of its spellings) in one of `fields`; found by SQLite's full-text
    `index` of exactly those fields where there is one and the spelling is long enough."""
    fields = list(fields)
    found = []
    for spelling in spellings(term):
        if index and len(spelling) >= MIN_TERM:
            sql = f'SELECT rowid FROM "{index}" WHERE "{index}" MATCH %s'
            found.append(Q(pk__in=RawSQL(sql, [fts_phrase(spelling)])))
        else:
            found += [Q(**{f"{name}__icontains": spelling}) for name in fields]
    return reduce(or_, found)


def full_text_index(queryset, fields: Iterable[str]) -> str | None:
    """The SQLite full-text index of `fields` of the queryset's table, if there is one
    (publishing/fts.py; made after migrate by the search app)."""
    table = queryset.model._meta.db_table
    if indexed_columns(connections[queryset.db], table) == tuple(fields):
        return fts_table(table)
    return None


class SubstringBackend:
    """Every term a case-insensitive substring of one of the fields; `-term` excludes.
    `fields` are (title fields, other fields)."""

    def match(self, queryset, query: str, *, vector, fields, order):
        parsed = parse_query(query)
        if not parsed:
            return queryset.none()
        titles, others = fields
        total = Window(expression=Count("*"))
        rank = sum(
            (
                Case(
                    When(_in_any(titles, term), then=Value(TITLE_WEIGHT)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
                for term in parsed.terms
            ),
            Value(0),
        )
        fields = [*titles, *others]
        index = full_text_index(queryset, fields)
        return (
            queryset.filter(self.condition(parsed, fields, index))
            .annotate(total=total, rank=rank)
            .order_by(F("rank").desc(), *order)
        )

    @staticmethod
    def condition(parsed: ParsedQuery, fields: Iterable[str], index: str | None = None) -> Q:
        fields = list(fields)
        conditions = [_in_any(fields, term, index) for term in parsed.terms]
        conditions += [~_in_any(fields, term, index) for term in parsed.excluded]
        return reduce(and_, conditions)


class FullTextBackend:
    """PostgreSQL's full-text search on `vector()`, best rank first."""

    def match(self, queryset, query: str, *, vector, fields, order):
        search_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        return (
            queryset.alias(
                search=vector(),
                # "T" for a query the index cannot answer ("-park", "the -park": only
                # negations once stop words are dropped), "" for one without words. Both
                # would scan every row, so they match nothing. PostgreSQL folds this
                # constant at planning time.
                indexable=Func(search_query, function="querytree", output_field=TextField()),
            )
            .exclude(indexable__in=["T", ""])
            .filter(search=search_query)
            .annotate(rank=SearchRank(vector(), search_query), total=Window(expression=Count("*")))
            .order_by(F("rank").desc(), *order)
        )


def backend_for(query: str, using=None):
    """The backend that answers `query` on this database."""
    return FullTextBackend() if uses_full_text(query, using) else SubstringBackend()


def matching(queryset, query: str, vector, fields, order):
    """`queryset` narrowed to matches of `query`, best first, each row annotated with
    `total`: the number of matches (a window count, so no second query is needed)."""
    return backend_for(query).match(queryset, query, vector=vector, fields=fields, order=order)
