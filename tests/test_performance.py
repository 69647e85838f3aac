"""What keeps pages fast as the history grows (bench/README.md), and the synthetic history
the benchmark uses (`generate_history`)."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import Attendance, Meeting, Person
from milestones.models import Milestone
from operations.synthetic import generate_history
from publishing.dating import FuzzyDate
from tests.factories import make_attendance, make_meeting, make_milestone, make_person

pytestmark = pytest.mark.django_db


def test_years_reads_one_entry_per_year_in_one_query():
    """The same years as a scan of every milestone; drafts, scheduled and undated left out."""
    for year in (1997, 2003, 2003, 2021):
        make_milestone(date=FuzzyDate.year(year))
    make_milestone(date=FuzzyDate.day(dt.date(2021, 12, 31)))
    make_milestone(date=FuzzyDate.unknown())
    make_milestone(date=FuzzyDate.year(1990), published=False)
    make_milestone(date=FuzzyDate.year(2040), published_at=timezone.now() + dt.timedelta(days=1))
    with CaptureQueriesContext(connection) as queries:
        years = Milestone.objects.published().years()
    assert len(queries) == 1
    assert years == [1997, 2003, 2021]
    assert years == [day.year for day in Milestone.objects.published().dates("date_start", "year")]
    assert Milestone.objects.none().filter(pk__lt=0).years() == []


def test_person_page_lists_meetings_100_a_page(client):
    person = make_person(slug="regular")
    for _ in range(101):
        make_attendance(make_meeting(), person=person)
    first = client.get("/people/regular/").content.decode()
    assert first.count("<tr>") == 101  # the header row and 100 meetings
    assert "Page 1 of 2" in first
    second = client.get("/people/regular/?page=2").content.decode()
    assert second.count("<tr>") == 2


def test_generate_history_is_realistic():
    made = generate_history(milestones=300, meetings=12, seed=5)
    assert made.milestones == Milestone.objects.count() == 300
    precisions = set(Milestone.objects.values_list("date_precision", flat=True))
    assert precisions == {"day", "month", "year", "range", "unknown"}
    states = Milestone.objects.values("state").annotate(n=Count("pk"))
    assert {row["state"] for row in states} == {"draft", "review", "published"}
    assert Milestone.objects.scheduled().exists() and Milestone.objects.published().exists()
    years = Milestone.objects.published().years()
    assert years[-1] - years[0] >= 30  # across decades
    sizes = Meeting.objects.annotate(n=Count("attendances")).values_list("n", flat=True)
    assert all(20 <= n <= 40 for n in sizes) and Meeting.objects.count() == 12
    assert Meeting.objects.values("series").distinct().count() > 1
    busiest = Person.objects.annotate(n=Count("attendances")).order_by("-n").first()
    assert busiest.n > 1  # people are reused across meetings
    assert made.attendances == Attendance.objects.count()
    for milestone in Milestone.objects.all()[:50]:
        milestone.full_clean()


def test_generate_history_is_deterministic_and_refuses_a_second_run():
    generate_history(milestones=20, meetings=2, seed=9)
    titles = list(Milestone.objects.order_by("slug").values_list("slug", "title", "date_start"))
    Milestone.objects.all().delete()
    Attendance.objects.all().delete()
    Meeting.objects.all().delete()
    from meetings.models import MeetingSeries, Organization

    MeetingSeries.objects.all().delete()
    Person.objects.all().delete()
    Organization.objects.all().delete()
    generate_history(milestones=20, meetings=2, seed=9)
    assert list(Milestone.objects.order_by("slug").values_list("slug", "title", "date_start")) == (
        titles
    )
    with pytest.raises(CommandError, match="seed 9"):
        call_command("generate_history", "--milestones", "1", "--meetings", "0", "--seed", "9")


def test_generate_history_command(capsys):
    call_command("generate_history", "--milestones", "30", "--meetings", "3", "--seed", "3")
    assert "Generated 30 milestones, 3 meetings" in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_stored_search_vector_follows_edits():
    """The generated column is recomputed when a milestone or meeting changes."""
    from search.services import site_search

    milestone = make_milestone(title="Wetland", body="The wetland park.")
    meeting = make_meeting(title="Footbridge meeting", summary="About the footbridge.")
    assert [g.total for g in site_search("wetland")][:2] == [1, 0]
    milestone.body = "The reservoir park."
    milestone.title = "Reservoir"
    milestone.save()
    meeting.summary = "About the reservoir."
    meeting.save()
    assert [g.total for g in site_search("wetland")][:2] == [0, 0]
    assert [g.total for g in site_search("reservoir")][:2] == [1, 1]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_bulk_writes_leave_sqlite_statistics_so_the_timeline_reads_its_index(
    django_capture_on_commit_callbacks,
):
    """Without ANALYZE, SQLite sorted every public milestone to show the first 100."""
    timeline = Milestone.objects.published().order_by("sort_key")[:100]
    with django_capture_on_commit_callbacks(execute=True):
        generate_history(milestones=5000, meetings=0, seed=4)
    plan = timeline.explain()
    assert "milestone_sort_published_idx" in plan
    assert "TEMP B-TREE" not in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_bulk_writes_leave_postgresql_statistics_at_once(django_capture_on_commit_callbacks):
    """Autovacuum would analyse later; the planner needs the new sizes now (search at
    100,000 milestones read every published row instead of the GIN index's matches)."""

    def estimated_rows():
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'milestones_milestone'")
            return cursor.fetchone()[0]

    assert estimated_rows() < 100
    with django_capture_on_commit_callbacks(execute=True):
        generate_history(milestones=5000, meetings=0, seed=4)
    assert estimated_rows() > 4000


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's pg_trgm")
def test_milestones_mentioning_a_name_are_found_through_the_trigram_index():
    """When a person's or organisation's names change, the milestones that contain them are
    looked for (meetings/mention_index.py); on PostgreSQL a trigram index answers, instead
    of reading every milestone."""
    generate_history(milestones=2000, meetings=0, seed=6)
    make_milestone(title="Wetland", body="Professor Sun Dong opened the wetland park.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('milestones_text_trgm'::regclass)")
        cursor.execute("ANALYZE milestones_milestone")
        cursor.execute("SET LOCAL enable_seqscan = off")
    candidates = Milestone.objects.published().containing_any(["Sun Dong", "SITI"])
    assert "milestones_text_trgm" in candidates.explain()
    assert [m.title for m in candidates] == ["Wetland"]
