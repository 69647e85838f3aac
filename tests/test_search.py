"""The site search at /search/?q=: pure text helpers, what it finds and never shows, its
fixed query count, and (on PostgreSQL) full-text search backed by GIN indexes."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from meetings.models import Meeting, Organization, Person
from milestones.models import Milestone
from publishing.fts import indexed_columns
from publishing.text import MAX_QUERY_LENGTH
from search.backends import FullTextBackend
from search.query import (
    MAX_TERMS,
    excerpt,
    first_match,
    has_cjk,
    highlight,
    normalise_query,
    parse_query,
    stem_prefix,
)
from search.services import meeting_matches, milestone_matches, site_search
from tests.assertions import assert_page
from tests.factories import (
    make_attendance,
    make_meeting,
    make_milestone,
    make_organisation,
    make_person,
)

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search"
)
SEARCH_QUERIES = 4  # one per kind: milestones, meetings, people, organisations


@pytest.fixture
def full_text_indexes_read(db):
    """The columns of SQLite's full-text indexes, read once a process (publishing/fts.py):
    a search page's queries are counted as every search after a process's first makes
    them, whichever test in this worker ran first."""
    for model in (Milestone, Meeting, Person, Organization):  # each kind the page searches
        indexed_columns(connection, model._meta.db_table)


def search_page(client, q, **extra):
    return client.get(reverse("search"), {"q": q}, **extra)


def group(groups, kind):
    return next(g for g in groups if g.kind == kind)


# --- highlight() -------------------------------------------------------------------------


def test_highlight_escapes_html_in_the_text():
    """Markup in the text is shown as text, with the match marked."""
    result = highlight('<script>alert("park")</script> & co', ["park"])
    assert result == ("&lt;script&gt;alert(&quot;<mark>park</mark>&quot;)&lt;/script&gt; &amp; co")
    assert isinstance(result, SafeString)


def test_highlight_never_matches_inside_an_escaped_entity():
    """A term like "amp" does not break the &amp; entity."""
    assert highlight("Hong Kong & Shenzhen", ["amp"]) == "Hong Kong &amp; Shenzhen"


def test_highlight_escapes_a_term_that_contains_markup():
    """A term with < is matched on the text and escaped inside the mark."""
    assert highlight("a < b", ["<"]) == "a <mark>&lt;</mark> b"


def test_highlight_matches_case_insensitively_and_keeps_the_text_case():
    """ "LOOP" marks "Loop" as written."""
    assert highlight("The Lok Ma Chau Loop", ["LOOP"]) == "The Lok Ma Chau <mark>Loop</mark>"


def test_highlight_marks_every_occurrence():
    """Each occurrence gets its own mark."""
    assert highlight("park, park", ["park"]) == "<mark>park</mark>, <mark>park</mark>"


def test_highlight_merges_overlapping_terms_into_one_mark():
    """Overlapping and nested matches become one mark, never nested or broken tags."""
    assert highlight("Shenzhen", ["shen", "enzh"]) == "<mark>Shenzh</mark>en"
    assert highlight("Hong Kong Park", ["hong kong", "kong"]) == "<mark>Hong Kong</mark> Park"
    assert highlight("aaaa", ["aa"]) == "<mark>aaaa</mark>"


def test_highlight_marks_the_longest_term_at_a_place_and_every_shorter_one_elsewhere():
    """Terms sharing a start ("cost", "costs") mark the longer one there, to its word's end
    when asked, and the shorter one where only it occurs."""
    marked = highlight("Costs, cost-sharing", ["cost", "costs"], to_word_end=True)
    assert marked == "<mark>Costs</mark>, <mark>cost</mark>-sharing"
    assert highlight("costs", ["costs", "cost"]) == "<mark>costs</mark>"


def test_first_match_is_the_earliest_occurrence_of_any_term():
    """Whichever term comes first in the text, case-insensitively; None without one."""
    assert first_match("A park by the Loop", ["loop", "PARK"]) == 2
    assert first_match("A park by the Loop", ["wetland"]) is None
    assert first_match("anything", []) is None


def test_highlight_marks_chinese_text():
    """CJK terms are marked as substrings."""
    assert highlight("河套深港科技創新合作區", ["河套"]) == "<mark>河套</mark>深港科技創新合作區"


def test_highlight_can_run_a_stem_to_the_end_of_its_word_but_not_in_chinese():
    """With to_word_end, "approv" marks "approval"; a CJK term stays as it is."""
    assert highlight("LegCo approval", ["approv"], to_word_end=True) == (
        "LegCo <mark>approval</mark>"
    )
    assert highlight("河套深港", ["河套"], to_word_end=True) == "<mark>河套</mark>深港"


def test_highlight_without_terms_only_escapes():
    """No terms, or empty ones: the escaped text."""
    assert highlight("<b>x</b>", []) == "&lt;b&gt;x&lt;/b&gt;"
    assert highlight("x", [""]) == "x"


# --- Other pure helpers --------------------------------------------------------------------


def test_excerpt_returns_short_text_whole_with_spaces_collapsed():
    """Short texts are not cut."""
    assert excerpt("A  short\n text.", ["short"]) == "A short text."


def test_excerpt_cuts_long_text_around_the_first_match_at_spaces():
    """A window around the match, cut at spaces, with ellipses where cut."""
    text = " ".join(f"word{i}" for i in range(200)) + " needle " + "tail " * 100
    result = excerpt(text, ["NEEDLE"], length=120)
    assert "needle" in result
    assert result.startswith("…") and result.endswith("…")
    assert len(result) <= 122
    assert all(part.startswith(("word", "needle", "tail")) for part in result.strip("…").split())


def test_excerpt_without_a_match_starts_at_the_beginning():
    """No occurrence: the first characters."""
    result = excerpt("alpha " * 100, ["zzz"], length=50)
    assert result.startswith("alpha") and result.endswith("…")


def test_excerpt_cuts_chinese_text_without_spaces():
    """Text without spaces is cut by characters."""
    text = "前" * 300 + "河套深港科技創新合作區" + "後" * 300
    result = excerpt(text, ["河套"], length=60)
    assert "河套" in result and result.startswith("…") and result.endswith("…")


def test_normalise_query_caps_length_and_removes_control_characters():
    """At most MAX_QUERY_LENGTH characters; NUL and other controls become spaces."""
    assert normalise_query("  hong\x00kong \t park\n") == "hong kong park"
    assert len(normalise_query("x" * 10_000)) == MAX_QUERY_LENGTH
    assert normalise_query(None) == ""


def test_parse_query_reads_words_phrases_and_exclusions():
    """Words and "phrases" must occur, -words must not; `or` and duplicates are dropped."""
    parsed = parse_query('Loop "one zone" -Shenzhen or loop -"two parks"')
    assert parsed.terms == ("Loop", "one zone")
    assert parsed.excluded == ("Shenzhen", "two parks")
    assert not parse_query("-only")
    assert len(parse_query(" ".join(f"w{i}" for i in range(50))).terms) == MAX_TERMS


def test_has_cjk_detects_chinese_but_not_latin():
    """Han characters count, accented Latin does not."""
    assert has_cjk("the 河套 zone")
    assert not has_cjk("Café Hong Kong")


def test_stem_prefix_strips_one_common_suffix():
    """Stems for highlighting what full-text search matched."""
    assert stem_prefix("Approved") == "approv"
    assert stem_prefix("meetings") == "meet"
    assert stem_prefix("bus") == "bus"
    assert stem_prefix("河套") == "河套"


# --- What the search finds ---------------------------------------------------------------


@pytest.mark.django_db
def test_search_finds_a_published_milestone_with_link_date_and_marked_excerpt(client):
    """A body word finds the milestone; the page links it, dates it and marks the word."""
    milestone = make_milestone(
        title="Memorandum signed",
        body="The two governments signed the memorandum on the Lok Ma Chau Loop.",
    )
    response = search_page(client, "loop")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{milestone.get_absolute_url()}"' in html
    assert milestone.date_display in html
    assert "<mark>Loop</mark>" in html
    assert 'type="search"' in html and 'name="q"' in html


@pytest.mark.django_db
def test_search_needs_every_word(client):
    """All words must match (AND): a milestone with only one of them is not found."""
    both = make_milestone(body="Funding approved for the wetland park.")
    make_milestone(body="Funding for roads.")
    groups = site_search("funding wetland")
    assert [hit.url for hit in group(groups, "milestones").hits] == [both.get_absolute_url()]


@pytest.mark.django_db
def test_search_is_case_insensitive():
    """Upper-case query words find lower-case text."""
    milestone = make_milestone(body="the wetland park opened")
    hits = group(site_search("WETLAND"), "milestones").hits
    assert [hit.url for hit in hits] == [milestone.get_absolute_url()]


@pytest.mark.django_db
def test_search_leaves_out_excluded_words():
    """-word drops items that contain it, on every database."""
    keep = make_milestone(body="Wetland park in Hong Kong.")
    make_milestone(body="Wetland park in Shenzhen.")
    hits = group(site_search("wetland -shenzhen"), "milestones").hits
    assert [hit.url for hit in hits] == [keep.get_absolute_url()]


@pytest.mark.django_db
def test_search_finds_chinese_text_by_substring(client):
    """A CJK query matches inside unsegmented Chinese text, on every database."""
    milestone = make_milestone(title="合作區", body="河套深港科技創新合作區正式成立。")
    make_milestone(title="Other", body="前海深港現代服務業合作區")
    response = search_page(client, "河套")
    html = response.content.decode()
    assert f'href="{milestone.get_absolute_url()}"' in html
    assert "<mark>河套</mark>深港科技創新合作區" in html
    assert [h.url for h in group(site_search("河套"), "milestones").hits] == [
        milestone.get_absolute_url()
    ]


@pytest.mark.django_db
def test_search_finds_meetings_by_title_summary_full_text_and_place():
    """Each searched meeting field finds the meeting."""
    by_title = make_meeting(title="Kangaroo meeting", summary="", place="Hong Kong")
    by_summary = make_meeting(summary="The wombat plan was agreed.", place="Hong Kong")
    by_text = make_meeting(full_text="Officials discussed the platypus bridge.", place="")
    by_place = make_meeting(place="Qianhai", summary="")
    for word, meeting in [
        ("kangaroo", by_title),
        ("wombat", by_summary),
        ("platypus", by_text),
        ("qianhai", by_place),
    ]:
        hits = group(site_search(word), "meetings").hits
        assert [hit.url for hit in hits] == [meeting.get_absolute_url()], word
        assert hits[0].date_display == meeting.date_display


@pytest.mark.django_db
def test_search_finds_people_and_organisations_with_public_pages(client):
    """People by name or honorific, organisations by name or abbreviation."""
    meeting = make_meeting()
    person = make_person(honorific="Professor", name="Sun Dongfang")
    organisation = make_organisation(name="Innovation Bureau", abbreviation="ITIBX")
    make_attendance(meeting, person=person)
    make_attendance(meeting, organisation=organisation)
    assert [h.url for h in group(site_search("dongfang"), "people").hits] == [
        person.get_absolute_url()
    ]
    assert [h.url for h in group(site_search("professor sun"), "people").hits] == [
        person.get_absolute_url()
    ]
    assert [h.url for h in group(site_search("itibx"), "organisations").hits] == [
        organisation.get_absolute_url()
    ]
    html = search_page(client, "innovation bureau").content.decode()
    assert f'href="{organisation.get_absolute_url()}"' in html
    assert "<mark>Innovation</mark> <mark>Bureau</mark>" in html


@pytest.mark.django_db
def test_search_never_shows_drafts_scheduled_items_or_who_attended_only_drafts(client):
    """Distinctive words in drafts, scheduled items, and people and bodies known only from a
    draft meeting find nothing."""
    later = timezone.now() + dt.timedelta(days=3)
    make_milestone(published=False, title="Zorblax draft", body="zorblax secret")
    make_milestone(published_at=later, title="Zorblax scheduled", body="zorblax plan")
    make_meeting(published=False, title="Zorblax meeting", summary="zorblax")
    scheduled_meeting = make_meeting(published_at=later, title="Zorblax later", place="Zorblax")
    draft_meeting = make_meeting(published=False)
    make_attendance(draft_meeting, person=make_person(name="Zorblax Person"))
    make_attendance(draft_meeting, organisation=make_organisation(name="Zorblax Bureau"))
    make_attendance(scheduled_meeting, person=make_person(name="Zorblax Other"))
    make_attendance(scheduled_meeting, organisation=make_organisation(abbreviation="ZORBLAX"))
    assert all(g.total == 0 and not g.hits for g in site_search("zorblax"))
    html = search_page(client, "zorblax").content.decode()
    assert "No results for “zorblax”" in html
    assert "<mark>" not in html


@pytest.mark.django_db
def test_search_of_a_person_at_both_a_draft_and_a_published_meeting_lists_them_once():
    """A public page exists, and the person appears once however many meetings."""
    person = make_person(name="Wallaby Chan")
    for published in (True, True, False):
        make_attendance(make_meeting(published=published), person=person)
    people = group(site_search("wallaby"), "people")
    assert people.total == 1 and len(people.hits) == 1


@pytest.mark.django_db
def test_empty_query_shows_only_the_form_without_queries(client, django_assert_num_queries):
    """No query, or only spaces: the form, no results section, no database queries."""
    for q in ("", "   "):
        with django_assert_num_queries(0):
            response = search_page(client, q)
        html = response.content.decode()
        assert response.status_code == 200
        assert 'name="q"' in html and "<label" in html and "<button" in html
        assert "No results" not in html and "results-heading" not in html
    assert site_search("") == []


@pytest.mark.django_db
def test_no_results_message(client):
    """A query that matches nothing says so."""
    make_milestone(body="Something else.")
    html = search_page(client, "nothingmatchesthis").content.decode()
    assert "No results for “nothingmatchesthis”" in html


@pytest.mark.django_db
def test_each_group_is_limited_and_says_there_are_more(client):
    """Twenty hits a group, with the true total and a note that there are more."""
    for i in range(23):
        make_milestone(title=f"Wetland step {i}", body="wetland")
    groups = site_search("wetland")
    milestones = group(groups, "milestones")
    assert len(milestones.hits) == 20 and milestones.total == 23 and milestones.has_more
    html = search_page(client, "wetland").content.decode()
    assert "Milestones (23)" in html
    assert "Showing the best 20 of 23" in html
    assert len(group(site_search("wetland", limit_per_kind=5), "milestones").hits) == 5


@pytest.mark.django_db
def test_search_page_makes_a_fixed_number_of_queries(
    client, django_assert_num_queries, full_text_indexes_read
):
    """Exactly one query per kind."""
    meeting = make_meeting(title="Wetland meeting")
    make_milestone(body="wetland")
    make_attendance(meeting, person=make_person(name="Wetland Person"))
    make_attendance(meeting, organisation=make_organisation(name="Wetland Office"))
    with django_assert_num_queries(SEARCH_QUERIES):
        response = search_page(client, "wetland")
    html = assert_page(response, "<mark>Wetland</mark> meeting", "<mark>Wetland</mark> Office")
    assert html.count('class="card"') == 4


@pytest.mark.django_db
def test_search_query_count_does_not_grow_with_results(
    client, django_assert_num_queries, full_text_indexes_read
):
    """Thirty results of each kind cost the same queries as one."""
    make_milestone(body="wetland")
    with django_assert_num_queries(SEARCH_QUERIES):
        response = search_page(client, "wetland")
    html = assert_page(response, "Milestones (1)", "<mark>wetland</mark>")
    assert html.count('class="card"') == 1
    for _ in range(30):
        meeting = make_meeting(title="Wetland meeting")
        make_milestone(body="wetland")
        make_attendance(meeting, person=make_person(name=f"Wetland {meeting.pk}"))
        make_attendance(meeting, organisation=make_organisation(name=f"Wetland {meeting.pk}"))
    with django_assert_num_queries(SEARCH_QUERIES):
        response = search_page(client, "wetland")
    html = assert_page(response, "Milestones (31)", "Meetings (30)", "Showing the best 20 of 31")
    assert html.count('class="card"') == 4 * 20


@pytest.mark.django_db
def test_hostile_queries_are_escaped_capped_and_harmless(client):
    """Markup in the query is escaped, NUL is dropped, over-long input is cut and said so."""
    make_milestone(body="A <b>bold</b> claim about the wetland.")
    html = search_page(client, '<script>alert(1)</script> "wetland').content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html
    response = search_page(client, "wet\x00land")
    assert response.status_code == 200
    html = search_page(client, "wetland " + "x" * 5000).content.decode()
    assert "Only the first 200 characters were searched." in html
    html = search_page(client, "wetland").content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html


@pytest.mark.django_db
def test_search_page_in_traditional_chinese_links_to_chinese_pages(client):
    """Under /zh-hant/ the result links stay in that language."""
    milestone = make_milestone(body="wetland")
    response = client.get("/zh-hant/search/", {"q": "wetland"})
    assert response.status_code == 200
    assert f'href="/zh-hant/milestones/{milestone.slug}/"' in response.content.decode()


@pytest.mark.django_db
def test_search_indexes_exist_only_on_postgresql():
    """The migrations create the GIN indexes on PostgreSQL and nothing on SQLite."""
    with connection.cursor() as cursor:
        milestone_indexes = connection.introspection.get_constraints(
            cursor, Milestone._meta.db_table
        )
        meeting_indexes = connection.introspection.get_constraints(cursor, Meeting._meta.db_table)
    on_postgresql = connection.vendor == "postgresql"
    assert ("milestones_search_gin" in milestone_indexes) is on_postgresql
    assert ("meetings_search_gin" in meeting_indexes) is on_postgresql


# --- PostgreSQL full-text search ------------------------------------------------------------


def _published_rows(model, prefix: str, count: int, **fields) -> None:
    """`count` published rows in one statement; "{i}" in a field value is the row number."""
    when = timezone.now() - dt.timedelta(days=1)
    rows = []
    for i in range(count):
        row = model(
            slug=f"{prefix}-{i}",
            state="published",
            published_at=when,
            **{key: value.format(i=i) for key, value in fields.items()},
        )
        row.normalise_date()
        if hasattr(row, "derive_fields"):
            row.derive_fields()
        rows.append(row)
    model.objects.bulk_create(rows)


def _plan(queryset, table: str, *, seqscan: bool) -> str:
    """EXPLAIN of the queryset after ANALYZE, optionally with sequential scans disabled.
    Rows just inserted wait in the GIN index's pending list (merged by VACUUM, which cannot
    run in a test's transaction), which makes the index look dear: merge them first."""
    with connection.cursor() as cursor:
        index = table.split("_")[0] + "_search_gin"
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        cursor.execute(f"SET LOCAL enable_seqscan = {'on' if seqscan else 'off'}")
    try:
        return queryset.explain()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = on")


@postgres_only
@pytest.mark.django_db
def test_milestone_search_uses_the_gin_index_when_enough_rows_exist():
    """With thousands of published milestones and a rare word, the search reads the GIN
    index of the stored vector. (Reading stored vectors is cheap, so at a few thousand rows
    the planner may still prefer a sequential scan: it is turned off to show the index is
    usable, as it is chosen at the sizes of bench/README.md.)"""
    _published_rows(Milestone, "step", 3000, title="Step {i}", body="Works on site, part {i}.")
    _published_rows(Milestone, "wet", 3, title="Wetland {i}", body="The wetland park, part {i}.")
    plan = _plan(milestone_matches("wetland")[:20], "milestones_milestone", seqscan=False)
    assert "Bitmap Index Scan on milestones_search_gin" in plan, plan


@postgres_only
@pytest.mark.django_db
def test_meeting_search_uses_the_gin_index():
    """The meeting search reads its stored vector's GIN index too."""
    _published_rows(Meeting, "meet", 3000, title="Meeting {i}", summary="Works {i}.", number="{i}")
    _published_rows(Meeting, "wet", 3, title="Wetland {i}", summary="wetland", number="9{i}")
    plan = _plan(meeting_matches("wetland")[:20], "meetings_meeting", seqscan=False)
    assert "Bitmap Index Scan on meetings_search_gin" in plan, plan


@postgres_only
@pytest.mark.django_db
def test_a_common_word_is_counted_exactly_and_ranked_among_the_first_found(client, monkeypatch):
    """Past `RANKED_CANDIDATES` matches, the total stays exact, the hits are the best of
    the first ones the index finds, and the page says so."""
    monkeypatch.setattr(FullTextBackend, "RANKED_CANDIDATES", 4)
    for i in range(6):
        make_milestone(title=f"Step {i}", body="Works on the wetland.")
    milestones = group(site_search("wetland", limit_per_kind=3), "milestones")
    assert (milestones.total, milestones.ranked, len(milestones.hits)) == (6, 4, 3)
    assert milestones.ranked_some
    html = search_page(client, "wetland").content.decode()
    assert "Milestones (6)" in html
    assert "Showing the best 4 of the first 4 found, of 6." in html


@postgres_only
@pytest.mark.django_db
def test_below_the_candidate_bound_every_match_is_ranked():
    """At most `RANKED_CANDIDATES` matches, all are ranked: the best is first wherever
    the index found it, and readers get the plain "best N of M" note."""
    for i in range(5):
        make_milestone(title=f"Step {i}", body="Works on the wetland.")
    best = make_milestone(title="Wetland park", body="The wetland park opened.")
    milestones = group(site_search("wetland"), "milestones")
    assert (milestones.total, milestones.ranked) == (6, 6)
    assert not milestones.ranked_some
    assert milestones.hits[0].url == best.get_absolute_url()


@postgres_only
@pytest.mark.django_db
def test_the_candidates_and_the_count_read_their_own_rows():
    """The count and the candidate subqueries name their own table alias, not the outer
    query's: a correlated subquery would be run once per row (seconds at 100,000)."""
    make_milestone(body="Works on the wetland.")
    sql = str(milestone_matches("wetland").query)
    assert sql.count('U0."search_vector"') == 2, sql


@postgres_only
@pytest.mark.django_db
def test_full_text_search_matches_word_forms_and_marks_them():
    """English stemming: "approved" finds "approval", and the whole word is marked."""
    milestone = make_milestone(title="Funding", body="LegCo gave its approval in 2021.")
    hits = group(site_search("approved"), "milestones").hits
    assert [hit.url for hit in hits] == [milestone.get_absolute_url()]
    assert "<mark>approval</mark>" in hits[0].excerpt


@postgres_only
@pytest.mark.django_db
def test_full_text_search_ranks_title_matches_first():
    """A match in the title (weight A) ranks above one in the body (weight B)."""
    in_body = make_milestone(title="Funding", body="Money for the wetland park.")
    in_title = make_milestone(title="Wetland park", body="It opened.")
    hits = group(site_search("wetland"), "milestones").hits
    assert [hit.url for hit in hits] == [in_title.get_absolute_url(), in_body.get_absolute_url()]


@postgres_only
@pytest.mark.django_db
def test_full_text_search_understands_phrases_and_or():
    """Websearch syntax: "quoted phrase" and `or`."""
    phrase = make_milestone(body="The one zone two parks policy.")
    make_milestone(body="One park in a zone.")
    hits = group(site_search('"one zone"'), "milestones").hits
    assert [hit.url for hit in hits] == [phrase.get_absolute_url()]
    both = group(site_search("policy or park"), "milestones")
    assert both.total == 2


@pytest.mark.django_db
def test_a_query_of_only_exclusions_finds_nothing():
    """A minus sign before every word finds nothing, not "everything else"."""
    make_milestone(body="The park opened.")
    for q in ("-wetland", '-"wet land"', "- -"):
        assert all(g.total == 0 for g in site_search(q)), q


@postgres_only
@pytest.mark.django_db
def test_negation_only_queries_do_not_scan_the_table():
    """Negations with only stop words find nothing, and PostgreSQL folds the "index cannot
    answer this" check, so no table is read."""
    make_milestone(body="The park opened.")
    assert all(g.total == 0 for g in site_search("the -wetland"))
    plan = milestone_matches("the -wetland").explain()
    assert "One-Time Filter: false" in plan, plan
    assert "One-Time Filter" not in milestone_matches("park -wetland").explain()
