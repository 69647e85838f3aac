"""Open data: the /api/ index, the CSV downloads and the TimelineJS3 timeline."""

import csv
import datetime as dt
import io

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone

from opendata.meeting_data import CSV_COLUMNS as MEETING_COLUMNS
from opendata.milestone_data import CSV_COLUMNS as MILESTONE_COLUMNS
from opendata.views import csv_cell
from publishing.dating import FuzzyDate
from tests.factories import (
    make_attendance,
    make_attended_meeting,
    make_meeting,
    make_milestone,
    make_person,
    make_picture,
)

pytestmark = pytest.mark.django_db
D = dt.date

CSV_QUERIES = 1  # the rows, streamed from one query (meetings joined to their attendances)
TIMELINE_QUERIES = 1  # dated published milestones with their lead images
INDEX_QUERIES = 0
BOM = b"\xef\xbb\xbf"
LOOP = {"size": (1200, 800), "alt_text": "The Loop from the air"}  # a lead image

ENDPOINT_PATHS = [
    "/api/milestones/",
    "/api/meetings/",
    "/api/milestones.csv",
    "/api/meetings.csv",
    "/api/timeline.json",
    "/feeds/milestones/",
    "/feeds/milestones/atom/",
    "/feeds/meetings/",
    "/feeds/meetings/atom/",
    "/meetings.ics",
    "/sitemap.xml",
]


def tomorrow():
    return timezone.now() + dt.timedelta(days=1)


def download(client, url: str) -> tuple[StreamingHttpResponse, bytes]:
    response = client.get(url)
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def csv_rows(client, url: str) -> list[dict]:
    _response, content = download(client, url)
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def csv_titles(content: bytes, url: str) -> set[str]:
    """The titles of the milestones (or meetings) in a CSV download, under its header."""
    text = content.decode("utf-8-sig")
    if "milestones" in url:
        columns, title = MILESTONE_COLUMNS, "title"
    else:
        columns, title = MEETING_COLUMNS, "meeting_title"
    assert content.startswith(BOM) and text.startswith(",".join(columns) + "\r\n")
    return {row[title] for row in csv.DictReader(io.StringIO(text, newline=""))}


def as_cell(value) -> str:
    """What a JSON value becomes in the CSV."""
    return "" if value is None else str(value)


# The index ---------------------------------------------------------------------------


def test_api_index_is_a_page_for_people_listing_every_endpoint(client):
    """GET /api/ in a browser: an HTML page from the site's base template, with every
    endpoint's address, format and description."""
    response = client.get("/api/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "api_index.html" in [t.name for t in response.templates]
    assert "base.html" in [t.name for t in response.templates]
    html = response.content.decode()
    for path in ENDPOINT_PATHS:
        assert f'href="http://testserver{path}"' in html
    assert "RSS 2.0" in html and "Atom 1.0" in html and "iCalendar" in html


@pytest.mark.parametrize(
    "request_kwargs",
    [{"data": {"format": "json"}}, {"HTTP_ACCEPT": "application/json"}],
    ids=["format-json", "accept-json"],
)
def test_api_index_as_json_lists_url_format_and_description(client, request_kwargs):
    """?format=json or Accept: application/json: a JSON list of {"url", "format",
    "description"} with absolute URLs."""
    response = client.get("/api/", **request_kwargs)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    endpoints = response.json()
    assert isinstance(endpoints, list)
    assert all(set(endpoint) == {"url", "format", "description"} for endpoint in endpoints)
    assert [endpoint["url"] for endpoint in endpoints] == [
        f"http://testserver{path}" for path in ENDPOINT_PATHS
    ]
    assert all(endpoint["format"] and endpoint["description"] for endpoint in endpoints)
    formats = {e["url"].removeprefix("http://testserver"): e["format"] for e in endpoints}
    assert formats["/api/milestones.csv"] == "CSV"
    assert formats["/feeds/meetings/atom/"] == "Atom 1.0"


def test_api_index_varies_on_accept(client):
    """The same URL answers HTML or JSON by the Accept header, so caches must know."""
    assert "Accept" in client.get("/api/")["Vary"]
    assert "Accept" in client.get("/api/", HTTP_ACCEPT="application/json")["Vary"]


def test_every_endpoint_in_the_index_answers(client):
    """No endpoint in the index is a dead link."""
    make_milestone()
    make_attended_meeting()
    for endpoint in client.get("/api/?format=json").json():
        response = client.get(endpoint["url"].removeprefix("http://testserver"))
        assert response.status_code == 200, endpoint["url"]


def test_api_index_needs_no_query(client, django_assert_num_queries):
    """The index is a fixed list."""
    with django_assert_num_queries(INDEX_QUERIES):
        response = client.get("/api/?format=json")
    assert response.status_code == 200
    assert [endpoint["url"] for endpoint in response.json()] == [
        f"http://testserver{path}" for path in ENDPOINT_PATHS
    ]


# Milestones CSV ----------------------------------------------------------------------


def test_milestones_csv_is_an_attachment_in_utf8_with_bom(client):
    """Downloaded as milestones.csv: text/csv, UTF-8 with a byte-order mark for Excel."""
    make_milestone(title="河套深港科技創新合作區")
    response, content = download(client, "/api/milestones.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="milestones.csv"'
    assert content.startswith(BOM)
    assert "河套深港科技創新合作區" in content.decode("utf-8-sig")


def test_milestones_csv_has_the_documented_columns(client):
    """The header row names the columns, in the documented order."""
    _response, content = download(client, "/api/milestones.csv")
    header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert (
        header
        == list(MILESTONE_COLUMNS)
        == [
            "title",
            "slug",
            "url",
            "date",
            "date_precision",
            "date_display",
            "body",
            "source_document",
            "source_paragraph",
            "source_url",
            "source_citation",
            "date_basis",
            "language",
        ]
    )


def test_milestones_csv_matches_the_api(client):
    """Row for row, the CSV holds what /api/milestones/ gives, in the same order."""
    make_milestone(
        title="Arrangement signed",
        body='They signed.\n\nA "second" paragraph, with a comma.',
        date=FuzzyDate.day(D(2021, 9, 6)),
        source_document="000_seed.txt",
        source_paragraph=12,
    )
    make_milestone(date=FuzzyDate.month(2021, 9))
    make_milestone(date=FuzzyDate.year(2022))
    make_milestone(date=FuzzyDate.between(D(2021, 3, 1), D(2021, 9, 30)))
    make_milestone(date=FuzzyDate.unknown())
    api = client.get("/api/milestones/").json()["results"]
    expected = [
        {
            **{column: as_cell(result[column]) for column in MILESTONE_COLUMNS[:7]},
            "source_document": as_cell(result["source"]["document"]),
            "source_paragraph": as_cell(result["source"]["paragraph"]),
            "source_url": as_cell(result["source"]["url"]),
            "source_citation": as_cell(result["source"]["citation"]),
            "date_basis": as_cell(result["date_basis"]),
            "language": result["language"],
        }
        for result in api
    ]
    assert csv_rows(client, "/api/milestones.csv") == expected
    assert len(expected) == 5


def test_milestones_csv_never_includes_drafts_or_scheduled(client):
    """Published ones only."""
    make_milestone(title="Visible")
    make_milestone(title="Draft", published=False)
    make_milestone(title="Scheduled", published_at=tomorrow())
    assert [row["title"] for row in csv_rows(client, "/api/milestones.csv")] == ["Visible"]


# Meetings CSV ------------------------------------------------------------------------


def test_meetings_csv_is_an_attachment_with_the_documented_columns(client):
    """meetings.csv: UTF-8 with BOM, and the documented header."""
    response, content = download(client, "/api/meetings.csv")
    assert response["Content-Disposition"] == 'attachment; filename="meetings.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert content.startswith(BOM)
    header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert header == list(MEETING_COLUMNS)
    assert header[:3] == ["meeting_title", "meeting_slug", "meeting_url"]
    assert header[-6:] == [
        "post",
        "side",
        "source_url",
        "source_citation",
        "date_basis",
        "language",
    ]


def expected_meeting_rows(api_results) -> list[dict]:
    """The rows the CSV should have, built from /api/meetings/."""
    rows = []
    for meeting in api_results:
        columns = {
            "meeting_title": meeting["title"],
            "meeting_slug": meeting["slug"],
            "meeting_url": meeting["url"],
            **{key: as_cell(meeting[key]) for key in ("series", "number", "date")},
            **{key: meeting[key] for key in ("date_precision", "date_display", "place", "mode")},
        }
        for attendee in meeting["attendees"] or [None]:
            person = (attendee or {}).get("person") or {}
            organisation = (attendee or {}).get("organisation") or {}
            attendance = attendee or {}
            rows.append(
                {
                    **columns,
                    "role": attendance.get("role", ""),
                    "person_honorific": person.get("honorific", ""),
                    "person_name": person.get("name", ""),
                    "person_url": person.get("url", ""),
                    "organisation_name": organisation.get("name", ""),
                    "organisation_abbreviation": organisation.get("abbreviation", ""),
                    "organisation_url": organisation.get("url", ""),
                    "post": attendance.get("post", ""),
                    "side": attendance.get("side", ""),
                    "source_url": as_cell(meeting["source"]["url"]),
                    "source_citation": as_cell(meeting["source"]["citation"]),
                    "date_basis": as_cell(meeting["date_basis"]),
                    "language": meeting["language"],
                }
            )
    return rows


def test_meetings_csv_has_one_row_per_attendance_matching_the_api(client):
    """Each attendance is a row with its meeting's columns repeated, in the API's order
    (newest meeting first; co-chairs, attendees, representatives, briefers)."""
    make_attended_meeting(date=FuzzyDate.day(D(2024, 8, 30)), people=2, organisations=2)
    make_attended_meeting(date=FuzzyDate.month(2023, 5), people=1, organisations=1)
    api = client.get("/api/meetings/").json()["results"]
    rows = csv_rows(client, "/api/meetings.csv")
    assert rows == expected_meeting_rows(api)
    assert len(rows) == (2 + 2 + 2 + 1) + (2 + 1 + 1 + 1)
    assert rows[0]["role"] == "co-chair" and rows[-1]["role"] == "briefer"


def test_meeting_without_attendees_still_has_one_row(client):
    """A meeting nobody is recorded at: one row, its attendance columns empty."""
    make_meeting(title="Nobody recorded", series=None, number=None, date=FuzzyDate.unknown())
    [row] = csv_rows(client, "/api/meetings.csv")
    assert row["meeting_title"] == "Nobody recorded"
    assert row["date"] == "" and row["date_display"] == "date to be confirmed"
    assert all(row[column] == "" for column in MEETING_COLUMNS[10:-1])  # source, basis: none
    assert row["language"] == "en"
    assert [row] == expected_meeting_rows(client.get("/api/meetings/").json()["results"])


def test_meetings_csv_never_includes_drafts_or_scheduled(client):
    """Published meetings only, and none of a draft's attendances."""
    make_attended_meeting(title="Visible")
    make_attended_meeting(title="Draft", published=False)
    make_attended_meeting(title="Scheduled", published_at=tomorrow())
    assert {row["meeting_title"] for row in csv_rows(client, "/api/meetings.csv")} == {"Visible"}


# Both CSVs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+41 22", "'+41 22"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Plain text = fine", "Plain text = fine"),
        ("2021-03/2021-09", "2021-03/2021-09"),
        ("", ""),
        (None, ""),
        (12, 12),
    ],
)
def test_csv_cells_that_would_start_a_formula_get_an_apostrophe(value, safe):
    """= + - @ (and tab, carriage return) at the start of text are neutralised; the rest
    is kept as it is."""
    assert csv_cell(value) == safe


def test_csv_downloads_neutralise_formulas_from_the_data(client):
    """An editor's text that looks like a formula reaches the spreadsheet as text."""
    make_milestone(title="=cmd|' /C calc'!A0", body="-1 budget cut", source_document="@seed")
    meeting = make_meeting(title="+meeting", place="=Shenzhen")
    make_attendance(meeting, person=make_person(name="@someone"), post="-Secretary")
    [milestone] = csv_rows(client, "/api/milestones.csv")
    assert milestone["title"] == "'=cmd|' /C calc'!A0"
    assert milestone["body"] == "'-1 budget cut"
    assert milestone["source_document"] == "'@seed"
    [row] = csv_rows(client, "/api/meetings.csv")
    assert (row["meeting_title"], row["place"], row["person_name"], row["post"]) == (
        "'+meeting",
        "'=Shenzhen",
        "'@someone",
        "'-Secretary",
    )


@pytest.mark.parametrize("url", ["/api/milestones.csv", "/api/meetings.csv"])
def test_csv_is_streamed_and_read_only_while_streaming(client, url, django_assert_num_queries):
    """A StreamingHttpResponse: no row is read before the response starts, and the rows
    come from one query however many there are."""
    titles = {"milestones": set(), "meetings": set()}
    for _ in range(3):
        titles["milestones"].add(make_milestone().title)
        titles["meetings"].add(make_attended_meeting()[0].title)
    with django_assert_num_queries(0):
        response = client.get(url)
    assert isinstance(response, StreamingHttpResponse) and response.streaming
    with django_assert_num_queries(CSV_QUERIES):
        content = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert csv_titles(content, url) == titles["milestones" if "milestones" in url else "meetings"]


@pytest.mark.parametrize("url", ["/api/milestones.csv", "/api/meetings.csv"])
def test_csv_query_count_is_fixed(client, url, django_assert_num_queries):
    """One query for two items, and for twelve."""
    titles = {"milestones": set(), "meetings": set()}
    for count in (2, 10):
        for _ in range(count):
            titles["milestones"].add(make_milestone().title)
            titles["meetings"].add(make_attended_meeting(people=1, organisations=1)[0].title)
        with django_assert_num_queries(CSV_QUERIES):
            _response, content = download(client, url)
        made = titles["milestones" if "milestones" in url else "meetings"]
        assert csv_titles(content, url) == made


def test_large_csv_is_sent_in_several_chunks(client):
    """A large download is written as it is read, a few kilobytes at a time."""
    for n in range(60):
        make_milestone(body=f"Paragraph {n}. " + "The park grows. " * 30)
    response = client.get("/api/milestones.csv")
    chunks = list(response.streaming_content)
    assert len(chunks) > 1
    assert chunks[0].startswith(BOM) and not chunks[1].startswith(BOM)
    assert len(list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))) == 61


# timeline.json -----------------------------------------------------------------------


def timeline(client, query: str = "") -> dict:
    response = client.get("/api/timeline.json" + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def event_for(client, slug: str) -> dict:
    return {event["unique_id"]: event for event in timeline(client)["events"]}[slug]


def test_timeline_has_a_title_slide_and_one_event_per_dated_milestone(client):
    """TimelineJS3's shape: a title with headline and text, then the events, oldest first."""
    make_milestone(slug="later", date=FuzzyDate.day(D(2021, 9, 6)))
    make_milestone(slug="earlier", date=FuzzyDate.year(2017))
    data = timeline(client)
    assert set(data) == {"title", "events", "eras"}
    assert data["title"]["text"]["headline"] and data["title"]["text"]["text"]
    assert [event["unique_id"] for event in data["events"]] == ["earlier", "later"]


def test_timeline_event_for_a_day(client):
    """A day gives year, month and day, as numbers, with the date as written."""
    make_milestone(
        slug="arrangement",
        title="Arrangement signed",
        body="They signed.",
        date=FuzzyDate.day(D(2021, 9, 6)),
    )
    event = event_for(client, "arrangement")
    assert event["start_date"] == {
        "year": 2021,
        "month": 9,
        "day": 6,
        "display_date": "6 September 2021",
    }
    assert "end_date" not in event
    assert event["display_date"] == "6 September 2021"
    assert event["text"]["headline"] == "Arrangement signed"
    assert "<p>They signed.</p>" in event["text"]["text"]
    assert 'href="http://testserver/milestones/arrangement/"' in event["text"]["text"]
    assert event["date"] == "2021-09-06"
    assert "group" not in event  # one row a year wasted the navigator: eras band the years
    assert "media" not in event


def test_timeline_event_for_a_month_has_no_day(client):
    """A month gives year and month only."""
    make_milestone(slug="month", date=FuzzyDate.month(2017, 10))
    assert event_for(client, "month")["start_date"] == {
        "year": 2017,
        "month": 10,
        "display_date": "October 2017",
    }


def test_timeline_event_for_a_year_has_only_the_year(client):
    """A year gives the year only."""
    make_milestone(slug="year", date=FuzzyDate.year(2022))
    event = event_for(client, "year")
    assert event["start_date"] == {"year": 2022, "display_date": "2022"}
    assert "end_date" not in event and event["date"] == "2022"


@pytest.mark.parametrize(
    ("start", "end", "start_date", "edtf", "display"),
    [
        (
            D(2023, 10, 25),
            D(2023, 12, 6),
            {"year": 2023, "month": 10, "day": 25},
            "[2023-10-25..2023-12-06]",
            "between 25 October and 6 December 2023",
        ),
        (
            D(2021, 3, 1),
            D(2021, 9, 30),
            {"year": 2021, "month": 3},
            "[2021-03..2021-09]",
            "between March and September 2021",
        ),
        (
            D(2019, 1, 1),
            D(2020, 12, 31),
            {"year": 2019},
            "[2019..2020]",
            "between 2019 and 2020",
        ),
    ],
    ids=["days", "months", "years"],
)
def test_timeline_event_for_a_range_is_one_day_between_not_a_span(
    client, start, end, start_date, edtf, display
):
    """A range ("some day between") sits at its first possible date, as precise as the
    range, with no end_date (TimelineJS would draw an event lasting the whole interval);
    its display date says "between", its EDTF is one-of-a-set."""
    make_milestone(slug="range", date=FuzzyDate.between(start, end))
    event = event_for(client, "range")
    assert event["start_date"] == {**start_date, "display_date": display}  # a place, not a date
    assert "end_date" not in event
    assert (event["date"], event["display_date"]) == (edtf, display)


def test_timeline_takes_the_timelines_filters(client):
    """The visual timeline shows what the list shows: ?year=, ?q=, ?precision= narrow it;
    ?order= is ignored (a timeline runs oldest first); a wrong value is a 400."""
    make_milestone(slug="a", title="Loop handed over", date=FuzzyDate.day(D(2021, 9, 6)))
    make_milestone(slug="b", title="Plan", date=FuzzyDate.month(2021, 1))
    make_milestone(slug="c", title="Loop memorandum", date=FuzzyDate.year(2017))

    def slugs(query):
        return [event["unique_id"] for event in timeline(client, query)["events"]]

    assert slugs("?year=2021") == ["b", "a"]
    assert slugs("?q=loop&order=-oldest") == ["c", "a"]
    assert slugs("?precision=month") == ["b"]
    response = client.get("/api/timeline.json?year=nineteen")
    assert response.status_code == 400
    assert "year" in response.json()["errors"]


def test_timeline_eras_band_the_years_with_milestones(client):
    """The navigator's bands: one era a year that has milestones, in order, labelled."""
    make_milestone(slug="a", date=FuzzyDate.day(D(2021, 9, 6)))
    make_milestone(slug="b", date=FuzzyDate.month(2017, 1))
    make_milestone(slug="c", date=FuzzyDate.year(2021))
    eras = timeline(client)["eras"]
    assert [era["text"]["headline"] for era in eras] == ["2017", "2021"]
    assert eras[0]["start_date"] == {"year": 2017, "month": 1, "day": 1}
    assert eras[0]["end_date"] == {"year": 2017, "month": 12, "day": 31}


def test_timeline_leaves_out_undated_drafts_and_scheduled_milestones(client):
    """Only published, dated milestones have a place on the timeline."""
    make_milestone(slug="visible")
    make_milestone(slug="undated", date=FuzzyDate.unknown())
    make_milestone(slug="draft", published=False)
    make_milestone(slug="scheduled", published_at=tomorrow())
    assert [event["unique_id"] for event in timeline(client)["events"]] == ["visible"]


def test_timeline_event_shows_the_lead_image(client):
    """With a lead image: its medium rendition's absolute URL, caption, credit and alt."""
    picture = make_picture(name="loop.jpg", caption="Site formation works", credit="CEDD", **LOOP)
    make_milestone(slug="with-picture", lead_image=picture)
    media = event_for(client, "with-picture")["media"]
    assert media["url"] == f"http://testserver{picture.medium.url}"
    assert media["url"].endswith(".webp") and "800w" in media["url"]
    assert media["thumbnail"] == f"http://testserver{picture.thumbnail.url}"
    assert (media["caption"], media["credit"], media["alt"]) == (
        "Site formation works",
        "CEDD",
        "The Loop from the air",
    )


def test_timeline_text_is_escaped(client):
    """Titles and bodies are text, not markup, in the HTML TimelineJS shows."""
    make_milestone(slug="tricky", title="A <b>bold</b> claim", body="x < y & <script>")
    event = event_for(client, "tricky")
    assert event["text"]["headline"] == "A &lt;b&gt;bold&lt;/b&gt; claim"
    assert "<script>" not in event["text"]["text"]
    assert "x &lt; y &amp; &lt;script&gt;" in event["text"]["text"]


def test_timeline_query_count_is_fixed(client, django_assert_num_queries):
    """One query, lead images included, however many milestones."""
    slugs = [make_milestone(lead_image=make_picture(name="first.jpg", **LOOP)).slug]
    with django_assert_num_queries(TIMELINE_QUERIES):
        data = timeline(client)
    [event] = data["events"]
    assert event["unique_id"] == slugs[0] and event["media"]["alt"] == LOOP["alt_text"]
    for n in range(5):
        slugs.append(make_milestone(lead_image=make_picture(name=f"more{n}.jpg", **LOOP)).slug)
        slugs.append(make_milestone().slug)
    with django_assert_num_queries(TIMELINE_QUERIES):
        data = timeline(client)
        assert len(data["events"]) == 11
    assert {event["unique_id"] for event in data["events"]} == set(slugs)
    assert sum("media" in event for event in data["events"]) == 6
