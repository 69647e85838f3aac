"""A Traditional Chinese meeting release is read as an English one is, and fills the Chinese
texts of the meeting its English release made: the same meeting, series, people and bodies,
never a second set in Chinese (meetings/parsing_zh.py, meetings/chinese_release.py)."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from meetings.chinese_release import abbreviations, kinds_agree
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
    assert meeting.title_zh_hant == "河套區港深創新及科技園發展聯合專責小組第十一次會議"
    assert meeting.place_zh_hant == "深圳"
    assert meeting.summary_zh_hant.startswith("創新科技及工業局局長孫東教授")
    assert meeting.series.name_zh_hant == "河套區港深創新及科技園發展聯合專責小組"
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
    assert "is published, and an import changes nothing live: nothing of this release" in output
    assert "孫東" in output  # what the release gives is said, for the editor to add


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


RELEASE = """河套區港深創新及科技園發展聯合專責小組第十一次會議在深圳舉行

     {lead}

     {listing}

完
2024年8月30日(星期五)
"""


def read(lead: str, listing: str = ""):
    return parse_chinese(RELEASE.format(lead=lead, listing=listing))


def test_co_chairs_in_other_words_of_the_government():
    """由A與B在深圳共同主持; A、B以視像會議形式共同主持; half-width brackets."""
    by = read(
        "會議今日（八月三十日）由創新科技及工業局局長孫東教授與深圳市人民政府副市長羅晃浩在深圳"
        "共同主持，是河套區港深創新及科技園發展聯合專責小組第十一次會議。"
    )
    assert [a.person.name for a in by.attendances] == ["孫東", "羅晃浩"]
    assert (by.place, by.month, by.day) == ("深圳", 8, 30)
    listed = read(
        "創新科技及工業局局長孫東教授、深圳市人民政府副市長羅晃浩今日(八月三十日)以視像會議形式"
        "共同主持河套區港深創新及科技園發展聯合專責小組第十一次會議。"
    )
    assert [a.side for a in listed.attendances] == ["Hong Kong", "Shenzhen"]
    assert (listed.mode, listed.day, listed.review_notes) == ("video", 30, ())


def test_lists_of_officials_and_bodies_in_other_words():
    """Two officials joined by 和; "等部門的代表"; a post of two parts (市委常委、副市長);
    bodies joined by 和 after a short form in brackets; 港方 as Hong Kong's side."""
    parsed = read(
        "創新科技及工業局局長孫東教授與深圳市人民政府副市長羅晃浩今日（八月三十日）在深圳共同主持"
        "河套區港深創新及科技園發展聯合專責小組第十一次會議。",
        "出席今日會議的港方官員還包括創新科技及工業局常任秘書長陳大文和創新科技署署長潘婷婷，"
        "以及發展局、入境事務處和香港海關等部門的代表。深圳方面出席的官員包括深圳市委常委、"
        "副市長曾湃，以及港深創新及科技園有限公司（港深創科園公司）和土木工程拓展署的代表。",
    )
    named = [(a.post, a.person.name, a.side) for a in parsed.attendances if a.role == "attendee"]
    assert named == [
        ("創新科技及工業局常任秘書長", "陳大文", "Hong Kong"),
        ("創新科技署署長", "潘婷婷", "Hong Kong"),
        ("深圳市委常委、副市長", "曾湃", "Shenzhen"),
    ]
    bodies = [a.organisation.name for a in parsed.attendances if a.role == "representative"]
    assert bodies == [
        "發展局",
        "入境事務處",
        "香港海關",
        "港深創新及科技園有限公司",
        "土木工程拓展署",
    ]


def test_a_headline_naming_the_co_chairs_does_not_become_the_series():
    text = RELEASE.format(
        lead="創新科技及工業局局長孫東教授與深圳市人民政府副市長羅晃浩昨日在深圳共同主持"
        "河套區港深創新及科技園發展聯合專責小組第十一次會議。",
        listing="",
    ).replace(
        "河套區港深創新及科技園發展聯合專責小組第十一次會議在深圳舉行",
        "孫東與羅晃浩共同主持河套區港深創新及科技園發展聯合專責小組第十一次會議",
        1,
    )
    parsed = parse_chinese(text)
    assert parsed.series == "河套區港深創新及科技園發展聯合專責小組"
    assert parsed.month is None and "昨日" in parsed.review_notes[0]  # never guessed


def test_short_forms_are_bodies_never_whole_clauses():
    text = "出席的官員還包括發展局和香港科技園公司（科技園公司），今日（八月三十日）在深圳舉行。"
    assert abbreviations(text) == {"科技園公司": "香港科技園公司"}


@pytest.mark.parametrize(
    ("english", "chinese", "agree"),
    [
        ("Development Bureau", "發展局", True),
        ("Immigration Department", "入境事務處", True),
        ("Hong Kong Customs and Excise Department", "香港海關", True),
        (
            "Hong Kong-Shenzhen Innovation and Technology Park Limited",
            "港深創新及科技園有限公司",
            True,
        ),
        ("People's Government of Futian District", "福田區人民政府", True),
        ("Development Bureau", "港深創新及科技園有限公司", False),
        ("Hong Kong and Macao Affairs Office", "深圳市教育局", False),
    ],
)
def test_kinds_of_bodies_must_agree_to_be_matched_in_order(english, chinese, agree):
    assert kinds_agree(english, chinese) is agree


@pytest.mark.django_db
def test_bodies_listed_in_another_order_are_not_given_each_others_names(tmp_path):
    run(ENGLISH_RELEASE)
    text = CHINESE_RELEASE.read_text(encoding="utf-8").replace(
        "發展局、政制及內地事務局、保安局", "港深創新及科技園有限公司、政制及內地事務局、保安局"
    )
    (tmp_path / "zh.txt").write_text(text, encoding="utf-8")
    run(tmp_path / "zh.txt")
    assert Organization.objects.get(name="Development Bureau").name_zh_hant == ""
    meeting = Meeting.objects.get(number=11)
    assert "Not matched" in meeting.review_note and meeting.needs_review


@pytest.mark.django_db
def test_another_series_meeting_of_the_same_number_and_day_is_not_filled(db_snapshot):
    run(ENGLISH_RELEASE)
    MeetingSeries.objects.update(name_zh_hant="人才交流工作小組")
    before = db_snapshot()
    output = run(CHINESE_RELEASE)
    assert db_snapshot() == before
    assert "no meeting recorded is the 11th of this series" in output


@pytest.mark.django_db
def test_without_a_publication_date_the_year_is_not_guessed(db_snapshot, tmp_path):
    run(ENGLISH_RELEASE)
    text = CHINESE_RELEASE.read_text(encoding="utf-8").split("\n完\n")[0]
    (tmp_path / "zh.txt").write_text(text, encoding="utf-8")
    before = db_snapshot()
    output = run(tmp_path / "zh.txt")
    assert db_snapshot() == before
    assert "its publication date is not known" in output
