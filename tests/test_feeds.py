"""RSS 2.0 and Atom 1.0 feeds of the latest published milestones and meetings."""

import datetime as dt
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest
from django.utils import timezone

from publishing.dating import FuzzyDate
from tests.factories import make_meeting, make_milestone

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_QUERIES = 1  # the latest published items; nothing per item
MILESTONE_FEEDS = ["/feeds/milestones/", "/feeds/milestones/atom/"]
MEETING_FEEDS = ["/feeds/meetings/", "/feeds/meetings/atom/"]
ALL_FEEDS = MILESTONE_FEEDS + MEETING_FEEDS


def is_atom(url: str) -> bool:
    return url.endswith("/atom/")


def items(client, url: str, **headers) -> list[dict]:
    """The feed's items as dicts (title, link, id, description, published, updated), in order."""
    response = client.get(url, **headers)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    if is_atom(url):
        assert root.tag == f"{ATOM}feed"
        return [
            {
                "title": entry.findtext(f"{ATOM}title"),
                "link": entry.find(f"{ATOM}link[@rel='alternate']").get("href"),
                "id": entry.findtext(f"{ATOM}id"),
                "description": entry.findtext(f"{ATOM}summary"),
                "published": dt.datetime.fromisoformat(entry.findtext(f"{ATOM}published")),
                "updated": dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated")),
            }
            for entry in root.iter(f"{ATOM}entry")
        ]
    assert root.tag == "rss" and root.get("version") == "2.0"
    result = []
    for item in root.iter("item"):
        guid = item.find("guid")
        assert guid is None or guid.get("isPermaLink") == "false"  # urn:uuid:…
        result.append(
            {
                "title": item.findtext("title"),
                "link": item.findtext("link"),
                "id": guid.text if guid is not None else item.findtext("link"),
                "description": item.findtext("description"),
                "published": parsedate_to_datetime(item.findtext("pubDate")),
                "updated": None,
            }
        )
    return result


def titles(client, url: str) -> list[str]:
    return [item["title"] for item in items(client, url)]


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/feeds/milestones/", "application/rss+xml; charset=utf-8"),
        ("/feeds/milestones/atom/", "application/atom+xml; charset=utf-8"),
        ("/feeds/meetings/", "application/rss+xml; charset=utf-8"),
        ("/feeds/meetings/atom/", "application/atom+xml; charset=utf-8"),
    ],
)
def test_feeds_are_served_with_their_media_type(client, url, content_type):
    """RSS is application/rss+xml, Atom application/atom+xml, both UTF-8."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type


def test_rss_feed_parses_as_rss_2_with_a_channel(client):
    """The RSS feed is an <rss version="2.0"> with a titled channel linking to the timeline."""
    make_milestone()
    root = ET.fromstring(client.get("/feeds/milestones/").content)
    channel = root.find("channel")
    assert channel.findtext("title") == "HSITP History: milestones"
    assert channel.findtext("link") == "http://testserver/milestones/"
    assert channel.findtext("description")


@pytest.fixture(autouse=True)
def _canonical_origin(settings):
    settings.SITE_URL = "https://history.example.org"
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "mirror.example.net"]


@pytest.mark.parametrize("url", MILESTONE_FEEDS + MEETING_FEEDS)
def test_feed_and_item_ids_never_follow_the_host(client, url):
    """Reached through another name, a feed keeps its ids (readers would otherwise see
    every item again as new): each item's is its stable identifier, the feed's its page on
    DJANGO_SITE_URL."""
    make_milestone(slug="memorandum-signed")
    make_meeting(slug="11th-meeting")
    by_host = [items(client, url, HTTP_HOST=host) for host in ("testserver", "mirror.example.net")]
    assert [item["id"] for item in by_host[0]] == [item["id"] for item in by_host[1]]
    assert all(item["id"].startswith("urn:uuid:") for item in by_host[0])
    if is_atom(url):
        ids = {
            ET.fromstring(client.get(url, HTTP_HOST=host).content).findtext(f"{ATOM}id")
            for host in ("testserver", "mirror.example.net")
        }
        assert len(ids) == 1 and ids.pop().startswith("https://history.example.org/")


@pytest.mark.parametrize("url", MILESTONE_FEEDS + MEETING_FEEDS)
def test_an_items_id_survives_a_new_title_and_a_new_address(client, url):
    """An editor may give a published item a new slug: its link follows, its id does not."""
    item = (make_milestone if "milestones" in url else make_meeting)(slug="first-address")
    [before] = items(client, url)
    item.title, item.slug = "Renamed", "second-address"
    item.save()
    [after] = items(client, url)
    assert after["link"].endswith("/second-address/") and before["link"].endswith("/first-address/")
    assert after["id"] == before["id"] == item.uid.urn


def test_atom_feed_parses_as_atom_with_self_link_and_author(client):
    """The Atom feed is a <feed> with its id, a self link, an author and entries."""
    make_meeting()
    root = ET.fromstring(client.get("/feeds/meetings/atom/").content)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id") == "https://history.example.org/meetings/"
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == (
        "http://testserver/feeds/meetings/atom/"
    )
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "HSITP History"
    assert len(root.findall(f"{ATOM}entry")) == 1


@pytest.mark.parametrize("url", MILESTONE_FEEDS)
def test_milestone_item_has_title_absolute_link_dates_and_description(client, url):
    """An item: the title, the page's absolute URL as link and stable id, the publication and
    update times, and a description with the date as written and the body."""
    published_at = (timezone.now() - dt.timedelta(days=2)).replace(microsecond=0)
    milestone = make_milestone(
        title="Memorandum signed",
        slug="memorandum-signed",
        body="Hong Kong and Shenzhen signed the memorandum.",
        date=FuzzyDate.day(dt.date(2017, 1, 3)),
        published_at=published_at,
    )
    [item] = items(client, url)
    assert item["title"] == "Memorandum signed"
    assert item["link"] == "http://testserver/milestones/memorandum-signed/"
    assert item["id"] == milestone.uid.urn
    assert item["published"] == published_at
    if is_atom(url):
        assert item["updated"].replace(microsecond=0) == milestone.updated_at.replace(microsecond=0)
    assert "3 January 2017" in item["description"]
    assert "Hong Kong and Shenzhen signed the memorandum." in item["description"]


@pytest.mark.parametrize("url", MEETING_FEEDS)
def test_meeting_item_describes_date_place_and_summary(client, url):
    """A meeting's description has its date as written, its place and its summary."""
    meeting = make_meeting(
        title="11th meeting",
        slug="11th-meeting",
        date=FuzzyDate.day(dt.date(2024, 8, 30)),
        place="Shenzhen",
        summary="The co-chairs reviewed progress.",
    )
    [item] = items(client, url)
    assert item["title"] == "11th meeting"
    assert item["link"] == "http://testserver/meetings/11th-meeting/"
    assert item["id"] == meeting.uid.urn
    for text in ("30 August 2024", "Shenzhen", "The co-chairs reviewed progress."):
        assert text in item["description"]


@pytest.mark.parametrize("url", MEETING_FEEDS)
def test_meeting_by_video_without_a_place_says_so(client, url):
    """With no place, a video conference is described as one."""
    make_meeting(place="", mode="video")
    assert "Video conference" in items(client, url)[0]["description"]


@pytest.mark.parametrize("url", MILESTONE_FEEDS)
def test_descriptions_escape_the_text(client, url):
    """Text that looks like HTML stays text: readers cannot be fed markup through the body."""
    make_milestone(body='Budget <script>alert("x")</script> & more')
    description = items(client, url)[0]["description"]
    assert "<script>" not in description
    assert "&lt;script&gt;" in description and "&amp; more" in description


@pytest.mark.parametrize("url", ALL_FEEDS)
def test_feeds_never_include_drafts_or_scheduled_items(client, url):
    """Only published items whose time has come; drafts and scheduled ones are left out."""
    make = make_milestone if "milestones" in url else make_meeting
    make(title="Public item")
    make(title="Draft item", published=False)
    make(title="Scheduled item", published_at=timezone.now() + dt.timedelta(days=1))
    assert titles(client, url) == ["Public item"]


@pytest.mark.parametrize("url", ALL_FEEDS)
def test_feeds_list_the_latest_published_first(client, url):
    """Items are ordered by publication time, newest first, whatever their dates."""
    make = make_milestone if "milestones" in url else make_meeting
    now = timezone.now()
    make(title="Published a week ago", published_at=now - dt.timedelta(days=7))
    make(title="Published yesterday", published_at=now - dt.timedelta(days=1))
    make(title="Published a month ago", published_at=now - dt.timedelta(days=30))
    assert titles(client, url) == [
        "Published yesterday",
        "Published a week ago",
        "Published a month ago",
    ]


@pytest.mark.parametrize("url", ["/feeds/milestones/", "/feeds/meetings/atom/"])
def test_feeds_hold_the_fifty_latest_items(client, url):
    """51 published items: the 50 latest are in the feed, the oldest is not."""
    make = make_milestone if "milestones" in url else make_meeting
    now = timezone.now()
    for n in range(51):
        make(title=f"Item {n}", published_at=now - dt.timedelta(hours=n + 1))
    listed = titles(client, url)
    assert len(listed) == 50
    assert listed[0] == "Item 0" and "Item 50" not in listed


@pytest.mark.parametrize("url", ALL_FEEDS)
def test_feed_links_use_the_request_host_and_english_pages(client, url):
    """Links use the host asked for and the English page, whatever the reader's language."""
    make = make_milestone if "milestones" in url else make_meeting
    item = make(slug="stable-slug")
    [entry] = items(client, url, HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="zh-hant")
    section = "milestones" if "milestones" in url else "meetings"
    assert entry["link"] == f"http://localhost/{section}/stable-slug/"
    assert item.get_absolute_url() == f"/{section}/stable-slug/"


@pytest.mark.parametrize("url", ALL_FEEDS)
def test_feed_query_count_is_fixed(client, url, django_assert_num_queries):
    """One query per feed, the same for two items as for twelve."""
    make = make_milestone if "milestones" in url else make_meeting
    titles = {make().title for _ in range(2)}
    with django_assert_num_queries(FEED_QUERIES):
        listed = items(client, url)  # 200, and the feed parses
    assert {item["title"] for item in listed} == titles
    titles |= {make().title for _ in range(10)}
    with django_assert_num_queries(FEED_QUERIES):
        listed = items(client, url)
        assert len(listed) == 12
    assert {item["title"] for item in listed} == titles


@pytest.mark.parametrize("url", ALL_FEEDS)
def test_empty_feeds_are_valid(client, url):
    """With nothing published, the feeds still parse, with no items."""
    assert items(client, url) == []
