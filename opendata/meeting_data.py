"""Meetings as open data: the API's JSON, and one CSV row per attendance with the meeting's
columns repeated.

The rows come from a single query (meetings LEFT JOIN their attendances, people and
organisations) read with `.iterator()`, so memory stays flat however large the data set; a
meeting without attendees still has its row. Values are those /api/meetings/ gives.
"""

from django.db.models import Case, F, Value, When
from django.urls import reverse

from meetings.models import (
    NEWEST_FIRST,
    Attendance,
    Meeting,
    MeetingSeries,
    Organization,
    Person,
    Role,
)
from publishing.dating import FuzzyDate
from translations.fields import with_translations
from translations.languages import ENGLISH, TEXT_TAG
from translations.text import localized_value


def _person_json(person, request):
    if person is None:
        return None
    url = request.build_absolute_uri(person.get_absolute_url())
    name = person.local.name
    honorific = _same_language(person.local.honorific, name, person.honorific)
    return {"name": name, "honorific": honorific, "language": TEXT_TAG[name.language], "url": url}


def _organisation_json(organisation, request):
    if organisation is None:
        return None
    url = request.build_absolute_uri(organisation.get_absolute_url())
    name = organisation.local.name
    abbreviation = _same_language(organisation.local.abbreviation, name, organisation.abbreviation)
    return {
        "name": name,
        "abbreviation": abbreviation,
        "language": TEXT_TAG[name.language],
        "url": url,
    }


def meeting_json(meeting: Meeting, request) -> dict:
    """A meeting in the active language (?lang=; English where no translation exists):
    `language` says which one its title is in, and each person's and body's theirs."""
    title = meeting.local.title
    return {
        "title": title,
        "language": TEXT_TAG[title.language],
        "slug": meeting.slug,
        "url": request.build_absolute_uri(meeting.get_absolute_url()),
        "series": meeting.series.local.name if meeting.series else None,
        "number": meeting.number,
        "date": meeting.date_edtf,
        "date_precision": meeting.date_precision,
        "date_display": meeting.date_display,
        "date_basis": meeting.local.date_basis or None,
        "place": meeting.local.place,
        "mode": meeting.mode,
        "source": {
            "document": meeting.source_document or None,
            "paragraph": None,  # a release is cited whole
            "url": meeting.source_url or None,
            "citation": meeting.local.citation or None,
        },
        "attendees": [
            {
                "person": _person_json(a.person, request),
                "organisation": _organisation_json(a.organisation, request),
                "post": a.local.post,
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
    # Added in issue 15 and 14, after the columns before them, which keep their places.
    "source_url",
    "source_citation",
    "date_basis",
    "language",  # of the meeting's title
)

# The columns read, each translated one with its translations (localized_value).
MEETING_FIELDS = (
    "pk",
    *with_translations(Meeting, ["title"]),
    "slug",
    *(f"series__{f}" for f in with_translations(MeetingSeries, ["name"])),
    "number",
    "date_precision",
    "date_start",
    "date_end",
    *with_translations(Meeting, ["place"]),
    "mode",
    "source_url",
    *with_translations(Meeting, ["citation", "date_basis"]),
)
ATTENDANCE_FIELDS = (
    "attendances__role",
    *(f"attendances__person__{f}" for f in with_translations(Person, ["honorific", "name"])),
    "attendances__person__slug",
    *(
        f"attendances__organisation__{f}"
        for f in with_translations(Organization, ["name", "abbreviation"])
    ),
    "attendances__organisation__slug",
    *(f"attendances__{f}" for f in with_translations(Attendance, ["post"])),
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
            title = localized_value(row, "title")
            meeting_columns = [
                title,
                row["slug"],
                _url(request, "meetings:detail", row["slug"]),
                localized_value(row, "series__name"),
                row["number"],
                date.edtf,
                row["date_precision"],
                date.display,
                localized_value(row, "place"),
                row["mode"],
            ]
        person = localized_value(row, "attendances__person__name")
        honorific = localized_value(row, "attendances__person__honorific")
        organisation = localized_value(row, "attendances__organisation__name")
        abbreviation = localized_value(row, "attendances__organisation__abbreviation")
        yield [
            *meeting_columns,
            row["attendances__role"],
            _same_language(honorific, person, row["attendances__person__honorific"]),
            person,
            _url(request, "meetings:person", row["attendances__person__slug"]),
            organisation,
            _same_language(
                abbreviation, organisation, row["attendances__organisation__abbreviation"]
            ),
            _url(request, "meetings:organisation", row["attendances__organisation__slug"]),
            localized_value(row, "attendances__post"),
            row["attendances__side"],
            row["source_url"],
            localized_value(row, "citation"),
            localized_value(row, "date_basis"),
            TEXT_TAG[title.language],
        ]


def _same_language(part, name, english):
    """An honorific or abbreviation in its name's language: the English one beside an
    English name, nothing beside a Chinese name that has none of its own."""
    if part is None or name is None or part.language == name.language:
        return part
    return english if name.language == ENGLISH else ""
