"""/api/openapi.json: an OpenAPI 3.1 description of every endpoint under /api/ that is valid
(openapi-spec-validator), linked from /api/, and true of the real responses: their fields
are the documented ones, and schemathesis's requests to a live server, generated from the
description (valid and invalid), get answers that it describes."""

import datetime as dt
import re

import pytest
import schemathesis
from django.urls import URLPattern, reverse
from hypothesis import HealthCheck, Phase, given, settings
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from meetings.filters import MeetingFilter
from meetings.models import Meeting, Role, Side
from milestones.filters import MilestoneFilter
from opendata import urls as api_urls
from opendata.meeting_data import CSV_COLUMNS as MEETING_COLUMNS
from opendata.milestone_data import CSV_COLUMNS as MILESTONE_COLUMNS
from opendata.openapi import DATE_PATTERN, MEETING_FILTERS, MILESTONE_FILTERS
from publishing.dating import FuzzyDate
from tests.factories import (
    make_attendance,
    make_attended_meeting,
    make_meeting,
    make_milestone,
    make_organisation,
    make_person,
    make_picture,
    make_series,
)

D = dt.date
OPENAPI_URL = "/api/openapi.json"
API_PATHS = [
    "/api/",
    "/api/milestones/",
    "/api/meetings/",
    "/api/milestones.csv",
    "/api/meetings.csv",
    "/api/timeline.json",
    "/api/openapi.json",
]
# What schemathesis checks of every answer: no server error, a documented status code and
# content type, the documented headers, and a body that the status's schema describes.
# (Not "valid data is accepted": a well-formed slug of no series is rightly a 400; nor
# "invalid data is rejected": ?page=abc is an empty page by design, as documented.)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Bounded and repeatable: few examples an operation, derandomised, no example database, no
# shrinking (a failure reports its first example), and a deadline far above a request's
# few milliseconds, so that only a hang trips it.
GENERATED = settings(
    max_examples=12,
    derandomize=True,
    database=None,
    deadline=dt.timedelta(seconds=5),
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    print_blob=False,
)


def schema_of(document: dict, name: str) -> dict:
    return document["components"]["schemas"][name]


def resolved(document: dict, schema: dict) -> dict:
    """`schema`, or the component it refers to (directly, through allOf, or anyOf null)."""
    if "$ref" in schema:
        return schema_of(document, schema["$ref"].rsplit("/", 1)[-1])
    for key in ("allOf", "anyOf"):
        if key in schema:
            return resolved(document, next(s for s in schema[key] if s.get("type") != "null"))
    return schema


def documented_fields(document: dict, schema: dict, value) -> list[str]:
    """The differences between `value`'s keys and `schema`'s properties, at every depth
    (dotted paths): an undocumented key (+), a documented required key missing (-)."""
    schema = resolved(document, schema)
    if isinstance(value, list):
        return [
            diff for item in value for diff in documented_fields(document, schema["items"], item)
        ]
    if not isinstance(value, dict):
        return []
    properties = schema.get("properties", {})
    others = schema.get("additionalProperties", False)  # a map: any key, values like this
    differences = [f"+{key}" for key in value if key not in properties and others is False]
    differences += [f"-{key}" for key in schema.get("required", []) if key not in value]
    for key, item in value.items():
        spec = properties.get(key, others)
        if spec:
            differences += [f"{key}.{diff}" for diff in documented_fields(document, spec, item)]
    return differences


def query_parameters(document: dict, path: str) -> list[str]:
    refs = document["paths"][path]["get"]["parameters"]
    return [
        document["components"]["parameters"][r["$ref"].rsplit("/", 1)[-1]]["name"] for r in refs
    ]


# The document -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_description_is_valid_openapi_3_1(client):
    """openapi-spec-validator finds /api/openapi.json a valid OpenAPI 3.1 document."""
    response = client.get(OPENAPI_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    assert document["openapi"] == "3.1.0"
    validate(document, cls=OpenAPIV31SpecValidator)
    assert list(OpenAPIV31SpecValidator(document).iter_errors()) == []


@pytest.mark.django_db
def test_every_endpoint_under_api_is_described(client):
    """Every URL of opendata/urls.py and the /api/ index, and nothing else, each with a
    200, a 404 and (where it takes parameters) a 400."""
    document = client.get(OPENAPI_URL).json()
    routes = ["/api/"] + [
        reverse(f"api:{pattern.name}")
        for pattern in api_urls.urlpatterns
        if isinstance(pattern, URLPattern)
    ]
    assert sorted(document["paths"]) == sorted(routes) == sorted(API_PATHS)
    for path, item in document["paths"].items():
        responses = item["get"]["responses"]
        expected = {"200", "404"} | (
            {"400"} if "lang" in query_parameters(document, path) else set()
        )
        assert set(responses) == expected, path
        assert item["get"]["description"] and item["get"]["operationId"], path


@pytest.mark.django_db
def test_every_field_has_a_type_and_a_description(client):
    """No property of a documented object is left unexplained."""
    document = client.get(OPENAPI_URL).json()
    undescribed = []

    def walk(where: str, schema: dict) -> None:
        for key in ("allOf", "anyOf"):
            for part in schema.get(key, []):
                walk(where, part)
        if "items" in schema:
            walk(f"{where}[]", schema["items"])
        for field, spec in schema.get("properties", {}).items():
            if not (spec.get("description") or resolved(document, spec).get("description")):
                undescribed.append(f"{where}.{field}")
            if not ({"type", "$ref", "allOf", "anyOf"} & set(spec)):
                undescribed.append(f"{where}.{field} (no type)")
            walk(f"{where}.{field}", spec)

    for name, schema in document["components"]["schemas"].items():
        walk(name, schema)
    assert undescribed == []
    for name, parameter in document["components"]["parameters"].items():
        assert parameter["description"] and parameter["schema"], name


@pytest.mark.django_db
def test_the_filters_documented_are_the_filters_the_lists_take(client):
    """The lists' parameters are their FilterSets' filters, `page` and `lang`: a filter
    added to the timeline or the meeting list without its description fails here."""
    document = client.get(OPENAPI_URL).json()
    milestones = query_parameters(document, "/api/milestones/")
    meetings = query_parameters(document, "/api/meetings/")
    assert set(milestones) == {*MilestoneFilter.base_filters, "page", "lang"}
    assert set(meetings) == {*MeetingFilter.base_filters, "page", "lang"}
    timeline = query_parameters(document, "/api/timeline.json")
    assert set(timeline) == {*MilestoneFilter.base_filters, "lang"} - {"order"}
    assert set(MILESTONE_FILTERS) == set(MilestoneFilter.base_filters)
    assert set(MEETING_FILTERS) == set(MeetingFilter.base_filters)


@pytest.mark.django_db
def test_page_sizes_are_the_views(client):
    """The documented most a page holds is what a page holds."""
    for _ in range(101):
        make_milestone()
    document = client.get(OPENAPI_URL).json()
    most = schema_of(document, "MilestonePage")["properties"]["results"]["maxItems"]
    assert len(client.get("/api/milestones/").json()["results"]) == most == 100
    assert schema_of(document, "MeetingPage")["properties"]["results"]["maxItems"] == 50


@pytest.mark.parametrize(
    "date",
    [
        "2021-09-06",
        "2021-09",
        "2021",
        "[2021-03..2021-09]",
        "[2019..2021]",
        "[2021-03-01..2021-09-06]",
    ],
)
def test_the_date_pattern_takes_each_form_the_api_writes(date):
    """A day, a month, a year, and one-of-a-set of two ends as precise as each other."""
    assert re.fullmatch(DATE_PATTERN, date)


@pytest.mark.parametrize(
    "date",
    [
        "2021-03/2021-09",  # the interval a range used to be: an event lasting six months
        "[2021-03..2021-09-06]",  # ends of different precision
        "[2021-03..]",
        "{2021-03..2021-09}",  # EDTF's all-of-a-set
        "2021-13",
        "2021-09-32",
        "21-09",
        "2021-09-06T10:00",
        "",
    ],
)
def test_the_date_pattern_refuses_any_other_form(date):
    assert not re.fullmatch(DATE_PATTERN, date)


@pytest.mark.parametrize(
    "fuzzy",
    [
        FuzzyDate.day(D(2021, 9, 6)),
        FuzzyDate.month(2021, 9),
        FuzzyDate.year(2021),
        FuzzyDate.between(D(2021, 3, 1), D(2021, 9, 30)),
        FuzzyDate.between(D(2019, 1, 1), D(2021, 12, 31)),
        FuzzyDate.between(D(2021, 3, 1), D(2021, 9, 6)),
    ],
    ids=["day", "month", "year", "months", "years", "days"],
)
def test_every_known_date_is_written_in_a_documented_form(fuzzy):
    """What publishing/dating.py writes for each precision matches the documented pattern."""
    assert re.fullmatch(DATE_PATTERN, fuzzy.edtf), fuzzy.edtf


# The document against real responses ---------------------------------------------------


@pytest.fixture
def history(db):
    """A little of everything the API writes: every precision of date, a lead image, a
    Chinese title, a meeting with every role, one with nothing stated, one alone."""
    series = make_series(name="Joint Task Force", slug="joint-task-force")
    picture = make_picture(size=(320, 240), caption="The Loop", credit="CEDD")
    make_milestone(
        slug="signed",
        title="Arrangement signed",
        title_zh_hant="簽署安排",
        date=FuzzyDate.day(D(2017, 1, 3)),
        lead_image=picture,
        source_document="000_seed.txt",
        source_paragraph=3,
        source_url="https://www.hsitp.org/en/milestones/",
        citation="HSITP milestones page",
    )
    make_milestone(slug="month", date=FuzzyDate.month(2017, 10))
    make_milestone(slug="year", date=FuzzyDate.year(2019))
    make_milestone(
        slug="months",
        date=FuzzyDate.between(D(2021, 3, 1), D(2021, 9, 30)),
        date_basis="Reported in the autumn.",
    )
    make_milestone(slug="years", date=FuzzyDate.between(D(2019, 1, 1), D(2021, 12, 31)))
    make_milestone(slug="days", date=FuzzyDate.between(D(2021, 3, 1), D(2021, 9, 6)))
    make_milestone(slug="undated", date=FuzzyDate.unknown())
    meeting, attendances = make_attended_meeting(
        series=series, slug="jtf-11", title_zh_hant="第十一次會議", mode="video"
    )
    bare = make_meeting(slug="bare", date=FuzzyDate.unknown())
    Meeting.objects.filter(pk=bare.pk).update(series=None, number=None, mode="", place="")
    make_attendance(
        bare,
        person=make_person(honorific=""),
        organisation=make_organisation(abbreviation="", slug="unnamed-bureau"),
        role=Role.REPRESENTATIVE,
        side=Side.UNKNOWN,
    )
    make_meeting(slug="alone", date=FuzzyDate.between(D(2024, 3, 1), D(2024, 4, 30)))
    return {"organisation": attendances[-1].organisation.slug}


def test_documented_fields_are_those_the_responses_have(client, history):
    """Every key of a real response is documented and every required one is there, at
    every depth: the description cannot drift from opendata/*_data.py silently."""
    document = client.get(OPENAPI_URL).json()
    for path, query, name in [
        ("/api/milestones/", {}, "MilestonePage"),
        ("/api/milestones/", {"lang": "zh-hant"}, "MilestonePage"),
        ("/api/meetings/", {}, "MeetingPage"),
        ("/api/timeline.json", {}, "Timeline"),
        ("/api/milestones/", {"year": "abc"}, "Errors"),
    ]:
        data = client.get(path, query).json()
        assert documented_fields(document, schema_of(document, name), data) == [], path
    # Each kind of item was there to compare: the nested objects and the optional keys.
    meetings = client.get("/api/meetings/").json()["results"]
    attendees = [a for m in meetings for a in m["attendees"]]
    assert any(a["person"] for a in attendees) and any(a["organisation"] for a in attendees)
    assert any(a["person"] is None for a in attendees)
    events = client.get("/api/timeline.json").json()["events"]
    assert any("media" in e for e in events) and any("day" in e["start_date"] for e in events)


def test_the_csv_columns_documented_are_the_downloads(client, history):
    """Each CSV's documented header row is the one it sends, column for column."""
    document = client.get(OPENAPI_URL).json()
    for path, columns in [
        ("/api/milestones.csv", MILESTONE_COLUMNS),
        ("/api/meetings.csv", MEETING_COLUMNS),
    ]:
        ok = document["paths"][path]["get"]["responses"]["200"]
        header = ok["content"]["text/csv"]["example"]
        sent = b"".join(client.get(path).streaming_content).decode("utf-8-sig")
        assert sent.startswith(header) and header == ",".join(columns) + "\r\n", path
        assert all(f"`{column}`" in ok["description"] for column in columns), path


def test_a_misspelt_address_answers_the_documented_404(client, history):
    """An address under /api/ that is not described answers 404, as documented."""
    document = client.get(OPENAPI_URL).json()
    not_found = document["components"]["responses"]["NotFound"]["content"]
    response = client.get("/api/milestone/")
    assert response.status_code == 404
    assert response["Content-Type"].split(";")[0] in not_found


@pytest.mark.django_db
def test_the_index_links_to_the_description(client):
    """/api/ (the page, its JSON and its Chinese versions) points programs to the
    description: a link on the page and an RFC 8631 Link header."""
    service_desc = '<http://testserver/api/openapi.json>; rel="service-desc"'
    for url in ("/api/", "/zh-hant/api/"):
        page = client.get(url, HTTP_ACCEPT="text/html")
        html = page.content.decode()
        assert '<a href="/api/openapi.json">' in html, url
        assert 'rel="service-desc" type="application/json" href="/api/openapi.json"' in html
        assert page["Link"] == service_desc
    assert client.get("/api/?format=json")["Link"] == service_desc
    assert client.get("/api/openapi.json").status_code == 200


@pytest.mark.django_db
def test_the_description_is_cached_and_revalidated_like_the_api(
    client, settings, django_assert_num_queries
):
    """Served through the page cache like every /api/ response: a second request makes no
    query and gets the same bytes, a conditional one a 304; the index's link is kept."""
    settings.PAGE_CACHE_SECONDS = 3600
    first = client.get(OPENAPI_URL)
    assert first.status_code == 200 and first["ETag"].startswith('W/"')
    assert "max-age=0" in first["Cache-Control"]
    client.get("/api/?format=json")
    with django_assert_num_queries(0):
        again = client.get(OPENAPI_URL)
        index = client.get("/api/?format=json")
    assert again.content == first.content
    assert index["Link"] == '<http://testserver/api/openapi.json>; rel="service-desc"'
    assert client.get(OPENAPI_URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


# schemathesis against a live server -----------------------------------------------------


@pytest.fixture
def described(live_server, history):
    """The description as schemathesis reads it from the live server."""
    return schemathesis.openapi.from_url(f"{live_server.url}{OPENAPI_URL}", timeout=10)


# Chosen requests over the seeded history: filters that match and values that are wrong.
CHOSEN = [
    ("/api/", {"format": "json"}, 200),
    ("/api/", {}, 200),
    ("/api/milestones/", {}, 200),
    ("/api/milestones/", {"lang": "zh-hant", "precision": "range"}, 200),
    ("/api/milestones/", {"year_from": 2017, "year_to": 2021, "order": "-oldest"}, 200),
    ("/api/milestones/", {"q": "signed", "lang": "zh-hans"}, 200),
    ("/api/milestones/", {"page": 2}, 200),
    ("/api/milestones/", {"page": "abc"}, 200),
    ("/api/milestones/", {"year": "abc"}, 400),
    ("/api/milestones/", {"year": 1800, "precision": "fortnight"}, 400),
    ("/api/milestones/", {"lang": "fr"}, 400),
    ("/api/meetings/", {}, 200),
    ("/api/meetings/", {"series": "joint-task-force", "mode": "video"}, 200),
    ("/api/meetings/", {"organisation": "unnamed-bureau", "lang": "zh-hant"}, 200),
    ("/api/meetings/", {"place": "shenzhen"}, 200),
    ("/api/meetings/", {"series": "no-such-series"}, 400),
    ("/api/meetings/", {"mode": "letter"}, 400),
    ("/api/milestones.csv", {"lang": "zh-hant"}, 200),
    ("/api/milestones.csv", {"lang": "xx"}, 400),
    ("/api/meetings.csv", {}, 200),
    ("/api/meetings.csv", {"lang": "xx"}, 400),
    ("/api/timeline.json", {"lang": "zh-hans"}, 200),
    ("/api/timeline.json", {"lang": "xx"}, 400),
    ("/api/openapi.json", {}, 200),
]


@pytest.mark.django_db(transaction=True)
def test_real_answers_match_the_description(described, live_server):
    """Each CHOSEN request gets the status expected, and its content type, headers and body
    are as described; the lists had items to check."""
    wrong = []
    for path, query, status in CHOSEN:
        case = described[path]["GET"].Case(query=query)
        try:
            response = case.call_and_validate(base_url=live_server.url, checks=CHECKS, timeout=10)
        except schemathesis.errors.FailureGroup as failures:  # what the checks found
            wrong.append((path, query, str(failures)))
            continue
        if response.status_code != status:
            wrong.append((path, query, response.status_code))
        elif path in ("/api/milestones/", "/api/meetings/") and status == 200:
            if "page" not in query and not response.json()["results"]:
                wrong.append((path, query, "nothing was there to check"))
    assert wrong == []


def generated_answers(operation, mode, base_url: str) -> set[int]:
    """The statuses of the answers to GENERATED requests to `operation`, each checked."""
    seen = set()

    @GENERATED
    @given(case=operation.as_strategy(generation_mode=mode))
    def answers_as_described(case):
        response = case.call_and_validate(base_url=base_url, checks=CHECKS, timeout=10)
        seen.add(response.status_code)

    answers_as_described()
    return seen


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
)
def test_generated_requests_get_answers_as_described(described, live_server, mode):
    """schemathesis makes requests from the description, valid ones and (negative) ones
    that break it, a few an operation, the same every run; every answer is as described."""
    statuses: dict[str, set[int]] = {}
    for result in described.get_all_operations():
        operation = result.ok()
        statuses[operation.path] = generated_answers(operation, mode, live_server.url)
    # Every operation but the one the description was read from, which schemathesis leaves
    # out (test_real_answers_match_the_description checks it).
    assert sorted(statuses) == sorted(path for path in API_PATHS if path != OPENAPI_URL)
    assert all(statuses.values()), statuses
    if mode == schemathesis.GenerationMode.NEGATIVE:
        # Values that break the description were sent, and the lists refused them.
        assert 400 in statuses["/api/milestones/"] and 400 in statuses["/api/meetings/"]
    else:
        assert 200 in statuses["/api/milestones/"] and 200 in statuses["/api/meetings/"]
