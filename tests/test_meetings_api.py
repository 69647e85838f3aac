"""GET /api/meetings/: published meetings with their attendees as open data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import Mode, Role, Side
from publishing.dating import FuzzyDate
from tests.factories import (
    make_attendance,
    make_attended_meeting,
    make_meeting,
    make_organisation,
    make_person,
    make_series,
)

pytestmark = pytest.mark.django_db

URL = "/api/meetings/"
API_QUERIES = 3  # count, page of meetings with series, attendances with people and bodies


def get_json(client, url=URL) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_api_answers_count_next_previous_results(client):
    """The list has exactly the four keys every list endpoint has."""
    make_meeting()
    data = get_json(client)
    assert list(data) == ["count", "next", "previous", "results"]
    assert data["count"] == 1
    assert data["next"] is None
    assert data["previous"] is None
    assert len(data["results"]) == 1


def test_api_gives_a_meeting_with_every_field_and_attendee(client):
    """One meeting, serialised field by field, with people, bodies, posts, roles and sides."""
    series = make_series(
        name="Joint Task Force on the Development of the Hong Kong-Shenzhen Innovation and "
        "Technology Park in the Loop",
        slug="joint-task-force",
    )
    meeting = make_meeting(
        series=series,
        number=11,
        title="11th meeting of the Joint Task Force",
        slug="11th-meeting",
        date=FuzzyDate.day(dt.date(2024, 8, 30)),
        place="Shenzhen",
        mode=Mode.IN_PERSON,
    )
    sun = make_person(honorific="Professor", name="Sun Dong", slug="sun-dong")
    cedd = make_organisation(
        name="Civil Engineering and Development Department",
        abbreviation="CEDD",
        slug="cedd",
        side=Side.HONG_KONG,
    )
    hkmao = make_organisation(
        name="Hong Kong and Macao Affairs Office", slug="hkmao", side=Side.SHENZHEN
    )
    make_attendance(
        meeting,
        person=sun,
        role=Role.CO_CHAIR,
        post="Secretary for Innovation, Technology and Industry",
        side=Side.HONG_KONG,
    )
    make_attendance(meeting, organisation=hkmao, role=Role.REPRESENTATIVE, side=Side.SHENZHEN)
    make_attendance(meeting, person=sun, organisation=cedd, role=Role.BRIEFER, side="")
    person = {
        "name": "Sun Dong",
        "honorific": "Professor",
        "language": "en",
        "url": "http://testserver/people/sun-dong/",
    }
    assert get_json(client)["results"] == [
        {
            "title": "11th meeting of the Joint Task Force",
            "language": "en",
            "slug": "11th-meeting",
            "url": "http://testserver/meetings/11th-meeting/",
            "series": series.name,
            "number": 11,
            "date": "2024-08-30",
            "date_precision": "day",
            "date_display": "30 August 2024",
            "date_basis": None,
            "place": "Shenzhen",
            "mode": "in_person",
            "source": {"document": None, "paragraph": None, "url": None, "citation": None},
            "attendees": [
                {
                    "person": person,
                    "organisation": None,
                    "post": "Secretary for Innovation, Technology and Industry",
                    "role": "co-chair",
                    "side": "Hong Kong",
                },
                {
                    "person": None,
                    "organisation": {
                        "name": "Hong Kong and Macao Affairs Office",
                        "abbreviation": "",
                        "language": "en",
                        "url": "http://testserver/organisations/hkmao/",
                    },
                    "post": "",
                    "role": "representative",
                    "side": "Shenzhen",
                },
                {
                    "person": person,
                    "organisation": {
                        "name": "Civil Engineering and Development Department",
                        "abbreviation": "CEDD",
                        "language": "en",
                        "url": "http://testserver/organisations/cedd/",
                    },
                    "post": "",
                    "role": "briefer",
                    "side": "",
                },
            ],
        }
    ]


def test_api_lists_attendees_in_role_then_side_then_source_order(client):
    """Co-chairs come first, then attendees, representatives and briefers, as on the page."""
    meeting = make_meeting()
    hong_kong = make_person(name="Hong Kong attendee")
    make_attendance(meeting, organisation=make_organisation(), role=Role.BRIEFER, position=0)
    make_attendance(meeting, organisation=make_organisation(), role=Role.REPRESENTATIVE)
    make_attendance(meeting, person=make_person(name="Shenzhen attendee"), side=Side.SHENZHEN)
    make_attendance(meeting, person=hong_kong, side=Side.HONG_KONG, position=5)
    make_attendance(meeting, person=make_person(name="Co-chair"), role=Role.CO_CHAIR, position=9)
    attendees = get_json(client)["results"][0]["attendees"]
    assert [(a["role"], a["side"]) for a in attendees] == [
        ("co-chair", "Hong Kong"),
        ("attendee", "Hong Kong"),
        ("attendee", "Shenzhen"),
        ("representative", "Hong Kong"),
        ("briefer", "Hong Kong"),
    ]


@pytest.mark.parametrize(
    ("date", "edtf", "precision", "display"),
    [
        (FuzzyDate.day(dt.date(2024, 8, 30)), "2024-08-30", "day", "30 August 2024"),
        (FuzzyDate.month(2024, 8), "2024-08", "month", "August 2024"),
        (FuzzyDate.year(2024), "2024", "year", "2024"),
        (
            FuzzyDate.between(dt.date(2021, 3, 1), dt.date(2021, 9, 30)),
            "[2021-03..2021-09]",
            "range",
            "between March and September 2021",
        ),
        (FuzzyDate.unknown(), None, "unknown", "date to be confirmed"),
    ],
    ids=["day", "month", "year", "range", "unknown"],
)
def test_api_gives_the_date_as_edtf_with_its_precision(client, date, edtf, precision, display):
    """The date is EDTF (or null), with the precision and the date as people write it."""
    make_meeting(date=date)
    result = get_json(client)["results"][0]
    assert (result["date"], result["date_precision"], result["date_display"]) == (
        edtf,
        precision,
        display,
    )


def test_api_gives_mode_and_null_series_and_number(client):
    """A video meeting outside any numbered series says so with empty place and nulls."""
    meeting = make_meeting(place="", mode=Mode.VIDEO, number=None)
    meeting.series = None
    meeting.save()
    result = get_json(client)["results"][0]
    assert (result["series"], result["number"], result["place"], result["mode"]) == (
        None,
        None,
        "",
        "video",
    )
    assert result["attendees"] == []


def test_api_leaves_out_drafts_and_scheduled_meetings(client):
    """Only meetings the public may see are in the open data, and in the count."""
    make_meeting(slug="public")
    make_meeting(slug="draft", published=False)
    make_meeting(slug="scheduled", published_at=timezone.now() + dt.timedelta(days=1))
    data = get_json(client)
    assert data["count"] == 1
    assert [r["slug"] for r in data["results"]] == ["public"]


def test_api_lists_newest_first_with_undated_last(client):
    """Newest first; a meeting of unknown date comes last, on every database."""
    make_meeting(slug="undated", date=FuzzyDate.unknown())
    make_meeting(slug="older", date=FuzzyDate.day(dt.date(2023, 6, 5)))
    make_meeting(slug="newer", date=FuzzyDate.day(dt.date(2024, 8, 30)))
    assert [r["slug"] for r in get_json(client)["results"]] == ["newer", "older", "undated"]


def test_api_pages_with_absolute_next_and_previous_links(client):
    """Fifty meetings a page; next and previous are absolute links, null at either end."""
    for n in range(51):
        make_meeting(slug=f"meeting-{n:02d}", date=FuzzyDate.day(dt.date(2024, 1, 1 + n % 28)))
    first = get_json(client)
    assert first["count"] == 51
    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/meetings/?page=2"
    second = get_json(client, first["next"])
    assert len(second["results"]) == 1
    assert second["next"] is None
    assert second["previous"] == "http://testserver/api/meetings/?page=1"
    slugs = [r["slug"] for r in first["results"] + second["results"]]
    assert sorted(slugs) == [f"meeting-{n:02d}" for n in range(51)]


def test_api_filters_and_keeps_the_filters_in_page_links(client):
    """The list's filters work here too, and the page links carry them."""
    series = make_series(slug="joint-task-force")
    for n in range(51):
        make_meeting(series=series, date=FuzzyDate.day(dt.date(2023, 1, 1 + n % 28)))
    make_meeting(series=series, slug="in-2024", date=FuzzyDate.day(dt.date(2024, 1, 1)))
    make_meeting(slug="other-series", date=FuzzyDate.day(dt.date(2023, 1, 1)))
    data = get_json(client, f"{URL}?series=joint-task-force&year=2023")
    assert data["count"] == 51
    assert (
        data["next"] == "http://testserver/api/meetings/?series=joint-task-force&year=2023&page=2"
    )


def test_api_out_of_range_page_gives_empty_results(client):
    """A page past the end, or not a number, gives no results rather than an error."""
    make_meeting()
    for page in ("9", "x"):
        data = get_json(client, f"{URL}?page={page}")
        assert data == {"count": 1, "next": None, "previous": None, "results": []}


def test_api_query_count(client, django_assert_max_num_queries):
    """The endpoint makes a fixed, small number of queries."""
    meeting, attendances = make_attended_meeting()
    with django_assert_max_num_queries(API_QUERIES):
        response = client.get(URL)
    assert response.status_code == 200
    [listed] = response.json()["results"]
    assert (listed["title"], len(listed["attendees"])) == (meeting.title, len(attendances))


def test_api_queries_do_not_grow_with_meetings_and_attendances(client):
    """More meetings, series, people and bodies do not add queries."""

    def count_queries(titles):
        with CaptureQueriesContext(connection) as context:
            response = client.get(URL)
            assert response.status_code == 200
        assert {meeting["title"] for meeting in response.json()["results"]} == titles
        return len(context)

    titles = {make_attended_meeting(people=1, organisations=1)[0].title}
    small = count_queries(titles)
    for _ in range(8):
        titles.add(make_attended_meeting(people=5, organisations=8)[0].title)
    assert count_queries(titles) == small
