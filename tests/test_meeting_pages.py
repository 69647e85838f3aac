"""The public meeting pages: the list with its filters, a meeting, a person, an organisation."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import Mode, Role, Side
from publishing.dating import FuzzyDate
from tests.assertions import assert_page
from tests.factories import (
    make_attendance,
    make_attended_meeting,
    make_meeting,
    make_organisation,
    make_person,
    make_series,
)

pytestmark = pytest.mark.django_db

# The exact number of queries each page makes today; a change must be deliberate.
LIST_QUERIES = 4  # count, page of meetings (with series), series choices, organisation choices
# Meeting with series, attendances with people and bodies, photos, the milestones of its
# time (those before it, those after it) and the milestones it mentions.
DETAIL_QUERIES = 6
# The person (or body), how many meetings (the attendances come 100 a page), that page of
# attendances with their meetings, milestones naming them; for a person, the posts held.
PERSON_QUERIES = 5
ORGANISATION_QUERIES = 4


def day(year, month, d):
    return FuzzyDate.day(dt.date(year, month, d))


def future():
    return timezone.now() + dt.timedelta(days=3)


def queries_for(client, url, *contains: str) -> int:
    """How many queries one GET of `url` makes (it must answer 200 and show `contains`)."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert_page(response, *contains)
    return len(context)


def link_to(item) -> str:
    """The href of a link to `item`'s page (unlike its title, never part of another's)."""
    return f'href="{item.get_absolute_url()}"'


def positions(html: str, *texts: str) -> list[int]:
    found = [html.find(text) for text in texts]
    assert -1 not in found, dict(zip(texts, found, strict=True))
    return found


def section(html: str, heading: str) -> str:
    """The HTML from an <h2> heading up to the next <h2> or the end of the article."""
    match = re.search(rf"<h2>{re.escape(heading)}</h2>(.*?)(?=<h2>|</article>)", html, re.S)
    assert match, f"no section {heading!r}"
    return match.group(1)


# --- /meetings/ ----------------------------------------------------------------------------------


def test_meeting_list_shows_published_meetings_newest_first(client):
    """The list shows every published meeting, the most recent first, with date and venue."""
    make_meeting(title="The ninth meeting", date=day(2023, 5, 1))
    make_meeting(title="The eleventh meeting", date=day(2024, 8, 30), place="Shenzhen")
    make_meeting(title="The tenth meeting", date=day(2024, 3, 15))
    html = client.get("/meetings/").content.decode()
    eleventh, tenth, ninth = positions(
        html, "The eleventh meeting", "The tenth meeting", "The ninth meeting"
    )
    assert eleventh < tenth < ninth
    assert "30 August 2024" in html
    assert "In Shenzhen" in html
    assert "3 meetings." in html


def test_meeting_list_lists_undated_meetings_after_dated_ones(client):
    """A meeting whose date is unknown is not 'newest': it comes after the dated ones."""
    make_meeting(title="Undated meeting", date=FuzzyDate.unknown())
    make_meeting(title="Dated meeting", date=day(2024, 8, 30))
    html = client.get("/meetings/").content.decode()
    dated, undated = positions(html, "Dated meeting", "Undated meeting")
    assert dated < undated
    assert "date to be confirmed" in html


def test_meeting_list_hides_drafts_and_future_scheduled_meetings(client):
    """Only meetings published at or before now are listed."""
    make_meeting(title="Published meeting")
    make_meeting(title="Draft meeting", published=False)
    make_meeting(title="Scheduled meeting", published_at=future())
    html = client.get("/meetings/").content.decode()
    assert "Published meeting" in html
    assert "Draft meeting" not in html
    assert "Scheduled meeting" not in html
    assert "1 meeting." in html


def test_meeting_list_filters_by_year(client):
    """?year= keeps the meetings held in that year."""
    make_meeting(title="Meeting in 2023", date=day(2023, 6, 5))
    make_meeting(title="Meeting in 2024", date=day(2024, 8, 30))
    html = client.get("/meetings/?year=2023").content.decode()
    assert "Meeting in 2023" in html
    assert "Meeting in 2024" not in html
    assert "1 meeting matches your filters." in html


def test_meeting_list_filters_by_series_slug(client):
    """?series= takes a series slug and keeps that series' meetings."""
    task_force = make_series(name="Joint Task Force", slug="joint-task-force")
    make_meeting(title="Task force meeting", series=task_force)
    make_meeting(title="Co-operation meeting", series=make_series(slug="co-operation"))
    html = client.get("/meetings/?series=joint-task-force").content.decode()
    assert "Task force meeting" in html
    assert "Co-operation meeting" not in html


def test_meeting_list_filters_by_place_ignoring_case(client):
    """?place= matches the place whatever its case."""
    make_meeting(title="Meeting held in Shenzhen", place="Shenzhen")
    make_meeting(title="Meeting held in Hong Kong", place="Hong Kong")
    html = client.get("/meetings/?place=shenzhen").content.decode()
    assert "Meeting held in Shenzhen" in html
    assert "Meeting held in Hong Kong" not in html


def test_meeting_list_filters_by_mode(client):
    """?mode=video keeps the meetings held by video conference."""
    make_meeting(title="Video meeting", place="", mode=Mode.VIDEO)
    make_meeting(title="Meeting around a table", mode=Mode.IN_PERSON)
    html = client.get("/meetings/?mode=video").content.decode()
    assert "Video meeting" in html
    assert "By video conference" in html
    assert "Meeting around a table" not in html


def test_meeting_list_filters_by_organisation_slug_listing_each_meeting_once(client):
    """?organisation= keeps the meetings the body attended, each once even if listed twice."""
    cedd = make_organisation(name="Civil Engineering and Development Department", slug="cedd")
    attended = make_meeting(title="Meeting CEDD attended")
    make_attendance(attended, organisation=cedd, role=Role.REPRESENTATIVE)
    make_attendance(attended, organisation=cedd, role=Role.BRIEFER)
    other = make_meeting(title="Meeting without CEDD")
    make_attendance(other, organisation=make_organisation(), role=Role.REPRESENTATIVE)
    html = client.get("/meetings/?organisation=cedd").content.decode()
    assert html.count("Meeting CEDD attended</a>") == 1
    assert "Meeting without CEDD" not in html
    assert "1 meeting matches your filters." in html


def test_long_select_renders_the_options_django_select_does():
    """The meetings filter's quick <select> (meetings/widgets.py): same options, same
    selection, same escaping as Django's, with groups; only the whitespace differs."""
    import re

    from django import forms

    from meetings.widgets import LongSelect

    choices = [("", "Any"), ("cedd", "CEDD & <friends>"), ("Group", [("a", "A"), ("b", "B")])]

    def normalised(html):
        return re.sub(r">\s+<", "><", str(html)).strip()

    for value in ("cedd", "b", ""):
        ours = LongSelect(choices=choices).render("organisation", value, {"id": "id_org"})
        django = forms.Select(choices=choices).render("organisation", value, {"id": "id_org"})
        assert normalised(ours) == normalised(django)
    assert "CEDD &amp; &lt;friends&gt;" in ours


def test_meeting_list_marks_the_chosen_organisation_selected(client):
    cedd = make_organisation(name="Civil Engineering and Development Department", slug="cedd")
    make_attendance(make_meeting(), organisation=cedd)
    html = client.get("/meetings/?organisation=cedd").content.decode()
    assert '<option value="cedd" selected>Civil Engineering and Development Department' in html


def test_meeting_list_rejects_an_unknown_series_with_a_form_error(client):
    """An unknown series slug lists nothing and says why, rather than ignoring the filter."""
    make_meeting(title="Some meeting")
    html = client.get("/meetings/?series=no-such-series").content.decode()
    assert "Some meeting" not in html
    assert "Select a valid choice" in html


def test_meeting_list_filter_choices_leave_out_drafts(client):
    """The series and organisation choices name only those with published meetings."""
    public = make_meeting(series=make_series(name="Public Task Force"))
    make_attendance(public, organisation=make_organisation(name="Public Bureau"))
    secret = make_meeting(series=make_series(name="Secret Working Group"), published=False)
    make_attendance(secret, organisation=make_organisation(name="Secret Bureau"))
    scheduled = make_meeting(series=make_series(name="Scheduled Group"), published_at=future())
    make_attendance(scheduled, organisation=make_organisation(name="Scheduled Bureau"))
    html = client.get("/meetings/").content.decode()
    assert "Public Task Force" in html
    assert "Public Bureau" in html
    for hidden in ("Secret Working Group", "Secret Bureau", "Scheduled Group", "Scheduled Bureau"):
        assert hidden not in html


def test_meeting_list_pagination_keeps_the_filters(client):
    """With more than a page of matches, the page links carry the filters along."""
    series = make_series(slug="joint-task-force")
    for n in range(52):
        make_meeting(
            series=series, title=f"Filtered meeting {n:02d}", date=day(2023, 1, 1 + n % 28)
        )
    make_meeting(title="Meeting of 2024", series=series, date=day(2024, 1, 5))
    first = client.get("/meetings/?year=2023&series=joint-task-force")
    html = first.content.decode()
    assert "52 meetings match your filters." in html
    assert html.count('class="card"') == 50
    assert 'href="?year=2023&amp;series=joint-task-force&amp;page=2" rel="next"' in html
    second = client.get("/meetings/?year=2023&series=joint-task-force&page=2")
    html = second.content.decode()
    assert html.count('class="card"') == 2
    assert 'href="?year=2023&amp;series=joint-task-force&amp;page=1" rel="prev"' in html
    assert "Meeting of 2024" not in html


def test_meeting_list_query_count(client, django_assert_max_num_queries):
    """The list page makes a fixed, small number of queries."""
    meeting, _ = make_attended_meeting()
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get("/meetings/")
    assert_page(response, meeting.title, "1 meeting.")


@pytest.mark.parametrize(
    "query", ["", "?year=2024&place=Shenzhen&mode=in_person"], ids=["all", "filtered"]
)
def test_meeting_list_queries_do_not_grow_with_meetings(client, query):
    """More meetings, series and attendances do not add queries to the list."""
    first, _ = make_attended_meeting(people=1, organisations=1, date=day(2024, 3, 1))
    small = queries_for(client, f"/meetings/{query}", link_to(first))
    for n in range(8):
        last, _ = make_attended_meeting(people=4, organisations=6, date=day(2024, 4, 1 + n))
    assert queries_for(client, f"/meetings/{query}", link_to(first), link_to(last)) == small


# --- /meetings/<slug>/ ---------------------------------------------------------------------------


def seed_like_meeting():
    """A meeting shaped like the seed release: co-chairs, an attendee, bodies, briefers."""
    series = make_series(name="Joint Task Force on the Loop", slug="joint-task-force")
    meeting = make_meeting(
        series=series,
        number=11,
        title="11th meeting of the Joint Task Force",
        slug="11th-meeting",
        date=day(2024, 8, 30),
        place="Shenzhen",
        full_text="The Secretary co-chaired the meeting.\n\nBoth sides were briefed.",
        source_document="001_91d1b2786c42947a.txt",
        source_published_on=dt.date(2024, 8, 30),
    )
    sun = make_person(honorific="Professor", name="Sun Dong", slug="sun-dong")
    luo = make_person(honorific="Mr", name="Luo Huanghao", slug="luo-huanghao")
    mak = make_person(honorific="Mr", name="Eddie Mak", slug="eddie-mak")
    devb = make_organisation(name="Development Bureau", slug="devb", side=Side.HONG_KONG)
    cedd = make_organisation(
        name="Civil Engineering and Development Department",
        abbreviation="CEDD",
        slug="cedd",
        side=Side.HONG_KONG,
    )
    hkmao = make_organisation(
        name="Hong Kong and Macao Affairs Office", slug="hkmao", side=Side.SHENZHEN
    )
    hsitpl = make_organisation(
        name="Hong Kong-Shenzhen Innovation and Technology Park Limited",
        abbreviation="HSITPL",
        slug="hsitpl",
        side="",
    )
    sun_post = "Secretary for Innovation, Technology and Industry"
    luo_post = "Vice Mayor of the Shenzhen Municipal People's Government"
    mak_post = "Permanent Secretary for Innovation, Technology and Industry"
    make_attendance(meeting, person=sun, role=Role.CO_CHAIR, post=sun_post, position=0)
    make_attendance(
        meeting, person=luo, role=Role.CO_CHAIR, post=luo_post, side=Side.SHENZHEN, position=1
    )
    make_attendance(meeting, person=mak, role=Role.ATTENDEE, post=mak_post, position=2)
    make_attendance(meeting, organisation=devb, role=Role.REPRESENTATIVE, position=3)
    make_attendance(meeting, organisation=cedd, role=Role.REPRESENTATIVE, position=4)
    make_attendance(
        meeting, organisation=hkmao, role=Role.REPRESENTATIVE, side=Side.SHENZHEN, position=5
    )
    make_attendance(meeting, organisation=hsitpl, role=Role.BRIEFER, side="", position=6)
    make_attendance(meeting, organisation=cedd, role=Role.BRIEFER, position=7)
    return meeting


def test_meeting_detail_shows_date_place_number_and_series(client):
    """The page gives the date as people write it, the place, the number and the series."""
    meeting = seed_like_meeting()
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "<h1>11th meeting of the Joint Task Force</h1>" in html
    assert '<dt>Date</dt><dd><time datetime="2024-08-30">30 August 2024</time></dd>' in html
    assert "<dt>Held</dt><dd>in Shenzhen</dd>" in html
    assert "No. 11 of the Joint Task Force on the Loop" in html


def test_meeting_detail_lists_co_chairs_with_posts_and_links(client):
    """Both co-chairs are named with their posts, linked to their pages, in order."""
    meeting = seed_like_meeting()
    co_chairs = section(client.get(meeting.get_absolute_url()).content.decode(), "Co-chairs")
    sun, luo = positions(
        co_chairs,
        '<a href="/people/sun-dong/">Professor Sun Dong</a>, '
        "Secretary for Innovation, Technology and Industry",
        '<a href="/people/luo-huanghao/">Mr Luo Huanghao</a>, '
        "Vice Mayor of the Shenzhen Municipal People&#x27;s Government",
    )
    assert sun < luo
    assert "Eddie Mak" not in co_chairs


def test_meeting_detail_groups_attendees_and_organisations_by_side(client):
    """Attendees and the bodies represented are grouped under their side, each linked."""
    meeting = seed_like_meeting()
    html = client.get(meeting.get_absolute_url()).content.decode()
    hong_kong = section(html, "Attending for Hong Kong")
    shenzhen = section(html, "Attending for Shenzhen")
    assert '<a href="/people/eddie-mak/">Mr Eddie Mak</a>, Permanent Secretary' in hong_kong
    assert '<a href="/organisations/devb/">Development Bureau</a>' in hong_kong
    assert (
        '<a href="/organisations/cedd/">Civil Engineering and Development Department (CEDD)</a>'
        in hong_kong
    )
    assert "Hong Kong and Macao Affairs Office" not in hong_kong
    assert '<a href="/organisations/hkmao/">Hong Kong and Macao Affairs Office</a>' in shenzhen
    assert "Development Bureau" not in shenzhen
    assert html.index("Attending for Hong Kong") < html.index("Attending for Shenzhen")


def test_meeting_detail_lists_briefings_full_text_and_source(client):
    """Who briefed the meeting, the release's text and where it came from are all shown."""
    meeting = seed_like_meeting()
    html = client.get(meeting.get_absolute_url()).content.decode()
    briefings = section(html, "Briefings from")
    hsitpl, cedd = positions(briefings, "(HSITPL)", "(CEDD)")
    assert hsitpl < cedd
    assert "The Secretary co-chaired the meeting." in section(html, "The press release")
    assert "Source: not yet cited." in html  # an import has no citation until an editor adds one
    assert "001_91d1b2786c42947a.txt" not in html


def test_meeting_detail_links_its_citation_to_the_source_url_when_known(client):
    """The citation, linked to the release's address; the address alone without one."""
    url = "https://www.info.gov.hk/gia/general/x.htm"
    meeting = make_meeting(
        source_document="release.txt", source_url=url, citation="Press release, 1 May 2024"
    )
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert f'Source: <a href="{url}">Press release, 1 May 2024</a>.' in html
    assert "release.txt" not in html
    uncited = make_meeting(source_url=url)
    assert (
        f'Source: <a href="{url}">{url}</a>.'
        in client.get(uncited.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize("kind", ["draft", "scheduled"])
def test_meeting_detail_of_an_unpublished_meeting_is_not_found(client, kind):
    """A draft or a meeting scheduled to be published later answers 404."""
    if kind == "draft":
        meeting = make_meeting(published=False)
    else:
        meeting = make_meeting(published_at=future())
    assert client.get(meeting.get_absolute_url()).status_code == 404


def test_meeting_detail_of_an_unknown_slug_is_not_found(client):
    """A slug no meeting has answers 404."""
    assert client.get("/meetings/no-such-meeting/").status_code == 404


def test_meeting_detail_query_count(client, django_assert_max_num_queries):
    """The meeting page makes a fixed, small number of queries."""
    meeting = seed_like_meeting()
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(meeting.get_absolute_url())
    assert_page(response, meeting.title, "Sun Dong", "Civil Engineering and Development Department")


def test_meeting_detail_queries_do_not_grow_with_attendances(client):
    """A meeting with many more attendees and bodies costs no more queries."""
    small, _ = make_attended_meeting(people=1, organisations=1)
    large, _ = make_attended_meeting(people=12, organisations=20)
    assert queries_for(client, large.get_absolute_url(), large.title) == queries_for(
        client, small.get_absolute_url(), small.title
    )


# --- /people/<slug>/ and /organisations/<slug>/ --------------------------------------------------


def test_person_page_lists_meetings_with_role_and_post_newest_first(client):
    """A person's page lists each published meeting attended, newest first, role and post."""
    sun = make_person(honorific="Professor", name="Sun Dong", slug="sun-dong")
    tenth = make_meeting(title="The tenth meeting", date=day(2024, 3, 15))
    eleventh = make_meeting(title="The eleventh meeting", date=day(2024, 8, 30))
    make_attendance(tenth, person=sun, role=Role.ATTENDEE, post="Secretary (then)")
    make_attendance(eleventh, person=sun, role=Role.CO_CHAIR, post="Secretary for I&T")
    html = client.get("/people/sun-dong/").content.decode()
    assert "<h1>Professor Sun Dong</h1>" in html
    eleventh_row, tenth_row = positions(html, "The eleventh meeting", "The tenth meeting")
    assert eleventh_row < tenth_row
    cell = r"\s*<td[^>]*>(.*?)</td>"
    row = rf"<tr>{cell}\s*<td><a [^>]+>(.*?)</a></td>{cell}{cell}"
    rows = re.findall(row, html)
    assert rows == [
        (
            '<time datetime="2024-08-30">30 August 2024</time>',
            "The eleventh meeting",
            "Co-chair",
            "Secretary for I&amp;T",
        ),
        (
            '<time datetime="2024-03-15">15 March 2024</time>',
            "The tenth meeting",
            "Attendee",
            "Secretary (then)",
        ),
    ]
    assert f'href="{eleventh.get_absolute_url()}"' in html


def test_person_page_lists_undated_meetings_last(client):
    """On a person's page too, a meeting of unknown date comes after the dated ones."""
    person = make_person(slug="eddie-mak")
    make_attendance(make_meeting(title="Undated meeting", date=FuzzyDate.unknown()), person=person)
    make_attendance(make_meeting(title="Dated meeting", date=day(2024, 8, 30)), person=person)
    html = client.get("/people/eddie-mak/").content.decode()
    dated, undated = positions(html, "Dated meeting", "Undated meeting")
    assert dated < undated


def test_person_page_leaves_out_unpublished_meetings(client):
    """Draft and scheduled meetings do not appear on a person's page."""
    person = make_person(slug="eddie-mak")
    for title, options in [
        ("Public meeting", {}),
        ("Draft meeting", {"published": False}),
        ("Scheduled meeting", {"published_at": future()}),
    ]:
        make_attendance(make_meeting(title=title, **options), person=person)
    html = client.get("/people/eddie-mak/").content.decode()
    assert "Public meeting" in html
    assert "Draft meeting" not in html
    assert "Scheduled meeting" not in html


@pytest.mark.parametrize("kind", ["draft", "scheduled", "no meetings"])
def test_person_known_only_from_unpublished_meetings_is_not_found(client, kind):
    """Someone seen only at draft or not-yet-published meetings (or nowhere) has no page."""
    person = make_person(slug="hidden-person")
    if kind == "draft":
        make_attendance(make_meeting(published=False), person=person)
    elif kind == "scheduled":
        make_attendance(make_meeting(published_at=future()), person=person)
    assert client.get("/people/hidden-person/").status_code == 404


def test_organisation_page_lists_meetings_with_role_newest_first(client):
    """An organisation's page names it and lists the published meetings it attended."""
    cedd = make_organisation(
        name="Civil Engineering and Development Department",
        abbreviation="CEDD",
        slug="cedd",
        side=Side.HONG_KONG,
    )
    older = make_meeting(title="The sixth meeting", date=day(2024, 2, 22))
    newer = make_meeting(title="The eleventh meeting", date=day(2024, 8, 30))
    make_attendance(older, organisation=cedd, role=Role.BRIEFER)
    make_attendance(newer, organisation=cedd, role=Role.REPRESENTATIVE)
    draft = make_meeting(title="A draft meeting", published=False)
    make_attendance(draft, organisation=cedd, role=Role.REPRESENTATIVE)
    html = client.get("/organisations/cedd/").content.decode()
    assert "<h1>Civil Engineering and Development Department (CEDD)</h1>" in html
    assert "Organisations</a> · Hong Kong" in html
    newer_row, older_row = positions(html, "The eleventh meeting", "The sixth meeting")
    assert newer_row < older_row
    assert '<td data-label="Role">Representative</td>' in html
    assert '<td data-label="Role">Briefer</td>' in html
    assert "A draft meeting" not in html


@pytest.mark.parametrize("kind", ["draft", "scheduled", "no meetings"])
def test_organisation_known_only_from_unpublished_meetings_is_not_found(client, kind):
    """A body seen only at draft or not-yet-published meetings (or nowhere) has no page."""
    organisation = make_organisation(slug="hidden-bureau")
    if kind == "draft":
        make_attendance(make_meeting(published=False), organisation=organisation)
    elif kind == "scheduled":
        make_attendance(make_meeting(published_at=future()), organisation=organisation)
    assert client.get("/organisations/hidden-bureau/").status_code == 404


def test_person_page_query_count(client, django_assert_max_num_queries):
    """A person's page makes a fixed, small number of queries."""
    meeting = seed_like_meeting()
    person = meeting.co_chairs[0].person
    with django_assert_max_num_queries(PERSON_QUERIES):
        response = client.get(person.get_absolute_url())
    assert_page(response, person.name, meeting.title)


def test_organisation_page_query_count(client, django_assert_max_num_queries):
    """An organisation's page makes a fixed, small number of queries."""
    meeting = seed_like_meeting()
    with django_assert_max_num_queries(ORGANISATION_QUERIES):
        response = client.get("/organisations/cedd/")
    assert_page(response, "Civil Engineering and Development Department", meeting.title)


def test_person_and_organisation_pages_queries_do_not_grow_with_meetings(client):
    """Attending many more meetings (each of its own series) costs no more queries."""
    person, organisation = make_person(slug="busy-person"), make_organisation(slug="busy-body")

    def attend_new_meeting() -> str:
        meeting, _ = make_attended_meeting(people=2, organisations=2)
        make_attendance(meeting, person=person, post="Director", side=Side.HONG_KONG)
        make_attendance(meeting, organisation=organisation, role=Role.REPRESENTATIVE)
        return link_to(meeting)

    first = attend_new_meeting()
    small = (
        queries_for(client, "/people/busy-person/", person.name, first),
        queries_for(client, "/organisations/busy-body/", organisation.name, first),
    )
    for _ in range(10):
        last = attend_new_meeting()
    large = (
        queries_for(client, "/people/busy-person/", person.name, first, last),
        queries_for(client, "/organisations/busy-body/", organisation.name, first, last),
    )
    assert large == small


def test_listed_organisation_has_a_page_and_timeline_mentions_link_to_it(client):
    """LegCo attends no meeting, but editors list it: its mentions link to its page."""
    from milestones.models import Milestone  # noqa: F401  (factories make milestones)
    from tests.factories import make_milestone

    legco = make_organisation(
        name="Legislative Council", abbreviation="LegCo", slug="legislative-council", listed=True
    )
    milestone = make_milestone(title="Funding approved", body="LegCo approved funding.")
    make_milestone(title="Unrelated", body="Nothing about the council here.")
    html = client.get(milestone.get_absolute_url()).content.decode()
    assert f'<a href="{legco.get_absolute_url()}">LegCo</a> approved funding.' in html
    page = client.get(legco.get_absolute_url()).content.decode()
    assert "Funding approved" in page and "Unrelated" not in page


def test_people_list_counts_only_published_meetings(client):
    """A draft meeting never shows, not even as a number."""
    person = make_person(name="Counted Person", slug="counted-person")
    make_attendance(make_meeting(), person=person)
    make_attendance(make_meeting(published=False), person=person)
    html = client.get("/people/").content.decode()
    assert "1 meeting" in html and "2 meetings" not in html


def test_organisations_are_listed_in_alphabetical_order_whatever_the_case(client):
    for name in ("Development Bureau", "Development and Reform Commission", "civic body"):
        make_attendance(make_meeting(), organisation=make_organisation(name=name))
    html = client.get("/organisations/").content.decode()
    positions = [
        html.index(f">{name}")
        for name in ("civic body", "Development and Reform Commission", "Development Bureau")
    ]
    assert positions == sorted(positions)
