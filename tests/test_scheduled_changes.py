"""A publisher schedules a pending change: it goes live at its moment, with no job (the first
request after the moment publishes it, before anything answers), as the publisher's own
Publish would have; until then readers, feeds, the API and the page cache read the live
version. Through the real admin forms, with the page cache on and a pinned clock."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import Attendance
from milestones.models import Milestone
from publishing import scheduling
from publishing.models import PendingChange
from publishing.pending import SCHEDULED_REASON
from tests.factories import change_url, make_attendance, make_meeting, make_milestone, make_person
from tests.html_forms import opened

# Real commits: every process learns of a schedule when it commits (publishing/scheduling.py).
pytestmark = pytest.mark.django_db(transaction=True)

HK = timezone.get_fixed_timezone(8 * 60)
NOW = dt.datetime(2030, 3, 1, 9, 0, tzinfo=HK)
MOMENT = dt.datetime(2030, 3, 2, 10, 0, tzinfo=HK)


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 3600


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def public_text(url: str) -> str:
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode()


def pending_edit(client, obj, form_id, **changes):
    url = change_url(obj)
    form, _ = opened(client, url, form_id)
    form.update(changes)
    assert client.post(url, form).status_code == 302


def schedule(client, obj, form_id, when, **changes):
    url = change_url(obj)
    form, _ = opened(client, url, form_id)
    form.update(changes)
    form["_schedule_at"] = when.astimezone(HK).strftime("%Y-%m-%dT%H:%M")
    form["_schedule"] = "Schedule"
    return client.post(url, form, follow=True)


def test_a_scheduled_change_goes_live_at_its_moment_with_no_job(clock, edith, pat):
    milestone = make_milestone(title="Park opens", slug="park-opens")
    pending_edit(edith, milestone, "milestone_form", title="Park opens its first buildings")
    response = schedule(pat, milestone, "milestone_form", MOMENT)
    html = response.content.decode()
    assert "is scheduled: it goes live on 2 Mar 2030, 10:00 (Hong Kong time)" in html
    pending = PendingChange.objects.get()
    assert pending.publish_at == MOMENT and pending.scheduled_by.username == "pat"
    form, html = opened(pat, change_url(milestone), "milestone_form")
    assert "<strong>Scheduled</strong> by pat: it goes live on 2 Mar 2030, 10:00" in html
    assert form["_schedule_at"] == "2030-03-02T10:00"

    url = milestone.get_absolute_url()
    assert "Park opens its first buildings" not in public_text(url)  # cached now
    assert "Park opens its first buildings" not in public_text("/feeds/milestones/")
    clock.move_to(MOMENT - dt.timedelta(seconds=1))
    assert "Park opens its first buildings" not in public_text(url)
    assert Milestone.objects.get(pk=milestone.pk).title == "Park opens"

    clock.move_to(MOMENT)
    assert "Park opens its first buildings" in public_text(url)  # the cached page is gone
    assert "Park opens its first buildings" in public_text("/feeds/milestones/")
    api = Client().get("/api/milestones/").json()["results"]
    assert api[0]["title"] == "Park opens its first buildings"
    assert not PendingChange.objects.exists()
    revision = Milestone.history.filter(id=milestone.pk).order_by("-history_id").first()
    assert revision.history_user.username == "pat"
    assert revision.history_change_reason == SCHEDULED_REASON
    assert LogEntry.objects.filter(user__username="pat", object_id=str(milestone.pk)).exists()


def test_a_meetings_scheduled_change_publishes_its_attendances_too(clock, edith, pat):
    meeting = make_meeting(title="Twelfth meeting")
    attendance = make_attendance(meeting, person=make_person(name="Sun Dong"), post="Secretary")
    pending_edit(edith, meeting, "meeting_form", **{"attendances-0-post": "Secretary for ITI"})
    schedule(pat, meeting, "meeting_form", MOMENT)
    clock.move_to(MOMENT + dt.timedelta(minutes=1))
    assert "Secretary for ITI" in public_text(meeting.get_absolute_url())
    assert Attendance.objects.get(pk=attendance.pk).post == "Secretary for ITI"
    revision = Attendance.history.filter(id=attendance.pk).order_by("-history_id").first()
    assert revision.history_user.username == "pat"  # in the publisher's name, not the reader's


def test_an_editor_cannot_schedule_and_her_change_waits_unscheduled(clock, edith):
    milestone = make_milestone(title="Blueprint")
    response = schedule(edith, milestone, "milestone_form", MOMENT, title="Blueprint issued")
    assert "Only a publisher can publish or schedule a change" in response.content.decode()
    pending = PendingChange.objects.get()
    assert pending.data["title"] == ["Blueprint issued"] and pending.publish_at is None
    clock.move_to(MOMENT + dt.timedelta(hours=1))
    assert "Blueprint issued" not in public_text(milestone.get_absolute_url())
    assert Milestone.objects.get(pk=milestone.pk).title == "Blueprint"


def test_a_time_that_has_passed_is_refused_and_the_change_kept(clock, pat):
    milestone = make_milestone(title="Budget")
    response = schedule(pat, milestone, "milestone_form", NOW - dt.timedelta(hours=1), title="X")
    html = response.content.decode()
    assert "Not scheduled: that time has passed" in html
    pending = PendingChange.objects.get()
    assert pending.data["title"] == ["X"] and pending.publish_at is None  # nothing lost
    assert Milestone.objects.get(pk=milestone.pk).title == "Budget"


def test_saving_a_scheduled_change_again_cancels_its_schedule(clock, edith, pat):
    milestone = make_milestone(title="Land")
    schedule(pat, milestone, "milestone_form", MOMENT, title="Land handed over")
    url = change_url(milestone)
    form, _ = opened(edith, url, "milestone_form")
    form["title"] = "Land handed over in 2018"
    response = edith.post(url, form, follow=True)
    assert "Its schedule (for 2 Mar 2030, 10:00) is cancelled" in response.content.decode()
    assert PendingChange.objects.get().publish_at is None
    clock.move_to(MOMENT + dt.timedelta(hours=1))
    assert "Land handed over" not in public_text(milestone.get_absolute_url())


def test_a_change_whose_live_version_changed_since_waits_with_the_reason(clock, pat):
    milestone = make_milestone(title="Funding", body="Approved.")
    schedule(pat, milestone, "milestone_form", MOMENT, title="Funding approved by LegCo")
    live = Milestone.objects.get(pk=milestone.pk)
    live.body = "Approved by the Finance Committee."  # a save the change was not made against
    live.save()
    clock.move_to(MOMENT)
    html = public_text(milestone.get_absolute_url())
    assert "Funding approved by LegCo" not in html and "Finance Committee" in html
    pending = PendingChange.objects.get()
    assert pending.publish_at is None and "live version changed" in pending.schedule_error
    _, form_html = opened(pat, change_url(milestone), "milestone_form")
    assert "Not published as scheduled: the live version changed" in form_html


def test_a_request_reads_the_next_moment_from_the_shared_cache(clock, pat):
    milestone = make_milestone(title="Opening")
    schedule(pat, milestone, "milestone_form", MOMENT, title="Opening ceremony")
    with CaptureQueriesContext(connection) as queries:
        assert scheduling.next_moment() == MOMENT.timestamp()
    assert len(queries) == 0  # every process reads the shared cache, not the database
    caches[settings.EDIT_LOCK_CACHE_ALIAS].clear()  # the shared cache lost it
    with CaptureQueriesContext(connection) as queries:
        assert scheduling.next_moment() == MOMENT.timestamp()
    assert len(queries) == 1
    PendingChange.objects.all().delete()
    assert scheduling.next_moment() is None


def test_the_desk_counts_scheduled_and_submitted_changes(clock, edith, pat):
    scheduled = make_milestone(title="Scheduled change")
    submitted = make_milestone(title="Submitted change")
    make_milestone(title="Untouched")
    schedule(pat, scheduled, "milestone_form", MOMENT, title="Scheduled change, better")
    pending_edit(edith, submitted, "milestone_form", title="Better", _submit_review="Submit")
    desk = pat.get("/admin/").content.decode()
    assert 'status=scheduled">Scheduled: <strong>1</strong>' in desk
    assert 'status=review">Awaiting my review: <strong>1</strong>' in desk
    assert 'status=pending">Pending changes: <strong>2</strong>' in desk
    listed = pat.get("/admin/milestones/milestone/?status=scheduled").content.decode()
    assert "Scheduled change" in listed and "Submitted change" not in listed
    listed = pat.get("/admin/milestones/milestone/?status=review").content.decode()
    assert "Submitted change" in listed and "Scheduled change" not in listed


def test_a_change_that_fails_the_forms_checks_when_due_waits_with_the_reason(clock, pat):
    milestone = make_milestone(title="Topping out", slug="topping-out")
    schedule(pat, milestone, "milestone_form", MOMENT, slug="first-buildings")
    make_milestone(title="Another", slug="first-buildings")  # the slug is taken meanwhile
    clock.move_to(MOMENT)
    assert "Topping out" in public_text(milestone.get_absolute_url())
    pending = PendingChange.objects.get()
    assert pending.publish_at is None
    assert "does not pass the form's checks now (Slug:" in pending.schedule_error
    assert Milestone.objects.get(pk=milestone.pk).slug == "topping-out"


def test_a_change_scheduled_by_a_publisher_whose_account_is_closed_waits(clock, pat):
    milestone = make_milestone(title="Budget 2025")
    schedule(pat, milestone, "milestone_form", MOMENT, title="Budget 2025-26")
    user = PendingChange.objects.get().scheduled_by
    user.is_active = False
    user.save()
    clock.move_to(MOMENT)
    assert "Budget 2025-26" not in public_text(milestone.get_absolute_url())
    assert "no account now" in PendingChange.objects.get().schedule_error


def test_a_failure_while_publishing_never_fails_the_readers_page(clock, pat, monkeypatch):
    milestone = make_milestone(title="Opening day")
    schedule(pat, milestone, "milestone_form", MOMENT, title="Opening day, 2027")

    def broken(self, pending):
        raise RuntimeError("disk full")

    monkeypatch.setattr(type(admin.site.get_model_admin(Milestone)), "publish_scheduled", broken)
    clock.move_to(MOMENT)
    assert "Opening day" in public_text(milestone.get_absolute_url())  # a 200, not a 500
    pending = PendingChange.objects.get()
    assert pending.publish_at is None and "RuntimeError: disk full" in pending.schedule_error
    assert scheduling.next_moment() is None  # not asked about again on every request


def test_enter_in_a_field_saves_and_never_publishes(clock, pat):
    """A form's default button is its first submit button: a plain save, not Publish."""
    milestone = make_milestone(title="Embargoed")
    _, html = opened(pat, change_url(milestone), "milestone_form")
    form_html = html[html.index('id="milestone_form"') :]
    first_submit = form_html[: form_html.index('type="submit"') + 40]
    assert 'name="_continue"' in first_submit.rsplit("<input", 1)[-1]


def test_the_form_warns_when_the_live_version_changed_after_the_change(clock, edith, pat):
    milestone = make_milestone(title="Loop handed over")
    pending_edit(edith, milestone, "milestone_form", title="Loop handed over in 2018")
    live = Milestone.objects.get(pk=milestone.pk)
    live.body = "A publisher's direct edit."
    live.save()
    _, html = opened(pat, change_url(milestone), "milestone_form")
    assert "The live version changed after this change was saved" in html
