"""Open data, feeds and the calendar may be read by pages on other sites (CORS, through
django-cors-headers, one setting); the pages and the admin may not."""

import pytest

from tests.factories import make_meeting, make_milestone

OPEN_URLS = [
    "/api/",
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
    "/zh-hant/feeds/milestones/",
    "/zh-hans/meetings.ics",
]
ORIGIN = "https://notebook.example.org"


@pytest.fixture
def published(db):
    make_milestone(title="Memorandum signed", published=True)
    make_meeting(title="Eleventh meeting", published=True)


@pytest.mark.parametrize("url", OPEN_URLS)
def test_open_data_may_be_read_from_any_other_site(client, published, url):
    """A request from another site's page gets Access-Control-Allow-Origin: *."""
    response = client.get(url, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.parametrize("url", ["/api/milestones/", "/meetings.ics"])
def test_a_preflight_is_answered_for_reading_only(client, url):
    response = client.options(url, HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert set(response["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize(
    "url", ["/", "/milestones/", "/meetings/", "/search/?q=park", "/admin/login/"]
)
def test_pages_and_the_admin_are_not_shared_with_other_sites(client, published, url):
    response = client.get(url, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_a_cached_response_still_carries_the_header(
    client, published, settings, django_assert_num_queries
):
    """The header is added outside the page cache: a page cached for a reader on this site
    (no Origin) is served to another site's page with it."""
    settings.PAGE_CACHE_SECONDS = 3600
    first = client.get("/api/milestones/")
    assert first.status_code == 200
    assert "Access-Control-Allow-Origin" not in first
    with django_assert_num_queries(0):  # from the page cache
        again = client.get("/api/milestones/", HTTP_ORIGIN=ORIGIN)
    assert again.status_code == 200
    assert b"Memorandum signed" in again.content
    assert again["Access-Control-Allow-Origin"] == "*"
