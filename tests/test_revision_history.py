"""Every change is recorded with who and when; editors see differences and restore."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from meetings.models import Attendance, Organization, Person
from milestones.models import MergedParagraph, Milestone
from tests.factories import (
    make_attendance,
    make_meeting,
    make_milestone,
    make_organisation,
    make_person,
    make_user,
    milestone_form,
)

pytestmark = pytest.mark.django_db
TIMELINE = Path(__file__).resolve().parent.parent / "seeds" / "000_c84dba87f6a5cc22.txt"


@pytest.fixture
def editor_client(client):
    editor = make_user("editor", username="edith")
    client.force_login(editor)
    client.user = editor
    return client


def test_admin_edit_is_recorded_with_who_and_when(editor_client):
    """The history names the editor who changed the title (of a draft: edits of live items
    wait as pending changes, tests/test_pending_changes.py)."""
    milestone = make_milestone(title="First title", published=False)
    url = f"/admin/milestones/milestone/{milestone.pk}/change/"
    editor_client.post(url, milestone_form(milestone, title="Second title"))
    latest = milestone.history.first()
    assert latest.title == "Second title"
    assert latest.history_user == editor_client.user
    assert latest.history_date is not None


def test_history_page_shows_the_difference_between_versions(editor_client):
    """The admin history lists versions with what changed from one to the next."""
    milestone = make_milestone(title="First title")
    url = f"/admin/milestones/milestone/{milestone.pk}/change/"
    editor_client.post(url, milestone_form(milestone, title="Second title"))
    html = editor_client.get(
        f"/admin/milestones/milestone/{milestone.pk}/history/"
    ).content.decode()
    assert "edith" in html
    assert "First title" in html and "Second title" in html


def test_editor_restores_an_earlier_version(editor_client):
    """Reverting brings back the earlier title and records the restore itself (a draft:
    a live item's restore waits as a pending change, tests/test_pending_changes.py)."""
    milestone = make_milestone(title="Original title", published=False)
    url = f"/admin/milestones/milestone/{milestone.pk}/change/"
    editor_client.post(url, milestone_form(milestone, title="Mistaken title"))
    original = milestone.history.earliest()
    history_url = f"/admin/milestones/milestone/{milestone.pk}/history/{original.history_id}/"
    page = editor_client.get(history_url).content.decode()
    assert 'value="Original title"' in page
    milestone.refresh_from_db()
    editor_client.post(history_url, milestone_form(original.instance))
    milestone.refresh_from_db()
    assert milestone.title == "Original title"
    assert milestone.history.count() == 3


def test_people_organisations_meetings_and_attendances_keep_history():
    """Each of these models records its own changes."""
    meeting = make_meeting()
    person = make_person(name="Sun Dong")
    organisation = make_organisation(name="Development Bureau")
    attendance = make_attendance(meeting, person=person, organisation=organisation)
    person.honorific = "Professor"
    person.save()
    assert person.history.count() == 2
    for obj in (meeting, organisation, attendance):
        assert obj.history.count() == 1
    attendance.delete()
    assert Attendance.history.filter(history_type="-").count() == 1
    assert Person.history.count() == 2 and Organization.history.count() == 1


def _import():
    call_command("import_seeds", str(TIMELINE), stdout=StringIO(), stderr=StringIO())


def test_merge_keeps_every_source_paragraph_and_reimport_does_not_bring_it_back(editor_client):
    """Merging 'In addition…' into the paragraph before it survives a re-import."""
    _import()
    first = Milestone.objects.get(source_paragraph=14)
    second = Milestone.objects.get(source_paragraph=15)
    editor_client.post(
        "/admin/milestones/milestone/",
        {"action": "merge_selected", "_selected_action": [second.pk, first.pk]},
    )
    assert Milestone.objects.count() == 24
    merged = Milestone.objects.get(pk=first.pk)
    assert merged.body == f"{first.body}\n\n{second.body}"
    paragraph = MergedParagraph.objects.get()
    assert (paragraph.milestone, paragraph.source_paragraph) == (merged, 15)
    assert paragraph.source_text == second.source_text

    out = StringIO()
    call_command("import_seeds", str(TIMELINE), stdout=out, stderr=StringIO())
    assert Milestone.objects.count() == 24
    assert "0 created" in out.getvalue()


def test_merging_needs_at_least_two_milestones(editor_client):
    """One milestone alone cannot be merged; the editor is told so."""
    milestone = make_milestone()
    response = editor_client.post(
        "/admin/milestones/milestone/",
        {"action": "merge_selected", "_selected_action": [milestone.pk]},
        follow=True,
    )
    assert "Choose at least two milestones to merge." in response.content.decode()
    assert Milestone.objects.count() == 1


def test_merged_milestone_page_shows_its_merged_paragraphs(editor_client):
    """The change form lists the paragraphs merged into the milestone."""
    _import()
    pks = list(Milestone.objects.filter(source_paragraph__in=[12, 13]).values_list("pk", flat=True))
    editor_client.post(
        "/admin/milestones/milestone/", {"action": "merge_selected", "_selected_action": pks}
    )
    target = Milestone.objects.get(source_paragraph=12)
    html = editor_client.get(f"/admin/milestones/milestone/{target.pk}/change/").content.decode()
    assert "Paragraphs merged into this milestone" in html
    assert "In order to attract talent" in html


def test_an_editor_cannot_unpublish_by_restoring_a_draft_version(editor_client):
    """The history's revert form offers an earlier version's fields, state included; the
    state as stored decides, so an editor cannot take a public milestone off the site."""
    milestone = make_milestone(title="Draft title", published=False)
    draft = milestone.history.earliest()
    milestone.title = "Public title"
    milestone.publish()
    milestone.save()
    history_url = f"/admin/milestones/milestone/{milestone.pk}/history/{draft.history_id}/"
    page = editor_client.get(history_url).content.decode()
    assert 'name="state"' not in page  # read-only: the stored milestone is published
    assert "You cannot restore this version. Only a publisher can do this" in page  # before
    response = editor_client.post(history_url, milestone_form(draft.instance), follow=True)
    # Not a bare 403: the history page again, saying why and what to do instead.
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/admin/milestones/milestone/{milestone.pk}/history/"
    html = response.content.decode()
    assert "Not restored. Only a publisher can do this" in html
    assert "Ask a publisher to do it" in html
    milestone.refresh_from_db()
    assert (milestone.title, milestone.is_public) == ("Public title", True)


def test_a_publisher_may_restore_a_draft_version(client):
    publisher = make_user("publisher")
    client.force_login(publisher)
    milestone = make_milestone(title="Draft title", published=False)
    draft = milestone.history.earliest()
    milestone.publish()
    milestone.save()
    history_url = f"/admin/milestones/milestone/{milestone.pk}/history/{draft.history_id}/"
    page = client.get(history_url).content.decode()
    assert "Restoring this version would take the milestone off the public site" in page
    client.post(history_url, {**milestone_form(draft.instance), "_publish": "Restore and publish"})
    milestone.refresh_from_db()
    assert milestone.is_public is False


def test_an_editor_cannot_merge_public_milestones(editor_client):
    """Merging removes all but the first: for public ones that is deleting, a publisher's
    job. Drafts and items in review the editor merges."""
    public = make_milestone(title="Public one")
    draft = make_milestone(title="Draft one", published=False)
    response = editor_client.post(
        "/admin/milestones/milestone/",
        {"action": "merge_selected", "_selected_action": [public.pk, draft.pk]},
        follow=True,
    )
    assert "Only a publisher can merge published or scheduled milestones" in (
        response.content.decode()
    )
    assert Milestone.objects.count() == 2
    other = make_milestone(title="Another draft", published=False)
    editor_client.post(
        "/admin/milestones/milestone/",
        {"action": "merge_selected", "_selected_action": [draft.pk, other.pk]},
    )
    assert Milestone.objects.count() == 2  # the two drafts are one now


def test_a_publisher_merges_public_milestones(client):
    client.force_login(make_user("publisher"))
    first, second = make_milestone(title="First"), make_milestone(title="Second")
    client.post(
        "/admin/milestones/milestone/",
        {"action": "merge_selected", "_selected_action": [first.pk, second.pk]},
    )
    assert Milestone.objects.count() == 1


def test_an_imported_release_gives_every_record_its_first_revision():
    """The meeting, its people, its organisations and every attendance start their history
    with the import, so the history page can show what the importer wrote."""
    release = TIMELINE.parent / "001_91d1b2786c42947a.txt"
    call_command("import_seeds", str(release), "--published-on", "2024-08-30", stdout=StringIO())
    attendances = list(Attendance.objects.all())
    assert len(attendances) == 24
    for attendance in attendances:
        assert [h.history_change_reason for h in attendance.history.all()] == ["import"]
    meeting = attendances[0].meeting
    assert [h.history_change_reason for h in meeting.history.all()] == ["import"]
    for model in (Person, Organization):
        assert model.objects.exists()
        for record in model.objects.all():
            assert [h.history_change_reason for h in record.history.all()] == ["import"]


def test_saving_a_published_item_unchanged_changes_not_its_publication_time(admin_client):
    """The form shows and sends the time in whole seconds; stored times are whole seconds
    too, so an unchanged save is no change of `published_at` in the history."""
    milestone = make_milestone(published=True)
    milestone.refresh_from_db()
    assert milestone.published_at.microsecond == 0
    local = timezone.localtime(milestone.published_at)
    form = milestone_form(
        milestone,
        published_at_0=local.strftime("%Y-%m-%d"),
        published_at_1=local.strftime("%H:%M:%S"),
        _publish="Publish",
    )
    response = admin_client.post(f"/admin/milestones/milestone/{milestone.pk}/change/", form)
    assert response.status_code == 302
    latest = milestone.history.first()
    assert "published_at" not in latest.diff_against(latest.prev_record).changed_fields


def test_a_refusal_in_the_admin_is_the_desks_own_page_saying_why(client):
    """Staff without the right to import get the admin's page with the reason, not a bare
    "403 Forbidden"; readers get the site's page."""
    client.force_login(make_user(None, username="visitor", is_staff=True))
    response = client.get("/admin/import/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "HSITP History: editors" in html  # the admin's header
    assert "ask an administrator to give you the Editor role" in html
    assert "Back to the desk" in html
