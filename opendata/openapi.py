"""The OpenAPI 3.1 description of the open data under /api/, served at /api/openapi.json.

Built here and nowhere else, as plain dicts: one JSON Schema per thing the endpoints write
(opendata/milestone_data.py, opendata/meeting_data.py, opendata/json.py), every field with
its type, whether it may be null and what it means. Objects are closed
(`additionalProperties: false`) and list every field as required, so a field added to or
dropped from a response without its description here fails tests/test_openapi.py (which
also compares the documented fields with real responses' keys, and runs schemathesis
against a live server). Choices (precisions, roles, sides, modes, languages) are read from
the models' TextChoices, the CSV columns from the data modules, and the paths from the URL
names, so none of them is written twice.

The document is the same for every request (its server is the relative "/": the origin it
was read from), in English.
"""

from django.urls import reverse
from django.utils import translation

from meetings.models import Mode, Role, Side
from opendata import meeting_data, milestone_data
from publishing.dating import DatePrecision
from publishing.filters import FIRST_YEAR, LAST_YEAR
from publishing.text import MAX_QUERY_LENGTH
from translations.languages import ENGLISH, LANG_PARAMETER, TEXT_TAG

OPENAPI_VERSION = "3.1.0"
# The number of the issue that last changed a promise of the API (README.md, "Changed
# promises"): what a program may compare to know the description it holds is current.
API_VERSION = "17"
SCHEMAS = "#/components/schemas/"

# EDTF (ISO 8601-2) as the API writes dates: a day, a month or a year, or "some day between
# two dates" as one-of-a-set of two ends of the same granularity: never an interval
# ("2021-03/2021-09" would be an event lasting six months).
_YEAR = r"\d{4}"
_MONTH = _YEAR + r"-(?:0[1-9]|1[0-2])"
_DAY = _MONTH + r"-(?:0[1-9]|[12]\d|3[01])"
DATE_PATTERN = (
    f"^(?:{_DAY}|{_MONTH}|{_YEAR}"
    + "".join(rf"|\[{end}\.\.{end}\]" for end in (_DAY, _MONTH, _YEAR))
    + ")$"
)
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"


# Building blocks ------------------------------------------------------------------------


def _ref(name: str) -> dict:
    return {"$ref": SCHEMAS + name}


def _nullable(schema: dict, description: str) -> dict:
    """`schema` or null (a $ref cannot take `type: [..., "null"]`)."""
    return {"description": description, "anyOf": [schema, {"type": "null"}]}


def _string(description: str, *, nullable: bool = False, **extra) -> dict:
    return {
        "type": ["string", "null"] if nullable else "string",
        "description": description,
        **extra,
    }


def _uri(description: str, *, nullable: bool = False) -> dict:
    return _string(description, nullable=nullable, format="uri")


def _choice(choices, description: str) -> dict:
    """One of a TextChoices' values (the empty one included where the model allows it)."""
    return {
        "type": "string",
        "enum": [choice.value for choice in choices],
        "description": description,
    }


def _object(description: str, properties: dict, *, optional: tuple[str, ...] = ()) -> dict:
    """A closed object: every property but the `optional` ones is always there, and there
    are no others."""
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


# What the endpoints write -----------------------------------------------------------------

DATE = {
    "type": ["string", "null"],
    "pattern": DATE_PATTERN,
    "description": (
        "The date in EDTF (ISO 8601-2), as precise as it is known and no more: a day "
        "(`2021-09-06`), a month (`2021-09`) or a year (`2021`); a date known only to lie "
        "between two others as EDTF's one-of-a-set, some day from the first to the last, "
        "both ends as precise as each other (`[2021-03..2021-09]`, `[2019..2021]`, "
        "`[2021-03-01..2021-09-06]`); null when it is not known (`date_precision` "
        "`unknown`)."
    ),
    "examples": ["2021-09-06", "2021-09", "2021", "[2021-03..2021-09]", None],
}

DATE_FIELDS = {
    "date": _ref("Date"),
    "date_precision": _choice(
        DatePrecision,
        "How precisely the date is known: `day`, `month`, `year`, `range` (some day between "
        "two dates) or `unknown`.",
    ),
    "date_display": _string(
        "The date as people write it, in the language asked for (`6 September 2021`, "
        "`between March and September 2021`, `date to be confirmed`)."
    ),
    "date_basis": _string(
        "Why a date is a range (what the record says), in the language asked for; null when "
        "nothing is said.",
        nullable=True,
    ),
}

LANGUAGE = {
    "type": "string",
    "enum": list(TEXT_TAG.values()),
    "description": (
        "The language the text is written in (BCP 47): the one asked for with `lang`, or "
        "`en` where no text is written in it."
    ),
}


def _source(paragraph: dict) -> dict:
    return _object(
        "Where the item was recorded from: provenance for programs, and the citation readers "
        "are shown.",
        {
            "document": _string(
                "The seed document it was imported from; null if it was entered by hand.",
                nullable=True,
            ),
            "paragraph": paragraph,
            "url": _uri("The address of the source, where one is known.", nullable=True),
            "citation": _string(
                "The source as readers are shown it, in the language asked for.", nullable=True
            ),
        },
    )


MILESTONE = _object(
    "A published milestone of the park's history, in the language asked for (`lang`).",
    {
        "title": _string("What happened, in the language asked for (English where none is)."),
        "language": _ref("Language"),
        "slug": _string(
            "Its identifier, the last part of its page's address.", pattern=SLUG_PATTERN
        ),
        "url": _uri("Its page, in the language asked for."),
        **DATE_FIELDS,
        "body": _string("The account of it, plain text with blank lines between paragraphs."),
        "source": _source(
            {
                "type": ["integer", "null"],
                "minimum": 0,
                "description": "The number of the seed document's paragraph it was read from; "
                "null if it was entered by hand.",
            }
        ),
    },
)

PERSON = _object(
    "A person, named in the language asked for.",
    {
        "name": _string(
            "Their name (in English where no name in the language asked for is written)."
        ),
        "honorific": _string(
            "Their honorific in the language of `name` (`Professor`, `Mr`; in Chinese after the "
            "name); empty when none is written in it."
        ),
        "language": _ref("Language"),
        "url": _uri("Their page: the meetings they attended and the posts they held."),
    },
)

ORGANISATION = _object(
    "A body (a bureau, a department, a company), named in the language asked for.",
    {
        "name": _string(
            "Its name (in English where no name in the language asked for is written)."
        ),
        "abbreviation": _string(
            "Its abbreviation in the language of `name` (`HSITPL`); empty when it has none in it."
        ),
        "language": _ref("Language"),
        "url": _uri("Its page: the meetings it attended."),
    },
)

ATTENDEE = _object(
    "One attendance at a meeting: a person, a body, or a person for a body.",
    {
        "person": _nullable(_ref("Person"), "The person who attended; null for a body alone."),
        "organisation": _nullable(
            _ref("Organisation"), "The body that attended or was represented; null if none."
        ),
        "post": _string("The post the person held at the time; empty when not stated."),
        "role": _choice(
            Role,
            "`co-chair`, `attendee`, `representative` (of a body) or `briefer` (a body that "
            "briefed the meeting).",
        ),
        "side": _choice(Side, "Whose delegation they were in; empty when not stated."),
    },
)

MEETING = _object(
    "A published meeting, in the language asked for (`lang`), with its attendees in the "
    "order of its page: co-chairs, attendees, representatives, briefers, each by side.",
    {
        "title": _string("The meeting's title, in the language asked for (English where none is)."),
        "language": _ref("Language"),
        "slug": _string(
            "Its identifier, the last part of its page's address.", pattern=SLUG_PATTERN
        ),
        "url": _uri("Its page, in the language asked for."),
        "series": _string(
            "The name of the body that met (its series); null if none.", nullable=True
        ),
        "number": {
            "type": ["integer", "null"],
            "minimum": 0,
            "description": "The meeting's number in its series (11 for the 11th); null if none.",
        },
        **DATE_FIELDS,
        "place": _string("Where it was held, in the language asked for; empty when not stated."),
        "mode": _choice(
            Mode, "`in_person` or `video` (a video conference); empty when not stated."
        ),
        "source": _source(
            {"type": "null", "description": "Always null: a release is cited whole."}
        ),
        "attendees": {"type": "array", "items": _ref("Attendee"), "description": "Who attended."},
    },
)


def _page(item: str, page_size: int) -> dict:
    return _object(
        f"One page of {page_size} at most, and the links to the pages beside it.",
        {
            "count": {
                "type": "integer",
                "minimum": 0,
                "description": "How many items match the filters, on all pages together.",
            },
            "next": _uri(
                "The next page, with the same filters; null on the last page.", nullable=True
            ),
            "previous": _uri(
                "The previous page, with the same filters; null on the first.", nullable=True
            ),
            "results": {
                "type": "array",
                "items": _ref(item),
                "maxItems": page_size,
                "description": "The items of this page; empty past the last page.",
            },
        },
    )


ERRORS = _object(
    "What is wrong with the query: each parameter that is, with its reasons.",
    {
        "errors": {
            "type": "object",
            "description": "Parameter name (`lang`, `year`, …) → its errors.",
            "minProperties": 1,
            "additionalProperties": {
                "type": "array",
                "minItems": 1,
                "items": _object(
                    "One reason.",
                    {
                        "message": _string("What is wrong, for people."),
                        "code": _string(
                            "What is wrong, for programs (`invalid_choice`, `min_value`)."
                        ),
                    },
                ),
            },
        }
    },
)

ENDPOINT = _object(
    "An open-data endpoint.",
    {
        "url": _uri("Its absolute address (in a Chinese index, the API's with its `lang`)."),
        "format": _string("What it is written in (`JSON`, `CSV`, `RSS 2.0`, `iCalendar`…)."),
        "description": _string("What it holds, in the index's language."),
    },
)

TIMELINE_TEXT = _object(
    "A slide's text, as HTML (escaped: safe to insert).",
    {
        "headline": _string("The title, HTML."),
        "text": _string("The body, HTML paragraphs, ending with a link to the item's page."),
    },
)

TIMELINE_DATE = _object(
    "A TimelineJS date: only the parts the date's precision provides.",
    {
        "year": {"type": "integer", "description": "The year."},
        "month": {
            "type": "integer",
            "minimum": 1,
            "maximum": 12,
            "description": "The month, if known.",
        },
        "day": {
            "type": "integer",
            "minimum": 1,
            "maximum": 31,
            "description": "The day, if known.",
        },
        "display_date": _string("The date as people write it."),
    },
    optional=("month", "day"),
)

TIMELINE_EVENT = _object(
    "One dated milestone.",
    {
        "start_date": {
            "allOf": [_ref("TimelineDate")],
            "description": "Where it sits: its date, or a range's first possible day, as "
            "precise as the date (a range of months gives a month). No event has an "
            "`end_date`: TimelineJS would draw it as lasting the whole range.",
        },
        "date": {
            "allOf": [_ref("Date")],
            "type": "string",
            "description": "Its date in EDTF, as `date` in /api/milestones/ (never null here).",
        },
        "display_date": _string("The whole date as people write it (`date_display` in the API)."),
        "text": _ref("TimelineText"),
        "unique_id": _string("The milestone's slug.", pattern=SLUG_PATTERN),
        "media": _object(
            "The milestone's lead image, where it has one.",
            {
                "url": _uri("The medium rendition."),
                "thumbnail": _uri("The thumbnail rendition."),
                "caption": _string("The caption, in the language asked for; may be empty."),
                "credit": _string("The credit, in the language asked for; may be empty."),
                "alt": _string("The alternative text; empty for a decorative picture."),
            },
        ),
    },
    optional=("media",),
)

_ERA_DAY = _object(
    "A day, in full.",
    {
        "year": {"type": "integer", "description": "The year."},
        "month": {"type": "integer", "minimum": 1, "maximum": 12, "description": "The month."},
        "day": {"type": "integer", "minimum": 1, "maximum": 31, "description": "The day."},
    },
)

TIMELINE_ERA = _object(
    "A year that has milestones: one of the navigator's bands.",
    {
        "start_date": {"allOf": [_ERA_DAY], "description": "1 January of the year."},
        "end_date": {"allOf": [_ERA_DAY], "description": "31 December of the year."},
        "text": _object("Its label.", {"headline": _string("The year.", pattern=r"^\d{4}$")}),
    },
)

TIMELINE = _object(
    "The dated published milestones, oldest first, in TimelineJS3's JSON format "
    "(https://timeline.knightlab.com/docs/json-format.html).",
    {
        "title": _object("The title slide.", {"text": _ref("TimelineText")}),
        "events": {
            "type": "array",
            "items": _ref("TimelineEvent"),
            "description": "One a milestone.",
        },
        "eras": {
            "type": "array",
            "items": _ref("TimelineEra"),
            "description": "One a year that has milestones, in order.",
        },
    },
)

OPENAPI_DOCUMENT = {
    "type": "object",
    "description": "An OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0).",
    "required": ["openapi", "info", "paths"],
    "properties": {
        "openapi": {
            "type": "string",
            "const": OPENAPI_VERSION,
            "description": "The version of OpenAPI it is written in.",
        }
    },
}


# Parameters ------------------------------------------------------------------------------


def _query(name: str, description: str, schema: dict) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _year(name: str, description: str) -> dict:
    return _query(
        name,
        f"{description} ({FIRST_YEAR} to {LAST_YEAR}; any other value is a 400).",
        {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
    )


PARAMETERS = {
    "lang": _query(
        "lang",
        "The language of the texts and of the pages' addresses: `en` (the default), `zh-hant` "
        "(Traditional Chinese) or `zh-hans` (Simplified Chinese), in any case; English where "
        "no text is written in it (each item's `language` says). Any other value is a 400.",
        {"type": "string", "enum": list(LANG_PARAMETER), "default": ENGLISH},
    ),
    "page": _query(
        "page",
        "The page, from 1. A page past the last, or a value that is not a page number, gives "
        "an empty `results` (with the `count`), not an error.",
        {"type": "integer", "minimum": 1, "default": 1},
    ),
    "year": _year("year", "Only items whose date starts in this year"),
    "year_from": _year("year_from", "Only items whose date starts in this year or later"),
    "year_to": _year("year_to", "Only items whose date starts in this year or earlier"),
    "q": _query(
        "q",
        "Words that must all occur in the title or body, in any language, ignoring case (a "
        f"Simplified Chinese word is also looked for in Traditional). At most {MAX_QUERY_LENGTH} "
        "characters; longer, or with a NUL character, is a 400.",
        {"type": "string", "maxLength": MAX_QUERY_LENGTH},
    ),
    "precision": _query(
        "precision",
        "Only milestones whose date is known to this precision (any other value is a 400).",
        {"type": "string", "enum": [choice.value for choice in DatePrecision]},
    ),
    "order": _query(
        "order",
        "`oldest` (the default: oldest first, undated last) or `-oldest` (newest first).",
        {"type": "string", "enum": ["oldest", "-oldest"], "default": "oldest"},
    ),
    "series": _query(
        "series",
        "Only the meetings of this series, by its slug (the end of /meetings/series/<slug>/). "
        "A slug with no published meeting is a 400.",
        {"type": "string", "pattern": SLUG_PATTERN},
    ),
    "place": _query(
        "place",
        "Only meetings held at this place, as written in any language, ignoring case "
        "(`Shenzhen`, `深圳`).",
        {"type": "string"},
    ),
    "mode": _query(
        "mode",
        "Only meetings held this way: `in_person` or `video` (any other value is a 400).",
        {"type": "string", "enum": [choice.value for choice in Mode if choice.value]},
    ),
    "organisation": _query(
        "organisation",
        "Only meetings this body attended, by its slug (the end of /organisations/<slug>/). A "
        "slug of no body at a published meeting is a 400.",
        {"type": "string", "pattern": SLUG_PATTERN},
    ),
    "format": _query(
        "format",
        "`json` gives the JSON list, any other value the page for people; without it, the "
        "`Accept` header decides (the page unless it prefers `application/json`).",
        {"type": "string", "enum": ["json", "html"]},
    ),
}

MILESTONE_FILTERS = ("q", "year", "year_from", "year_to", "precision", "order")
TIMELINE_FILTERS = tuple(name for name in MILESTONE_FILTERS if name != "order")
MEETING_FILTERS = ("year", "series", "place", "mode", "organisation")


def _parameters(*names: str) -> list[dict]:
    return [{"$ref": f"#/components/parameters/{name}"} for name in names]


# Responses -------------------------------------------------------------------------------

RESPONSES = {
    "BadRequest": {
        "description": (
            "A parameter has a value it does not take (an unknown `lang`, a year out of "
            "range, an unknown slug): nothing is listed, and `errors` says what is wrong."
        ),
        "content": _json(_ref("Errors")),
    },
    "NotFound": {
        "description": (
            "Not found: an address under /api/ other than those described here (a misspelt "
            "path) is answered with the site's page-not-found, for people (HTML). The lists "
            "never answer 404: a page past the last gives an empty `results`."
        ),
        "content": {"text/html": {"schema": {"type": "string"}}},
    },
}


def _csv(columns, description: str) -> dict:
    """A CSV download: its columns, in their order, are the data module's CSV_COLUMNS."""
    header = ",".join(columns)
    return {
        "description": (
            f"{description} UTF-8 with a byte-order mark (spreadsheets read Chinese), streamed, "
            "as an attachment. A cell that would start a formula (`=`, `+`, `-`, `@`, a tab or "
            "a carriage return) gets a leading `'`. Columns, in this order, under a header "
            f"row: {', '.join(f'`{column}`' for column in columns)}."
        ),
        "headers": {
            "Content-Disposition": {
                "description": "`attachment` with the file's name.",
                "schema": {"type": "string"},
            }
        },
        "content": {"text/csv": {"schema": {"type": "string"}, "example": header + "\r\n"}},
    }


def _get(operation_id: str, tag: str, summary: str, description: str, parameters, ok) -> dict:
    responses = {"200": ok}
    if "lang" in [p["$ref"].rsplit("/", 1)[-1] for p in parameters]:
        responses["400"] = {"$ref": "#/components/responses/BadRequest"}
    responses["404"] = {"$ref": "#/components/responses/NotFound"}
    return {
        "get": {
            "operationId": operation_id,
            "tags": [tag],
            "summary": summary,
            "description": description,
            "parameters": parameters,
            "responses": responses,
        }
    }


def _paths(milestone_page_size: int, meeting_page_size: int) -> dict:
    with translation.override(ENGLISH):  # the index's English address, /api/
        index, path = reverse("open-data"), {name: reverse(f"api:{name}") for name in PATHS}
    return {
        index: _get(
            "listEndpoints",
            "index",
            "The open-data endpoints",
            "Every open-data endpoint (these, the feeds, the calendar and the sitemap): a page "
            "for people, or JSON with `?format=json` or `Accept: application/json` (the "
            "response varies on `Accept`). In Chinese at /zh-hant/api/ and /zh-hans/api/. Its "
            '`Link` header points here (`rel="service-desc"`).',
            _parameters("format"),
            {
                "description": "The endpoints.",
                "content": {
                    "text/html": {"schema": {"type": "string"}},
                    "application/json": {"schema": {"type": "array", "items": _ref("Endpoint")}},
                },
            },
        ),
        path["milestones"]: _get(
            "listMilestones",
            "milestones",
            "Published milestones",
            f"Published milestones, oldest first (undated last), {milestone_page_size} a page, "
            "filtered as the timeline is.",
            _parameters(*MILESTONE_FILTERS, "page", "lang"),
            {"description": "A page of milestones.", "content": _json(_ref("MilestonePage"))},
        ),
        path["meetings"]: _get(
            "listMeetings",
            "meetings",
            "Published meetings",
            f"Published meetings with their attendees, newest first (undated last), "
            f"{meeting_page_size} a page, filtered as the meeting list is.",
            _parameters(*MEETING_FILTERS, "page", "lang"),
            {"description": "A page of meetings.", "content": _json(_ref("MeetingPage"))},
        ),
        path["milestones-csv"]: _get(
            "downloadMilestonesCSV",
            "milestones",
            "Every published milestone as CSV",
            "Every published milestone, oldest first, one a row: the values /api/milestones/ "
            "gives, `source` spread over the `source_` columns.",
            _parameters("lang"),
            _csv(milestone_data.CSV_COLUMNS, "One row a milestone."),
        ),
        path["meetings-csv"]: _get(
            "downloadMeetingsCSV",
            "meetings",
            "Every attendance at a published meeting as CSV",
            "One row per attendance at a published meeting, newest meeting first, with the "
            "meeting's columns repeated; a meeting without attendees has one row with the "
            "attendance's columns empty. The values /api/meetings/ gives.",
            _parameters("lang"),
            _csv(meeting_data.CSV_COLUMNS, "One row an attendance."),
        ),
        path["timeline"]: _get(
            "getTimeline",
            "milestones",
            "The timeline for TimelineJS3",
            "The dated published milestones, oldest first, as TimelineJS3 reads them, "
            "filtered as the timeline is (its order aside: a timeline runs oldest first).",
            _parameters(*TIMELINE_FILTERS, "lang"),
            {"description": "The timeline.", "content": _json(_ref("Timeline"))},
        ),
        path["openapi"]: _get(
            "getOpenAPI",
            "index",
            "This description",
            "This document: OpenAPI 3.1.",
            [],
            {"description": "The description.", "content": _json(_ref("OpenAPIDocument"))},
        ),
    }


# URL names in opendata/urls.py ("api:<name>") that the description covers: all of them.
PATHS = ("milestones", "meetings", "milestones-csv", "meetings-csv", "timeline", "openapi")


def openapi_document(*, milestone_page_size: int, meeting_page_size: int) -> dict:
    """The OpenAPI 3.1 description of /api/ (the page sizes are the views')."""
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "HSITP History open data",
            "version": API_VERSION,
            "summary": "The published history of the Hong Kong-Shenzhen Innovation and "
            "Technology Park: milestones and meetings.",
            "description": (
                "Only published items are included; drafts and scheduled items never are. "
                "Every endpoint answers GET and HEAD; answers come from the site's page cache "
                "(unless it is turned off) with a weak `ETag` and `Last-Modified` for "
                "conditional requests (`If-None-Match` gets a 304). They may be read from "
                "other sites: a request that sends `Origin` gets `Access-Control-Allow-Origin: "
                "*`. An address without its trailing slash (/api/milestones) is redirected "
                "(301) to the one with it. Texts are in the language `lang` asks for, English "
                "where none is written in it, and each item says which (`language`)."
            ),
        },
        "servers": [{"url": "/", "description": "The site this document was read from."}],
        "tags": [
            {"name": "index", "description": "What there is."},
            {"name": "milestones", "description": "The timeline's milestones."},
            {"name": "meetings", "description": "Meetings and who attended them."},
        ],
        "paths": _paths(milestone_page_size, meeting_page_size),
        "components": {
            "schemas": {
                "Date": DATE,
                "Language": LANGUAGE,
                "Milestone": MILESTONE,
                "MilestonePage": _page("Milestone", milestone_page_size),
                "Person": PERSON,
                "Organisation": ORGANISATION,
                "Attendee": ATTENDEE,
                "Meeting": MEETING,
                "MeetingPage": _page("Meeting", meeting_page_size),
                "Errors": ERRORS,
                "Endpoint": ENDPOINT,
                "Timeline": TIMELINE,
                "TimelineEvent": TIMELINE_EVENT,
                "TimelineDate": TIMELINE_DATE,
                "TimelineEra": TIMELINE_ERA,
                "TimelineText": TIMELINE_TEXT,
                "OpenAPIDocument": OPENAPI_DOCUMENT,
            },
            "parameters": PARAMETERS,
            "responses": RESPONSES,
        },
    }
