"""Pieces of pages are rendered once per version of what they show (pagecache/fragments.py):
reused while nothing they show changed, rendered afresh the moment something did, also
when the change is to a row read with the item (its picture, an attendee's name)."""

import datetime as dt
import json

import pytest
from django.core.cache import caches
from django.utils import timezone

from meetings.models import Meeting, Person
from milestones.models import Milestone
from pagecache import fragments
from pagecache.fragments import fragment_version, render_each
from publishing.dating import FuzzyDate
from publishing.models import PublicationState
from tests.assertions import english_path, page
from tests.factories import (
    make_attendance,
    make_attended_meeting,
    make_meeting,
    make_milestone,
    make_picture,
)

pytestmark = pytest.mark.django_db


def fragment_keys() -> set:
    return set(caches["fragments"]._cache)  # LocMemCache's own store: the keys it holds


def test_an_edit_renders_only_the_edited_entry_again():
    milestones = [make_milestone(title=f"Event {n}") for n in range(5)]
    first = page("/milestones/")
    kept = fragment_keys()
    assert len(kept) >= 5, "each entry was stored"
    milestones[2].title = "Event two, corrected"
    milestones[2].save()
    second = page("/milestones/")
    assert "Event two, corrected" in second and "Event two, corrected" not in first
    new = fragment_keys() - kept
    entries = [key for key in new if "timeline_entry" in key]
    assert len(entries) == 1, "one entry rendered again, the four others reused"
    lists = [key for key in new if "timeline_list" in key]
    assert len(lists) == 1, "the list around them, once"
    assert len(new - set(entries) - set(lists)) == 1, "and one summary in the page's JSON-LD"


def test_the_timeline_list_is_reused_while_nothing_it_shows_changes():
    """The list of entries is one fragment too, looked up once while no entry and no meeting
    beside them changes: another page's edit, or the same page asked again, reuses it."""
    make_milestone(title="Event of 2021", date=FuzzyDate.year(2021))
    meeting = make_meeting(title="Meeting of 2021", date=FuzzyDate.day(dt.date(2021, 5, 1)))
    first = page("/milestones/")
    kept = fragment_keys()
    assert page("/milestones/") == first
    assert fragment_keys() == kept, "nothing rendered again"
    meeting.title = "Meeting of 2021, renamed"
    meeting.save()
    second = page("/milestones/")
    assert "Meeting of 2021, renamed" in second
    assert [key for key in fragment_keys() - kept if "timeline_list" in key], "the list again"


def test_a_change_to_the_picture_alone_renders_the_entry_again():
    picture = make_picture(alt_text="The Loop from the air")
    make_milestone(title="With a picture", lead_image=picture)
    assert 'alt="The Loop from the air"' in page("/milestones/")
    picture.alt_text = "The Loop from the air, in 2021"
    picture.save()
    assert 'alt="The Loop from the air, in 2021"' in page("/milestones/")


def test_a_renamed_attendee_shows_on_the_meeting_page_and_in_the_api():
    meeting, attendances = make_attended_meeting()
    person = attendances[0].person
    assert person.name in page(english_path(meeting))
    api = json.loads(page("/api/meetings/"))
    assert person.name in {
        a["person"]["name"] for a in api["results"][0]["attendees"] if a["person"]
    }
    Person.objects.filter(pk=person.pk).update(name="Renamed Without Signals")
    # Even a write that sends no signal (and so leaves the page cache be) is seen by the
    # fragments, whose versions are read from the rows themselves.
    assert "Renamed Without Signals" in page(english_path(meeting))
    api = json.loads(page("/api/meetings/"))
    names = {a["person"]["name"] for a in api["results"][0]["attendees"] if a["person"]}
    assert "Renamed Without Signals" in names


def test_the_version_changes_with_the_row_and_the_rows_read_with_it():
    meeting, _ = make_attended_meeting()
    loaded = Meeting.objects.with_attendances().get(pk=meeting.pk)
    same = Meeting.objects.with_attendances().get(pk=meeting.pk)
    assert fragment_version(loaded) == fragment_version(same)
    first = same.attendances.all()[0]
    first.post = "Another post"
    assert fragment_version(loaded) != fragment_version(same)
    assert fragment_version(Meeting.objects.get(pk=meeting.pk)) != fragment_version(loaded)


def test_languages_are_rendered_apart():
    make_milestone(title="Arrangement signed", title_zh_hant="簽署安排")
    assert "Arrangement signed" in page("/milestones/")
    assert "簽署安排" in page("/zh-hant/milestones/")
    assert "Arrangement signed" in page("/milestones/")


def test_render_each_renders_what_is_missing_and_reuses_the_rest():
    made = [make_milestone() for _ in range(3)]
    calls = []

    def render(milestone):
        calls.append(milestone.pk)
        return milestone.title

    rows = list(Milestone.objects.filter(pk__in=[m.pk for m in made]).order_by("pk"))
    assert render_each("titles", rows, render, "en") == [m.title for m in made]
    assert render_each("titles", rows, render, "en") == [m.title for m in made]
    assert render_each("titles", rows, render, "zh-hant") == [m.title for m in made]
    assert len(calls) == 6  # three, none, three for the other language


def test_render_each_makes_each_rows_version_once_for_the_response(monkeypatch):
    """The template's `{% cache %}` tags ask again for the versions of the rows render_each
    was given (the timeline's entries and their JSON-LD): they get the same version, the one
    a fresh read of the unchanged row has, without making it again."""
    made = make_milestone()
    rows = list(Milestone.objects.filter(pk=made.pk))
    made_versions = []
    make = fragments._version
    monkeypatch.setattr(fragments, "_version", lambda obj: made_versions.append(obj) or make(obj))
    render_each("titles", rows, lambda milestone: milestone.title, "en")
    kept = fragment_version(rows[0])
    assert made_versions == rows  # once, by render_each; the second ask reused it
    assert fragment_version(Milestone.objects.get(pk=made.pk)) == kept


def test_a_card_counts_a_meeting_published_after_it_was_rendered(client):
    """A person's card on the people list shows their meetings attended (set on the row
    before its version is made): publishing another meeting they attended shows at once,
    however the list's fragments were kept."""
    meeting, attendances = make_attended_meeting()
    person = attendances[0].person
    assert "1 meeting" in page("/people/")
    later = make_meeting(published=False)
    make_attendance(later, person=person)
    assert "2 meetings" not in page("/people/")
    later.state = PublicationState.PUBLISHED
    later.published_at = timezone.now()
    later.save()
    assert "2 meetings" in page("/people/")


def test_the_meetings_list_shows_a_renamed_series_at_once():
    """A card shows its meeting's series: renaming the series (a row read with the meeting)
    renders the list and that card again, though the meeting itself did not change."""
    meeting = make_meeting(title="A meeting")
    assert meeting.series.name in page("/meetings/")
    series = meeting.series
    series.name = "Joint Task Force, renamed"
    series.save()
    assert "Joint Task Force, renamed" in page("/meetings/")
