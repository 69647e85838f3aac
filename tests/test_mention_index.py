"""The milestones that mention a person or organisation are kept as rows, written when a
text or a name changes (meetings/mention_index.py), so that their pages read an index, not
every milestone's text; the rows say what `mentions()` says of the texts as saved."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from meetings import mention_index
from meetings.models import MilestoneMention
from milestones.models import Milestone
from operations.synthetic import generate_history
from publishing.mentions import NameIndex, mentions
from tests.assertions import english_path, page
from tests.factories import (
    make_attendance,
    make_meeting,
    make_milestone,
    make_organisation,
    make_person,
)

NAMES = ["Sun Dong", "Sun", "Dong Sun", "HSITP", "HSITP Ltd", "(HK) Unit", "孫東", "科技園"]
PIECES = [*NAMES, " ", "-", "x", "\n", ".", "Sun-", "孫", "東"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), max_size=12), st.lists(st.sampled_from(PIECES), max_size=8)
)
def test_the_name_index_finds_exactly_what_mentions_finds(english_pieces, chinese_pieces):
    english, chinese = "".join(english_pieces), "".join(chinese_pieces)
    named = [(name, (name,)) for name in NAMES]
    expected = {
        name
        for name in NAMES
        if mentions(chinese if any("\u4e00" <= c <= "\u9fff" for c in name) else english, [name])
    }
    assert NameIndex(named).found_in(english, chinese) == expected


def attended(person=None, organisation=None):
    make_attendance(make_meeting(), person=person, organisation=organisation)


def mentioned(attendee) -> list[str]:
    return sorted(
        Milestone.objects.filter(pk__in=attendee.mentions.values("milestone")).values_list(
            "title", flat=True
        )
    )


@pytest.mark.django_db
def test_a_saved_milestone_is_indexed_and_its_person_page_lists_it():
    sun = make_person(name="Sun Dong")
    attended(person=sun)
    make_milestone(title="Wetland", body="Professor Sun Dong opened the park.")
    make_milestone(title="Other", body="Sun Dongguan is someone else.")
    assert mentioned(sun) == ["Wetland"]
    assert "Wetland" in page(english_path(sun))


@pytest.mark.django_db
def test_an_edit_that_drops_the_name_drops_the_row():
    sun = make_person(name="Sun Dong")
    milestone = make_milestone(title="Wetland", body="Professor Sun Dong opened the park.")
    milestone.body = "The park opened."
    milestone.save()
    assert mentioned(sun) == []


@pytest.mark.django_db
def test_a_renamed_or_new_attendee_is_indexed_against_every_milestone():
    make_milestone(title="Chinese", body="Nothing in English.", body_zh_hant="孫東教授到訪。")
    make_milestone(title="Abbreviated", body="The SITI opened an office.")
    person = make_person(name="Someone Else")
    assert mentioned(person) == []
    person.name_zh_hant = "孫東"
    person.save()
    assert mentioned(person) == ["Chinese"]
    bureau = make_organisation(
        name="Science, Innovation and Technology Institute", abbreviation="SITI"
    )
    assert mentioned(bureau) == ["Abbreviated"]


@pytest.mark.django_db
def test_a_page_for_a_draft_or_someone_without_a_page_shows_nothing_it_should_not():
    sun = make_person(name="Sun Dong")
    attended(person=sun)
    make_milestone(title="Drafted", body="Sun Dong spoke.", published=False)
    assert mentioned(sun) == ["Drafted"]  # indexed whatever its state...
    assert "Drafted" not in page(english_path(sun))  # ...shown only when published


@pytest.mark.django_db
def test_bulk_writes_rebuild_the_index_in_their_transaction():
    bureau = make_organisation(name="Development Bureau")
    generate_history(milestones=300, meetings=0, seed=3)  # bulk_create: no signals
    expected = sorted(
        m.title
        for m in Milestone.objects.all()
        if mentions(f"{m.title}\n{m.body}", bureau.mention_names)
    )
    assert expected, "the generated texts speak of the Development Bureau"
    assert mentioned(bureau) == expected


@pytest.mark.django_db
def test_rebuilding_changes_nothing_when_the_rows_are_right():
    sun = make_person(name="Sun Dong")
    make_milestone(title="Wetland", body="Professor Sun Dong opened the park.")
    before = list(MilestoneMention.objects.values_list("pk", "milestone", "person"))
    mention_index.rebuild()
    assert list(MilestoneMention.objects.values_list("pk", "milestone", "person")) == before
    MilestoneMention.objects.all().delete()
    mention_index.rebuild()
    assert mentioned(sun) == ["Wetland"]


@pytest.mark.django_db
def test_loaddata_indexes_once_it_commits(django_capture_on_commit_callbacks, tmp_path):
    sun = make_person(name="Sun Dong")
    milestone = make_milestone(title="Wetland", body="Professor Sun Dong opened the park.")
    fixture = tmp_path / "m.json"
    call_command("dumpdata", "milestones.milestone", output=str(fixture), stdout=StringIO())
    Milestone.objects.all().delete()
    assert mentioned(sun) == []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("loaddata", str(fixture), stdout=StringIO())
    assert len(callbacks) == 1  # one rebuild for the whole fixture, not one per row
    assert mentioned(sun) == [milestone.title]


@pytest.mark.django_db
def test_an_organisation_page_reads_the_index_not_every_milestone(curated_site):
    from meetings.models import Organization

    body = Organization.objects.public().filter(mentions__milestone__isnull=False).first()
    assert body is not None, "the curated history mentions a body that has a page"
    with CaptureQueriesContext(connection) as queries:
        text = page(english_path(body))
    titles = Milestone.objects.published().filter(attendee_mentions__organisation=body)
    assert titles and all(m.title in text for m in titles)
    scans = [
        q["sql"] for q in queries if "milestones_milestone" in q["sql"] and " LIKE " in q["sql"]
    ]
    assert scans == []


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's advisory locks")
def test_refreshes_take_one_lock_until_their_transaction_commits():
    """Two transactions, a milestone naming someone and that person's row, each read before
    the other committed, would leave the row between them unwritten: a refresh waits for
    the one before it (SQLite has a single writer anyway)."""
    make_milestone(title="Wetland", body="Professor Sun Dong opened the park.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
            " AND classid = %s AND objid = %s",
            [mention_index.LOCK_KEY >> 32, mention_index.LOCK_KEY & 0xFFFFFFFF],
        )
        assert cursor.fetchone()[0] == 1  # held, in the test's transaction, until it ends
