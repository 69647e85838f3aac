"""When the shared cache (Redis) goes away and comes back (pagecache/backends.py).

Readers still get pages, rendered rather than cached, and no 500; editors still save; and
the content version is not lost: a page cached before the outage is not served after it,
even when Redis comes back with everything it held (its snapshot), edits made meanwhile
included."""

import pytest

from hsitp_site.cache_config import cache_settings
from pagecache import backends
from tests.factories import change_url, make_milestone
from tests.html_forms import opened
from tests.redis_server import redis_server  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_cache(settings, redis_server, tmp_path):  # noqa: F811
    """Pages and the content version in a Redis of this test's own, the page cache on."""
    settings.CACHES = {
        **cache_settings(redis_server.url, cache_dir=tmp_path / "unused"),
        "fragments": settings.CACHES["fragments"],
    }
    settings.PAGE_CACHE_SECONDS = 3600
    yield redis_server
    backends.outage_handled()


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def test_readers_get_pages_and_editors_save_while_redis_is_away(shared_cache, client, edith):
    make_milestone(title="Land handed over")
    draft = make_milestone(title="A draft", published=False)
    assert get(client, "/milestones/")["X-Page-Cache"] == "miss"
    assert get(client, "/milestones/")["X-Page-Cache"] == "hit"
    shared_cache.stop()

    for _ in range(2):  # rendered each time, since nothing can be stored
        response = get(client, "/milestones/")
        assert "Land handed over" in response.content.decode()
        assert response["X-Page-Cache"] == "miss"
    form, _page = opened(edith, change_url(draft), "milestone_form")
    form["title"] = "A draft, edited while the cache was away"
    response = edith.post(change_url(draft), form)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "A draft, edited while the cache was away"


def test_no_page_cached_before_the_outage_is_served_after_it(shared_cache, client):
    """Redis comes back with its snapshot: the old version and the old page. An edit made
    while it was away could not replace the version; the first request after the outage
    does, so the edit is seen at once."""
    milestone = make_milestone(title="Before the outage")
    get(client, "/milestones/")
    assert get(client, "/milestones/")["X-Page-Cache"] == "hit"
    shared_cache.stop()  # saved: it will come back with that page and its version

    milestone.title = "Edited during the outage"
    milestone.save()
    assert "Edited during the outage" in get(client, "/milestones/").content.decode()

    shared_cache.start()
    html = get(client, "/milestones/").content.decode()
    assert "Edited during the outage" in html and "Before the outage" not in html
    assert get(client, "/milestones/")["X-Page-Cache"] == "hit"  # and cached again


def test_the_health_check_says_the_cache_failed_then_recovered(shared_cache, client):
    assert client.get("/healthz").status_code == 200
    shared_cache.stop(save=False)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["cache"].startswith("failed:")
    shared_cache.start()
    assert client.get("/healthz").json() == {"database": "ok", "cache": "ok"}
