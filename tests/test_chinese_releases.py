"""A Traditional Chinese meeting release is read as an English one is, and fills the Chinese
texts of the meeting its English release made: the same meeting, series, people and bodies,
never a second set in Chinese (meetings/parsing_zh.py, meetings/chinese_release.py)."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from meetings.models import Attendance, Meeting, MeetingSeries, Organization, Person
from meetings.parsing import ParseError
from meetings.parsing_zh import chinese_number, parse_chinese, publication_date
from tests.factories import make_user

DATA = Path(__file__).resolve().parent / "data" / "releases_zh"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
ROOT = Path(__file__).resolve().parent.parent
ENGLISH_RELEASE = ROOT / "seeds" / "001_91d1b2786c42947a.txt"
CHINESE_RELEASE = DATA / "zh_01_11th_meeting_shenzhen.txt"
MEETINGS = sorted(name for name, expected in EXPECTED.items() if expected.get("kind"))


def people(parsed, role):
    return [
        {"honorific": a.person.honorific, "name": a.person.name, "post": a.post, "side": a.side}
        for a in parsed.attendances
        if a.role == role
    ]


@pytest.mark.parametrize("name", MEETINGS)
def test_each_chinese_release_is_read_as_the_government_wrote_it(name):
    expected = EXPECTED[name]
    parsed = parse_chinese((DATA / name).read_text(encoding="utf-8"))
    assert (parsed.title, parsed.series, parsed.parent_series, parsed.number) == (
        expected["title"],
        expected["series"],
        expected["parent_series"],
        expected["number"],
    )
    assert (parsed.month, parsed.day, parsed.on_publication_day) == (
        expected["month"],
        expected["day"],
        expected["on_publication_day"],
    )
    assert (parsed.place, parsed.mode) == (expected["place"], expected["mode"])
    assert people(parsed, "co-chair") == expected["co_chairs"]
    assert people(parsed, "attendee") == expected["attendees"]
    bodies = [
        {"name": a.organisation.name, "side": a.side}
        for a in parsed.attendances
        if a.role == "representative"
    ]
    assert bodies == expected["organisations"]
    assert (
        publication_date((DATA / name).read_text(encoding="utf-8")).isoformat()
        == (expected["published_on"])
    )


def test_a_chinese_text_that_reports_no_meeting_is_refused():
    with pytest.raises(ParseError, match="第…次會議"):
        parse_chinese((DATA / "zh_06_not_a_meeting.txt").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("written", "number"), [("五", 5), ("十", 10), ("十一", 11), ("二十三", 23), ("11", 11)]
)
def test_chinese_numbers(written, number):
    assert chinese_number(written) == number


def test_the_bodies_listed_keep_the_and_inside_their_names():
    """ "和" joins two bodies (入境事務處和香港海關) but is part of 發展和改革委員會."""
    parsed = parse_chinese(CHINESE_RELEASE.read_text(encoding="utf-8"))
    names = [a.organisation.name for a in parsed.attendances if a.role == "representative"]
    assert "發展和改革委員會" in names and "規劃和自然資源局" in names
    assert "入境事務處" in names and "香港海關" in names


def run(*paths) -> str:
    out = StringIO()
    call_command("import_seeds", *map(str, paths), stdout=out, stderr=out)
    return out.getvalue()


def counts():
    return [m.objects.count() for m in (Meeting, MeetingSeries, Person, Organization, Attendance)]


@pytest.mark.django_db
def test_the_chinese_release_fills_the_meeting_its_english_one_made():
    run(ENGLISH_RELEASE)
    before = counts()
    output = run(CHINESE_RELEASE)
    assert counts() == before  # the same meeting, series, people and bodies: none new
    meeting = Meeting.objects.get(number=11)
    assert meeting.title_zh_hant == "落馬洲河套港深創新及科技園發展聯合專責小組第十一次會議"
    assert meeting.place_zh_hant == "深圳"
    assert meeting.summary_zh_hant.startswith("創新科技及工業局局長孫東教授")
    assert meeting.series.name_zh_hant == "落馬洲河套港深創新及科技園發展聯合專責小組"
    sun = Person.objects.get(name="Sun Dong")
    assert (sun.name_zh_hant, sun.honorific_zh_hant) == ("孫東", "教授")
    assert Person.objects.get(name="Luo Huanghao").name_zh_hant == "羅晃浩"
    chair = meeting.attendances.get(person=sun)
    assert chair.post_zh_hant == "創新科技及工業局局長"
    assert Organization.objects.get(name="Development and Reform Commission").name_zh_hant == (
        "發展和改革委員會"
    )
    cedd = Organization.objects.get(abbreviation="CEDD")
    assert (cedd.name_zh_hant, cedd.abbreviation_zh_hant) == ("土木工程拓展署", "土拓署")
    hsitpl = Organization.objects.get(abbreviation="HSITPL")  # briefed, named by its short form
    assert hsitpl.name_zh_hant == "港深創新及科技園有限公司"
    assert "1 updated" in output
    assert meeting.history.first().history_change_reason.startswith("import")
    assert "1 unchanged" in run(CHINESE_RELEASE)  # again: nothing more to fill


@pytest.mark.django_db
def test_an_editors_chinese_text_is_kept_and_the_difference_reported():
    run(ENGLISH_RELEASE)
    meeting = Meeting.objects.get(number=11)
    meeting.title_zh_hant = "編輯的標題"
    meeting.save()
    output = run(CHINESE_RELEASE)
    meeting.refresh_from_db()
    assert meeting.title_zh_hant == "編輯的標題"
    assert meeting.place_zh_hant == "深圳"  # what was empty is filled
    assert "“編輯的標題” kept" in output
    assert meeting.needs_review and "編輯的標題" in meeting.review_note


@pytest.mark.django_db
def test_a_published_meeting_is_not_changed_by_its_chinese_release(db_snapshot):
    run(ENGLISH_RELEASE)
    meeting = Meeting.objects.get(number=11)
    meeting.publish()
    meeting.save()
    before = db_snapshot()
    output = run(CHINESE_RELEASE)
    assert db_snapshot() == before
    assert "is published" in output and "through review" in output


@pytest.mark.django_db
def test_a_chinese_release_of_a_meeting_not_recorded_is_reported_not_imported(db_snapshot):
    before = db_snapshot()
    output = run(DATA / "zh_02_5th_meeting_science_park.txt")
    assert db_snapshot() == before
    assert "import the English release of the meeting first" in output


@pytest.mark.django_db
def test_a_chinese_text_that_is_not_a_meeting_release_is_refused(db_snapshot):
    before = db_snapshot()
    with pytest.raises(CommandError, match="zh_06_not_a_meeting.txt:1: no meeting found"):
        run(DATA / "zh_06_not_a_meeting.txt")
    assert db_snapshot() == before


@pytest.mark.django_db
def test_the_desk_imports_a_chinese_release_into_its_meeting(client):
    run(ENGLISH_RELEASE)
    client.force_login(make_user("editor"))
    text = CHINESE_RELEASE.read_text(encoding="utf-8")
    response = client.post("/admin/import/", {"text": text, "kind": "release", "confirm": "1"})
    assert response.status_code in (200, 302)
    assert Meeting.objects.get().title_zh_hant.endswith("第十一次會議")
