"""Readers' pages and open data go out gzipped when the client accepts it; pages with a
CSRF token or for a signed-in user never do (pagecache/compression.py)."""

import gzip
import json

import pytest
from django.test import Client

from tests.factories import make_milestone, make_user

pytestmark = pytest.mark.django_db
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_public_pages_and_json_are_compressed_for_clients_that_accept_it():
    milestone = make_milestone(title="Compressed milestone", body="A long body. " * 50)
    client = Client()
    for url in ("/milestones/", milestone.get_absolute_url(), "/zh-hant/milestones/"):
        response = client.get(url, **GZIP)
        assert response["Content-Encoding"] == "gzip", url
        assert "Accept-Encoding" in response["Vary"]
        assert "Compressed milestone" in gzip.decompress(response.content).decode()
    api = client.get("/api/milestones/", **GZIP)
    assert api["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(api.content))["count"] == 1


def test_a_cached_page_is_kept_compressed_for_those_who_accept_it_and_plain_for_others(
    settings,
):
    """Compressed once per content version, not on every hit: the page cache keeps the
    gzipped page and the plain one apart (the response varies on Accept-Encoding)."""
    settings.PAGE_CACHE_SECONDS = 60
    make_milestone(title="Cached once", body="Text. " * 100)
    client = Client()
    first = client.get("/milestones/", **GZIP)
    assert (first["Content-Encoding"], first["X-Page-Cache"]) == ("gzip", "miss")
    assert "Accept-Encoding" in first["Vary"]
    plain = client.get("/milestones/")  # a client without gzip: a page of its own
    assert plain["X-Page-Cache"] == "miss" and not plain.has_header("Content-Encoding")
    assert "Cached once" in plain.content.decode()
    again = client.get("/milestones/", **GZIP)
    assert (again["Content-Encoding"], again["X-Page-Cache"]) == ("gzip", "hit")
    assert again.content == first.content  # the stored bytes, not compressed again
    assert "Cached once" in gzip.decompress(again.content).decode()
    assert client.get("/milestones/")["X-Page-Cache"] == "hit"


def test_every_spelling_of_accepting_gzip_shares_one_cached_page(settings):
    """The key holds whether gzip is accepted, not the header as each browser spells it."""
    settings.PAGE_CACHE_SECONDS = 60
    make_milestone(title="One page for all")
    client = Client()
    assert client.get("/milestones/", **GZIP)["X-Page-Cache"] == "miss"
    for spelling in ("gzip", "gzip, deflate, br, zstd", "br;q=1.0, gzip;q=0.8, *;q=0.1"):
        again = client.get("/milestones/", HTTP_ACCEPT_ENCODING=spelling)
        assert (again["X-Page-Cache"], again["Content-Encoding"]) == ("hit", "gzip"), spelling
    plain = client.get("/milestones/", HTTP_ACCEPT_ENCODING="br, deflate")
    assert plain["X-Page-Cache"] == "miss" and not plain.has_header("Content-Encoding")


def test_pages_with_a_csrf_token_or_for_a_signed_in_user_are_never_compressed():
    login = Client().get("/admin/login/", **GZIP)
    assert 'name="csrfmiddlewaretoken"' in login.content.decode()
    assert not login.has_header("Content-Encoding")
    editor = Client()
    editor.force_login(make_user("editor"))
    milestone = make_milestone(title="Seen by staff")
    for url in (milestone.get_absolute_url(), "/admin/"):
        assert not editor.get(url, **GZIP).has_header("Content-Encoding"), url
