"""Errors a reader may meet: a missing page, a server error, hostile query strings."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from tests.factories import make_milestone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "heading", "link"),
    [
        ("/no-such-page/", "Page not found", "/milestones/"),
        ("/milestones/no-such-milestone/", "Page not found", "/milestones/"),
        ("/zh-hant/no-such-page/", "找不到頁面", "/zh-hant/milestones/"),
    ],
)
def test_a_missing_page_is_the_sites_own_404_with_ways_back(client, path, heading, link):
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 404
    assert f"<h1>{heading}</h1>" in html
    assert f'href="{link}"' in html
    assert 'class="site-header"' in html  # the navigation, as on every page
    assert '<meta name="robots" content="noindex">' in html


def test_a_page_beyond_the_last_is_404_with_the_same_page(client):
    make_milestone()
    response = client.get("/milestones/?page=999")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


def test_a_server_error_page_needs_no_request_context():
    """Django renders 500.html without context processors: it must stand alone."""
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in html
    assert 'href="/"' in html


@pytest.mark.parametrize("path", ["/milestones/", "/api/milestones/"])
def test_a_thousand_word_filter_is_refused_not_a_server_error(client, path):
    """Each word is a condition; without a limit SQLite's expression tree overflowed."""
    make_milestone(title="Land handed over")
    response = client.get(path, {"q": " ".join(["a"] * 1000)})
    assert response.status_code in (200, 400)
    assert "at most 200 characters" in response.content.decode()
