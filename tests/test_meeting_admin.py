"""The editors' desk for meetings: lists, search, the attendance inline, publishing, lookups."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Attendance, Meeting, Role, Side
from publishing.dating import FuzzyDate
from publishing.models import PublicationState
from tests.factories import (
    change_url,
    make_attendance,
    make_attended_meeting,
    make_meeting,
    make_organisation,
    make_person,
    make_series,
)

pytestmark = pytest.mark.django_db

CHANGELISTS = {
    "meeting": "/admin/meetings/meeting/",
    "person": "/admin/meetings/person/",
    "organisation": "/admin/meetings/organization/",
    "series": "/admin/meetings/meetingseries/",
    "attendance": "/admin/meetings/attendance/",
}


@pytest.fixture
def eleventh():
    """The 11th meeting, a draft, co-chaired by Professor Sun Dong, with a body represented."""
    series = make_series(name="Joint Task Force on the Loop", slug="joint-task-force")
    meeting = make_meeting(
        series=series,
        number=11,
        title="11th meeting of the Joint Task Force",
        slug="11th-meeting",
        date=FuzzyDate.day(dt.date(2024, 8, 30)),
        published=False,
    )
    sun = make_person(honorific="Professor", name="Sun Dong", slug="sun-dong")
    cedd = make_organisation(
        name="Civil Engineering and Development Department", abbreviation="CEDD", slug="cedd"
    )
    make_attendance(
        meeting,
        person=sun,
        role=Role.CO_CHAIR,
        post="Secretary for Innovation, Technology and Industry",
    )
    make_attendance(meeting, organisation=cedd, role=Role.REPRESENTATIVE)
    return meeting


def shown(response) -> list[str]:
    """The rows a changelist shows, as text."""
    assert response.status_code == 200
    return [str(obj) for obj in response.context["cl"].result_list]


@pytest.mark.parametrize("model", list(CHANGELISTS))
def test_changelist_loads(admin_client, eleventh, model):
    """Each meetings changelist answers 200 and shows the records."""
    assert shown(admin_client.get(CHANGELISTS[model]))


@pytest.mark.parametrize(
    ("model", "term", "found", "not_found"),
    [
        ("meeting", "11th", "11th meeting of the Joint Task Force", "Another meeting"),
        ("person", "Sun", "Professor Sun Dong", "Mr Luo Huanghao"),
        ("organisation", "CEDD", "Civil Engineering and Development Department", "Bureau"),
        ("series", "Loop", "Joint Task Force on the Loop", "Co-operation Meeting"),
        ("attendance", "Sun Dong", "Professor Sun Dong, co-chair at", "Mr Luo Huanghao"),
    ],
)
def test_changelist_search_finds_only_matches(
    admin_client, eleventh, model, term, found, not_found
):
    """?q= narrows each changelist to the records that match."""
    other = make_meeting(
        title="Another meeting", series=make_series(name="Co-operation Meeting"), published=False
    )
    make_attendance(other, person=make_person(honorific="Mr", name="Luo Huanghao"))
    make_attendance(other, organisation=make_organisation(name="Security Bureau"))
    rows = shown(admin_client.get(CHANGELISTS[model], {"q": term}))
    assert any(row.startswith(found) for row in rows), rows
    assert not any(not_found in row for row in rows), rows


def test_meeting_change_page_shows_the_attendance_inline(admin_client, eleventh):
    """The meeting's page holds its attendances, editable in place."""
    response = admin_client.get(f"/admin/meetings/meeting/{eleventh.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="attendances-TOTAL_FORMS"' in html
    assert 'name="attendances-INITIAL_FORMS" value="2"' in html
    assert "Secretary for Innovation, Technology and Industry" in html
    assert "Professor Sun Dong" in html


def meeting_form(series, **attendance) -> dict:
    """POST data for the add-meeting form with one attendance row."""
    data = {
        "title": "12th meeting of the Joint Task Force",
        "slug": "12th-meeting",
        "series": series.pk,
        "number": 12,
        "place": "Hong Kong",
        "mode": "in_person",
        "date_precision": "day",
        "date_start": "2024-12-06",
        "date_end": "",
        "summary": "The co-chairs met.",
        "full_text": "",
        "state": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "review_note": "",
        "source_url": "",
        "attendances-TOTAL_FORMS": "1",
        "attendances-INITIAL_FORMS": "0",
        "attendances-MIN_NUM_FORMS": "0",
        "attendances-MAX_NUM_FORMS": "1000",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    row = {"role": "co-chair", "person": "", "organisation": "", "post": "", "side": ""}
    row |= {"position": "0", **attendance}
    data |= {f"attendances-0-{key}": value for key, value in row.items()}
    return data


def test_adding_a_meeting_with_an_attendance(admin_client):
    """The add form saves the meeting and its attendance row together."""
    series = make_series()
    sun = make_person(honorific="Professor", name="Sun Dong")
    data = meeting_form(series, person=sun.pk, post="Secretary for Innovation", side=Side.HONG_KONG)
    response = admin_client.post("/admin/meetings/meeting/add/", data)
    assert response.status_code == 302, response.context["errors"]
    meeting = Meeting.objects.get(slug="12th-meeting")
    assert (meeting.series, meeting.number, meeting.date_edtf) == (series, 12, "2024-12-06")
    assert meeting.date_end == dt.date(2024, 12, 6)
    assert meeting.state == PublicationState.DRAFT
    attendance = meeting.attendances.get()
    assert (attendance.person, attendance.organisation, attendance.role) == (sun, None, "co-chair")
    assert (attendance.post, attendance.side) == ("Secretary for Innovation", "Hong Kong")


def test_attendance_without_person_or_organisation_is_refused(admin_client):
    """A row naming neither a person nor an organisation is an error, and nothing is saved."""
    data = meeting_form(make_series(), post="Secretary for Innovation")
    response = admin_client.post("/admin/meetings/meeting/add/", data)
    assert response.status_code == 200
    assert "Choose a person, an organisation, or both." in response.content.decode()
    assert response.context["inline_admin_formsets"][0].formset.errors[0]
    assert not Meeting.objects.exists()
    assert not Attendance.objects.exists()


def test_publish_and_unpublish_actions(admin_client, eleventh):
    """publish_selected publishes the chosen meetings; unpublish_selected takes them back."""
    other = make_meeting(published=False)
    untouched = make_meeting(published=False)
    url = CHANGELISTS["meeting"]
    selected = [eleventh.pk, other.pk]
    response = admin_client.post(
        url, {"action": "publish_selected", "_selected_action": selected, "index": 0}
    )
    assert response.status_code == 302
    for meeting in (eleventh, other):
        meeting.refresh_from_db()
        assert meeting.state == PublicationState.PUBLISHED
        assert meeting.published_at is not None
        assert meeting.is_public
    untouched.refresh_from_db()
    assert untouched.state == PublicationState.DRAFT
    published_at = eleventh.published_at

    response = admin_client.post(
        url, {"action": "unpublish_selected", "_selected_action": selected, "index": 0}
    )
    assert response.status_code == 302
    for meeting in (eleventh, other):
        meeting.refresh_from_db()
        assert meeting.state == PublicationState.DRAFT
        assert not meeting.is_public
    eleventh.refresh_from_db()
    assert eleventh.published_at is None  # publishing again is "now", not the old moment
    assert eleventh.history.filter(published_at=published_at).exists()  # the record keeps it


def test_person_change_page_lists_meetings_attended(admin_client, eleventh):
    """A person's admin page lists the meetings attended, with role and post."""
    sun = eleventh.attendances.get(role=Role.CO_CHAIR).person
    response = admin_client.get(f"/admin/meetings/person/{sun.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "11th meeting of the Joint Task Force" in html
    assert "Co-chair" in html
    assert "Secretary for Innovation, Technology and Industry" in html


def test_organisation_change_page_lists_meetings_attended(admin_client, eleventh):
    """An organisation's admin page lists the meetings it attended."""
    cedd = eleventh.attendances.get(role=Role.REPRESENTATIVE).organisation
    response = admin_client.get(f"/admin/meetings/organization/{cedd.pk}/change/")
    assert response.status_code == 200
    assert "11th meeting of the Joint Task Force" in response.content.decode()


def test_person_autocomplete_finds_people_by_name(admin_client, eleventh):
    """The attendance inline's person lookup answers with the matching people."""
    make_person(honorific="Mr", name="Luo Huanghao")
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "meetings",
            "model_name": "attendance",
            "field_name": "person",
            "term": "Sun",
        },
    )
    assert response.status_code == 200
    sun = eleventh.attendances.get(role=Role.CO_CHAIR).person
    assert response.json() == {
        "results": [{"id": str(sun.pk), "text": "Professor Sun Dong"}],
        "pagination": {"more": False},
    }


@pytest.mark.parametrize(
    ("field_name", "make", "names"),
    [
        ("person", make_person, ["Zhou Jian", "Au Ka-wang", "Mak Eddie"]),
        ("organisation", make_organisation, ["Zoning Board", "Audit Commission", "Marine Bureau"]),
    ],
)
def test_autocomplete_lists_matches_in_name_order(admin_client, field_name, make, names):
    """The inline's lookups list the matches alphabetically, whatever order they were added."""
    for name in names:
        make(name=name)
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "meetings",
            "model_name": "attendance",
            "field_name": field_name,
            "term": "a",
        },
    )
    assert response.status_code == 200
    texts = [result["text"] for result in response.json()["results"]]
    assert [text.removeprefix("Ms ").split(" (")[0] for text in texts] == sorted(names)


def test_the_meeting_form_takes_the_same_queries_for_2_attendances_as_for_20(edith):
    """Each row's person and organisation come with the rows; the autocomplete widgets
    render them without asking again."""
    counts = []
    for people in (1, 10):
        meeting, attendances = make_attended_meeting(people=people, organisations=people)
        edith.get(change_url(meeting))  # the content types and permissions, cached
        with CaptureQueriesContext(connection) as queries:
            response = edith.get(change_url(meeting))
        html = response.content.decode()
        assert response.status_code == 200
        for attendance in attendances:
            who = attendance.person or attendance.organisation
            assert f'<option value="{who.pk}" selected>{who}</option>' in html
        counts.append(len(queries))
    # (17 since issue 15: the milestones the meeting mentions, one query for the widget.)
    assert counts[0] == counts[1] <= 17, counts
