"""Structured data (JSON-LD, schema.org) on every public page type, read out of the real
responses in English and Chinese and checked against schema.org's vocabulary."""

import datetime as dt
import json
import re

import pytest

from meetings.models import Mode, Role
from milestones.views import TimelineView
from publishing.dating import FuzzyDate
from tests.factories import (
    make_attendance,
    make_attended_meeting,
    make_meeting,
    make_milestone,
    make_organisation,
    make_person,
)

pytestmark = pytest.mark.django_db

D = dt.date

# The properties schema.org defines for each type used, copied from its type pages
# (https://schema.org/Thing, /Event, /Person, …): a type's own and those it inherits. Only
# the part of each list the site could use is kept, so a misspelt or invented property, or
# one of another type (a Place's "geo" on an Event), fails.
THING = {
    "@id",
    "@type",
    "additionalType",
    "alternateName",
    "description",
    "disambiguatingDescription",
    "identifier",
    "image",
    "mainEntityOfPage",
    "name",
    "potentialAction",
    "sameAs",
    "subjectOf",
    "url",
}
EVENT = THING | {
    "about",
    "actor",
    "attendee",
    "attendees",
    "audience",
    "composer",
    "contributor",
    "director",
    "doorTime",
    "duration",
    "endDate",
    "eventAttendanceMode",
    "eventSchedule",
    "eventStatus",
    "funder",
    "inLanguage",
    "isAccessibleForFree",
    "keywords",
    "location",
    "maximumAttendeeCapacity",
    "offers",
    "organizer",
    "performer",
    "previousStartDate",
    "recordedIn",
    "remainingAttendeeCapacity",
    "sponsor",
    "startDate",
    "subEvent",
    "superEvent",
    "translator",
    "typicalAgeRange",
    "workFeatured",
    "workPerformed",
}
ORGANIZATION = THING | {
    "address",
    "areaServed",
    "department",
    "email",
    "employee",
    "event",
    "founder",
    "foundingDate",
    "legalName",
    "location",
    "member",
    "memberOf",
    "parentOrganization",
    "subOrganization",
    "telephone",
}
ITEM_LIST = THING | {"aggregateElement", "itemListElement", "itemListOrder", "numberOfItems"}
VOCABULARY = {
    "Event": EVENT,
    "EventSeries": EVENT,  # an Event (and a Series, which adds nothing)
    "Person": THING
    | {
        "additionalName",
        "address",
        "affiliation",
        "alumniOf",
        "birthDate",
        "colleague",
        "email",
        "familyName",
        "givenName",
        "hasOccupation",
        "honorificPrefix",
        "honorificSuffix",
        "jobTitle",
        "knows",
        "memberOf",
        "nationality",
        "telephone",
        "workLocation",
        "worksFor",
    },
    "Organization": ORGANIZATION,
    "GovernmentOrganization": ORGANIZATION,  # adds nothing to Organization
    "Place": THING
    | {"address", "containedInPlace", "containsPlace", "event", "geo", "hasMap", "photo"},
    "PostalAddress": THING
    | {
        "addressCountry",
        "addressLocality",
        "addressRegion",
        "postOfficeBoxNumber",
        "postalCode",
        "streetAddress",
    },
    "VirtualLocation": THING,
    "WebSite": THING
    | {"about", "author", "dateModified", "inLanguage", "issn", "publisher", "keywords"},
    "ItemList": ITEM_LIST,
    "BreadcrumbList": ITEM_LIST,
    "ListItem": THING | {"item", "nextItem", "position", "previousItem"},
}
# Properties whose value is an address (URL), and the enumerations' members used.
URL_PROPERTIES = {"@id", "url", "item", "sameAs"}
ENUMERATIONS = {
    "eventStatus": {
        "https://schema.org/EventScheduled",
        "https://schema.org/EventCancelled",
        "https://schema.org/EventMovedOnline",
        "https://schema.org/EventPostponed",
        "https://schema.org/EventRescheduled",
    },
    "eventAttendanceMode": {
        "https://schema.org/OfflineEventAttendanceMode",
        "https://schema.org/OnlineEventAttendanceMode",
        "https://schema.org/MixedEventAttendanceMode",
    },
}
LANGUAGES = ["", "/zh-hant", "/zh-hans"]


@pytest.fixture(autouse=True)
def _canonical_origin(settings):
    """@ids are on the site's canonical origin; here the test client's, so that they are
    also addresses the tests can open."""
    settings.SITE_URL = "http://testserver"
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example.net"]


def test_ids_are_on_the_canonical_origin_whatever_host_is_asked(client):
    """A node's @id names it, not the address it was read at: reached through another
    name, a person keeps their @id while the page's url follows the request."""
    person = make_person(name="Sun Dong", slug="sun-dong")
    make_attendance(make_meeting(), person=person)
    response = client.get("/people/sun-dong/", HTTP_HOST="mirror.example.net")
    node = one(structured_data(response)[0]["@graph"], "Person")
    assert node["@id"] == "http://testserver/people/sun-dong/#person"
    assert node["url"] == "http://mirror.example.net/people/sun-dong/"


def structured_data(response) -> list[dict]:
    """The JSON-LD documents of a page."""
    assert response.status_code == 200
    html = response.content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def nodes_of(document):
    """Every node (a dict with @type) anywhere in a JSON-LD document, nested ones too."""
    if isinstance(document, list):
        for value in document:
            yield from nodes_of(value)
    elif isinstance(document, dict):
        if "@type" in document:
            yield document
        for key, value in document.items():
            if key != "@context":
                yield from nodes_of(value)


def graph_of(client, url) -> list[dict]:
    """The top-level nodes of a page's one JSON-LD document, checked against schema.org."""
    (document,) = structured_data(client.get(url))
    assert document["@context"] == "https://schema.org"
    assert_schema_org(document)
    return document["@graph"]


def assert_schema_org(document) -> None:
    """Every type known, every property one its type has, every address absolute, enum
    values schema.org's, no endDate anywhere."""
    nodes = list(nodes_of(document))
    assert nodes
    for node in nodes:
        allowed = VOCABULARY.get(node["@type"])
        assert allowed is not None, f"unknown type {node['@type']}"
        unknown = set(node) - allowed
        assert not unknown, f"{node['@type']} has no {unknown}"
        assert "endDate" not in node
        for key in URL_PROPERTIES & set(node):
            values = node[key] if isinstance(node[key], list) else [node[key]]
            for value in values:  # an address, or a node (a list's item), checked itself
                assert isinstance(value, dict) or value.startswith("http://testserver/")
        for key, members in ENUMERATIONS.items():
            if key in node:
                assert node[key] in members


def one(graph, type_):
    (node,) = [node for node in graph if node["@type"] == type_]
    return node


def crumbs(graph) -> list[tuple[str, str]]:
    return [(i["name"], i["item"]) for i in one(graph, "BreadcrumbList")["itemListElement"]]


def path(url: str) -> str:
    return url.removeprefix("http://testserver")


@pytest.fixture
def site():
    """A little of everything: milestones, a series with an attended meeting, a person
    with a Chinese name and one without, a government body and a company."""
    make_milestone(title="MoU signed", slug="mou", date=FuzzyDate.day(D(2017, 1, 3)))
    make_milestone(title="HSITPL set up", slug="hsitpl-set-up", date=FuzzyDate.month(2017, 10))
    meeting, attendances = make_attended_meeting(title="11th meeting", slug="eleventh")
    chair = attendances[0].person
    chair.name, chair.name_zh_hant = "Sun Dong", "孫東"
    chair.save()
    hsitpl = attendances[-1].organisation
    hsitpl.name = "Hong Kong-Shenzhen Innovation and Technology Park Limited"
    hsitpl.save()
    bureau = attendances[-3].organisation
    bureau.name, bureau.name_zh_hant = "Development Bureau", "發展局"
    bureau.save()
    return {
        "meeting": meeting,
        "chair": chair,
        "plain": attendances[2].person,
        "bureau": bureau,
        "hsitpl": hsitpl,
    }


PAGES = [
    "/",
    "/milestones/",
    "/milestones/mou/",
    "/meetings/",
    "/meetings/eleventh/",
    "SERIES",
    "/people/",
    "PERSON",
    "/organisations/",
    "ORGANISATION",
    "/search/?q=meeting",
    "/search/",
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_every_public_page_type_speaks_schema_org(client, site, page, language):
    """Each page type's JSON-LD uses only schema.org's types and their properties, with
    absolute addresses and no endDate; every page below home says where it is, from home
    down to the page itself (in the page's language, addresses of that language)."""
    page = {
        "SERIES": site["meeting"].series.get_absolute_url(),
        "PERSON": site["chair"].get_absolute_url(),
        "ORGANISATION": site["hsitpl"].get_absolute_url(),
    }.get(page, page)
    url = f"{language}{page}"
    graph = graph_of(client, url)
    if page == "/":
        assert not [node for node in graph if node["@type"] == "BreadcrumbList"]
        assert one(graph, "WebSite")["url"] == f"http://testserver{language}/"
        return
    trail = crumbs(graph)
    assert trail[0][1] == f"http://testserver{language}/"
    assert trail[-1][1] == f"http://testserver{url.split('?')[0]}"
    assert all(name for name, _ in trail)
    if language:
        assert trail[0][0] == "首頁" if language == "/zh-hant" else trail[0][0] != "Home"


@pytest.mark.parametrize("language", LANGUAGES)
def test_meeting_attendees_are_the_nodes_of_their_own_pages(client, site, language):
    """A meeting's Event lists each attendee once, with the address of their page (which
    answers 200) and the @id that page gives them: one identifier in every language."""
    event = one(graph_of(client, f"{language}/meetings/eleventh/"), "Event")
    attendees = event["attendee"]
    assert len(attendees) == site["meeting"].attendances.count()
    assert len({a["@id"] for a in attendees}) == len(attendees)
    for attendee in attendees:
        assert path(attendee["url"]).startswith(f"{language}/")
        own = graph_of(client, path(attendee["url"]))
        (node,) = [n for n in own if n["@type"] == attendee["@type"]]
        assert node["@id"] == attendee["@id"]
        assert not path(node["@id"]).startswith("/zh-")  # the default language's address
    chair = next(a for a in attendees if a["url"].endswith(f"/people/{site['chair'].slug}/"))
    assert chair["jobTitle"] == "Secretary for Innovation, Technology and Industry"
    assert event["superEvent"]["@type"] == "EventSeries"
    assert client.get(path(event["superEvent"]["url"])).status_code == 200


def test_attendee_for_a_body_is_affiliated_with_it(client):
    """A person who came for a body is listed with it as their affiliation."""
    meeting = make_meeting(slug="with-body")
    body = make_organisation(name="Innovation and Technology Commission", slug="itc")
    make_attendance(meeting, person=make_person(name="Annie Choi"), organisation=body)
    (attendee,) = one(graph_of(client, "/meetings/with-body/"), "Event")["attendee"]
    assert attendee["@type"] == "Person"
    assert attendee["affiliation"]["@type"] == "GovernmentOrganization"
    assert path(attendee["affiliation"]["url"]) == "/organisations/itc/"


def test_person_alternate_name_is_the_name_in_the_other_language(client, site):
    """A person with a Chinese name: on the English page `name` is the English one and the
    Chinese is alternateName; on the Chinese page the other way round. A person with no
    Chinese name has no alternateName in either."""
    chair, plain = site["chair"].get_absolute_url(), site["plain"].get_absolute_url()
    english = one(graph_of(client, chair), "Person")
    assert (english["name"], english["alternateName"]) == ("Sun Dong", "孫東")
    assert english["honorificPrefix"] == "Professor"
    chinese = one(graph_of(client, f"/zh-hant{chair}"), "Person")
    assert (chinese["name"], chinese["alternateName"]) == ("孫東", "Sun Dong")
    assert "honorificPrefix" not in chinese  # "Professor" does not precede 孫東
    for language in LANGUAGES:
        person = one(graph_of(client, f"{language}{plain}"), "Person")
        assert person["name"] == site["plain"].name
        assert "alternateName" not in person


def test_person_job_titles_are_the_posts_held(client):
    """jobTitle is the posts held at the meetings attended, each once; none when no post
    is recorded."""
    person, silent = make_person(name="Nicholas Yang"), make_person(name="No Post")
    for n, post in enumerate(["Secretary for Innovation and Technology"] * 2 + ["Adviser"]):
        make_attendance(make_meeting(), person=person, post=post, position=n)
    make_attendance(make_meeting(), person=silent)
    node = one(graph_of(client, person.get_absolute_url()), "Person")
    assert node["jobTitle"] == ["Secretary for Innovation and Technology", "Adviser"]
    assert "jobTitle" not in one(graph_of(client, silent.get_absolute_url()), "Person")


def test_organisation_type_follows_what_its_name_says_it_is(client, site):
    """A company is an Organization, a bureau a GovernmentOrganization; a body whose name
    does not show which is an Organization (always true). Its abbreviation and Chinese
    name are alternateNames; a body with neither has none."""
    hsitpl, bureau = site["hsitpl"].slug, site["bureau"].slug
    node = one(graph_of(client, f"/organisations/{hsitpl}/"), "Organization")
    assert node["alternateName"] == "HSITPL"
    node = one(graph_of(client, f"/organisations/{bureau}/"), "GovernmentOrganization")
    assert node["alternateName"] == "發展局"
    chinese = one(graph_of(client, f"/zh-hant/organisations/{bureau}/"), "GovernmentOrganization")
    assert (chinese["name"], chinese["alternateName"]) == ("發展局", "Development Bureau")
    make_organisation(name="Joint Working Group on Talent", slug="jwg", listed=True)
    node = one(graph_of(client, "/organisations/jwg/"), "Organization")
    assert "alternateName" not in node


@pytest.mark.parametrize(
    ("date", "start_date"),
    [
        (FuzzyDate.day(D(2017, 1, 3)), "2017-01-03"),
        (FuzzyDate.month(2017, 10), "2017-10"),
        (FuzzyDate.year(2021), "2021"),
        (FuzzyDate.between(D(2021, 3, 1), D(2021, 9, 30)), "2021"),
        (FuzzyDate.between(D(2019, 1, 1), D(2021, 12, 31)), None),
        (FuzzyDate.unknown(), None),
    ],
    ids=["day", "month", "year", "range-in-a-year", "range-across-years", "unknown"],
)
def test_start_date_is_as_precise_as_the_date(client, date, start_date):
    """startDate on the milestone's page, in the timeline's list, and the meeting's, is
    the date as precise as known ("2017-10"), or absent; never an endDate."""
    make_milestone(slug="dated", date=date)
    make_meeting(slug="dated-meeting", date=date)
    for url in ("/milestones/dated/", "/zh-hant/milestones/dated/", "/meetings/dated-meeting/"):
        assert one(graph_of(client, url), "Event").get("startDate") == start_date
    (entry,) = one(graph_of(client, "/milestones/"), "ItemList")["itemListElement"]
    assert entry["item"].get("startDate") == start_date


def test_milestone_is_about_the_park_and_claims_no_status(client):
    """A milestone's Event is about the park (a Place in the Lok Ma Chau Loop, Hong Kong,
    with no coordinates), not located there, and has no eventStatus: nothing was
    scheduled."""
    make_milestone(slug="handover")
    graph = graph_of(client, "/milestones/handover/")
    event, place = one(graph, "Event"), one(graph, "Place")
    assert event["about"]["@id"] == place["@id"]
    assert "location" not in event and "eventStatus" not in event
    assert place["name"] == "Hong Kong-Shenzhen Innovation and Technology Park"
    assert place["address"]["addressLocality"] == "Lok Ma Chau Loop"
    assert place["address"]["addressRegion"] == "Hong Kong"
    assert "geo" not in place
    home = graph_of(client, "/")
    assert one(home, "WebSite")["about"]["@id"] == one(home, "Place")["@id"] == place["@id"]


def test_meeting_status_and_attendance_mode_only_where_known(client):
    """Only an announced meeting is EventScheduled (a held one says nothing schema.org
    does not assume); the attendance mode follows the mode and place, and is absent when
    the mode is not stated."""
    cases = {
        "held": ({}, None, "https://schema.org/OfflineEventAttendanceMode"),
        "announced": (
            {"announced": True},
            "https://schema.org/EventScheduled",
            "https://schema.org/OfflineEventAttendanceMode",
        ),
        "video": (
            {"mode": Mode.VIDEO, "place": ""},
            None,
            "https://schema.org/OnlineEventAttendanceMode",
        ),
        "both": ({"mode": Mode.VIDEO}, None, "https://schema.org/MixedEventAttendanceMode"),
        "unstated": ({"mode": Mode.UNKNOWN, "place": ""}, None, None),
    }
    for slug, (fields, status, mode) in cases.items():
        make_meeting(slug=slug, **fields)
        event = one(graph_of(client, f"/meetings/{slug}/"), "Event")
        assert event.get("eventStatus") == status, slug
        assert event.get("eventAttendanceMode") == mode, slug
    video = one(graph_of(client, "/meetings/video/"), "Event")
    assert video["location"] == {"@type": "VirtualLocation", "name": "Video conference"}
    both = one(graph_of(client, "/meetings/both/"), "Event")
    assert [place["@type"] for place in both["location"]] == ["Place", "VirtualLocation"]
    assert "location" not in one(graph_of(client, "/meetings/unstated/"), "Event")


def test_list_pages_number_their_items_as_on_the_whole_list(client, monkeypatch):
    """The timeline's ItemList numbers a later page's items after the earlier pages' and
    gives the whole list's length; each item is the node of its page (@id, url)."""
    monkeypatch.setattr(TimelineView, "paginate_by", 2)
    for n in range(5):
        make_milestone(slug=f"m{n}", date=FuzzyDate.year(2017 + n))
    first = one(graph_of(client, "/milestones/"), "ItemList")
    second = one(graph_of(client, "/milestones/?page=2"), "ItemList")
    assert [e["position"] for e in first["itemListElement"]] == [1, 2]
    assert [e["position"] for e in second["itemListElement"]] == [3, 4]
    assert first["numberOfItems"] == second["numberOfItems"] == 5
    item = second["itemListElement"][0]["item"]
    assert path(item["url"]) == "/milestones/m2/"
    page = one(graph_of(client, "/milestones/m2/"), "Event")
    assert page["@id"] == item["@id"]


def test_people_and_series_lists_link_their_pages(client, site):
    """The people's list and a series' page list their people and meetings, each at its
    page's address, in the page's language."""
    people = one(graph_of(client, "/zh-hant/people/"), "ItemList")
    urls = {path(e["item"]["url"]) for e in people["itemListElement"]}
    assert f"/zh-hant/people/{site['chair'].slug}/" in urls
    assert people["numberOfItems"] == len(urls)
    graph = graph_of(client, f"/meetings/series/{site['meeting'].series.slug}/")
    (entry,) = one(graph, "ItemList")["itemListElement"]
    assert path(entry["item"]["url"]) == "/meetings/eleventh/"
    assert one(graph, "EventSeries")["subEvent"] == [
        {"@type": "Event", "@id": entry["item"]["@id"]}
    ]


def test_search_results_are_listed_by_kind_without_highlighting(client, site):
    """Each kind of result is an ItemList named for its kind, its names plain text (no
    <mark>), numberOfItems the kind's total."""
    graph = graph_of(client, "/search/?q=meeting")
    lists = {node["name"]: node for node in graph if node["@type"] == "ItemList"}
    meetings = lists["Meetings"]
    (result,) = meetings["itemListElement"]
    assert result["item"]["name"] == "11th meeting"
    assert path(result["item"]["url"]) == "/meetings/eleventh/"
    assert meetings["numberOfItems"] == 1
    assert "<" not in json.dumps(graph)


def test_role_and_post_of_a_body_attending_are_not_given_to_a_person(client):
    """A body attending as a body (no person) is listed as the body, with no jobTitle."""
    meeting = make_meeting(slug="bodies")
    body = make_organisation(name="Hong Kong Science and Technology Parks Corporation")
    make_attendance(meeting, organisation=body, role=Role.REPRESENTATIVE)
    (attendee,) = one(graph_of(client, "/meetings/bodies/"), "Event")["attendee"]
    assert attendee["@type"] == "Organization" and "jobTitle" not in attendee
