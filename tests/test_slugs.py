"""Addresses: a draft's slug follows its title until it is first published; a published
item's slug never changes by itself, and when an editor changes it the old address answers
with a permanent redirect to the new one. Through the real admin forms, as a browser sends
them, and the public pages as a reader asks for them."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import Meeting
from milestones.models import Milestone
from publishing.models import PendingChange, SlugRedirect
from publishing.text import is_derived_slug
from tests.factories import (
    change_url,
    make_attendance,
    make_meeting,
    make_milestone,
    make_organisation,
    make_person,
    make_series,
)
from tests.html_forms import form_data, opened

pytestmark = pytest.mark.django_db


def draft(title: str, slug: str, **fields) -> Milestone:
    return make_milestone(published=False, title=title, slug=slug, **fields)


def renamed(obj, title: str):
    """`obj` read from the database, given `title` and saved, as the admin saves a draft."""
    obj = type(obj).objects.get(pk=obj.pk)
    obj.title = title
    obj.save()
    return obj


def publish_through_the_admin(client, obj, form_id: str, **changes):
    """A publisher's change of a live item, published at once (`_publish`)."""
    url = change_url(obj)
    form, _ = opened(client, url, form_id)
    form.update(changes)
    form["_publish"] = "Publish"
    response = client.post(url, form, follow=True)
    assert response.status_code == 200
    assert not PendingChange.objects.exists(), response.content.decode()
    return response


# --- Recognising a slug the title gave (pure) ------------------------------------------


def test_a_slug_the_title_gives_is_recognised_numbered_or_not():
    title = "Memorandum of Understanding signed"
    assert is_derived_slug("memorandum-of-understanding-signed", title)
    assert is_derived_slug("memorandum-of-understanding-signed-2", title)
    assert is_derived_slug("memorandum-of-understanding-signed-12", title)
    assert not is_derived_slug("memorandum-of-understanding-signed-1", title)
    assert not is_derived_slug("mou", title)
    assert not is_derived_slug("memorandum", title)


def test_a_long_titles_slug_is_recognised_as_the_importer_and_the_add_form_cut_it():
    title = "The Development Bureau and the Shenzhen Municipal Government sign the agreement"
    cut_at_a_word = "the-development-bureau-and-the-shenzhen-municipal-government"
    assert is_derived_slug(cut_at_a_word, title, length=60)
    slugified = "the-development-bureau-and-the-shenzhen-municipal-government-sign-the-agreement"
    typed = slugified[:70].rstrip("-")  # as the add form's script cuts it, at 70 characters
    assert not is_derived_slug(typed, title, length=60)
    assert is_derived_slug(typed, title, length=60, field_length=70)


# --- A draft's slug follows its title ---------------------------------------------------


def test_a_drafts_slug_follows_its_new_title():
    milestone = draft("Land handed over", "land-handed-over")
    milestone = renamed(milestone, "Land handed over to the park company")
    assert milestone.slug == "land-handed-over-to-the-park-company"
    assert Milestone.objects.get(pk=milestone.pk).slug == milestone.slug
    assert not SlugRedirect.objects.exists()  # nobody has seen a draft's address


def test_a_followed_slug_is_unique_and_never_another_items_old_address():
    make_milestone(title="Other", slug="park-opened")
    moved = make_milestone(title="Moved", slug="moved-now")
    SlugRedirect.objects.record(moved, "park-opened-2")
    milestone = renamed(draft("Opening", "opening"), "Park opened")
    assert milestone.slug == "park-opened-3"


def test_a_slug_set_by_hand_stays_when_the_title_changes():
    milestone = renamed(draft("Memorandum signed", "mou-2008"), "Memorandum of Understanding")
    assert milestone.slug == "mou-2008"


def test_a_title_and_slug_changed_together_keep_the_editors_slug():
    milestone = Milestone.objects.get(pk=draft("Land handed over", "land-handed-over").pk)
    milestone.title, milestone.slug = "Land handed over in 2020", "handover"
    milestone.save()
    assert Milestone.objects.get(pk=milestone.pk).slug == "handover"


def test_a_meetings_slug_follows_its_title_too():
    meeting = make_meeting(published=False, title="First meeting", slug="first-meeting")
    meeting = renamed(meeting, "First meeting of the Joint Task Force")
    assert Meeting.objects.get(pk=meeting.pk).slug == "first-meeting-of-the-joint-task-force"


def test_the_slug_follows_the_title_in_the_save_that_first_publishes_it():
    milestone = Milestone.objects.get(pk=draft("Opening", "opening").pk)
    milestone.title = "Park opened"
    milestone.publish()
    milestone.save()
    assert milestone.slug == "park-opened"


# --- A published item's slug never changes by itself -----------------------------------


@pytest.mark.parametrize("when", ["past", "future"], ids=["published", "scheduled"])
def test_a_published_or_scheduled_items_slug_does_not_follow_its_title(when):
    moment = timezone.now() + timezone.timedelta(days=-1 if when == "past" else 1)
    milestone = make_milestone(title="Park opened", slug="park-opened", published_at=moment)
    assert renamed(milestone, "Park opened to the public").slug == "park-opened"


def test_an_item_published_once_keeps_its_slug_after_it_is_unpublished():
    milestone = make_milestone(title="Park opened", slug="park-opened")
    milestone = Milestone.objects.get(pk=milestone.pk)
    milestone.unpublish()
    milestone.save()
    assert renamed(milestone, "Park opened to the public").slug == "park-opened"


def test_loading_a_fixture_never_changes_a_slug(tmp_path):
    """loaddata saves rows as they are written (raw): a fixture's title and slug stay."""
    milestone = draft("Land handed over", "land-handed-over")
    path = tmp_path / "milestones.json"
    call_command(
        "dumpdata",
        "milestones.milestone",
        natural_foreign=True,
        natural_primary=True,
        output=str(path),
    )
    path.write_text(path.read_text().replace("Land handed over", "Land handed over in 2020"))
    call_command("loaddata", str(path), verbosity=0)
    milestone.refresh_from_db()
    assert (milestone.title, milestone.slug) == ("Land handed over in 2020", "land-handed-over")


# --- The admin says what will happen, and does it --------------------------------------


def test_the_slug_field_says_a_drafts_address_follows_its_title(edith):
    milestone = draft("Land handed over", "land-handed-over")
    _, html = opened(edith, change_url(milestone), "milestone_form")
    assert "Until it is first published it follows the title" in html


def test_the_slug_field_says_a_published_items_old_address_will_redirect(edith):
    milestone = make_milestone(title="Park opened", slug="park-opened")
    _, html = opened(edith, change_url(milestone), "milestone_form")
    assert "a new title does not change it" in html
    assert "the old address redirects to the new one" in html


def test_an_editor_renames_a_draft_in_the_admin_and_its_address_follows(edith):
    milestone = draft("Land handed over", "land-handed-over")
    url = change_url(milestone)
    form, _ = opened(edith, url, "milestone_form")
    form["title"] = "Land handed over to the park company"
    response = edith.post(url, form, follow=True)
    milestone.refresh_from_db()
    assert milestone.slug == "land-handed-over-to-the-park-company"
    assert "/milestones/land-handed-over-to-the-park-company/" in response.content.decode()


def test_a_publishers_new_title_for_a_published_item_keeps_its_address(pat):
    milestone = make_milestone(title="Park opened", slug="park-opened")
    publish_through_the_admin(pat, milestone, "milestone_form", title="Park opened to all")
    milestone.refresh_from_db()
    assert (milestone.title, milestone.slug) == ("Park opened to all", "park-opened")
    assert not SlugRedirect.objects.exists()


def test_a_publisher_changes_a_published_slug_and_the_old_address_redirects(pat):
    milestone = make_milestone(title="Park opened", slug="park-opened")
    response = publish_through_the_admin(pat, milestone, "milestone_form", slug="park-opens")
    assert "the old one, “park-opened”, redirects to it" in response.content.decode()
    moved = Client().get("/milestones/park-opened/")
    assert moved.status_code == 301
    assert moved["Location"] == "/milestones/park-opens/"
    assert Client().get("/milestones/park-opens/").status_code == 200


def test_the_redirect_keeps_the_query_string_and_the_language():
    milestone = make_milestone(title="Park opened", slug="park-opens")
    SlugRedirect.objects.record(milestone, "park-opened")
    moved = Client().get("/zh-hant/milestones/park-opened/?utm_source=feed")
    assert moved.status_code == 301
    assert moved["Location"] == "/zh-hant/milestones/park-opens/?utm_source=feed"
    assert "max-age=3600" in moved["Cache-Control"]  # browsers ask again: no loop for ever


def test_an_editors_slug_change_of_a_live_item_waits_for_a_publisher(edith, pat):
    milestone = make_milestone(title="Park opened", slug="park-opened")
    url = change_url(milestone)
    form, _ = opened(edith, url, "milestone_form")
    form["slug"] = "park-opens"
    assert edith.post(url, form).status_code == 302
    assert Client().get("/milestones/park-opened/").status_code == 200  # still live there
    assert Client().get("/milestones/park-opens/").status_code == 404
    assert not SlugRedirect.objects.exists()

    publisher_form, _ = opened(pat, url, "milestone_form")
    assert publisher_form["slug"] == "park-opens"
    publisher_form["_publish"] = "Publish"
    assert pat.post(url, publisher_form).status_code == 302
    assert Client().get("/milestones/park-opened/")["Location"] == "/milestones/park-opens/"


def test_every_old_address_of_a_chain_redirects_straight_to_the_current_one(pat):
    milestone = make_milestone(title="Park opened", slug="a-first")
    publish_through_the_admin(pat, milestone, "milestone_form", slug="b-second")
    publish_through_the_admin(pat, milestone, "milestone_form", slug="c-third")
    for old in ("a-first", "b-second"):
        moved = Client().get(f"/milestones/{old}/")
        assert (moved.status_code, moved["Location"]) == (301, "/milestones/c-third/")


def test_an_address_given_back_to_its_item_is_its_page_again_not_a_loop(pat):
    milestone = make_milestone(title="Park opened", slug="park-opened")
    publish_through_the_admin(pat, milestone, "milestone_form", slug="park-opens")
    publish_through_the_admin(pat, milestone, "milestone_form", slug="park-opened")
    assert Client().get("/milestones/park-opened/").status_code == 200
    moved = Client().get("/milestones/park-opens/")
    assert (moved.status_code, moved["Location"]) == (301, "/milestones/park-opened/")
    assert list(SlugRedirect.objects.values_list("old_slug", flat=True)) == ["park-opens"]


def test_restoring_a_version_with_another_slug_moves_the_address_back_and_redirects(pat):
    milestone = make_milestone(title="Park opened", slug="park-opened")
    first = milestone.history.earliest()
    publish_through_the_admin(pat, milestone, "milestone_form", slug="park-opens")
    url = f"/admin/milestones/milestone/{milestone.pk}/history/{first.history_id}/"
    page = pat.get(url).content.decode()
    form_id = re.search(r'<form [^>]*id="(\w+_form)"', page).group(1)
    assert (
        pat.post(url, {**form_data(page, form_id), "_publish": "Restore and publish"}).status_code
        == 302
    )
    assert Milestone.objects.get(pk=milestone.pk).slug == "park-opened"
    assert Client().get("/milestones/park-opened/").status_code == 200
    assert Client().get("/milestones/park-opens/")["Location"] == "/milestones/park-opened/"


def test_another_items_old_address_is_refused_with_a_clear_message(pat):
    moved = make_milestone(title="Park opened", slug="park-opened")
    publish_through_the_admin(pat, moved, "milestone_form", slug="park-opens")
    other = draft("Something else", "something-else")
    url = change_url(other)
    form, _ = opened(pat, url, "milestone_form")
    form["slug"] = "park-opened"
    response = pat.post(url, form)
    assert response.status_code == 200  # the form again, nothing saved
    assert "“park-opened” was the address of “Park opened”" in response.content.decode()
    other.refresh_from_db()
    assert other.slug == "something-else"
    assert Client().get("/milestones/park-opened/")["Location"] == "/milestones/park-opens/"


def test_an_item_that_has_an_old_address_as_its_slug_is_served_there():
    """An address is the item's that has it now (an import may give one): no redirect."""
    moved = make_milestone(title="Park opened", slug="park-opens")
    SlugRedirect.objects.record(moved, "park-opened")
    make_milestone(title="Park opened", slug="park-opened")
    assert Client().get("/milestones/park-opened/").status_code == 200


def test_an_old_address_of_an_unpublished_item_is_not_found_for_readers(admin_client):
    milestone = make_milestone(title="Park opened", slug="park-opens")
    SlugRedirect.objects.record(milestone, "park-opened")
    milestone.unpublish()
    milestone.save()
    assert Client().get("/milestones/park-opened/").status_code == 404
    # Staff preview the draft at its address now.
    assert admin_client.get("/milestones/park-opened/")["Location"] == "/milestones/park-opens/"


def test_an_address_nobody_ever_had_is_still_not_found():
    make_milestone(title="Park opened", slug="park-opened")
    assert Client().get("/milestones/never-was/").status_code == 404


# --- Meetings, people, bodies, series ---------------------------------------------------


def test_a_meetings_changed_slug_redirects(pat):
    meeting = make_meeting(title="First meeting", slug="first-meeting")
    publish_through_the_admin(pat, meeting, "meeting_form", slug="jtf-first-meeting")
    moved = Client().get("/meetings/first-meeting/?lang=x")
    assert (moved.status_code, moved["Location"]) == (301, "/meetings/jtf-first-meeting/?lang=x")


@pytest.mark.parametrize(
    ("kind", "form_id", "path"),
    [
        ("person", "person_form", "/people/"),
        ("organisation", "organization_form", "/organisations/"),
        ("series", "meetingseries_form", "/meetings/series/"),
    ],
)
def test_a_person_body_or_series_keeps_its_address_when_renamed_and_redirects_when_moved(
    kind, form_id, path, pat
):
    """They have no publication of their own: their slug never follows their name, and
    every change of it is recorded, since their page may have been public."""
    series = make_series(name="Joint Task Force", slug="jtf")
    meeting = make_meeting(series=series)
    item = {
        "person": lambda: make_person(name="Sun Dong", slug="sun-dong"),
        "organisation": lambda: make_organisation(name="Bureau", slug="itib"),
        "series": lambda: series,
    }[kind]()
    if kind != "series":
        make_attendance(meeting, **{kind: item})
    old = item.slug
    publish_through_the_admin(pat, item, form_id, name="Renamed")
    item.refresh_from_db()
    assert (item.name, item.slug) == ("Renamed", old)

    publish_through_the_admin(pat, item, form_id, slug="moved-here")
    moved = Client().get(f"{path}{old}/?page=2")
    assert (moved.status_code, moved["Location"]) == (301, f"{path}moved-here/?page=2")
    assert Client().get(f"{path}moved-here/").status_code == 200


def test_a_persons_old_address_leads_nowhere_once_no_published_meeting_shows_them(edith):
    person = make_person(name="Sun Dong", slug="sun-dong")  # on no published meeting
    url = change_url(person)
    form, _ = opened(edith, url, "person_form")
    form["slug"] = "professor-sun-dong"
    assert edith.post(url, form).status_code == 302
    assert SlugRedirect.objects.of(person).get().old_slug == "sun-dong"
    assert Client().get("/people/sun-dong/").status_code == 404  # no public page to go to


# --- Costs and caches -------------------------------------------------------------------


def test_a_page_at_its_own_address_never_asks_for_old_addresses():
    milestone = make_milestone(title="Park opened", slug="park-opens")
    SlugRedirect.objects.record(milestone, "park-opened")
    with CaptureQueriesContext(connection) as queries:
        assert Client().get("/milestones/park-opens/").status_code == 200
    assert queries.captured_queries
    assert not [q for q in queries.captured_queries if "slugredirect" in q["sql"].lower()]


def test_an_old_address_costs_two_queries(django_assert_num_queries):
    milestone = make_milestone(title="Park opened", slug="park-opens")
    SlugRedirect.objects.record(milestone, "park-opened")
    Client().get("/milestones/park-opened/")  # the content type is then remembered
    with django_assert_num_queries(2):  # the page's lookup, then the old address's
        assert Client().get("/milestones/park-opened/").status_code == 301


def test_the_page_cache_never_serves_the_old_address_after_the_slug_changes(settings, pat):
    settings.PAGE_CACHE_SECONDS = 3600
    milestone = make_milestone(title="Park opened", slug="park-opened")
    assert Client().get("/milestones/park-opened/").status_code == 200
    assert Client().get("/milestones/park-opened/")["X-Page-Cache"] == "hit"
    publish_through_the_admin(pat, milestone, "milestone_form", slug="park-opens")
    moved = Client().get("/milestones/park-opened/")
    assert (moved.status_code, moved["Location"]) == (301, "/milestones/park-opens/")
    assert Client().get("/milestones/park-opened/").status_code == 301  # 301s are not stored
