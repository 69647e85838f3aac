"""The whole history of public record, cited: the Task Force's meetings, the later
milestones, citations readers understand, series pages, and a history that connects."""

import datetime as dt
import re

import pytest

from meetings.models import Meeting, MeetingSeries
from milestones.models import Milestone
from publishing.dating import FuzzyDate
from tests.assertions import english_path as path
from tests.assertions import page
from tests.factories import make_attendance, make_meeting, make_milestone, make_person, make_series

pytestmark = pytest.mark.django_db
JTF = "joint-task-force-on-the-development-of-the-hong-kong-shenzhen-innovation-and"
DATES_OF_PUBLIC_RECORD = {
    1: "2017-02-09", 2: "2017-09-12", 3: "2018-01-09", 4: "2018-11-12", 5: "2019-07-31",
    7: "2020-08-31", 9: "2022-08-25", 10: "2023-09-07", 11: "2024-08-30",
}  # fmt: skip


def test_the_api_lists_every_task_force_meeting_of_public_record(curated_site, client):
    meetings = client.get("/api/meetings/").json()["results"]
    dates = {m["number"]: m["date"] for m in meetings if m["series"].startswith("Joint Task")}
    assert dates == DATES_OF_PUBLIC_RECORD
    for meeting in meetings:
        chairs = [a for a in meeting["attendees"] if a["role"] == "co-chair"]
        assert len(chairs) == 2 and {a["side"] for a in chairs} == {"Hong Kong", "Shenzhen"}
        assert meeting["source"]["citation"], meeting["title"]
    third = next(m for m in meetings if m["number"] == 3)
    assert third["place"] == "" and third["mode"] == ""  # FACTS.md gives no place: unknown
    seventh = next(m for m in meetings if m["number"] == 7)
    assert seventh["mode"] == "video"
    assert seventh["source"]["url"] == (
        "https://www.info.gov.hk/gia/general/202008/31/P2020083100732.htm"
    )
    eleventh = next(m for m in meetings if m["number"] == 11)
    assert eleventh["source"] == {
        "document": "001_91d1b2786c42947a.txt",
        "paragraph": None,
        "url": None,  # no address is known: cited without a link
        "citation": "HKSAR Government press release, 30 August 2024",
    }


def test_the_later_milestones_and_every_milestones_citation(curated_site, client):
    milestones = client.get("/api/milestones/").json()["results"]
    assert [m["date"] for m in milestones[-3:]] == ["2024-11-20", "2025-03-21", "2025-12-22"]
    assert all(m["source"]["citation"] for m in milestones)
    first = milestones[0]
    assert first["source"]["url"] == (
        "https://www.info.gov.hk/gia/general/201701/03/P2017010300633.htm"
    )
    allowed = {
        "https://www.info.gov.hk/gia/general/201701/03/P2017010300633.htm",
        "https://www.hsitp.org/en/milestones/",
        None,
    }  # only the addresses FACTS.md gives: none made up from a pattern
    assert {m["source"]["url"] for m in milestones} <= allowed
    ranged = [m for m in milestones if m["date_precision"] == "range"]
    assert ranged and all(m["date_basis"] for m in ranged)
    agenda = ranged[-1]
    assert "25 October" in agenda["date_basis"] and "6 December 2023" in agenda["date_basis"]


def test_no_page_shows_a_seed_files_name(curated_site):
    seeds = re.compile(r"\b00[01]_[0-9a-f]{16}\.txt|desk-[0-9a-f]{16}\.txt")
    urls = ["/", "/milestones/", "/meetings/", "/zh-hant/milestones/"]
    urls += [path(m) for m in Milestone.objects.published()]
    urls += [path(m) for m in Meeting.objects.published()]
    for url in urls:
        assert not seeds.search(page(url)), url


def test_a_milestone_cites_its_source_linked_and_explains_its_range(curated_site):
    agenda = Milestone.objects.get(source_paragraph=25)
    html = page(path(agenda))
    assert f'<p class="date-basis">{agenda.date_basis}</p>' in html
    first = Milestone.objects.get(source_paragraph=1)
    assert f'Source: <a href="{first.source_url}">{first.citation}</a>.' in page(path(first))
    chinese = page(f"/zh-hant{path(first)}")
    assert f'<a href="{first.source_url}">{first.citation_zh_hant}</a>' in chinese


def test_the_series_page_tells_who_co_chaired_it_over_time(curated_site):
    html = page(f"/meetings/series/{JTF}/")
    assert "The joint task force of the HKSAR Government" in html
    assert html.count('class="card"') == 9
    chairs = html.split("Who co-chaired it")[1].split("Its meetings")[0]
    assert "Nicholas Yang" in chairs and "5 meetings, 9 February 2017 to 31 July 2019" in chairs
    assert (
        "Professor Sun Dong" in chairs and "3 meetings, 25 August 2022 to 30 August 2024" in chairs
    )
    zh = page(f"/zh-hant/meetings/series/{JTF}/")
    assert "楊偉雄" in zh and "河套區港深創新及科技園發展聯合專責小組" in zh


def test_series_calendar_feeds_and_sitemap(curated_site, client):
    calendar = client.get(f"/meetings/series/{JTF}.ics")
    assert calendar["Content-Type"] == "text/calendar; charset=utf-8"
    assert calendar.content.decode().count("BEGIN:VEVENT") == 9
    feed = client.get(f"/feeds/series/{JTF}/").content.decode()
    assert feed.count("<item>") == 9
    assert "第十一次會議" in client.get(f"/zh-hant/feeds/series/{JTF}/atom/").content.decode()
    sitemap = client.get("/sitemap-series.xml").content.decode()
    assert f"http://testserver/meetings/series/{JTF}/" in sitemap
    assert f"http://testserver/zh-hans/meetings/series/{JTF}/" in sitemap
    assert client.get("/meetings/series/no-such-body/").status_code == 404


def test_a_series_with_no_published_meeting_has_no_page(client):
    series = make_series()
    make_meeting(series=series, published=False)
    assert client.get(series.get_absolute_url()).status_code == 404
    assert client.get(f"/meetings/series/{series.slug}.ics").status_code == 404


def test_series_page_query_count_is_fixed(client, django_assert_num_queries):
    series = make_series(slug="jtf")
    for _ in range(3):
        make_attendance(make_meeting(series=series), person=make_person(), role="co-chair")
    # The series, its meetings, their attendances, the bodies under it.
    with django_assert_num_queries(4):
        assert client.get("/meetings/series/jtf/").status_code == 200
    for _ in range(5):
        make_attendance(make_meeting(series=series), person=make_person(), role="co-chair")
    with django_assert_num_queries(4):
        assert client.get("/meetings/series/jtf/").status_code == 200


def test_the_timeline_shows_each_years_meetings_beside_its_milestones(curated_site):
    html = page("/milestones/?year=2017")
    beside = html.split('class="timeline__meetings"')[1].split("</aside>")[0]
    assert "1st meeting of the Joint Task Force" in beside
    assert "2nd meeting of the Joint Task Force" in beside
    assert "Hong Kong and Shenzhen sign the memorandum" not in beside  # a milestone, below


def test_a_meeting_page_lists_the_milestones_of_its_time():
    meeting = make_meeting(date=FuzzyDate.day(dt.date(2017, 2, 9)))
    near = make_milestone(title="Memorandum", date=FuzzyDate.day(dt.date(2017, 1, 3)))
    make_milestone(title="Years later", date=FuzzyDate.day(dt.date(2021, 1, 3)))
    html = page(path(meeting))
    assert "Milestones of its time" in html and near.title in html and "Years later" not in html


def test_a_persons_page_shows_the_posts_held_over_time(curated_site):
    html = page("/people/annie-choi/")
    held = html.split("Posts held")[1].split("Meetings attended")[0]
    assert held.index("Commissioner for Innovation and Technology") < held.index(
        "Permanent Secretary for Innovation and Technology"
    )
    assert "9 February 2017 to 9 January 2018 (3 meetings)" in held
    assert MeetingSeries.objects.get(slug=JTF).description_zh_hant


def test_the_eleventh_meeting_lists_the_milestone_it_mentions(curated_site):
    meeting = Meeting.objects.get(number=11)
    plan = Milestone.objects.get(slug="the-national-14th-five-year-plan-mentions-supporting-hong")
    html = page(path(meeting))
    mentioned = html.split("Milestones it mentions")[1].split("</ul>")[0]
    assert f'<a href="{path(plan)}">' in mentioned and "Five-Year Plan" in mentioned
    assert plan.title_zh_hant in page(f"/zh-hant{path(meeting)}")


def test_the_milestones_of_a_meetings_time_are_the_nearest_on_each_side():
    meeting = make_meeting(date=FuzzyDate.day(dt.date(2020, 6, 15)))
    for day in range(1, 11):  # ten before it, in the six months before
        make_milestone(title=f"Before {day:02}", date=FuzzyDate.day(dt.date(2020, 5, day)))
    make_milestone(title="After 01", date=FuzzyDate.day(dt.date(2020, 7, 1)))
    html = page(path(meeting)).split("Milestones of its time")[1].split("</ul>")[0]
    assert "After 01" in html and "Before 10" in html and "Before 01" not in html


def test_a_series_calendar_is_named_for_its_series(curated_site, client):
    calendar = client.get(f"/meetings/series/{JTF}.ics").content.decode().replace("\r\n ", "")
    assert "X-WR-CALNAME:HSITP History: Joint Task Force on the Development" in calendar
