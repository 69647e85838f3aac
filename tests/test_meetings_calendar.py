"""GET /meetings.ics: the published, dated meetings as an iCalendar feed (RFC 5545)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from meetings.models import Mode
from publishing.dating import FuzzyDate
from tests.factories import make_attended_meeting, make_meeting

pytestmark = pytest.mark.django_db

URL = "/meetings.ics"
CALENDAR_QUERIES = 1  # the published, dated meetings with their series


def fetch(client, **headers) -> bytes:
    response = client.get(URL, **headers)
    assert response.status_code == 200
    return response.content


def parse(content: bytes) -> Calendar:
    return Calendar.from_ical(content)


def events_by_summary(content: bytes) -> dict:
    return {str(event["SUMMARY"]): event for event in parse(content).walk("VEVENT")}


def test_calendar_is_served_as_text_calendar(client):
    """The feed is text/calendar in UTF-8, offered as meetings.ics."""
    make_meeting()
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "meetings.ics" in response["Content-Disposition"]


def test_calendar_parses_with_version_and_prodid(client):
    """The icalendar library reads the feed: a VCALENDAR with VERSION 2.0 and a PRODID."""
    make_meeting()
    calendar = parse(fetch(client))
    assert calendar.name == "VCALENDAR"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]).strip()


def test_calendar_has_one_event_per_published_dated_meeting(client):
    """Published dated meetings are events; drafts, scheduled and undated meetings are not."""
    make_meeting(title="First published meeting")
    make_meeting(title="Second published meeting")
    make_meeting(title="Draft meeting", published=False)
    make_meeting(title="Scheduled meeting", published_at=timezone.now() + dt.timedelta(days=1))
    make_meeting(title="Undated meeting", date=FuzzyDate.unknown())
    content = fetch(client)
    assert sorted(events_by_summary(content)) == [
        "First published meeting",
        "Second published meeting",
    ]
    assert b"Draft meeting" not in content
    assert b"Scheduled meeting" not in content


def test_calendar_event_is_an_all_day_event_with_its_details(client):
    """An event has UID, DTSTAMP, an all-day DTSTART, DTEND the day after, SUMMARY, LOCATION
    and URL."""
    meeting = make_meeting(
        title="11th meeting of the Joint Task Force",
        slug="11th-meeting",
        date=FuzzyDate.day(dt.date(2024, 8, 30)),
        place="Shenzhen",
    )
    event = events_by_summary(fetch(client))[meeting.title]
    assert str(event["UID"]) == f"meeting-{meeting.uid}@history.example.org"
    assert isinstance(event.decoded("DTSTAMP"), dt.datetime)
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert type(event.decoded("DTSTART")) is dt.date
    assert event.decoded("DTSTART") == dt.date(2024, 8, 30)
    assert type(event.decoded("DTEND")) is dt.date
    assert event.decoded("DTEND") == dt.date(2024, 8, 31)
    assert str(event["LOCATION"]) == "Shenzhen"
    assert str(event["URL"]) == "http://testserver/meetings/11th-meeting/"
    assert "STATUS" not in event


def test_calendar_dtstamp_is_in_utc(client):
    """DTSTAMP is written in UTC ("Z"), as RFC 5545 requires."""
    make_meeting()
    lines = fetch(client).decode().split("\r\n")
    stamps = [line for line in lines if line.startswith("DTSTAMP")]
    assert stamps
    for line in stamps:
        assert line.startswith("DTSTAMP:") and line.endswith("Z"), line


@pytest.fixture(autouse=True)
def _canonical_origin(settings):
    settings.SITE_URL = "https://history.example.org"
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example.net"]


def test_calendar_uids_come_from_the_canonical_origin_not_the_host(client):
    """Subscribed through another name, the calendar keeps its UIDs (a calendar would
    otherwise show every meeting twice): they are made from DJANGO_SITE_URL."""
    meeting = make_meeting(slug="11th-meeting")
    uids = [
        [str(e["UID"]) for e in parse(fetch(client, HTTP_HOST=host)).walk("VEVENT")]
        for host in ("testserver", "mirror.example.net")
    ]
    assert uids[0] == uids[1] == [f"meeting-{meeting.uid}@history.example.org"]
    meeting.slug = "a-new-address"  # an editor may change a published meeting's slug
    meeting.save()
    assert [str(e["UID"]) for e in parse(fetch(client)).walk("VEVENT")] == uids[0]


def test_calendar_uids_are_unique_and_stable(client):
    """Each event has its own UID, and the same UID on the next download."""
    for _ in range(3):
        make_meeting()
    first = sorted(str(e["UID"]) for e in parse(fetch(client)).walk("VEVENT"))
    second = sorted(str(e["UID"]) for e in parse(fetch(client)).walk("VEVENT"))
    assert len(set(first)) == 3
    assert first == second


def test_calendar_month_precision_spans_the_month_and_is_tentative(client):
    """A meeting known only to the month spans the whole month, marked tentative."""
    make_meeting(title="Some time in August", date=FuzzyDate.month(2024, 8))
    event = events_by_summary(fetch(client))["Some time in August"]
    assert event.decoded("DTSTART") == dt.date(2024, 8, 1)
    assert event.decoded("DTEND") == dt.date(2024, 9, 1)
    assert str(event["STATUS"]) == "TENTATIVE"


def test_calendar_location_of_a_video_meeting_without_a_place(client):
    """A meeting held by video conference, with no place, gives that as its location."""
    make_meeting(title="Video meeting", place="", mode=Mode.VIDEO)
    event = events_by_summary(fetch(client))["Video meeting"]
    assert str(event["LOCATION"]) == "Video conference"


def test_calendar_leaves_out_an_unknown_location(client):
    """No place and no mode: no LOCATION, rather than the words 'Not stated'."""
    make_meeting(title="Meeting somewhere", place="", mode=Mode.UNKNOWN)
    content = fetch(client)
    assert "LOCATION" not in events_by_summary(content)["Meeting somewhere"]
    assert b"Not stated" not in content


def test_calendar_folds_long_lines_to_75_octets(client):
    """Every physical line is at most 75 octets; long text survives folding intact."""
    title = "Joint Task Force on the Hong Kong-Shenzhen Innovation and Technology Park " * 3
    summary = "深圳市人民政府副市长罗煌昊与香港创新科技及工业局局长孙东共同主持会议。" * 4
    make_meeting(title=title.strip(), summary=summary, place="Hong Kong Science Park, Sha Tin")
    content = fetch(client)
    lines = content.split(b"\r\n")
    assert any(line.startswith(b" ") for line in lines), "nothing was folded"
    for line in lines:
        assert len(line) <= 75, line
    event = events_by_summary(content)[title.strip()]
    assert str(event["DESCRIPTION"]) == summary


def test_calendar_uses_crlf_line_endings(client):
    """Every line ends in CRLF, the last one included; there is no bare LF."""
    make_meeting(summary="First line.\nSecond line.")
    content = fetch(client)
    assert content.endswith(b"\r\n")
    assert content.count(b"\n") == content.count(b"\r\n")


def test_calendar_query_count(client, django_assert_max_num_queries):
    """The feed makes a fixed, small number of queries."""
    meeting, _ = make_attended_meeting()
    with django_assert_max_num_queries(CALENDAR_QUERIES):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")
    assert list(events_by_summary(response.content)) == [meeting.title]


def test_calendar_queries_do_not_grow_with_meetings(client):
    """More meetings (each of its own series) and attendances do not add queries."""

    def count_queries(titles):
        with CaptureQueriesContext(connection) as context:
            content = fetch(client)  # 200
        assert set(events_by_summary(content)) == titles
        return len(context)

    titles = {make_attended_meeting(people=1, organisations=1)[0].title}
    small = count_queries(titles)
    for _ in range(10):
        titles.add(make_attended_meeting(people=4, organisations=4)[0].title)
    assert count_queries(titles) == small
