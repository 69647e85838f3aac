"""Roles, states, scheduling and preview: the editors' desk a small newsroom would trust."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from milestones.models import Milestone
from publishing.models import PendingChange, PublicationState
from tests.factories import make_meeting, make_milestone, make_user, milestone_form

pytestmark = pytest.mark.django_db
HK = timezone.get_fixed_timezone(8 * 60)
ROLES = ["anonymous", "editor", "publisher", "superuser"]


@pytest.fixture
def as_role(client):
    """Log the test client in with a role; 'anonymous' stays logged out."""

    def login(role):
        if role != "anonymous":
            client.force_login(make_user(role))
        return client

    return login


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("editor", 200), ("publisher", 200), ("superuser", 200)],
)
@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/milestones/milestone/",
        "/admin/meetings/meeting/",
        "/admin/meetings/person/",
        "/admin/pictures/picture/",
        "/admin/import/",
    ],
)
def test_who_reaches_the_desk(as_role, role, expected, url):
    """Staff in either role reach every desk page; the public is sent to log in."""
    assert as_role(role).get(url).status_code == expected


@pytest.mark.parametrize(
    ("role", "can_publish"),
    [("editor", False), ("publisher", True), ("superuser", True)],
)
def test_only_publishers_publish_through_the_form(as_role, role, can_publish):
    """An editor's form offers no 'Published' state; a publisher's does."""
    milestone = make_milestone(published=False)
    client = as_role(role)
    url = f"/admin/milestones/milestone/{milestone.pk}/change/"
    response = client.post(url, milestone_form(milestone, state="published"))
    milestone.refresh_from_db()
    assert milestone.is_public is can_publish
    if not can_publish:
        assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "action", "start", "end"),
    [
        ("editor", "send_to_review_selected", "draft", "review"),
        ("editor", "publish_selected", "review", "review"),
        ("editor", "unpublish_selected", "published", "published"),
        ("publisher", "send_to_review_selected", "draft", "review"),
        ("publisher", "publish_selected", "review", "published"),
        ("publisher", "publish_selected", "draft", "published"),
        ("publisher", "unpublish_selected", "published", "draft"),
        ("superuser", "publish_selected", "review", "published"),
        ("superuser", "unpublish_selected", "published", "draft"),
    ],
)
def test_state_transitions_by_role(as_role, role, action, start, end):
    """Draft → review → published → draft, with publish and unpublish for publishers only."""
    milestone = make_milestone(published=start == "published")
    Milestone.objects.filter(pk=milestone.pk).update(state=start)
    as_role(role).post(
        "/admin/milestones/milestone/", {"action": action, "_selected_action": [milestone.pk]}
    )
    milestone.refresh_from_db()
    assert milestone.state == end


@pytest.mark.parametrize(("role", "status"), [("editor", 403), ("publisher", 200)])
def test_only_publishers_delete(as_role, role, status):
    """Deleting a milestone is a publisher's decision."""
    milestone = make_milestone()
    response = as_role(role).get(f"/admin/milestones/milestone/{milestone.pk}/delete/")
    assert response.status_code == status


def test_editor_can_edit_a_published_milestone_but_not_unpublish_it(as_role):
    """On a published item the editor's state field is read-only, and her edit waits as a
    pending change for a publisher (tests/test_pending_changes.py)."""
    milestone = make_milestone(title="Old title")
    client = as_role("editor")
    url = f"/admin/milestones/milestone/{milestone.pk}/change/"
    html = client.get(url).content.decode()
    assert 'name="state"' not in html
    data = milestone_form(milestone, title="New title")
    del data["state"]
    client.post(url, data)
    milestone.refresh_from_db()
    assert (milestone.title, milestone.is_public) == ("Old title", True)
    assert PendingChange.objects.get().data["title"] == ["New title"]


def test_publisher_schedules_a_milestone_in_hong_kong_time(as_role):
    """A future time entered in the form (Hong Kong time) keeps the milestone hidden until then."""
    milestone = make_milestone(published=False)
    client = as_role("publisher")
    client.post(
        f"/admin/milestones/milestone/{milestone.pk}/change/",
        milestone_form(
            milestone, state="published", published_at_0="2099-01-01", published_at_1="09:00:00"
        ),
    )
    milestone.refresh_from_db()
    assert milestone.published_at == dt.datetime(2099, 1, 1, 9, 0, tzinfo=HK)
    assert milestone.is_scheduled and not milestone.is_public
    assert (
        "Hong Kong time"
        in client.get(f"/admin/milestones/milestone/{milestone.pk}/change/").content.decode()
    )


def test_scheduled_milestone_becomes_public_at_its_moment(client):
    """No job runs: one second before, hidden everywhere; at the moment, public everywhere."""
    moment = dt.datetime(2030, 5, 1, 10, 0, tzinfo=HK)
    milestone = make_milestone(title="Scheduled milestone", published_at=moment)
    with time_machine.travel(moment - dt.timedelta(seconds=1), tick=False):
        assert client.get(milestone.get_absolute_url()).status_code == 404
        assert "Scheduled milestone" not in client.get("/milestones/").content.decode()
        assert client.get("/api/milestones/").json()["count"] == 0
    with time_machine.travel(moment, tick=False):
        assert client.get(milestone.get_absolute_url()).status_code == 200
        assert "Scheduled milestone" in client.get("/milestones/").content.decode()
        assert client.get("/api/milestones/").json()["count"] == 1


@pytest.mark.parametrize("role", ["editor", "publisher", "superuser"])
def test_staff_preview_drafts_at_their_public_url(as_role, role):
    """The reader's page, with an unmistakable banner, never cached."""
    draft = make_milestone(title="Work in progress", published=False)
    response = as_role(role).get(draft.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Draft: not public." in html and "Work in progress" in html
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_public_page_seen_by_staff_has_no_banner(as_role):
    """A published milestone previewed by an editor looks exactly as readers see it."""
    milestone = make_milestone()
    assert (
        "Draft: not public."
        not in as_role("editor").get(milestone.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize("state", ["draft", "review"])
def test_anonymous_readers_get_404_for_anything_not_public(client, state):
    """Drafts and items in review are not found by the public, and lists omit them."""
    milestone = make_milestone(title="Not yet", published=False)
    Milestone.objects.filter(pk=milestone.pk).update(state=state)
    meeting = make_meeting(published=False)
    assert client.get(milestone.get_absolute_url()).status_code == 404
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert "Not yet" not in client.get("/milestones/").content.decode()


def test_a_staff_user_without_view_permission_cannot_preview(client):
    """Being staff is not enough: previews need the permission to view the item."""
    client.force_login(make_user(role=None, is_staff=True))
    assert client.get(make_milestone(published=False).get_absolute_url()).status_code == 404


def test_admin_index_shows_the_desk_counts(as_role):
    """Drafts, in review, scheduled and undated, each a link to its queue."""
    make_milestone(published=False)
    review = make_milestone(published=False)
    Milestone.objects.filter(pk=review.pk).update(state=PublicationState.REVIEW)
    make_milestone(published_at=timezone.now() + dt.timedelta(days=3))
    html = as_role("editor").get("/admin/").content.decode()
    assert "Drafts: <strong>1</strong>" in html
    assert 'href="/admin/milestones/milestone/?status=review">In review: <strong>1</strong>' in html
    assert "Scheduled: <strong>1</strong>" in html


def test_review_queue_is_one_click_away(as_role):
    """The 'In review' link lists exactly the milestones waiting for a publisher."""
    waiting = make_milestone(title="Waiting for review", published=False)
    Milestone.objects.filter(pk=waiting.pk).update(state=PublicationState.REVIEW)
    make_milestone(title="Still a draft", published=False)
    html = as_role("publisher").get("/admin/milestones/milestone/?status=review").content.decode()
    assert "Waiting for review" in html and "Still a draft" not in html


def test_changelist_says_when_a_milestone_is_scheduled(as_role):
    """Scheduled items show their moment in Hong Kong time."""
    make_milestone(published_at=dt.datetime(2099, 3, 1, 9, 30, tzinfo=HK))
    html = as_role("editor").get("/admin/milestones/milestone/").content.decode()
    assert "Scheduled for 01 Mar 2099 09:30 HKT" in html


@pytest.mark.parametrize("role", ["editor", "publisher"])
def test_createeditor_gives_a_person_one_role(role):
    """The command creates a staff account in the group, and moves people between roles."""
    call_command("createeditor", "alice", "--role", role, stdout=StringIO())
    user = User.objects.get(username="alice")
    assert user.is_staff and not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [role.capitalize()]
    other = "publisher" if role == "editor" else "editor"
    call_command("createeditor", "alice", "--role", other, stdout=StringIO())
    assert list(user.groups.values_list("name", flat=True)) == [other.capitalize()]


def test_createeditor_refuses_an_unknown_role():
    """Only editor and publisher exist."""
    with pytest.raises(CommandError):
        call_command("createeditor", "bob", "--role", "chief", stdout=StringIO())


@pytest.mark.parametrize(
    ("state", "banner"),
    [
        ("draft", "Draft: not public."),
        ("review", "In review: not public."),
        ("scheduled", "Scheduled: public from"),
    ],
)
def test_the_preview_banner_says_why_the_item_is_not_public(as_role, state, banner):
    milestone = make_milestone(title="Work in progress", published=False)
    if state == "review":
        milestone.send_to_review()
    elif state == "scheduled":
        milestone.publish(when=timezone.now() + dt.timedelta(days=2))
    milestone.save()
    html = as_role("editor").get(milestone.get_absolute_url()).content.decode()
    assert banner in html


@pytest.mark.parametrize("model", ["milestone", "meeting"])
def test_publish_selected_refuses_items_still_flagged_for_review(as_role, model):
    """The flag says something is unchecked: publishing them in bulk is refused, saying
    which and what to do; nothing is published."""
    make = {"milestone": make_milestone, "meeting": make_meeting}[model]
    checked = make(title="Checked one", published=False)
    flagged = make(title="Undated one", published=False, needs_review=True)
    url = f"/admin/{checked._meta.app_label}/{model}/"
    response = as_role("publisher").post(
        url,
        {"action": "publish_selected", "_selected_action": [checked.pk, flagged.pk]},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing published: 1 of the selected item(s) still need review" in html
    assert "“Undated one”" in html
    for item in (checked, flagged):
        item.refresh_from_db()
        assert item.state == PublicationState.DRAFT


def test_unticking_needs_review_clears_the_stale_note(as_role):
    """Dating an undated milestone and unticking "needs review" settles the importer's note."""
    milestone = make_milestone(
        published=False, needs_review=True, review_note="No date found in the text."
    )
    form = milestone_form(milestone, date_precision="year", date_start="2021-01-01")
    form.pop("needs_review", None)  # unticked
    url = f"/admin/milestones/milestone/{milestone.pk}/change/"
    assert as_role("editor").post(url, form).status_code == 302
    milestone.refresh_from_db()
    assert (milestone.needs_review, milestone.review_note) == (False, "")
    assert milestone.date_display == "2021"


def test_the_dashboard_shows_my_drafts_and_what_awaits_my_review(client):
    """Each person's own drafts (those with a revision of theirs), and for a publisher the
    items in review, each a link to its list."""
    edith, pat = make_user("editor", username="edith"), make_user("publisher", username="pat")
    client.force_login(edith)
    mine = make_milestone(title="Edith's draft", published=False)
    form = milestone_form(mine, title="Edith's draft, retitled")
    assert client.post(f"/admin/milestones/milestone/{mine.pk}/change/", form).status_code == 302
    make_milestone(title="Someone else's draft", published=False)
    review = make_milestone(published=False)
    Milestone.objects.filter(pk=review.pk).update(state=PublicationState.REVIEW)

    html = client.get("/admin/").content.decode()
    link = "/admin/milestones/milestone/?status=draft&amp;editor=me"
    assert f'href="{link}">My drafts: <strong>1</strong>' in html
    assert "Drafts: <strong>2</strong>" in html
    assert "Awaiting my review" not in html  # an editor reviews nothing
    listed = client.get("/admin/milestones/milestone/?status=draft&editor=me").content.decode()
    assert "Edith&#x27;s draft, retitled" in listed and "Someone else" not in listed

    client.force_login(pat)
    html = client.get("/admin/").content.decode()
    assert "My drafts: <strong>0</strong>" in html
    assert 'status=review">Awaiting my review: <strong>1</strong>' in html


def test_an_item_still_flagged_for_review_cannot_be_published_from_its_form(as_role):
    """As the bulk action refuses it: the form says what to do, nothing is published."""
    milestone = make_milestone(published=False, needs_review=True, review_note="Undated.")
    url = f"/admin/milestones/milestone/{milestone.pk}/change/"
    form = milestone_form(
        milestone,
        state="published",
        needs_review="on",
        published_at_0="2026-01-05",
        published_at_1="10:00:00",
    )
    response = as_role("publisher").post(url, form)
    assert response.status_code == 200
    assert "Still flagged for review" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.state == PublicationState.DRAFT
