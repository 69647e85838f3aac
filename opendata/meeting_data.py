"""Meetings as open data: the API's JSON, and one CSV row per attendance with the meeting's
columns repeated.

The rows come from a single query (meetings LEFT JOIN their attendances, people and
organisations) read with `.iterator()`, so memory stays flat however large the data set; a
meeting without attendees still has its row. Values are those /api/meetings/ gives.
"""

from django.db.models import Case, F, Value, When
from django.urls import reverse

from meetings.models import NEWEST_FIRST, Meeting, Role
from publishing.dating import FuzzyDate


def _person_json(person, request):
    if person is None:
        return None
    url = request.build_absolute_uri(person.get_absolute_url())
    return {"name": person.name, "honorific": person.honorific, "url": url}


def _organisation_json(organisation, request):
    if organisation is None:
        return None
    url = request.build_absolute_uri(organisation.get_absolute_url())
    return {"name": organisation.name, "abbreviation": organisation.abbreviation, "url": url}


def meeting_json(meeting: Meeting, request) -> dict:
    return {
        "title": meeting.title,
        "slug": meeting.slug,
        "url": request.build_absolute_uri(meeting.get_absolute_url()),
        "series": meeting.series.name if meeting.series else None,
        "number": meeting.number,
        "date": meeting.date_edtf,
        "date_precision": meeting.date_precision,
        "date_display": meeting.date_display,
        "place": meeting.place,
        "mode": meeting.mode,
        "attendees": [
            {
                "person": _person_json(a.person, request),
                "organisation": _organisation_json(a.organisation, request),
                "post": a.post,
                "role": a.role,
                "side": a.side,
            }
            for a in meeting.attendances.all()
        ],
    }


CSV_COLUMNS = (
    "meeting_title",
    "meeting_slug",
    "meeting_url",
    "series",
    "number",
    "date",
    "date_precision",
    "date_display",
    "place",
    "mode",
    "role",
    "person_honorific",
    "person_name",
    "person_url",
    "organisation_name",
    "organisation_abbreviation",
    "organisation_url",
    "post",
    "side",
)

MEETING_FIELDS = (
    "pk",
    "title",
    "slug",
    "series__name",
    "number",
    "date_precision",
    "date_start",
    "date_end",
    "place",
    "mode",
)
ATTENDANCE_FIELDS = (
    "attendances__role",
    "attendances__person__honorific",
    "attendances__person__name",
    "attendances__person__slug",
    "attendances__organisation__name",
    "attendances__organisation__abbreviation",
    "attendances__organisation__slug",
    "attendances__post",
    "attendances__side",
)

# Attendances in the order of the meeting's page and the API (Attendance.Meta.ordering).
ATTENDANCE_ORDER = (
    Case(
        When(attendances__role=Role.CO_CHAIR, then=Value(0)),
        When(attendances__role=Role.ATTENDEE, then=Value(1)),
        When(attendances__role=Role.REPRESENTATIVE, then=Value(2)),
        default=Value(3),
    ),
    F("attendances__side"),
    F("attendances__position"),
    F("attendances__pk"),
)


def attendance_rows(meetings):
    """`meetings` (published, in any order) as one flat row per attendance, newest meeting
    first, streamed from one query."""
    return (
        meetings.order_by(*NEWEST_FIRST, *ATTENDANCE_ORDER)
        .values(*MEETING_FIELDS, *ATTENDANCE_FIELDS)
        .iterator(chunk_size=2000)
    )


def _url(request, name: str, slug: str | None) -> str | None:
    if not slug:
        return None
    return request.build_absolute_uri(reverse(name, kwargs={"slug": slug}))


def csv_rows(meetings, request):
    """The CSV rows (without the header) of `meetings`, one per attendance."""
    meeting_pk, meeting_columns = None, []
    for row in attendance_rows(meetings):
        if row["pk"] != meeting_pk:  # rows of one meeting are consecutive
            meeting_pk = row["pk"]
            date = FuzzyDate(row["date_precision"], row["date_start"], row["date_end"])
            meeting_columns = [
                row["title"],
                row["slug"],
                _url(request, "meetings:detail", row["slug"]),
                row["series__name"],
                row["number"],
                date.edtf,
                row["date_precision"],
                date.display,
                row["place"],
                row["mode"],
            ]
        yield [
            *meeting_columns,
            row["attendances__role"],
            row["attendances__person__honorific"],
            row["attendances__person__name"],
            _url(request, "meetings:person", row["attendances__person__slug"]),
            row["attendances__organisation__name"],
            row["attendances__organisation__abbreviation"],
            _url(request, "meetings:organisation", row["attendances__organisation__slug"]),
            row["attendances__post"],
            row["attendances__side"],
        ]
