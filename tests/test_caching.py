"""The page cache (pagecache/): anonymous readers get cached pages; every change
to what they may see, and every scheduled publication, shows at once; editors and drafts
never go through it."""

import datetime as dt
import time
import warnings

import pytest
import time_machine
from django.core.cache import caches
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.http import http_date

from hsitp_site.cache_config import CacheURLError, cache_settings
from importing.documents import document_from_text
from importing.runner import import_documents
from meetings.models import Meeting, MeetingPhoto
from milestones.models import Milestone
from milestones.services import merge_milestones
from pagecache import middleware, version
from pagecache.backends import FragmentCache
from publishing import scheduling
from publishing.dating import FuzzyDate
from tests.assertions import assert_page
from tests.factories import (
    make_attended_meeting,
    make_milestone,
    make_picture,
    make_user,
)

pytestmark = pytest.mark.django_db
HK = timezone.get_fixed_timezone(8 * 60)


@pytest.fixture(autouse=True)
def page_cache(settings):
    """The page cache on, as in production (the rest of the suite runs with it off)."""
    settings.PAGE_CACHE_SECONDS = 3600


@pytest.fixture
def world():
    """A little of everything the public reads, with stable addresses."""
    milestone = make_milestone(
        title="Land handed over",
        slug="land",
        body="The CEDD acted.",
        date=FuzzyDate.day(dt.date(2021, 1, 1)),  # first, and on /milestones/?year=2021
    )
    make_milestone(title="Second milestone", slug="second")
    meeting, attendances = make_attended_meeting(slug="jtf-11", title="Eleventh meeting")
    person = attendances[0].person
    organisation = attendances[-1].organisation
    return {
        "milestone": milestone,
        "meeting": meeting,
        "person": person,
        "organisation": organisation,
    }


def public_pages(world) -> dict[str, str]:
    """Every kind of public URL, with a text it shows only when it works (a seeded title,
    name or address)."""
    person, organisation = world["person"], world["organisation"]
    milestone, meeting = "Land handed over", "Eleventh meeting"
    return {
        "/": milestone,
        "/milestones/": milestone,
        "/milestones/?year=2021": milestone,
        "/milestones/land/": milestone,
        "/meetings/": meeting,
        "/meetings/jtf-11/": meeting,
        "/people/": person.name,
        person.get_absolute_url(): person.name,
        "/organisations/": organisation.name,
        organisation.get_absolute_url(): organisation.name,
        "/search/?q=land": "<mark>Land</mark> handed over",
        "/feeds/milestones/": milestone,
        "/feeds/milestones/atom/": milestone,
        "/feeds/meetings/": meeting,
        "/feeds/meetings/atom/": meeting,
        "/sitemap.xml": "<loc>http://testserver/sitemap-milestones.xml</loc>",
        "/sitemap-milestones.xml": "<loc>http://testserver/milestones/land/</loc>",
        "/api/": 'href="http://testserver/api/milestones.csv"',
        "/api/milestones/": milestone,
        "/api/meetings/": meeting,
        "/api/milestones.csv": milestone,
        "/api/meetings.csv": meeting,
        "/api/timeline.json": milestone,
        "/meetings.ics": f"SUMMARY:{meeting}",
        "/robots.txt": "Sitemap: http://testserver/sitemap.xml",
        "/zh-hant/": milestone,
        "/zh-hant/milestones/": milestone,
        "/zh-hant/milestones/land/": milestone,
        "/zh-hant/meetings/jtf-11/": meeting,
    }


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def text(client, url, **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return body(response).decode()


# --- Served from the cache ------------------------------------------------------------------


def test_second_anonymous_request_is_served_from_the_cache_without_queries(
    client, world, django_assert_num_queries
):
    """Every public page, feed and data endpoint, in both languages: the second request
    makes no SQL query and gets the same bytes."""
    for url, shown in public_pages(world).items():
        first = client.get(url)
        assert first.status_code == 200, url
        assert first["X-Page-Cache"] == "miss", url
        first_body = body(first)
        assert shown in first_body.decode(), url
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second.status_code == 200, url
        assert second["X-Page-Cache"] == "hit", url
        assert body(second) == first_body, url
        assert second["Content-Type"] == first["Content-Type"], url


def test_every_public_url_is_cached_and_only_the_desk_is_not():
    """A new public URL is cached unless it is deliberately left out here."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                yield namespace, pattern.name

    routes = set(walk(get_resolver().url_patterns))
    for namespace, name in routes:
        cached = namespace in middleware.CACHED_NAMESPACES or (
            not namespace and name in middleware.CACHED_URL_NAMES
        )
        excluded = namespace in middleware.NOT_CACHED_NAMESPACES or (
            not namespace and name in middleware.NOT_CACHED_URL_NAMES
        )
        assert cached != excluded, (namespace, name)


def test_pages_say_they_vary_by_cookie_and_must_be_revalidated(client, world):
    response = client.get("/milestones/")
    assert "Cookie" in response["Vary"]
    assert "max-age=0" in response["Cache-Control"]
    assert response["ETag"].startswith('W/"')
    assert response["Last-Modified"]


def test_languages_are_cached_apart(client, world):
    """English and Traditional Chinese versions of a page never answer for each other."""
    for _ in range(2):
        english = text(client, "/milestones/")
        chinese = text(client, "/zh-hant/milestones/")
        assert 'lang="en-HK"' in english and 'lang="zh-Hant-HK"' not in english
        assert 'lang="zh-Hant-HK"' in chinese and 'lang="en-HK"' not in chinese
    # A language preference never turns the English URL Chinese, cached or not.
    assert 'lang="en-HK"' in text(client, "/milestones/", HTTP_ACCEPT_LANGUAGE="zh-hant")


def test_content_negotiation_is_cached_apart(client, world):
    """/api/ varies on Accept: the page and the JSON are separate entries."""
    for _ in range(2):
        assert client.get("/api/", HTTP_ACCEPT="application/json")["Content-Type"].startswith(
            "application/json"
        )
        assert client.get("/api/", HTTP_ACCEPT="text/html")["Content-Type"].startswith("text/html")


def test_hosts_are_cached_apart(client, world):
    """Absolute links use the host asked for; each host has its own entry."""
    assert "http://localhost/milestones/land/" in text(
        client, "/api/milestones/", HTTP_HOST="localhost"
    )
    assert "http://testserver/milestones/land/" in text(client, "/api/milestones/")


# --- Invalidation ---------------------------------------------------------------------------


def test_publishing_shows_at_once(client, world):
    draft = make_milestone(title="Freshly published", published=False)
    assert "Freshly published" not in text(client, "/milestones/")
    draft.publish()
    draft.save()
    assert "Freshly published" in text(client, "/milestones/")
    assert "Freshly published" in text(client, "/feeds/milestones/")


def test_unpublishing_hides_at_once(client, world):
    milestone = world["milestone"]
    for url in ("/milestones/", "/api/milestones.csv", "/sitemap-milestones.xml"):
        assert "land" in text(client, url)
    assert client.get("/milestones/land/").status_code == 200
    milestone.unpublish()
    milestone.save()
    assert "Land handed over" not in text(client, "/milestones/")
    assert "Land handed over" not in text(client, "/api/milestones.csv")
    assert "/milestones/land/" not in text(client, "/sitemap-milestones.xml")
    assert client.get("/milestones/land/").status_code == 404


def test_editing_shows_at_once(client, world):
    assert "Land handed over" in text(client, "/milestones/land/")
    milestone = world["milestone"]
    milestone.title = "Land handed over in full"
    milestone.save()
    assert "Land handed over in full" in text(client, "/milestones/land/")
    assert "Land handed over in full" in text(client, "/api/timeline.json")


def test_deleting_shows_at_once(client, world):
    assert "Second milestone" in text(client, "/milestones/")
    Milestone.objects.filter(slug="second").delete()
    assert "Second milestone" not in text(client, "/milestones/")


def test_editing_a_person_shows_on_the_meeting_page(client, world):
    person = world["person"]
    assert person.name in text(client, "/meetings/jtf-11/")
    person.name = "Renamed Person"
    person.save()
    assert "Renamed Person" in text(client, "/meetings/jtf-11/")
    assert "Renamed Person" in text(client, "/api/meetings.csv")


def test_deleting_a_meeting_shows_at_once(client, world):
    assert "Eleventh meeting" in text(client, "/meetings/")
    world["meeting"].delete()
    assert "Eleventh meeting" not in text(client, "/meetings/")
    assert "Eleventh meeting" not in text(client, "/meetings.ics")


def test_an_import_shows_at_once(client, world):
    """The importers write with bulk_create (no signals): the import runner invalidates."""
    assert "Imported in bulk" not in text(client, "/milestones/")
    document = document_from_text(
        "Imported in bulk on 6 Sep 2021.\nAnother imported paragraph in 2022.\n",
        name="bulk.txt",
    )
    import_documents([document], publish=True)
    assert "Imported in bulk" in text(client, "/milestones/")


def test_a_dry_run_import_changes_nothing_it_shows(client, world):
    document = document_from_text("A dry run paragraph in 2021.\n", name="dry.txt")
    import_documents([document], dry_run=True, publish=True)
    assert "A dry run paragraph" not in text(client, "/milestones/")


def test_a_merge_shows_at_once(client, world):
    first = world["milestone"]
    second = Milestone.objects.get(slug="second")
    assert "Second milestone" in text(client, "/milestones/")
    merge_milestones([first, second])
    html = text(client, "/milestones/")
    assert "Second milestone" not in html
    assert "What happened in milestone" in text(client, "/milestones/land/")


def test_picture_changes_show_at_once(client, world):
    picture = make_picture(name="loop.jpg", size=(400, 300), alt_text="The Loop from the air")
    milestone = world["milestone"]
    milestone.lead_image = picture
    milestone.save()
    assert 'alt="The Loop from the air"' in text(client, "/milestones/land/")
    picture.alt_text = "The Loop at dusk"
    picture.save()
    assert 'alt="The Loop at dusk"' in text(client, "/milestones/land/")
    MeetingPhoto.objects.create(meeting=world["meeting"], picture=picture)
    assert 'alt="The Loop at dusk"' in text(client, "/meetings/jtf-11/")


MILESTONES = Milestone._meta.db_table


def milestones_version() -> str:
    return version.table_versions()[MILESTONES]


def test_writes_in_a_transaction_invalidate_again_after_the_commit(
    django_capture_on_commit_callbacks,
):
    """Other processes read the old rows until the commit: what they cache meanwhile is
    dropped by a bump after it, one per transaction however many writes it makes. This
    thread (which sees the new rows at once) bumps at once if it has cached a page since."""
    version.page_stored()  # as if this thread had just cached a page
    before = milestones_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_milestone()
        middle = milestones_version()
        make_milestone()  # nothing cached since the last bump: no need to bump again
        assert milestones_version() == middle
        version.page_stored()
        make_milestone()
        assert milestones_version() != middle
        middle = milestones_version()
    assert middle != before
    after_commit = [c for c in callbacks if isinstance(c, version._BumpTablesAfterCommit)]
    assert len(after_commit) == 1 and MILESTONES in after_commit[0].tables
    after_commit[0]()
    assert milestones_version() != middle


def test_a_write_of_everything_in_a_transaction_bumps_the_content_version_once(
    django_capture_on_commit_callbacks,
):
    """An import (writes that send no signals) replaces the one version of everything: at
    once if this thread cached a page since its last bump, and once after the commit."""
    version.page_stored()
    before = version.content_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version.invalidate()
        middle = version.content_version()
        version.invalidate()
        assert version.content_version() == middle
    assert middle != before
    assert [c for c in callbacks if c is version._bump_after_commit] == [version._bump_after_commit]
    callbacks[-1]()
    assert version.content_version() != middle


def test_a_write_outside_a_transaction_bumps_its_table_at_once(transactional_db):
    everything = version.content_version()
    before = milestones_version()
    make_milestone()
    assert milestones_version() != before
    assert version.content_version() == everything, "not the version of every page"


def test_an_edit_keeps_the_pages_that_do_not_read_what_it_wrote(client, world):
    """A milestone's edit drops the pages whose rendering read the milestones' table, and
    keeps the others: the tables a page reads are recorded as it is rendered."""
    client.get("/milestones/")
    client.get("/api/")
    assert client.get("/api/")["X-Page-Cache"] == "hit"
    lookup = middleware.PageLookup(0, "", None, 0, "en|http://testserver/milestones/")
    assert MILESTONES in middleware._learned(lookup)[1]
    milestone = world["milestone"]
    milestone.title = "Land handed over at last"
    milestone.save()
    timeline = client.get("/milestones/")
    assert timeline["X-Page-Cache"] == "miss" and "at last" in timeline.content.decode()
    assert client.get("/api/")["X-Page-Cache"] == "hit"


def test_a_page_is_dropped_by_a_write_to_any_table_it_read(client, world):
    """The meeting's page reads the people who attended: renaming one drops it, although
    no meeting was written."""
    path = "/meetings/jtf-11/"
    client.get(path)
    assert client.get(path)["X-Page-Cache"] == "hit"
    person = world["person"]
    person.name = "Renamed Attendee"
    person.save()
    again = client.get(path)
    assert again["X-Page-Cache"] == "miss" and "Renamed Attendee" in again.content.decode()


def test_work_on_a_draft_keeps_every_cached_page_until_it_is_published(client, world):
    """A draft, or an item in review, is on no public page: creating, saving and deleting
    one drops nothing. Publishing it drops the pages that read its table."""
    client.get("/milestones/")
    before = milestones_version()
    draft = make_milestone(title="Still a draft", published=False)
    draft = Milestone.objects.get(pk=draft.pk)  # as the desk reads it
    draft.title = "Still a draft, retitled"
    draft.save()
    assert milestones_version() == before
    assert client.get("/milestones/")["X-Page-Cache"] == "hit"
    draft.publish()
    draft.save()
    timeline = client.get("/milestones/")
    assert (
        timeline["X-Page-Cache"] == "miss"
        and "Still a draft, retitled" in timeline.content.decode()
    )
    Milestone.objects.get(pk=make_milestone(published=False).pk).delete()
    assert client.get("/milestones/")["X-Page-Cache"] == "hit"


def test_a_draft_saved_from_an_outdated_copy_still_drops_the_pages(client, world):
    """Whether the row was published is read from the database before the write, not from
    the copy being saved: here another editor published it after this copy was read."""
    copy = Milestone.objects.get(pk=make_milestone(title="Soon public", published=False).pk)
    published = Milestone.objects.get(pk=copy.pk)
    published.publish()
    published.save()
    assert "Soon public" in client.get("/milestones/").content.decode()
    copy.title = "Soon public, withdrawn"
    copy.save()  # still a draft in this copy: the save unpublishes it
    timeline = client.get("/milestones/")
    assert timeline["X-Page-Cache"] == "miss" and "Soon public" not in timeline.content.decode()


def test_a_streamed_export_gets_the_etag_of_its_key_once_stored(client, world):
    """A CSV's queries run as it is sent, so its key is known at its end: the first answer
    has no ETag; the stored one has, and a reader holding it gets a 304."""
    first = client.get("/api/milestones.csv")
    assert not first.has_header("ETag")  # as its headers are sent
    b"".join(first.streaming_content)
    again = client.get("/api/milestones.csv")
    assert again["X-Page-Cache"] == "hit" and again.has_header("ETag")
    assert client.get("/api/milestones.csv", HTTP_IF_NONE_MATCH=again["ETag"]).status_code == 304


def test_no_recorder_is_left_on_the_connection(client, world):
    """Recording the tables a page reads stops with the page, also for a streamed export
    answered with a 304 in its place and so never sent."""
    from django.db import connection

    client.get("/milestones/")
    future = http_date(time.time() + 3600)
    client.get("/api/meetings.csv", HTTP_IF_MODIFIED_SINCE=future)
    unsent = client.get("/api/milestones.csv")
    unsent.close()  # closed before it was read, as when a reader goes away
    assert connection.execute_wrappers == []


def test_a_deletion_counts_as_a_write_to_the_tables_that_refer_to_it():
    """The database may change those rows itself (SET_NULL), sending no signal for them."""
    from pagecache.signals import written_tables
    from pictures.models import Picture

    assert written_tables(Picture) == {Picture._meta.db_table}
    assert {Picture._meta.db_table, MILESTONES} <= written_tables(Picture, deleted=True)


def test_the_content_version_is_shared_through_its_cache():
    """Another process (here: another handle on the same store: the file, or Redis in the
    Redis run) sees a bump."""
    other = caches.create_connection("content_version")
    current = version.content_version()
    assert other.get(version.VERSION_KEY) == current
    other.set(version.VERSION_KEY, "bumped-elsewhere", None)
    assert version.content_version() == "bumped-elsewhere"


# --- Scheduled publication ------------------------------------------------------------------


def test_a_scheduled_milestone_appears_at_its_moment_with_no_write(
    client, world, django_assert_num_queries
):
    """Cached pages never outlive the next scheduled publication."""
    moment = dt.datetime(2031, 5, 1, 10, 0, tzinfo=HK)
    make_milestone(title="Scheduled milestone", slug="scheduled", published_at=moment)
    with time_machine.travel(moment - dt.timedelta(hours=1), tick=False):
        assert "Scheduled milestone" not in text(client, "/milestones/")
        assert client.get("/milestones/scheduled/").status_code == 404
    with time_machine.travel(moment - dt.timedelta(seconds=1), tick=False):
        # An hour on, the shared cache has forgotten when the next scheduled change is due:
        # once every five minutes, one request (for the whole site) asks the database.
        scheduling.next_moment()
        with django_assert_num_queries(0):  # still the cached page: nothing changed
            html = text(client, "/milestones/")
        assert "Scheduled milestone" not in html
        assert "Land handed over" in html
    with time_machine.travel(moment, tick=False):
        assert "Scheduled milestone" in text(client, "/milestones/")
        assert "Scheduled milestone" in text(client, "/feeds/milestones/")
        assert client.get("/milestones/scheduled/").status_code == 200
        assert client.get("/api/milestones/").json()["count"] == 3


def test_several_scheduled_items_each_appear_at_their_moment(client, world):
    first = dt.datetime(2031, 5, 1, 10, 0, tzinfo=HK)
    second = first + dt.timedelta(days=2)
    make_milestone(title="First scheduled", published_at=first)
    make_attended_meeting(title="Scheduled meeting", published_at=second)
    with time_machine.travel(first - dt.timedelta(minutes=5), tick=False):
        html = text(client, "/")
        assert "First scheduled" not in html and "Scheduled meeting" not in html
    with time_machine.travel(first + dt.timedelta(minutes=5), tick=False):
        html = text(client, "/")
        assert "First scheduled" in html and "Scheduled meeting" not in html
        assert "Scheduled meeting" not in text(client, "/meetings/")
    with time_machine.travel(second, tick=False):
        assert "Scheduled meeting" in text(client, "/meetings/")


# --- Editors and drafts ---------------------------------------------------------------------


def test_staff_preview_is_never_cached_nor_stored(client, world, django_assert_max_num_queries):
    draft = make_milestone(title="Secret draft", slug="secret", published=False)
    client.force_login(make_user("editor"))
    for _ in range(2):
        response = client.get("/milestones/secret/")
        assert response.status_code == 200 and "Secret draft" in response.content.decode()
        assert "X-Page-Cache" not in response
        assert "no-store" in response["Cache-Control"]
    client.logout()
    assert client.get("/milestones/secret/").status_code == 404
    assert "Secret draft" not in text(client, "/milestones/")
    assert draft.state == "draft"


def test_logged_in_requests_bypass_the_cache_both_ways(client, world):
    """A page cached for readers is not served to an editor, and an editor's request of a
    public page does not fill the cache."""
    assert client.get("/milestones/")["X-Page-Cache"] == "miss"
    client.force_login(make_user("publisher"))
    staff = client.get("/milestones/")
    assert "X-Page-Cache" not in staff and "ETag" not in staff
    assert "Cookie" in staff["Vary"]
    assert client.get("/milestones/land/").status_code == 200
    client.logout()
    assert client.get("/milestones/land/")["X-Page-Cache"] == "miss"


def test_a_draft_never_comes_out_of_the_cache(client, world):
    """Staff preview a draft at its URL; readers still get 404 (404s are not stored)."""
    make_milestone(title="Unseen draft", slug="unseen-draft", published=False)
    assert client.get("/milestones/unseen-draft/").status_code == 404
    client.force_login(make_user("superuser"))
    assert client.get("/milestones/unseen-draft/").status_code == 200
    client.logout()
    response = client.get("/milestones/unseen-draft/")
    assert response.status_code == 404 and "X-Page-Cache" not in response
    for url in (
        "/milestones/",
        "/api/milestones/",
        "/feeds/milestones/",
        "/sitemap-milestones.xml",
    ):
        assert "unseen" not in text(client, url).lower()


def test_responses_that_set_cookies_are_not_stored(rf):
    from django.http import HttpResponse

    request = rf.get("/milestones/")
    response = HttpResponse("x")
    response.set_cookie("something", "1")
    assert not middleware._storable(request, response)


def test_pages_that_hand_out_a_csrf_token_are_not_stored(rf):
    """The CSRF cookie is set by a middleware outside this one, after it has decided: a
    page with a form would otherwise give every reader the first reader's token."""
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    request = rf.get("/milestones/")
    get_token(request)
    assert not middleware._storable(request, HttpResponse("<form>"))


# --- Conditional GET ------------------------------------------------------------------------


def test_if_none_match_gets_304_without_queries(client, world, django_assert_num_queries):
    first = client.get("/milestones/")
    assert_page(first, "Land handed over")
    etag = first["ETag"]
    with django_assert_num_queries(0):
        again = client.get("/milestones/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag and again.content == b""
    # The same validator from any process: a fresh render gives the same ETag. (Clearing
    # Redis empties its database, the versions' keys too: put those back.)
    keys = [version.VERSION_KEY] + [version.TABLE_KEY + t for t in version.public_tables()]
    version.content_version(), version.table_versions()
    current = version.version_store().get_many(keys)
    caches["default"].clear()
    version.version_store().set_many(current, timeout=None)
    assert client.get("/milestones/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_if_none_match_after_a_change_gets_the_new_page(client, world):
    etag = client.get("/milestones/")["ETag"]
    make_milestone(title="Brand new")
    response = client.get("/milestones/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "Brand new" in response.content.decode()
    assert response["ETag"] != etag


def test_if_modified_since_gets_304(client, world):
    first = client.get("/meetings/")
    assert client.get("/meetings/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == (
        304
    )
    earlier = http_date(timezone.now().timestamp() - 3600)
    assert client.get("/meetings/", HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_etag_changes_when_a_scheduled_item_becomes_public(client, world):
    moment = dt.datetime(2031, 5, 1, 10, 0, tzinfo=HK)
    make_milestone(title="Scheduled", published_at=moment)
    with time_machine.travel(moment - dt.timedelta(minutes=1), tick=False):
        etag = client.get("/milestones/")["ETag"]
    with time_machine.travel(moment + dt.timedelta(minutes=1), tick=False):
        response = client.get("/milestones/", HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200 and "Scheduled" in response.content.decode()


def test_streamed_csv_is_cached_once_sent_in_full(client, world, django_assert_num_queries):
    first = client.get("/api/milestones.csv")
    assert first.status_code == 200 and first.streaming
    content = b"".join(first.streaming_content)
    assert content.decode("utf-8-sig").startswith("title,slug,url,")
    assert "Land handed over" in content.decode()
    with django_assert_num_queries(0):
        second = client.get("/api/milestones.csv")
    assert second.status_code == 200
    assert second.content == content
    assert second["Content-Disposition"] == 'attachment; filename="milestones.csv"'


def test_head_requests_use_the_cache_but_do_not_fill_it(client, world):
    assert client.head("/milestones/").status_code == 200
    assert client.get("/milestones/")["X-Page-Cache"] == "miss"
    assert client.head("/milestones/")["X-Page-Cache"] == "hit"


def test_page_cache_can_be_turned_off(client, world, settings, django_assert_max_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/milestones/")
    response = client.get("/milestones/")
    assert "X-Page-Cache" not in response and "ETag" not in response
    assert_page(response, "Land handed over", "Second milestone")


def test_next_publication_is_one_query(django_assert_num_queries):
    moment = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)  # stored so
    make_milestone(published_at=moment + dt.timedelta(days=1))
    make_milestone(published_at=moment)
    make_attended_meeting(published_at=moment + dt.timedelta(hours=1))
    Meeting.objects.update()
    with django_assert_num_queries(1):
        assert version.next_publication(timezone.now()) == moment


def test_milestone_dates_round_trip_through_the_cache(client):
    make_milestone(
        title="Ranged", date=FuzzyDate.between(dt.date(2021, 3, 1), dt.date(2021, 9, 30))
    )
    for _ in range(2):
        assert "between March and September 2021" in text(client, "/milestones/")


# --- Configuration --------------------------------------------------------------------------


def test_cache_url_default_is_local_memory_with_a_shared_version_file(tmp_path):
    caches_setting = cache_settings("", cache_dir=tmp_path)
    assert caches_setting["default"]["BACKEND"].endswith("LocMemCache")
    assert caches_setting["content_version"]["BACKEND"].endswith("FileBasedCache")
    assert caches_setting["content_version"]["LOCATION"] == str(tmp_path)
    assert caches_setting["fragments"]["BACKEND"] == "pagecache.backends.FragmentCache"


def test_the_fragment_cache_keeps_and_returns_what_it_is_given():
    """A local-memory cache like Django's, keys not checked for memcached: a key memcached
    would refuse (a space, over 250 characters) still works, with no warning."""
    cache = FragmentCache("fragments-test", {})
    key = "fragment. " + "a" * 300
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cache.set(key, "<li>entry</li>")
        assert cache.get(key) == "<li>entry</li>"
        assert cache.get_many([key, "missing"]) == {key: "<li>entry</li>"}


def test_cache_url_redis_and_memcached_with_several_servers(tmp_path):
    redis = cache_settings("redis://a:6379/0,redis://b:6379/0", cache_dir=tmp_path)
    assert redis["default"]["BACKEND"] == "pagecache.backends.ResilientRedisCache"
    assert redis["default"]["LOCATION"] == ["redis://a:6379/0", "redis://b:6379/0"]
    assert redis["content_version"]["LOCATION"] == redis["default"]["LOCATION"]
    assert redis["default"]["KEY_PREFIX"] != redis["content_version"]["KEY_PREFIX"]
    memcached = cache_settings("memcached://a:11211,b:11211", cache_dir=tmp_path)
    assert memcached["default"]["BACKEND"].endswith("PyMemcacheCache")
    assert memcached["default"]["LOCATION"] == ["a:11211", "b:11211"]
    with pytest.raises(CacheURLError):
        cache_settings("ftp://nope", cache_dir=tmp_path)


def test_bumps_of_different_tables_at_once_are_all_kept():
    """On one machine the tables' versions are one file: writers take a lock, so a bump is
    never lost to another process (here: threads, each with its own handle on the file)
    writing the record it read before."""
    import threading

    from django.core.cache.backends.filebased import FileBasedCache

    if not isinstance(version.version_store(), FileBasedCache):
        pytest.skip("the versions are kept in the file cache only without DJANGO_CACHE_URL")
    tables = sorted(version.public_tables())
    before = version.table_versions()
    start = threading.Barrier(len(tables))

    def bump(table):
        start.wait()
        for _ in range(5):
            version.bump_tables([table])

    threads = [threading.Thread(target=bump, args=(table,)) for table in tables]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = version.table_versions()
    assert [t for t in tables if after[t] == before[t]] == []


def test_a_version_file_rewritten_within_one_timestamp_tick_is_read_again(monkeypatch):
    """A file written again at once may keep its inode, size and timestamp: just after a
    write the file is read, not trusted to its stat()."""
    monkeypatch.setattr(version, "RECENT_WRITE_NS", 60 * 10**9)  # "just": however slow the run
    import os
    import random

    from django.core.cache.backends.filebased import FileBasedCache

    store = version.version_store()
    if not isinstance(store, FileBasedCache):
        pytest.skip("the versions are kept in the file cache only without DJANGO_CACHE_URL")
    version.bump_content_version()
    first = version.content_version()  # read, and remembered with the file's identity
    path = store._key_to_file(version.VERSION_KEY)
    before = os.stat(path)
    rng = random.Random(1)
    for _ in range(1000):  # another token whose file has the same size
        token = "".join(rng.sample(first, len(first)))
        with open(path, "r+b") as handle:  # written in place: the same inode
            handle.truncate()
            store._write_content(handle, None, token)
        if token != first and os.stat(path).st_size == before.st_size:
            break
    else:
        pytest.fail("no token of the same size found")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same timestamp
    assert os.stat(path).st_ino == before.st_ino
    assert version.content_version() == token
