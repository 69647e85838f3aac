"""/sitemap.xml lists every public page in all three languages, and nothing else; /robots.txt."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from meetings.models import MeetingSeries
from tests.factories import (
    make_attendance,
    make_meeting,
    make_milestone,
    make_organisation,
    make_person,
)

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
# The index counts each kind of item (milestones, meetings, people, organisations) to know
# its pages; a page of a section counts its kind and reads one page of its items (the list
# pages need none). /sitemap.xml is an index of sections: a single sitemap grew with the
# history.
SITEMAP_QUERIES = 9  # and the newest publication and change of milestones and of meetings
SECTION_QUERIES = 2
LIST_PAGES = ["/", "/milestones/", "/meetings/", "/people/", "/organisations/"]
SECTIONS = [
    f"http://testserver/sitemap-{section}.xml"
    for section in ("pages", "milestones", "meetings", "series", "people", "organisations")
]


def fetch(client, path="/sitemap.xml", **headers) -> ET.Element:
    response = client.get(path, **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return ET.fromstring(response.content)


def located(root: ET.Element) -> list[str]:
    """Every <loc> of a sitemap or a sitemap index, in order."""
    return [loc.text for loc in root.iter(f"{SITEMAP}loc")]


def sections(client, **headers) -> list[str]:
    """The pages of sections that the index at /sitemap.xml lists (full URLs)."""
    index = fetch(client, **headers)
    assert index.tag == f"{SITEMAP}sitemapindex"
    return located(index)


def entries(client, **headers) -> dict[str, dict]:
    """{location: {"lastmod": str | None, "alternates": {hreflang: href}}}, from every page
    of every section of the index."""
    result = {}
    urls = []
    for section in sections(client, **headers):
        path = "/" + section.split("://", 1)[1].split("/", 1)[1]
        urls += fetch(client, path, **headers).iter(f"{SITEMAP}url")
    for url in urls:
        location = url.findtext(f"{SITEMAP}loc")
        assert location not in result, f"{location} is listed twice"
        result[location] = {
            "lastmod": url.findtext(f"{SITEMAP}lastmod"),
            "alternates": {
                link.get("hreflang"): link.get("href")
                for link in url.findall(f"{XHTML}link[@rel='alternate']")
            },
        }
    return result


def in_every_language(paths, host="http://testserver") -> set[str]:
    return {f"{host}{prefix}{path}" for path in paths for prefix in ("", "/zh-hant", "/zh-hans")}


def public_world():
    """A published milestone and meeting (with a person and a body attending), and everything
    the public must not see: drafts, scheduled items, and who attended only those."""
    milestone = make_milestone(slug="memorandum")
    meeting = make_meeting(slug="eleventh-meeting")
    make_attendance(meeting, person=make_person(slug="sun-dong"))
    make_attendance(meeting, organisation=make_organisation(slug="itib"))

    make_milestone(slug="draft-milestone", published=False)
    make_milestone(slug="scheduled-milestone", published_at=timezone.now() + dt.timedelta(days=1))
    draft = make_meeting(slug="draft-meeting", published=False)
    scheduled = make_meeting(
        slug="scheduled-meeting", published_at=timezone.now() + dt.timedelta(days=1)
    )
    make_attendance(draft, person=make_person(slug="draft-only-person"))
    make_attendance(scheduled, organisation=make_organisation(slug="scheduled-only-body"))
    make_person(slug="never-attended")
    return milestone, meeting


def test_sitemap_lists_every_public_page_in_every_language_and_nothing_else(client):
    """Home, the lists, the published milestone and meeting, and the person and body who
    attended it, in English and Traditional Chinese: exactly these."""
    public_world()
    expected = in_every_language(
        [
            *LIST_PAGES,
            "/milestones/memorandum/",
            "/meetings/eleventh-meeting/",
            "/people/sun-dong/",
            "/organisations/itib/",
            *(s.get_absolute_url() for s in MeetingSeries.objects.public()),  # the 11th's
        ]
    )
    assert MeetingSeries.objects.public().count() == 1
    assert set(entries(client)) == expected


def test_sitemap_never_lists_drafts_scheduled_items_or_private_people(client):
    """No draft or scheduled milestone or meeting, and nobody who attended only those."""
    public_world()
    listed = " ".join(entries(client))
    for slug in (
        "draft-milestone",
        "scheduled-milestone",
        "draft-meeting",
        "scheduled-meeting",
        "draft-only-person",
        "scheduled-only-body",
        "never-attended",
    ):
        assert slug not in listed


def test_every_url_has_hreflang_alternates_for_every_language_and_x_default(client):
    """Each URL names its English and two Chinese versions, and the English one as
    x-default."""
    public_world()
    listed = entries(client)
    for location, entry in listed.items():
        path = location.removeprefix("http://testserver")
        path = path.removeprefix("/zh-hant").removeprefix("/zh-hans")
        assert entry["alternates"] == {
            "en": f"http://testserver{path}",
            "zh-hant": f"http://testserver/zh-hant{path}",
            "zh-hans": f"http://testserver/zh-hans{path}",
            "x-default": f"http://testserver{path}",
        }, location


def test_every_listed_page_is_really_public(client):
    """A reader opening any URL of the sitemap gets the page, in its language."""
    public_world()
    for location in entries(client):
        response = client.get(location.removeprefix("http://testserver"))
        assert response.status_code == 200, location


def test_published_items_carry_lastmod(client):
    """Milestones and meetings have a lastmod: their last change, or their publication if
    later (a scheduled item appears then)."""
    published_at = timezone.now() - dt.timedelta(days=3)
    milestone = make_milestone(slug="dated", published_at=published_at)
    make_meeting(slug="met", published_at=published_at)
    listed = entries(client)
    expected = timezone.localdate(max(milestone.updated_at, milestone.published_at)).isoformat()
    assert listed["http://testserver/milestones/dated/"]["lastmod"] == expected
    assert listed["http://testserver/zh-hant/meetings/met/"]["lastmod"]


def test_sitemap_urls_use_the_request_host_and_scheme(client):
    """No sites framework: URLs are on the host and scheme the sitemap was asked for."""
    make_milestone(slug="memorandum")
    listed = entries(client, HTTP_HOST="localhost", secure=True)
    assert "https://localhost/milestones/memorandum/" in listed
    assert all(location.startswith("https://localhost/") for location in listed)


def test_sitemap_query_count_is_fixed(client, django_assert_num_queries):
    """The index: one query per kind of item; a section's page: two; however many items."""
    public_world()
    with django_assert_num_queries(SITEMAP_QUERIES):
        index = fetch(client)  # 200, application/xml
    assert located(index) == SECTIONS
    for _ in range(5):
        meeting = make_meeting()
        make_attendance(meeting, person=make_person(), organisation=make_organisation())
        make_milestone()
    with django_assert_num_queries(SITEMAP_QUERIES):
        index = fetch(client)
    assert located(index) == SECTIONS
    with django_assert_num_queries(SECTION_QUERIES):
        milestones = fetch(client, "/sitemap-milestones.xml")
    assert milestones.tag == f"{SITEMAP}urlset"
    assert "http://testserver/milestones/memorandum/" in located(milestones)
    assert len(located(milestones)) == 3 * 6  # six milestones in three languages
    assert len(entries(client)) == 3 * (len(LIST_PAGES) + 5 + 5 * 5)  # each meeting its series


def test_sections_come_in_pages_of_a_thousand_items(client, django_assert_num_queries):
    """A section longer than a page is split, and the index lists every page; a page reads
    only its own items."""
    from milestones.sitemaps import MilestoneSitemap

    assert MilestoneSitemap.limit == 3000  # URLs: a thousand items in three languages
    MilestoneSitemap.limit, limit = 6, MilestoneSitemap.limit
    try:
        for _ in range(5):
            make_milestone()
        listed = sections(client)
        assert [s for s in listed if "milestones" in s] == [
            "http://testserver/sitemap-milestones.xml",
            "http://testserver/sitemap-milestones.xml?p=2",
            "http://testserver/sitemap-milestones.xml?p=3",
        ]
        with django_assert_num_queries(SECTION_QUERIES):
            page = fetch(client, "/sitemap-milestones.xml?p=3")
        assert len(list(page.iter(f"{SITEMAP}url"))) == 3  # one milestone, three languages
        assert all("/milestones/milestone-" in location for location in located(page))
        assert len(entries(client)) == 3 * (len(LIST_PAGES) + 5)
    finally:
        MilestoneSitemap.limit = limit


def test_robots_txt_allows_all_but_the_admin_and_points_to_the_sitemap(client):
    """Plain text: every crawler may go everywhere except /admin/; the sitemap's full URL."""
    response = client.get("/robots.txt", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert [line for line in lines if line.startswith("Disallow:")] == ["Disallow: /admin/"]
    assert "Sitemap: http://localhost/sitemap.xml" in lines


def test_robots_txt_answers_head_and_refuses_post(client):
    """Crawlers may ask with HEAD; nothing may be sent to it."""
    assert client.head("/robots.txt").status_code == 200
    assert client.post("/robots.txt").status_code == 405


def test_robots_txt_sitemap_url_follows_the_scheme(client):
    """Behind TLS the sitemap's address is https."""
    response = client.get("/robots.txt", secure=True)
    assert "Sitemap: https://testserver/sitemap.xml" in response.content.decode()
