"""Import from the desk: paste or upload a release, preview the import, confirm as drafts."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from meetings.models import Meeting
from milestones.models import Milestone
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db
RELEASE = Path(__file__).resolve().parent.parent / "seeds" / "001_91d1b2786c42947a.txt"
URL = "/admin/import/"


@pytest.fixture
def editor(client):
    client.force_login(make_user("editor"))
    return client


def test_preview_shows_what_would_be_created_and_writes_nothing(editor, db_snapshot):
    """The first step is a dry run of the same service as import_seeds."""
    before = db_snapshot()
    response = editor.post(
        URL, {"text": RELEASE.read_text(encoding="utf-8"), "published_on": "2024-08-30"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dry run, nothing written. Would have: 1 created" in html
    assert "with 24 attendance(s)" in html
    assert 'name="confirm"' in html
    assert db_snapshot() == before


def test_confirming_imports_the_release_as_a_draft(editor):
    """On confirmation the meeting is created, dated from the publication date, as a draft."""
    text = RELEASE.read_text(encoding="utf-8")
    response = editor.post(
        URL, {"text": text, "published_on": "2024-08-30", "name": "", "confirm": "1"}, follow=True
    )
    meeting = Meeting.objects.get()
    assert meeting.date_edtf == "2024-08-30"
    assert meeting.state == "draft" and not meeting.is_public
    assert meeting.attendances.count() == 24
    html = response.content.decode()
    assert "Imported as drafts: " in html
    assert f'<a href="/admin/meetings/meeting/{meeting.pk}/change/">{meeting.title}</a>' in html


def test_uploaded_file_keeps_its_name_as_provenance(editor):
    """An uploaded file is recorded under its own name."""
    upload = SimpleUploadedFile("release-2024-08-30.txt", RELEASE.read_bytes())
    editor.post(URL, {"upload": upload, "published_on": "2024-08-30", "confirm": "1"})
    assert Meeting.objects.get().source_document == "release-2024-08-30.txt"


def test_same_release_twice_changes_nothing(editor):
    """The desk is idempotent like the command."""
    data = {"text": RELEASE.read_text(encoding="utf-8"), "published_on": "2024-08-30"}
    editor.post(URL, {**data, "confirm": "1"})
    html = editor.post(URL, data).content.decode()
    assert "0 created, 0 updated, 1 unchanged" in html


def test_a_pasted_timeline_already_imported_changes_nothing(editor):
    """Pasted text gets a name of its own, but its paragraphs are the seed's milestones:
    recognised by their text, not created again."""
    from django.core.management import call_command

    from milestones.models import Milestone

    timeline = RELEASE.parent / "000_c84dba87f6a5cc22.txt"
    call_command("import_seeds", str(timeline), verbosity=0)
    html = editor.post(URL, {"text": timeline.read_text(encoding="utf-8")}).content.decode()
    assert "0 created, 0 updated, 25 unchanged" in html
    editor.post(URL, {"text": timeline.read_text(encoding="utf-8"), "confirm": "1"})
    assert Milestone.objects.count() == 25


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "   "}, "Paste the text or choose a file."),
        ({"text": "name,date\nMoU,2017-01-03\n"}, "Line 1 of the pasted text: unknown kind"),
        (
            {"upload": SimpleUploadedFile("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00")},
            "photo.txt:3: binary file",
        ),
        (
            {"upload": SimpleUploadedFile("latin1.txt", "Caf\xe9 meeting".encode("latin-1"))},
            "latin1.txt:1: not UTF-8 text",
        ),
        ({"text": "x", "published_on": "30/08/2024"}, "Enter a valid date."),
    ],
    ids=["empty", "unknown-kind", "binary", "not-utf8", "bad-date"],
)
def test_bad_input_gets_the_same_clear_messages(editor, db_snapshot, data, message):
    """Bad input is explained on the form and nothing is written."""
    before = db_snapshot()
    response = editor.post(URL, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert db_snapshot() == before


def test_people_without_the_right_to_add_cannot_import(client):
    """Staff without editorial permissions are refused."""
    client.force_login(make_user(role=None, is_staff=True))
    assert client.get(URL).status_code == 403


def test_confirming_what_is_already_here_says_there_was_nothing_to_import(editor):
    data = {"text": RELEASE.read_text(encoding="utf-8"), "published_on": "2024-08-30"}
    editor.post(URL, {**data, "confirm": "1"}, follow=True)  # its message shown and gone
    response = editor.post(URL, {**data, "confirm": "1"}, follow=True)
    html = response.content.decode()
    assert "Nothing to import: all of it is here already." in html
    assert "Imported as drafts." not in html


FAMILY = Path(__file__).resolve().parent / "data" / "release_family"


def test_the_preview_shows_the_whole_reading_with_what_is_matched_and_what_is_new(editor):
    """Title, series, number, the date and where it was read, place or mode, and each
    attendee with role, post and side, matched to a record already there (a link) or new."""
    known = make_person(name="Nicholas Fung", honorific="Mr")
    text = (FAMILY / "02_first_meeting_of_a_joint_task_force_today.txt").read_text()
    html = editor.post(URL, {"text": text, "published_on": "2017-02-09"}).content.decode()
    assert (
        "<dt>Title</dt><dd>1st meeting of the Joint Task Force on the Development of the " in html
    )
    assert "<dt>Number</dt><dd>1</dd>" in html
    assert "9 February 2017 (read from “today”, the day the release was issued)" in html
    assert "<dt>Place or mode</dt><dd>Shenzhen</dd>" in html
    assert f'matched: <a href="/admin/meetings/person/{known.pk}/change/">' in html
    assert "<td>Chan Ka-ming</td>" in html or "Mr Chan Ka-ming</td>" in html
    assert "<td>new</td>" in html
    assert not Meeting.objects.exists()  # a preview writes nothing


def test_the_desk_can_say_what_a_document_is(editor):
    ambiguous = (FAMILY / "x_02_ambiguous_lead_then_year_paragraphs.txt").read_text()
    refused = editor.post(URL, {"text": ambiguous}).content.decode()
    assert "it shows signs of a meeting press release" in refused
    editor.post(URL, {"text": ambiguous, "kind": "timeline", "confirm": "1"})
    assert Milestone.objects.count() >= 3 and not Meeting.objects.exists()


def test_the_publication_date_is_a_date_field(editor):
    assert 'type="date" name="published_on"' in editor.get(URL).content.decode()


def test_the_preview_numbers_a_timelines_paragraphs_as_their_public_pages_do(editor):
    text = (
        "The park's first building was designed in the Loop.\n\n"
        "The second building was designed after the first one.\n\n"
        "The third building was designed after the second one.\n"
    )
    html = editor.post(URL, {"text": text, "kind": "timeline"}).content.decode()
    assert ":5 (paragraph 3) " in html  # line 5 of the text, paragraph 3 of the document
