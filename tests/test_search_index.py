"""On SQLite, search finds its terms through an FTS5 trigram index of the texts it reads
(publishing/fts.py), kept in step by triggers and made again after every migrate; what it
finds is what reading every text with LIKE finds."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Meeting
from milestones.models import Milestone
from publishing import fts
from search.backends import full_text_index
from search.services import meeting_matches, milestone_matches, milestone_texts
from tests.factories import make_meeting, make_milestone

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not fts.fts_available(connection), reason="SQLite's FTS5 (PostgreSQL has its own)"
    ),
]

QUERIES = [
    "funding",
    "FUNDING approved",
    "park -shenzhen",
    '"site formation"',
    "園區",  # two characters: shorter than a trigram, read with LIKE
    "科技園區",
    "科技园区",  # Simplified: found in its Traditional spelling
    "Loop",
    "zz",
    "nothing-like-this",
    "park opened -shenzhen -tenants",  # terms and exclusions in one MATCH
    "funding lo",  # one term from the index, one read
    "park -zz",  # an exclusion too short for the index
    "-shenzhen",  # only an exclusion: matches nothing
    "科技園區 -Shenzhen",
]


def make_texts():
    make_milestone(title="Funding approved", body="LegCo approved the funding for the Loop.")
    make_milestone(title="Site formation", body="The site formation works began.")
    make_milestone(title="Shenzhen park", body="The Shenzhen park opened.")
    make_milestone(title="Park opens", body="The park opened to tenants.")
    make_milestone(title="Chinese", body="In Chinese.", body_zh_hant="河套科技園區開幕。")
    make_milestone(title="Unpublished funding", body="Draft.", published=False)
    make_meeting(title="Joint meeting", summary="Funding and the Loop were discussed.")


def without_index(monkeypatch):
    monkeypatch.setattr("search.backends.full_text_index", lambda queryset, fields: None)


@pytest.mark.parametrize("query", QUERIES)
def test_the_index_finds_what_reading_every_text_finds(query, monkeypatch):
    make_texts()
    indexed = [(m.pk, m.rank, m.total) for m in milestone_matches(query)]
    meetings = [m.pk for m in meeting_matches(query)]
    without_index(monkeypatch)
    assert [(m.pk, m.rank, m.total) for m in milestone_matches(query)] == indexed
    assert [m.pk for m in meeting_matches(query)] == meetings


def test_a_long_term_is_matched_in_the_index_and_a_short_one_is_read():
    make_texts()
    with CaptureQueriesContext(connection) as queries:
        list(milestone_matches("funding"))
    assert "MATCH" in queries[-1]["sql"]
    with CaptureQueriesContext(connection) as queries:
        list(milestone_matches("園區"))
    assert "MATCH" not in queries[-1]["sql"] and "LIKE" in queries[-1]["sql"]


def test_several_terms_are_asked_in_one_match():
    make_texts()
    with CaptureQueriesContext(connection) as queries:
        found = [m.title for m in milestone_matches("park opened -shenzhen")]
    assert found == ["Park opens"]
    assert queries[-1]["sql"].count("MATCH") == 1


def test_edits_and_deletions_reach_the_index_at_once():
    milestone = make_milestone(title="Wetland", body="The wetland park.")
    assert [m.pk for m in milestone_matches("wetland")] == [milestone.pk]
    milestone.body = "The ecological area."
    milestone.title = "Ecology"
    milestone.save()
    assert list(milestone_matches("wetland")) == []
    assert [m.pk for m in milestone_matches("ecological")] == [milestone.pk]
    Milestone.objects.filter(pk=milestone.pk).update(body_zh_hant="濕地公園")  # no signal
    assert [m.pk for m in milestone_matches("濕地公")] == [milestone.pk]
    milestone.delete()
    assert list(milestone_matches("ecological")) == []


def test_migrate_makes_the_index_again_when_a_table_rebuild_lost_its_triggers():
    table = Milestone._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TRIGGER "{fts.fts_table(table)}_insert"')
    titles, others = milestone_texts()
    call_command("migrate", verbosity=0)
    milestone = make_milestone(title="Made after", body="A new milestone.")
    assert [m.pk for m in milestone_matches("made after")] == [milestone.pk]
    assert fts.ensure_fts(connection, table, [*titles, *others]) is False  # whole again


def test_an_index_of_other_texts_than_those_searched_is_not_used():
    titles, others = milestone_texts()
    queryset = Milestone.objects.all()
    assert full_text_index(queryset, [*titles, *others]) == "milestones_milestone_fts"
    assert full_text_index(queryset, ["title"]) is None
    assert full_text_index(Meeting.objects.all(), [*titles, *others]) is None


def test_no_index_is_made_for_a_table_without_the_searched_texts():
    """An app migrated back (its table gone, or not yet whole) gets no index, and migrate
    does not fail on it; the index of the table as it is stays."""
    assert fts.ensure_fts(connection, "no_such_table", ["title"]) is False
    assert fts.indexed_columns(connection, "no_such_table") == ()
    titles, others = milestone_texts()
    columns = [*titles, *others, "no_such_column"]
    assert fts.ensure_fts(connection, Milestone._meta.db_table, columns) is False
    assert fts.indexed_columns(connection, Milestone._meta.db_table) == ()
    assert fts.ensure_fts(connection, Milestone._meta.db_table, [*titles, *others]) is True
