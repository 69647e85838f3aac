"""How the database finds matches: one backend per database vendor.

* `FullTextBackend` (PostgreSQL): full-text search with the "english" configuration and
  websearch syntax (`"hong kong" -shenzhen`), ranked by `ts_rank`. Milestones and meetings
  are matched and ranked on a vector PostgreSQL stores with each row (`StoredVector`: a
  generated column with a GIN index, migrations `0004_stored_search_vector`), so ranking
  many matches does not parse their texts again; a common word's matches are counted
  exactly but ranked among the first `FullTextBackend.RANKED_CANDIDATES` the index
  finds. The milestone and meeting vectors below are the columns' expressions: change
  one, change the other, in a new migration (a test shows with EXPLAIN that the index
  is used).
* `SubstringBackend`: any other database, and on every database a query with CJK
  characters (which the "english" configuration does not split into words): every term
  must occur as a case-insensitive substring of one of the fields (AND), in the English
  or the Chinese texts; `-term` excludes. A Simplified term is also looked for in its
  Traditional form (创新 finds 創新). Ranked: a term in a title (or a name) counts
  `TITLE_WEIGHT` times one in a body; then the kind's own order.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection, connections
from django.db.models import (
    BooleanField,
    Count,
    Expression,
    F,
    Func,
    IntegerField,
    Subquery,
    TextField,
    Window,
)
from django.db.models.expressions import RawSQL

from publishing.fts import MIN_TERM, fts_phrase, fts_table, indexed_columns
from search.query import ParsedQuery, has_cjk, parse_query
from translations.languages import spellings

SEARCH_CONFIG = "english"
TITLE_WEIGHT = 3


class StoredVector(Expression):
    """The search vector PostgreSQL stores with each row (a generated column with the GIN
    index `<app>_search_gin`, made by the migrations `0004_stored_search_vector`): matching
    and ranking read it instead of parsing the texts again. Its expression is
    `milestone_vector()` or `meeting_vector()` below. The column is named through the
    alias of the query it is compiled in, so a subquery (`U0`) reads its own rows."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f'{compiler.quote_name_unless_alias(alias)}."search_vector"', []


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


class _Sql:
    """SQL conditions on one queryset's table, written as text: what `field__icontains`
    compiles to on this database, for a dozen fields and spellings at once. Built as Q
    objects, the ORM spent longer resolving and compiling those trees (a CASE per term, an
    OR of lookups per field and spelling, in four queries) than SQLite spent answering the
    queries."""

    def __init__(self, queryset, index: str | None = None):
        self.model = queryset.model
        self.connection = connections[queryset.db]
        self.index = index
        self.pk = self.column(self.model._meta.pk.name)

    def column(self, name: str) -> str:
        quote = self.connection.ops.quote_name
        field = self.model._meta.get_field(name)
        column = f"{quote(self.model._meta.db_table)}.{quote(field.column)}"
        return f"COALESCE({column}, '')" if field.null else column

    def indexed(self, term: str) -> bool:
        """Whether the full-text index can answer `term`: every spelling long enough."""
        return bool(self.index) and all(len(s) >= MIN_TERM for s in spellings(term))

    def matches(self, expression: str) -> tuple[str, list]:
        """Rows the full-text index finds for an FTS5 query."""
        index = self.index
        return f'{self.pk} IN (SELECT rowid FROM "{index}" WHERE "{index}" MATCH %s)', [expression]

    def contains(self, fields: Iterable[str], term: str) -> tuple[str, list]:
        """`term` (in each of its spellings) in one of `fields`; found by the full-text
        index where there is one (for exactly those fields) and the spelling is long
        enough."""
        ops, operator = self.connection.ops, self.connection.operators["icontains"]
        parts, params = [], []
        for spelling in spellings(term):
            if self.index and len(spelling) >= MIN_TERM:
                sql, more = self.matches(fts_phrase(spelling))
                parts.append(sql)
                params += more
                continue
            pattern = "%" + ops.prep_for_like_query(spelling) + "%"
            for name in fields:
                internal_type = self.model._meta.get_field(name).get_internal_type()
                lhs = ops.lookup_cast("icontains", internal_type) % self.column(name)
                parts.append(f"{lhs} {operator % '%s'}")
                params.append(pattern)
        return "(" + " OR ".join(parts) + ")", params


def _boolean(parts: list[tuple[str, list]], joiner: str = " AND ") -> RawSQL:
    sql = joiner.join(part for part, _params in parts)
    return RawSQL(sql, [p for _part, params in parts for p in params], BooleanField())


def _fts_any(term: str) -> str:
    """`term` in any of its spellings, in FTS5's query syntax."""
    return "(" + " OR ".join(fts_phrase(s) for s in spellings(term)) + ")"


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
        fields = [*titles, *others]
        sql = _Sql(queryset, full_text_index(queryset, fields))
        rank_parts, rank_params = [], []
        for term in parsed.terms:  # TITLE_WEIGHT for a term in a title, else 1
            in_title, params = _Sql(queryset).contains(titles, term)
            rank_parts.append(f"CASE WHEN {in_title} THEN {TITLE_WEIGHT} ELSE 1 END")
            rank_params += params
        rank = RawSQL("(" + " + ".join(rank_parts) + ")", rank_params, IntegerField())
        return (
            queryset.filter(self.condition(parsed, fields, sql))
            .annotate(total=Window(expression=Count("*")), rank=rank)
            .order_by(F("rank").desc(), *order)
        )

    @staticmethod
    def condition(parsed: ParsedQuery, fields: list[str], sql: _Sql) -> RawSQL:
        """Every term in one of `fields`, no excluded term in any. Where SQLite's full-text
        index can answer a term, all such terms are asked in one MATCH, which FTS5
        intersects itself: one list of rows instead of one per term (5 ms instead of 7-10
        for four terms at 10,000 milestones)."""
        parts = []
        wanted = [_fts_any(t) for t in parsed.terms if sql.indexed(t)]
        unwanted = [t for t in parsed.excluded if sql.indexed(t)]
        if wanted:
            not_ = "".join(f" NOT {_fts_any(t)}" for t in unwanted)
            parts.append(sql.matches(" AND ".join(wanted) + not_))
            unwanted = []  # FTS5 has no NOT without a wanted term: those are asked below
        parts += [sql.contains(fields, t) for t in parsed.terms if not sql.indexed(t)]
        for term in [*unwanted, *(t for t in parsed.excluded if not sql.indexed(t))]:
            condition, params = sql.contains(fields, term)
            parts.append((f"NOT {condition}", params))
        return _boolean(parts)


class FullTextBackend:
    """PostgreSQL's full-text search on `vector()`, best rank first, among at most
    `RANKED_CANDIDATES` matches; the total counts every match.

    Ranking every match (`ts_rank` reads each match's vector) is what a common word costs:
    at 100,000 milestones "funding" matches 21,000 and ranking them took 60-90 ms. So the
    rows ranked are the first `RANKED_CANDIDATES` the index finds, and the exact total is
    a count beside them in the same query (an uncorrelated subquery, which PostgreSQL
    evaluates once; bench/README.md, "Search at 100,000 milestones"). Up to that many
    matches, the order is exactly best first; beyond it the page says how many were
    ranked (`SearchGroup.ranked`)."""

    RANKED_CANDIDATES = 1000

    def match(self, queryset, query: str, *, vector, fields, order):
        search_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        matches = (
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
            .order_by()
        )
        total = matches.annotate(n=Func("pk", function="COUNT")).values("n")
        candidates = matches.values("pk")[: self.RANKED_CANDIDATES]
        return (
            queryset.filter(pk__in=candidates)
            .annotate(
                rank=SearchRank(vector(), search_query),
                total=Subquery(total, output_field=IntegerField()),
            )
            .order_by(F("rank").desc(), *order)
        )


def backend_for(query: str, using=None):
    """The backend that answers `query` on this database."""
    return FullTextBackend() if uses_full_text(query, using) else SubstringBackend()


def ranked_at_most(query: str, using=None) -> int | None:
    """How many matches of `query` are ranked to choose the best (None: all of them)."""
    backend = backend_for(query, using)
    return getattr(backend, "RANKED_CANDIDATES", None)


def matching(queryset, query: str, vector, fields, order):
    """`queryset` narrowed to matches of `query`, best first (among the first
    `ranked_at_most(query)` matches found, where that is not None), each row annotated with
    `total`: the number of matches, counted in the same query."""
    return backend_for(query).match(queryset, query, vector=vector, fields=fields, order=order)
