"""The public timeline and milestone pages: published history only, light at any size."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from publishing.dating import FuzzyDate
from tests.assertions import assert_page
from tests.factories import make_meeting, make_milestone

pytestmark = pytest.mark.django_db
D = dt.date


def test_timeline_shows_published_milestones_and_never_drafts(client):
    """Drafts and milestones scheduled for the future stay off the timeline."""
    make_milestone(title="Public milestone")
    make_milestone(title="Secret draft", published=False)
    make_milestone(title="Scheduled later", published_at=timezone.now() + dt.timedelta(days=1))
    html = client.get("/milestones/").content.decode()
    assert "Public milestone" in html
    assert "Secret draft" not in html
    assert "Scheduled later" not in html


def test_timeline_groups_by_year_with_a_year_index(client):
    """Year headings carry anchors, and the index links to them."""
    make_milestone(title="MoU", date=FuzzyDate.day(D(2017, 1, 3)))
    make_milestone(title="Blueprint", date=FuzzyDate.day(D(2022, 12, 22)))
    make_milestone(title="Undated", date=FuzzyDate.unknown())
    html = client.get("/milestones/").content.decode()
    assert 'id="y2017"' in html and 'id="y2022"' in html
    assert 'href="/milestones/?year=2017"' in html
    assert "Date to be confirmed" in html
    assert html.index("MoU") < html.index("Blueprint") < html.index("Undated")


def test_dates_are_shown_with_their_precision(client):
    """A month reads as a month, a range as a range."""
    make_milestone(title="Set up", date=FuzzyDate.month(2017, 10))
    make_milestone(title="Consultant", date=FuzzyDate.between(D(2021, 3, 1), D(2021, 9, 30)))
    html = client.get("/milestones/").content.decode()
    assert "October 2017" in html
    assert "between March and September 2021" in html


@pytest.mark.parametrize(
    ("date", "datetime_attr", "start_date"),
    [
        (FuzzyDate.day(D(2021, 9, 6)), ' datetime="2021-09-06"', "2021-09-06"),
        (FuzzyDate.month(2017, 10), ' datetime="2017-10"', "2017-10"),
        (FuzzyDate.year(2021), ' datetime="2021"', "2021"),
        (FuzzyDate.between(D(2021, 3, 1), D(2021, 9, 30)), ' datetime="2021"', "2021"),
        (FuzzyDate.between(D(2019, 1, 1), D(2021, 12, 31)), None, None),
    ],
    ids=["day", "month", "year", "range-in-a-year", "range-across-years"],
)
def test_machine_readable_dates_say_what_is_known_and_no_more(
    client, date, datetime_attr, start_date
):
    """<time datetime> and JSON-LD's startDate are as precise as the date ("2017-10", not
    the month's first day); no endDate is invented for a month or a range; a range across
    years gives no machine date at all (its text says "between")."""
    milestone = make_milestone(slug="dated", date=date)
    html = client.get("/milestones/dated/").content.decode()
    for page in (html, client.get("/milestones/").content.decode()):
        if datetime_attr:
            assert f"<time{datetime_attr}>{milestone.date_display}</time>" in page
        else:
            assert "<time" not in page.split("<main", 1)[1] and milestone.date_display in page
    data = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    (event,) = [node for node in data["@graph"] if node["@type"] == "Event"]
    assert event.get("startDate") == start_date
    assert "endDate" not in event


def test_reader_chooses_newest_first(client):
    """?order=-oldest reverses the timeline."""
    make_milestone(title="Earlier", date=FuzzyDate.year(2017))
    make_milestone(title="Later", date=FuzzyDate.year(2023))
    html = client.get("/milestones/?order=-oldest").content.decode()
    assert html.index("Later") < html.index("Earlier")


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("year=2021", ["Twenty-one"], ["Seventeen", "Twenty-three"]),
        ("year_from=2021&year_to=2023", ["Twenty-one", "Twenty-three"], ["Seventeen"]),
        ("q=loop+handed", ["Seventeen"], ["Twenty-one", "Twenty-three"]),
        ("precision=month", ["Twenty-three"], ["Seventeen", "Twenty-one"]),
    ],
)
def test_filters_narrow_the_timeline(client, query, shown, hidden):
    """Year, range of years, words and precision filter the published milestones."""
    make_milestone(title="Seventeen", body="The Loop was handed over.", date=FuzzyDate.year(2017))
    make_milestone(title="Twenty-one", date=FuzzyDate.day(D(2021, 9, 6)))
    make_milestone(title="Twenty-three", date=FuzzyDate.month(2023, 3))
    html = client.get(f"/milestones/?{query}").content.decode()
    for title in shown:
        assert title in html
    for title in hidden:
        assert title not in html


def test_invalid_filter_is_shown_to_the_reader(client):
    """A year that is not a number gets a form error, not a crash."""
    make_milestone()
    response = client.get("/milestones/?year=abc")
    assert response.status_code == 200
    assert "Enter a number." in response.content.decode()


def test_pagination_keeps_the_filters(client):
    """Page links carry the reader's filters."""
    for day in range(105):
        make_milestone(date=FuzzyDate.day(D(2021, 1, 1) + dt.timedelta(days=day)))
    html = client.get("/milestones/?year=2021").content.decode()
    assert 'href="?year=2021&amp;page=2"' in html
    page_two = client.get("/milestones/?year=2021&page=2")
    assert page_two.status_code == 200
    assert "Page 2 of 2" in page_two.content.decode()


def year_chips(html: str) -> dict[str, str]:
    """The year chips: {label: href}, and the current one under "current"."""
    nav = html.split('<ul class="year-index">', 1)[1].split("</ul>", 1)[0]
    chips = {
        label: href.replace("&amp;", "&")
        for href, label in re.findall(r'<a href="([^"]*)"[^>]*>([^<]+)</a>', nav)
    }
    current = re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', nav)
    return {**chips, "current": current}


def test_year_chips_open_a_year_keeping_the_other_filters(client):
    """Each chip opens its year with the reader's words, precision and order kept; the
    other year filters and the page are replaced; the chosen year is marked current."""
    make_milestone(title="Park plan", date=FuzzyDate.day(D(2020, 1, 1)))
    make_milestone(title="Park land", date=FuzzyDate.year(2024))
    chips = year_chips(
        client.get("/milestones/?q=park&year_from=2019&order=-oldest&page=1").content.decode()
    )
    assert chips["2020"] == "/milestones/?q=park&order=-oldest&year=2020"
    assert chips["All years"] == "/milestones/?q=park&order=-oldest"
    assert chips["current"] == []  # a range of years is none of the chips
    chips = year_chips(client.get("/milestones/?year=2024&precision=year").content.decode())
    assert chips["current"] == ["2024"]
    assert chips["2020"] == "/milestones/?precision=year&year=2020"


def test_the_whole_timeline_chip_is_current_when_no_year_is_chosen(client):
    make_milestone(date=FuzzyDate.day(D(2020, 1, 1)))
    assert year_chips(client.get("/milestones/").content.decode())["current"] == ["All years"]


def test_date_to_be_confirmed_has_its_chip(client):
    """Undated milestones are one chip away; choosing it marks it, and a year chip from
    there leaves "date to be confirmed" behind."""
    make_milestone(title="Dated", date=FuzzyDate.day(D(2020, 1, 1)))
    make_milestone(title="Undated one", date=FuzzyDate.unknown())
    chips = year_chips(client.get("/milestones/?q=one").content.decode())
    assert chips["Date to be confirmed"] == "/milestones/?q=one&precision=unknown"
    html = client.get("/milestones/?precision=unknown").content.decode()
    chips = year_chips(html)
    assert chips["current"] == ["Date to be confirmed"]
    assert chips["2020"] == "/milestones/?year=2020"
    assert "Undated one" in html and ">Dated<" not in html


def test_order_select_shows_its_choice_when_none_is_made(client):
    """With no ?order the select marks "Oldest first", the order the reader sees."""
    make_milestone()
    html = client.get("/milestones/").content.decode()
    assert re.search(r'<option value="oldest" selected>', html)
    html = client.get("/milestones/?order=-oldest").content.decode()
    assert re.search(r'<option value="-oldest" selected>', html)


def test_milestone_page_shows_date_body_source_and_neighbours(client):
    """The detail page cites its source and links to the previous and next milestones."""
    before = make_milestone(title="Before", date=FuzzyDate.day(D(2021, 1, 1)))
    milestone = make_milestone(
        title="The middle one",
        date=FuzzyDate.day(D(2021, 9, 6)),
        source_document="000_seed.txt",
        source_paragraph=12,
        citation="HSITP milestones page",
        source_url="https://www.hsitp.org/en/milestones/",
    )
    after = make_milestone(title="After", date=FuzzyDate.year(2022))
    make_milestone(title="Hidden draft", date=FuzzyDate.day(D(2021, 10, 1)), published=False)
    html = client.get(milestone.get_absolute_url()).content.decode()
    assert "6 September 2021" in html
    assert milestone.body in html
    assert (
        'Source: <a href="https://www.hsitp.org/en/milestones/">HSITP milestones page</a>.' in html
    )
    assert "000_seed.txt" not in html  # the seed document is provenance for editors only
    assert f'href="{before.get_absolute_url()}" rel="prev"' in html
    assert f'href="{after.get_absolute_url()}" rel="next"' in html
    assert "Hidden draft" not in html


def test_draft_and_scheduled_milestones_are_404(client):
    """Anonymous readers cannot reach a milestone before it is public."""
    draft = make_milestone(published=False)
    scheduled = make_milestone(published_at=timezone.now() + dt.timedelta(minutes=5))
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def _count_queries(client, url, *contains):
    """How many queries one GET of `url` makes (it must answer 200 and show `contains`)."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert_page(response, *contains)
    return len(context)


@pytest.mark.parametrize("url", ["/milestones/", "/milestones/?year=2021&q=word"])
def test_timeline_query_count_is_fixed(client, django_assert_max_num_queries, url):
    """The timeline needs four queries: years, count, page, the meetings of its years;
    nothing per milestone."""
    milestone = make_milestone(body="word", date=FuzzyDate.day(D(2021, 6, 30)))
    with django_assert_max_num_queries(4):
        response = client.get(url)
    assert_page(response, milestone.title, 'id="y2021"')


def test_timeline_query_count_does_not_grow_with_milestones(client):
    """Ten times more milestones, the same number of queries."""
    first = f'href="{make_milestone().get_absolute_url()}"'
    small = _count_queries(client, "/milestones/", first)
    for year in range(1990, 2040):
        last = f'href="{make_milestone(date=FuzzyDate.year(year)).get_absolute_url()}"'
    large = _count_queries(client, "/milestones/", first, last, 'id="y1990"', 'id="y2039"')
    assert large == small


def test_milestone_page_query_count_is_fixed(client, django_assert_max_num_queries):
    """Detail: the milestone, previous, next, and the people and bodies to cross-link."""
    milestones = [make_milestone() for _ in range(3)]
    before, milestone, after = (m.get_absolute_url() for m in milestones)
    shown = (milestones[1].title, f'href="{before}" rel="prev"', f'href="{after}" rel="next"')
    with django_assert_max_num_queries(5):
        response = client.get(milestone)
    assert_page(response, *shown)
    for _ in range(20):
        make_milestone()
    with django_assert_max_num_queries(5):
        response = client.get(milestone)
    assert_page(response, *shown)


def test_home_page_shows_latest_dated_milestones_but_no_drafts(client):
    """The three most recent dated, published milestones, newest first."""
    for year in (2019, 2020, 2021, 2022):
        make_milestone(title=f"Milestone of {year}", date=FuzzyDate.year(year))
    make_milestone(title="Undated milestone", date=FuzzyDate.unknown())
    make_milestone(title="Draft milestone", date=FuzzyDate.year(2024), published=False)
    html = client.get("/").content.decode()
    assert html.index("Milestone of 2022") < html.index("Milestone of 2021")
    assert "Milestone of 2019" not in html
    assert "Undated milestone" not in html and "Draft milestone" not in html


def test_home_page_shows_the_latest_dated_meeting_not_an_undated_or_unpublished_one(client):
    """The latest meeting is the most recent dated, published one: an undated meeting,
    which sorts after every dated one, is not the latest; without a dated one, none."""
    make_meeting(title="Undated meeting", date=FuzzyDate.unknown())
    assert "Latest meeting" not in client.get("/").content.decode()
    make_meeting(title="Meeting of 2021", date=FuzzyDate.day(dt.date(2021, 3, 1)))
    make_meeting(title="Meeting of 2023", date=FuzzyDate.day(dt.date(2023, 5, 2)))
    make_meeting(title="Draft meeting", date=FuzzyDate.day(dt.date(2024, 1, 1)), published=False)
    html = client.get("/").content.decode()
    latest = html[html.index("Latest meeting") :]
    assert "Meeting of 2023" in latest
    assert "Meeting of 2021" not in latest and "Draft meeting" not in latest
