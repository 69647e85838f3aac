"""The admin's History page reads as editors read the change form: Hong Kong time to the
minute, field and choice labels rather than codes, whole texts with the words changed
marked, who changed it and why, and no change an editor did not make."""

import datetime as dt
import re
from html import unescape

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.safestring import SafeString

from meetings.models import Role, Side
from milestones.models import Milestone
from publishing.history import readable_changes, word_diff
from tests.factories import (
    make_attendance,
    make_meeting,
    make_milestone,
    make_organisation,
    make_person,
    make_picture,
    make_user,
    milestone_form,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.fixture
def editor_client(client):
    editor = make_user("editor", username="edith")
    client.force_login(editor)
    client.user = editor
    return client


def history_url(obj) -> str:
    opts = obj._meta
    return f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/history/"


def text(html: str) -> str:
    """What a reader sees of `html`: the words, without tags, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def rows(response) -> list[str]:
    """The text of each version's row on a History page, newest first."""
    assert response.status_code == 200
    html = response.content.decode()
    body = html[html.index('<table id="change-history"') :]
    body = body[body.index("<tbody>") : body.index("</tbody>")]
    return [text(row) for row in body.split("<tr>")[1:]]


def edit(client, milestone, **changes):
    """Save `milestone` through the admin's change form, with `changes`."""
    url = f"/admin/milestones/milestone/{milestone.pk}/change/"
    response = client.post(url, milestone_form(milestone, **changes))
    assert response.status_code == 302, response.content.decode()[:2000]
    milestone.refresh_from_db()


# The History page


def test_times_read_in_hong_kong_to_the_minute(admin_client):
    """When a version was saved, and a publication time that changed, in Hong Kong time to
    the minute: not UTC, not seconds, not microseconds."""
    milestone = make_milestone(published_at=dt.datetime(2024, 3, 5, 1, 2, 3, tzinfo=UTC))
    milestone.published_at = dt.datetime(2024, 3, 6, 16, 30, 59, tzinfo=UTC)
    milestone.save()
    milestone.history.update(history_date=dt.datetime(2024, 3, 5, 1, 2, 3, 456789, tzinfo=UTC))

    newest, oldest = rows(admin_client.get(history_url(milestone)))
    assert "5 March 2024, 09:02 HKT" in oldest
    assert "Published at: 5 March 2024, 09:02 HKT → 7 March 2024, 00:30 HKT" in newest
    page = text(admin_client.get(history_url(milestone)).content.decode())
    assert "09:02:03" not in page and "01:02" not in page and "456789" not in page


def test_fields_and_choices_read_as_labels_not_codes(editor_client):
    milestone = make_milestone(published=False)
    edit(editor_client, milestone, state="review", date_precision="month")

    newest = rows(editor_client.get(history_url(milestone)))[0]
    assert "State: Draft → In review" in newest
    assert "Date precision: Day → Month" in newest
    assert "draft" not in newest and "review →" not in newest and "day →" not in newest


def test_an_empty_picture_field_reads_none(editor_client):
    """No "Deleted picture (pk=None)" for a milestone that had no picture."""
    milestone = make_milestone()
    milestone.lead_image = make_picture(alt_text="The Loop from the air.")
    milestone.save()
    milestone.lead_image = None
    milestone.save()

    response = editor_client.get(history_url(milestone))
    removed, added, _created = rows(response)
    assert "Lead image: none → The Loop from the air." in added
    assert "Lead image: The Loop from the air. → none" in removed
    assert "pk=" not in response.content.decode()


def test_a_long_text_change_shows_the_whole_text_and_the_words_changed(editor_client):
    """The whole new body, with the word taken out and the words put in marked: not cut
    to "[37 chars]"."""
    words = [f"word{n}" for n in range(80)]
    milestone = make_milestone(body=" ".join(words), published=False)
    edited = [*words[:40], "changed", "here", *words[41:]]
    edit(editor_client, milestone, body=" ".join(edited))

    html = editor_client.get(history_url(milestone)).content.decode()
    assert "chars]" not in html
    assert "word39 <del>word40</del><ins>changed here</ins> word41" in html
    assert all(word in html for word in words)


def test_a_title_change_marks_the_words(editor_client):
    milestone = make_milestone(title="First title", published=False)
    edit(editor_client, milestone, title="Second title")
    html = editor_client.get(history_url(milestone)).content.decode()
    assert "<del>First</del><ins>Second</ins> title" in html


def test_the_times_the_database_keeps_are_no_change(editor_client):
    """Saving unchanged changes `updated_at` only: the version lists no change, and the
    created and updated times are never listed."""
    milestone = make_milestone(published=False)
    edit(editor_client, milestone)
    edit(editor_client, milestone, title="A new title")

    retitled, unchanged, _created = rows(editor_client.get(history_url(milestone)))
    assert "Title:" in retitled
    assert unchanged.endswith("edith")  # the Changes cell is empty
    for row in (retitled, unchanged):
        assert "Updated" not in row and "Created:" not in row


def test_a_derived_field_is_no_change_of_its_own(editor_client):
    """The fingerprint follows the original text: only the text's change is listed."""
    milestone = make_milestone(source_text="As imported.")
    milestone.source_text, milestone.source_fingerprint = "As imported again.", "0" * 64
    milestone.save()
    changed, _created = rows(editor_client.get(history_url(milestone)))
    assert "Original text:" in changed and "Fingerprint" not in changed


def test_hostile_text_in_a_change_is_escaped(admin_client):
    milestone = make_milestone(body="Plain body.")
    milestone.body = 'Plain body. <script>alert("x")</script>'
    milestone.save()
    html = admin_client.get(history_url(milestone)).content.decode()
    assert "<script>alert" not in html
    assert "Plain body. <ins>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</ins>" in html


def test_a_change_reason_shows_only_when_one_was_given(editor_client):
    milestone = make_milestone(published=False)
    editor_client.post(
        "/admin/milestones/milestone/",
        {"action": "send_to_review_selected", "_selected_action": [milestone.pk]},
    )
    response = editor_client.get(history_url(milestone))
    sent, created = rows(response)
    assert "edith sent to review State: Draft → In review" in sent
    assert "None" not in text(response.content.decode())


def test_changed_by_links_to_the_user_for_those_who_may_view_users(editor_client, admin_client):
    """A superuser follows the link to the editor's account; an editor, who may not open
    users, reads the name without a link."""
    milestone = make_milestone(title="First title", published=False)
    edit(editor_client, milestone, title="Second title")
    link = f'<a href="/admin/auth/user/{editor_client.user.pk}/change/">edith</a>'

    assert link in admin_client.get(history_url(milestone)).content.decode()
    html = editor_client.get(history_url(milestone)).content.decode()
    assert "edith" in html
    assert 'href="/admin/auth/user/' not in html


def test_a_version_without_a_user_says_so(admin_client):
    milestone = make_milestone()
    (created,) = rows(admin_client.get(history_url(milestone)))
    assert "an import or another program" in created


def test_foreign_keys_and_choices_of_an_attendance_read_as_names(admin_client):
    meeting = make_meeting(title="Eleventh meeting")
    attendance = make_attendance(meeting, person=make_person(name="Sun Dong"))
    attendance.person = make_person(name="Lee Wai", honorific="Dr")
    attendance.role, attendance.side = Role.CO_CHAIR, Side.SHENZHEN
    attendance.save()

    changed, created = rows(admin_client.get(history_url(attendance)))
    assert "Person: Ms Sun Dong → Dr Lee Wai" in changed
    assert "Role: Attendee → Co-chair" in changed
    assert "Side: Hong Kong → Shenzhen" in changed
    assert created.startswith("Ms Sun Dong, attendee at Eleventh meeting")


def test_booleans_read_yes_or_no(admin_client):
    organisation = make_organisation(name="Legislative Council")
    organisation.listed = True
    organisation.save()
    changed, _created = rows(admin_client.get(history_url(organisation)))
    assert "Listed on the site: No → Yes" in changed


def test_the_oldest_version_of_a_page_is_compared_with_the_next_pages(admin_client, monkeypatch):
    """With versions on several pages, the last row of a page still lists its changes."""
    monkeypatch.setattr(admin.site.get_model_admin(Milestone), "history_list_per_page", 2)
    milestone = make_milestone(title="One")
    for title in ("Two", "Three"):
        milestone.title = title
        milestone.save()

    three, two = rows(admin_client.get(history_url(milestone)))
    assert "Title: " in two and "<del>One</del><ins>Two</ins>" in (
        admin_client.get(history_url(milestone)).content.decode()
    )
    (one,) = rows(admin_client.get(history_url(milestone) + "?p=2"))
    assert "Title:" not in one


def test_the_version_page_says_when_who_and_why(editor_client):
    milestone = make_milestone(title="First title", published=False)
    edit(editor_client, milestone, title="Second title")
    version = milestone.history.first()
    version.history_change_reason = "typo"
    version.history_date = dt.datetime(2024, 3, 5, 1, 2, 3, tzinfo=UTC)
    version.save()

    url = f"{history_url(milestone)}{version.history_id}/"
    page = text(editor_client.get(url).content.decode())
    assert "This version was saved 5 March 2024, 09:02 HKT by edith (typo)." in page


def _milestone_with_versions(count: int):
    milestone = make_milestone(lead_image=make_picture())
    for n in range(count - 1):
        milestone.title = f"Title number {n}"
        milestone.needs_review = not milestone.needs_review
        milestone.save()
    return milestone


def _attendance_with_versions(count: int):
    attendance = make_attendance(make_meeting(), person=make_person())
    for n in range(count - 1):
        attendance.person = make_person()
        attendance.post = f"Post number {n}"
        attendance.save()
    return attendance


def _person_with_versions(count: int):
    person = make_person()
    for n in range(count - 1):
        person.honorific = f"Honorific {n}"
        person.save()
    return person


@pytest.mark.parametrize(
    "make_item", [_milestone_with_versions, _attendance_with_versions, _person_with_versions]
)
def test_the_history_page_takes_the_same_queries_for_2_versions_as_for_30(admin_client, make_item):
    """The users are joined and the objects foreign keys point to fetched once for the
    page: no query per version."""
    admin_client.get(history_url(make_item(2)))  # warm the caches (content types)

    counts = []
    for versions in (2, 30):
        item = make_item(versions)
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(history_url(item))
        assert len(rows(response)) == versions
        assert "→" in response.content.decode() or "<ins>" in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 12, counts


# The pure helpers


def test_word_diff_marks_whole_words_taken_out_and_put_in():
    diff = word_diff("the quick brown fox", "the slow brown fox jumps")
    assert isinstance(diff, SafeString)
    assert diff == "the <del>quick</del><ins>slow</ins> brown fox <ins>jumps</ins>"
    assert word_diff("a cat sat", "a cart sat") == "a <del>cat</del><ins>cart</ins> sat"


def test_word_diff_of_texts_with_nothing_in_common_is_one_change():
    assert word_diff("a b c", "x y z") == "<del>a b c</del><ins>x y z</ins>"
    assert word_diff("", "new text") == "<ins>new text</ins>"
    assert word_diff("old text", "") == "<del>old text</del>"


def test_word_diff_escapes_everything():
    diff = word_diff('<script>alert("x")</script> & more', "<script>alert(1)</script> & more")
    assert "<script>" not in diff
    assert diff.startswith("<del>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</del>")
    assert diff.endswith("<ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins> &amp; more")


def test_word_diff_keeps_the_text_as_written():
    """Paragraph breaks and the whole text stay: the new text is the diff without <del>."""
    old = "First paragraph.\n\nSecond paragraph, with a word."
    new = "First paragraph.\n\nSecond paragraph, with another word.\n\nThird."
    diff = word_diff(old, new)
    assert diff == (
        "First paragraph.\n\nSecond paragraph, with <del>a</del><ins>another</ins> word."
        "\n\n<ins>Third.</ins>"
    )
    assert re.sub(r"<del>.*?</del>|</?ins>", "", diff) == new


def _two_versions(milestone):
    """The milestone's only version, twice: the second to be changed in memory."""
    return milestone.history.get(), milestone.history.get()


def test_readable_changes_lists_what_an_editor_changed_in_their_words():
    previous, record = _two_versions(make_milestone(published=False))
    record.needs_review = True
    record.state = "review"
    record.lead_image_id = 999_999  # a picture deleted since
    changes = {
        change.label: (change.old, change.new) for change in readable_changes(record, previous)
    }
    assert changes == {
        "Needs review": ("No", "Yes"),
        "State": ("Draft", "In review"),
        "Lead image": ("none", "a deleted picture"),
    }


def test_readable_changes_ignores_what_no_editor_changed():
    """Microseconds, line ends from a browser, and the times the database keeps."""
    milestone = make_milestone(published_at=dt.datetime(2024, 3, 5, 1, 2, 3, tzinfo=UTC))
    previous, record = _two_versions(milestone)
    record.published_at = previous.published_at.replace(microsecond=250)
    record.body = previous.body + "\n"
    previous.body = previous.body + "\r\n"
    record.updated_at = previous.updated_at + dt.timedelta(days=1)
    record.created_at = previous.created_at - dt.timedelta(days=1)
    assert readable_changes(record, previous) == []
    assert readable_changes(record, None) == []


def test_readable_changes_shows_seconds_only_when_they_are_the_change():
    milestone = make_milestone(published_at=dt.datetime(2024, 3, 5, 1, 2, 3, tzinfo=UTC))
    previous, record = _two_versions(milestone)
    record.published_at = previous.published_at.replace(second=40)
    (change,) = readable_changes(record, previous)
    assert (change.old, change.new) == (
        "5 March 2024, 09:02:03 HKT",
        "5 March 2024, 09:02:40 HKT",
    )


def test_a_meetings_history_page_lists_its_attendances_changes_too(editor_client):
    """The attendances are edited on the meeting's page, so their changes are read there:
    who, in which role, what changed, by whom."""
    meeting = make_meeting(title="Eleventh meeting")
    attendance = make_attendance(meeting, person=make_person(name="Sun Dong"), post="Secretary")
    attendance.post = "Secretary for Innovation, Technology and Industry"
    attendance._history_user = editor_client.user
    attendance.save()
    gone = make_attendance(meeting, organisation=make_organisation(name="ITIB"))
    gone.delete()

    response = editor_client.get(history_url(meeting))
    html = response.content.decode()
    assert response.status_code == 200
    section = text(html[html.index("Attendances on this page") :])
    assert "Sun Dong, attendee" in section
    assert "Eleventh meeting" not in section.split("Sun Dong, attendee")[1][:40]
    assert "Post: Secretary for Innovation, Technology and Industry" in section
    assert "<ins>for Innovation, Technology and Industry</ins>" in html  # word by word
    assert "edith" in section
    assert "ITIB (Hong Kong), attendee" in section and "Deleted" in section


def test_a_meetings_history_page_takes_the_same_queries_for_2_attendances_as_for_20(
    admin_client,
):
    counts = []
    for attendances in (2, 20):
        meeting = make_meeting()
        for _ in range(attendances):
            make_attendance(meeting, person=make_person(), post="Director")
        admin_client.get(history_url(meeting))  # warm the caches (content types)
        with CaptureQueriesContext(connection) as queries:
            html = admin_client.get(history_url(meeting)).content.decode()
        assert html.count("attendee</td>") == attendances
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
