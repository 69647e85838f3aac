"""Changes to published history wait for review: an edit of a live item becomes its pending
change, the public reads the live version until a publisher publishes it. Through the real
admin forms, as a browser sends them."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from meetings.models import Attendance, Organization, Person
from milestones.models import Milestone
from publishing.models import PendingChange
from tests.factories import (
    change_url,
    make_attendance,
    make_meeting,
    make_milestone,
    make_organisation,
    make_person,
    make_series,
    make_user,
)
from tests.html_forms import form_data, opened

pytestmark = pytest.mark.django_db


def public_text(obj) -> str:
    response = Client().get(obj.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_an_editors_change_waits_until_a_publisher_publishes_it(edith, pat):
    milestone = make_milestone(title="Memorandum signed", body="Hong Kong and Shenzhen agreed.")
    url = change_url(milestone)
    form, html = opened(edith, url, "milestone_form")
    assert "Your changes are kept as a pending change" in html

    form["title"] = "Memorandum of Understanding signed"
    response = edith.post(url, form)
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.title == "Memorandum signed"  # the live row is untouched
    assert "Memorandum signed" in public_text(milestone)
    assert "Memorandum of Understanding" not in public_text(milestone)
    assert Client().get("/api/milestones/").json()["results"][0]["title"] == "Memorandum signed"

    # The publisher's change form shows the pending change, with who and since when.
    publisher_form, html = opened(pat, url, "milestone_form")
    assert "Pending change</strong> by edith" in html
    assert publisher_form["title"] == "Memorandum of Understanding signed"
    compare = pat.get(f"/admin/milestones/milestone/{milestone.pk}/compare/")
    assert compare.status_code == 200
    assert "Memorandum signed" in compare.content.decode()
    assert "Memorandum of Understanding signed" in compare.content.decode()

    publisher_form["_publish"] = "Publish"
    published = pat.post(url, publisher_form, follow=True)
    assert "is published: readers see this version now" in published.content.decode()
    milestone.refresh_from_db()
    assert milestone.title == "Memorandum of Understanding signed"
    assert "Memorandum of Understanding signed" in public_text(milestone)
    assert not PendingChange.objects.exists()


def test_the_editor_sees_her_pending_change_again_and_changes_it(edith):
    milestone = make_milestone(title="Land handed over")
    url = change_url(milestone)
    form, _ = opened(edith, url, "milestone_form")
    form["title"] = "Land handed over to Hong Kong"
    assert edith.post(url, form).status_code == 302
    again, html = opened(edith, url, "milestone_form")
    assert again["title"] == "Land handed over to Hong Kong"  # nothing she typed is lost
    again["title"] = "Land handed over to Hong Kong, 2018"
    again["_submit_review"] = "Save and submit for review"
    assert edith.post(url, again).status_code == 302
    pending = PendingChange.objects.get()
    assert pending.submitted and pending.data["title"] == ["Land handed over to Hong Kong, 2018"]
    assert Milestone.objects.get(pk=milestone.pk).title == "Land handed over"


def test_an_editor_cannot_publish_and_what_she_typed_waits_as_the_pending_change(edith):
    milestone = make_milestone(title="Opening")
    url = change_url(milestone)
    form, _ = opened(edith, url, "milestone_form")
    form["title"] = "Grand opening"
    form["_publish"] = "Publish"
    response = edith.post(url, form, follow=True)
    assert response.status_code == 200
    assert "Only a publisher can publish or schedule a change" in response.content.decode()
    assert Milestone.objects.get(pk=milestone.pk).title == "Opening"
    assert PendingChange.objects.get().data["title"] == ["Grand opening"]  # nothing lost


def test_a_publisher_discards_a_pending_change(edith, pat):
    milestone = make_milestone(title="Budget")
    url = change_url(milestone)
    form, _ = opened(edith, url, "milestone_form")
    form["title"] = "Budget 2022-23"
    assert edith.post(url, form).status_code == 302
    publisher_form, _ = opened(pat, url, "milestone_form")
    publisher_form["_discard"] = "Discard the pending change"
    response = pat.post(url, publisher_form, follow=True)
    assert "The pending change of “Budget” is discarded" in response.content.decode()
    assert not PendingChange.objects.exists()
    assert Milestone.objects.get(pk=milestone.pk).title == "Budget"


def test_a_meetings_attendances_wait_with_it(edith, pat):
    """The inline attendances are part of the pending change."""
    meeting = make_meeting(title="Eleventh meeting")
    attendance = make_attendance(meeting, person=make_person(name="Sun Dong"), post="Secretary")
    url = change_url(meeting)
    form, _ = opened(edith, url, "meeting_form")
    form["attendances-0-post"] = "Secretary for Innovation, Technology and Industry"
    assert edith.post(url, form).status_code == 302
    attendance.refresh_from_db()
    assert attendance.post == "Secretary"  # live
    assert "Secretary for Innovation" not in public_text(meeting)

    publisher_form, _ = opened(pat, url, "meeting_form")
    assert publisher_form["attendances-0-post"] == (
        "Secretary for Innovation, Technology and Industry"
    )
    compare = pat.get(f"/admin/meetings/meeting/{meeting.pk}/compare/").content.decode()
    assert "Attendance 1: Post" in compare
    publisher_form["_publish"] = "Publish"
    assert pat.post(url, publisher_form).status_code == 302
    assert Attendance.objects.get(pk=attendance.pk).post.startswith("Secretary for Innovation")


def test_staff_preview_the_pending_change_at_the_public_address(edith):
    milestone = make_milestone(title="Topping-out")
    url = change_url(milestone)
    form, _ = opened(edith, url, "milestone_form")
    form["title"] = "Topping-out of the first buildings"
    assert edith.post(url, form).status_code == 302
    preview = edith.get(milestone.get_absolute_url())
    html = preview.content.decode()
    assert "Topping-out of the first buildings" in html
    assert "Pending change by edith" in html
    assert "no-cache" in preview["Cache-Control"]
    assert "Topping-out of the first buildings" not in public_text(milestone)


def test_the_review_queue_lists_live_items_with_a_pending_change(edith, pat):
    changed = make_milestone(title="Changed one")
    make_milestone(title="Untouched one")
    form, _ = opened(edith, change_url(changed), "milestone_form")
    form["body"] = "A better text."
    assert edith.post(change_url(changed), form).status_code == 302
    listed = pat.get("/admin/milestones/milestone/?status=pending").content.decode()
    assert "Changed one" in listed and "Untouched one" not in listed


def test_drafts_are_edited_in_place_as_before(edith):
    draft = make_milestone(title="A draft", published=False)
    form, html = opened(edith, change_url(draft), "milestone_form")
    assert "pending change" not in html.lower()
    form["title"] = "A better draft"
    assert edith.post(change_url(draft), form).status_code == 302
    assert Milestone.objects.get(pk=draft.pk).title == "A better draft"
    assert not PendingChange.objects.exists()


def test_an_editors_restore_of_a_live_item_waits_and_a_publisher_restores_and_publishes(edith, pat):
    milestone = make_milestone(title="Original title")
    milestone.title = "Mistaken title"
    milestone.save()
    original = milestone.history.earliest()
    url = f"/admin/milestones/milestone/{milestone.pk}/history/{original.history_id}/"
    page = edith.get(url).content.decode()
    assert "restoring this version makes it a pending change" in page
    form_id = re.search(r'<form [^>]*id="(\w+_form)"', page).group(1)
    form = form_data(page, form_id)
    response = edith.post(url, form, follow=True)
    assert response.status_code == 200
    assert "saved as a pending change" in response.content.decode()
    assert Milestone.objects.get(pk=milestone.pk).title == "Mistaken title"  # still live
    assert PendingChange.objects.get().data["title"] == ["Original title"]

    page = pat.get(url).content.decode()
    form = {**form_data(page, form_id), "_publish": "Restore and publish"}
    assert pat.post(url, form).status_code == 302
    assert Milestone.objects.get(pk=milestone.pk).title == "Original title"
    assert not PendingChange.objects.exists()


def test_publishing_an_editors_change_keeps_the_publication_time(edith, pat):
    """The editor's form has no publication fields: her change neither empties them on the
    publisher's form nor lists them in the comparison."""
    milestone = make_milestone(title="Budget")
    published_at = Milestone.objects.get(pk=milestone.pk).published_at
    url = change_url(milestone)
    form, _ = opened(edith, url, "milestone_form")
    assert "state" not in form and "published_at_0" not in form
    form["title"] = "Budget 2022-23"
    form.pop("needs_review", None)
    assert edith.post(url, form).status_code == 302

    compare = pat.get(f"/admin/milestones/milestone/{milestone.pk}/compare/").content.decode()
    assert "Title" in compare and "Published at" not in compare and ">State<" not in compare
    publisher_form, _ = opened(pat, url, "milestone_form")
    assert publisher_form["published_at_0"]  # as live, not emptied
    publisher_form["_publish"] = "Publish"
    assert pat.post(url, publisher_form).status_code == 302
    milestone.refresh_from_db()
    assert (milestone.title, milestone.published_at) == ("Budget 2022-23", published_at)


# --- People, organisations and series: live once a published meeting shows them ---------


def _shown_on(meeting_published: bool, kind: str):
    """A person, organisation or series shown by a (published or draft) meeting, and the
    public page that shows its name."""
    series = make_series(name="Joint Task Force")
    meeting = make_meeting(published=meeting_published, series=series, title="Meeting")
    if kind == "series":
        return series, meeting
    attendee = make_person(name="Sun Dong") if kind == "person" else make_organisation(name="ITIB")
    make_attendance(meeting, **{"person" if kind == "person" else "organisation": attendee})
    return attendee, attendee


FORM_IDS = {"person": "person_form", "organisation": "organization_form"}
FORM_IDS["series"] = "meetingseries_form"


@pytest.mark.parametrize("kind", ["person", "organisation", "series"])
def test_a_change_to_a_live_person_organisation_or_series_waits_for_a_publisher(kind, edith, pat):
    item, page = _shown_on(True, kind)
    old_name = item.name
    url = change_url(item)
    form, html = opened(edith, url, FORM_IDS[kind])
    assert "Your changes are kept as a pending change" in html
    form["name"] = f"{old_name} (renamed)"
    assert edith.post(url, form).status_code == 302
    item.refresh_from_db()
    assert item.name == old_name
    assert f"{old_name} (renamed)" not in public_text(page)
    assert PendingChange.objects.of(item).get().author.username == "edith"
    listed = pat.get(f"{url.rsplit('/', 3)[0]}/?status=pending").content.decode()
    assert f"{old_name}</a>" in listed

    publisher_form, html = opened(pat, url, FORM_IDS[kind])
    assert "Pending change</strong> by edith" in html
    assert publisher_form["name"] == f"{old_name} (renamed)"
    publisher_form["_publish"] = "Publish"
    assert pat.post(url, publisher_form).status_code == 302
    item.refresh_from_db()
    assert item.name == f"{old_name} (renamed)"
    assert f"{old_name} (renamed)" in public_text(page)
    assert not PendingChange.objects.exists()


@pytest.mark.parametrize("kind", ["person", "organisation", "series"])
def test_a_person_organisation_or_series_no_published_meeting_shows_is_edited_in_place(kind, edith):
    item, _ = _shown_on(False, kind)
    url = change_url(item)
    form, html = opened(edith, url, FORM_IDS[kind])
    assert "pending change" not in html
    form["name"] = "Renamed at once"
    assert edith.post(url, form).status_code == 302
    item.refresh_from_db()
    assert item.name == "Renamed at once"
    assert not PendingChange.objects.exists()


def test_staff_preview_a_persons_pending_change_at_the_public_address(edith):
    person, _ = _shown_on(True, "person")
    form, _ = opened(edith, change_url(person), "person_form")
    form["name"] = "Sun Dong, JP"
    assert edith.post(change_url(person), form).status_code == 302
    preview = edith.get(person.get_absolute_url())
    assert "Sun Dong, JP" in preview.content.decode()
    assert "Pending change by edith" in preview.content.decode()
    assert "no-cache" in preview["Cache-Control"]
    assert "Sun Dong, JP" not in public_text(person)


def test_an_attendance_of_a_live_meeting_is_changed_on_the_meetings_page_only(edith, pat):
    live = make_attendance(make_meeting(), person=make_person(), post="Secretary")
    draft = make_attendance(make_meeting(published=False), person=make_person(), post="Director")
    response = edith.get(change_url(live))
    html = response.content.decode()
    assert response.status_code == 200
    assert "change it on" in html and "where your change waits for review" in html
    assert 'name="post"' not in html  # read-only
    refused = edith.post(change_url(live), {"post": "Secretary for Everything"})
    assert refused.status_code == 403
    assert Attendance.objects.get(pk=live.pk).post == "Secretary"
    assert 'name="post"' in edith.get(change_url(draft)).content.decode()
    assert 'name="post"' in pat.get(change_url(live)).content.decode()  # publishers may


def test_an_editor_cannot_add_an_attendance_to_a_live_meeting_nor_move_one_there(edith):
    live = make_meeting(title="Live meeting")
    draft = make_meeting(published=False, title="Draft meeting")
    person = make_person(name="Chan Tai-man")
    form, _ = opened(edith, "/admin/meetings/attendance/add/", "attendance_form")
    form.update(meeting=str(live.pk), person=str(person.pk), role="attendee", side="hong_kong")
    response = edith.post("/admin/meetings/attendance/add/", form)
    assert response.status_code == 200  # the form again, with what she typed
    assert "This meeting is live: add or change its attendances on the meeting" in (
        response.content.decode()
    )
    assert not Attendance.objects.exists()

    moved = make_attendance(draft, person=person, post="Director")
    form, _ = opened(edith, change_url(moved), "attendance_form")
    form["meeting"] = str(live.pk)
    assert edith.post(change_url(moved), form).status_code == 200
    assert Attendance.objects.get(pk=moved.pk).meeting == draft
    form["meeting"] = str(draft.pk)
    form["post"] = "Director-General"
    assert edith.post(change_url(moved), form).status_code == 302  # a draft's: in place


def test_a_meeting_published_for_later_makes_its_people_live_already(edith):
    """Scheduled is live: what the publisher released must not change unreviewed before
    its moment."""
    later = timezone.now() + dt.timedelta(days=3)
    meeting = make_meeting(title="Scheduled meeting", published_at=later)
    person = make_person(name="Lee Siu-ming")
    attendance = make_attendance(meeting, person=person, post="Secretary")
    form, html = opened(edith, change_url(person), "person_form")
    assert "Your changes are kept as a pending change" in html
    form["name"] = "Lee Siu-ming, JP"
    assert edith.post(change_url(person), form).status_code == 302
    assert Person.objects.get(pk=person.pk).name == "Lee Siu-ming"
    assert 'name="post"' not in edith.get(change_url(attendance)).content.decode()


def test_only_a_publisher_lists_an_organisation_on_the_public_site(edith, pat):
    body = make_organisation(name="Legislative Council")
    assert 'name="listed"' not in edith.get(change_url(body)).content.decode()
    assert 'name="listed"' in pat.get(change_url(body)).content.decode()
    form, _ = opened(edith, change_url(body), "organization_form")
    form["listed"] = "on"  # sent by hand: the field is not on her form
    assert edith.post(change_url(body), form).status_code == 302
    assert Organization.objects.get(pk=body.pk).listed is False


def test_a_live_persons_pending_save_from_a_popup_closes_the_popup(edith):
    person, _ = _shown_on(True, "person")
    url = f"{change_url(person)}?_popup=1"
    form, _ = opened(edith, url, "person_form")
    form["name"] = "Sun Dong, GBS"
    response = edith.post(url, form)
    assert response.status_code == 200
    assert "popup_response" in response.content.decode() or "data-popup-response" in (
        response.content.decode()
    )
    assert PendingChange.objects.get().data["name"] == ["Sun Dong, GBS"]


def test_an_editor_who_opens_a_delete_page_is_told_who_deletes(edith):
    milestone = make_milestone(title="Kept")
    response = edith.get(f"/admin/milestones/milestone/{milestone.pk}/delete/")
    assert response.status_code == 403
    assert "Only a publisher can delete a milestone" in response.content.decode()
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def _live_item(kind):
    if kind == "milestone":
        return make_milestone(title="Live title"), "title", "milestone_form"
    if kind == "meeting":
        return make_meeting(title="Live title"), "title", "meeting_form"
    item, _ = _shown_on(True, kind)
    return item, "name", FORM_IDS[kind]


@pytest.mark.parametrize("kind", ["milestone", "meeting", "person", "organisation", "series"])
@pytest.mark.parametrize(
    ("role", "publishes"), [("editor", False), ("publisher", True), ("superuser", True)]
)
def test_the_role_matrix_for_publishing_a_change_to_live_history(kind, role, publishes):
    """Through the change form, `_publish`: publishers and superusers put the change live;
    an editor's waits as the pending change, nothing lost."""
    client = Client()
    client.force_login(make_user(role))
    item, field, form_id = _live_item(kind)
    before = getattr(item, field)
    form, _ = opened(client, change_url(item), form_id)
    form[field] = f"{before} (changed)"
    form["_publish"] = "Publish"
    assert client.post(change_url(item), form).status_code == 302
    item.refresh_from_db()
    assert getattr(item, field) == (f"{before} (changed)" if publishes else before)
    assert PendingChange.objects.exists() is not publishes


def test_compare_lists_no_text_the_browser_only_sent_with_other_line_endings(edith, pat):
    """Browsers send a text area's lines ending CRLF: an untouched text is no change."""
    meeting = make_meeting(title="Tenth meeting", full_text="First paragraph.\n\nSecond one.")
    make_attendance(meeting, person=make_person(name="Sun Dong"), post="Secretary")
    url = change_url(meeting)
    form, _ = opened(edith, url, "meeting_form")
    form["full_text"] = form["full_text"].replace("\n", "\r\n")  # as a browser sends it
    form["attendances-0-post"] = "Secretary for Innovation, Technology and Industry"
    assert edith.post(url, form).status_code == 302
    compare = pat.get(f"/admin/meetings/meeting/{meeting.pk}/compare/").content.decode()
    assert "Attendance 1: Post" in compare
    assert "Full text" not in compare
