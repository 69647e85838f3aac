"""No lost update: a save from a change form opened before someone else saved the same item
is refused, keeps what was typed and says who saved and when; saving again replaces the
other version knowingly. Through the real admin forms, as a browser sends them."""

import pytest
from django.test import Client

from meetings.models import Attendance, Meeting, Person
from milestones.models import Milestone
from tests.factories import (
    change_url,
    make_attendance,
    make_meeting,
    make_milestone,
    make_person,
)
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db


def opened(client: Client, url: str, form_id: str) -> dict:
    """The change form as the browser got it: its fields and their values."""
    response = client.get(url)
    assert response.status_code == 200
    return form_data(response.content.decode(), form_id)


def test_a_save_from_a_stale_milestone_form_is_refused_and_keeps_the_typing(edith, pat):
    milestone = make_milestone(title="Memorandum signed", published=False)
    url = change_url(milestone)
    edith_form = opened(edith, url, "milestone_form")
    pat_form = opened(pat, url, "milestone_form")

    pat_form["title"] = "Memorandum of Understanding signed"
    assert pat.post(url, pat_form).status_code == 302

    edith_form["title"] = "The memorandum is signed"
    response = edith.post(url, edith_form)
    assert response.status_code == 200  # the form again, not a save
    html = response.content.decode()
    assert "pat saved this milestone at" in html
    assert "(Hong Kong time), after you opened it" in html
    assert "You both changed title (theirs: “Memorandum of Understanding signed”)" in html
    assert 'value="The memorandum is signed"' in html  # what she typed is kept
    milestone.refresh_from_db()
    assert milestone.title == "Memorandum of Understanding signed"  # the earlier save stays

    again = form_data(html, "milestone_form")  # saving again replaces it, knowingly
    assert edith.post(url, again).status_code == 302
    milestone.refresh_from_db()
    assert milestone.title == "The memorandum is signed"


def test_a_fresh_form_saves_and_a_second_save_of_the_same_form_is_stale(edith):
    milestone = make_milestone(title="Land handed over", published=False)
    url = change_url(milestone)
    form = opened(edith, url, "milestone_form")
    form["title"] = "Land handed over to Hong Kong"
    assert edith.post(url, form).status_code == 302
    form["title"] = "Land handed over, again"
    response = edith.post(url, form)  # the same page, submitted twice (the back button)
    assert response.status_code == 200
    assert "edith saved this milestone" in response.content.decode()
    assert Milestone.objects.get(pk=milestone.pk).title == "Land handed over to Hong Kong"


def test_an_attendance_changed_elsewhere_makes_the_meeting_form_stale(edith, pat):
    """Inline attendances too: a change made on the attendance's own page counts."""
    meeting = make_meeting(title="Eleventh meeting", published=False)
    attendance = make_attendance(meeting, person=make_person(name="Sun Dong"), post="Secretary")
    url = change_url(meeting)
    edith_form = opened(edith, url, "meeting_form")

    pat_form = opened(pat, change_url(attendance), "attendance_form")
    pat_form["post"] = "Secretary for Innovation, Technology and Industry"
    assert pat.post(change_url(attendance), pat_form).status_code == 302

    edith_form["attendances-0-post"] = "Secretary (edited)"
    response = edith.post(url, edith_form)
    assert response.status_code == 200
    assert "pat saved this meeting at" in response.content.decode()
    attendance.refresh_from_db()
    assert attendance.post == "Secretary for Innovation, Technology and Industry"
    assert Meeting.objects.get(pk=meeting.pk).title == "Eleventh meeting"


def test_a_stale_person_form_is_refused(edith, pat):
    person = make_person(name="Luo Huanghao", honorific="Mr")
    url = change_url(person)
    edith_form = opened(edith, url, "person_form")
    pat_form = opened(pat, url, "person_form")
    pat_form["honorific"] = "Dr"
    assert pat.post(url, pat_form).status_code == 302
    edith_form["honorific"] = "Professor"
    response = edith.post(url, edith_form)
    assert response.status_code == 200
    assert "pat saved this person at" in response.content.decode()
    assert Person.objects.get(pk=person.pk).honorific == "Dr"


def test_an_unchanged_stale_form_says_so(edith, pat):
    """Nothing differs from the saved version: the refusal says that too."""
    milestone = make_milestone(title="Budget", published=False)
    url = change_url(milestone)
    edith_form = opened(edith, url, "milestone_form")
    pat_form = opened(pat, url, "milestone_form")
    pat_form["title"] = "The 2022-23 Budget"
    assert pat.post(url, pat_form).status_code == 302
    edith_form["title"] = "The 2022-23 Budget"  # the same correction, made twice
    response = edith.post(url, edith_form)
    assert response.status_code == 200
    assert "Your form holds no field that differs from it." in response.content.decode()
    assert Attendance.objects.count() == 0


def test_the_next_editor_is_told_who_is_editing_until_they_save(edith, pat):
    """An advisory lock: opening the form warns the next editor; saving releases it."""
    milestone = make_milestone(title="Opening", published=False)
    url = change_url(milestone)
    pat_form = opened(pat, url, "milestone_form")
    response = edith.get(url)
    assert response.status_code == 200
    assert "Being edited by pat since" in response.content.decode()
    assert "Being edited by" not in pat.get(url).content.decode()  # not about oneself
    assert pat.post(url, pat_form).status_code == 302
    assert "Being edited by" not in edith.get(url).content.decode()


def test_the_edit_lock_expires_by_itself(edith, pat, time_machine):
    milestone = make_milestone(title="Opening", published=False)
    url = change_url(milestone)
    time_machine.move_to("2026-12-01 10:00 +0800", tick=False)
    assert pat.get(url).status_code == 200
    time_machine.move_to("2026-12-01 10:14 +0800", tick=False)
    assert "Being edited by pat since 10:00" in edith.get(url).content.decode()
    time_machine.move_to("2026-12-01 10:45 +0800", tick=False)
    assert "Being edited by pat" not in edith.get(url).content.decode()


def test_saving_again_keeps_what_only_the_other_person_changed(edith, pat):
    """A three-way comparison with the version the form was opened at: Pat changed the body,
    Edith the title; saving again keeps both, nothing of Pat's is undone."""
    milestone = make_milestone(title="Memorandum", body="Signed in 2017.", published=False)
    url = change_url(milestone)
    edith_form = opened(edith, url, "milestone_form")
    pat_form = opened(pat, url, "milestone_form")
    pat_form["body"] = "Signed in Hong Kong on 3 January 2017."
    assert pat.post(url, pat_form).status_code == 302

    edith_form["title"] = "Memorandum of Understanding"
    response = edith.post(url, edith_form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "They changed body: kept below as they saved it." in html
    assert "You changed title: still in the form." in html
    again = form_data(html, "milestone_form")
    assert again["body"] == "Signed in Hong Kong on 3 January 2017."
    assert edith.post(url, again).status_code == 302
    milestone.refresh_from_db()
    assert (milestone.title, milestone.body) == (
        "Memorandum of Understanding",
        "Signed in Hong Kong on 3 January 2017.",
    )


def test_line_ends_from_the_browser_are_no_difference(edith, pat):
    """Text areas come back with CRLF: an untouched text is not reported as changed."""
    meeting = make_meeting(title="Tenth meeting", summary="One.\nTwo.", published=False)
    url = change_url(meeting)
    edith_form = opened(edith, url, "meeting_form")
    edith_form["summary"] = edith_form["summary"].replace("\n", "\r\n")  # as a browser sends
    pat_form = opened(pat, url, "meeting_form")
    pat_form["place"] = "Hong Kong Science Park"
    assert pat.post(url, pat_form).status_code == 302
    response = edith.post(url, edith_form)
    assert response.status_code == 200
    html = response.content.decode()
    message = html.split("Nothing of yours was saved.")[1].split("</li>")[0]
    assert "They changed place" in message, message
    assert "summary" not in message
