"""The history in English, Traditional Chinese and Simplified Chinese: pages, search, open
data, feeds and the calendar read each text in the reader's language, English where none is
written (translations/)."""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from meetings.models import Meeting
from milestones.models import Milestone
from tests.assertions import english_path as path
from tests.assertions import page
from tests.factories import change_url, logged_in, make_milestone, make_organisation, make_user
from tests.html_forms import opened
from translations.catalogue import simplified_catalogue
from translations.languages import to_simplified, to_traditional

pytestmark = pytest.mark.django_db


def test_every_curated_milestone_reads_in_both_chinese_scripts(curated_site):
    milestones = list(Milestone.objects.published())
    assert len(milestones) == 28
    for milestone in milestones:
        assert milestone.title_zh_hant and milestone.body_zh_hant, milestone.slug
        traditional = page(f"/zh-hant{path(milestone)}")
        assert f"<h1>{milestone.title_zh_hant}</h1>" in traditional
        simplified = page(f"/zh-hans{path(milestone)}")
        assert f"<h1>{to_simplified(milestone.title_zh_hant)}</h1>" in simplified
        assert '<html lang="zh-Hans">' in simplified


def test_the_eleventh_meeting_names_its_co_chairs_in_chinese(curated_site):
    meeting = Meeting.objects.published().get(number=11)
    traditional = page(f"/zh-hant{path(meeting)}")
    assert "孫東" in traditional and "羅晃浩" in traditional
    assert f"<h1>{meeting.title_zh_hant}</h1>" in traditional
    simplified = page(f"/zh-hans{path(meeting)}")
    assert "孙东" in simplified and "罗晃浩" in simplified


def test_an_editors_simplified_text_overrides_the_conversion():
    milestone = make_milestone(title="Loop", title_zh_hant="河套發展", title_zh_hans="河套开发")
    assert "<h1>河套开发</h1>" in page(f"/zh-hans{path(milestone)}")
    assert "<h1>河套發展</h1>" in page(f"/zh-hant{path(milestone)}")
    assert "<h1>Loop</h1>" in page(path(milestone))


def test_a_text_not_translated_shows_in_english_marked_english():
    milestone = make_milestone(title="Only in English", body="Written in English.")
    for prefix in ("/zh-hant", "/zh-hans"):
        html = page(f"{prefix}{path(milestone)}")
        assert '<h1 lang="en">Only in English</h1>' in html


@pytest.mark.parametrize("query", ["河套", "深圳", "創新", "创新"])
def test_chinese_search_finds_milestones_and_meetings(curated_site, query):
    html = page(f"/zh-hant/search/?q={query}")
    assert 'id="milestones"' in html or 'id="meetings"' in html
    assert f"<mark>{to_traditional(query)}</mark>" in html


def test_chinese_search_finds_people_and_bodies_and_ranks_titles_first(curated_site):
    html = page("/zh-hant/search/?q=孫東")
    assert '<a href="/zh-hant/people/sun-dong/"><mark>孫東</mark>教授</a>' in html
    html = page("/zh-hant/search/?q=河套")
    milestones = html.split('id="milestones"')[1].split("</section>")[0]
    first = milestones.split("<h4")[1]
    assert "<mark>" in first.split("</h4>")[0]  # the first hit matches in its title
    assert "<mark>发展局</mark>" in page("/zh-hans/search/?q=發展局")  # shown in Simplified


def test_chinese_search_makes_as_many_queries_as_english(curated_site, django_assert_num_queries):
    Client().get("/zh-hant/search/?q=Loop")  # warm the session-less caches
    with django_assert_num_queries(4):
        Client().get("/zh-hant/search/?q=河套")


def test_open_data_in_each_language(client, curated_site):
    english = client.get("/api/milestones/").json()["results"][0]
    chinese = client.get("/api/milestones/?lang=zh-hant").json()["results"][0]
    simplified = client.get("/api/milestones/?lang=zh-hans").json()["results"][0]
    milestone = Milestone.objects.get(slug=english["slug"])
    assert (english["title"], english["language"]) == (milestone.title, "en")
    assert (chinese["title"], chinese["language"]) == (milestone.title_zh_hant, "zh-Hant")
    assert simplified["title"] == to_simplified(milestone.title_zh_hant)
    assert chinese["url"].startswith("http://testserver/zh-hant/")
    meeting = client.get("/api/meetings/?lang=zh-hant").json()["results"][0]
    assert meeting["place"] == "深圳" and meeting["attendees"][0]["person"]["name"] == "孫東"
    mak = next(a for a in meeting["attendees"] if a["person"] and "Mak" in a["person"]["name"])
    assert mak["person"]["language"] == "en"  # no Chinese name is known: the English, said so
    rows = list(csv.DictReader(io.StringIO(client.get("/api/meetings.csv?lang=zh-hans")
                                           .getvalue().decode("utf-8-sig"))))  # fmt: skip
    assert rows[0]["person_name"] == "孙东" and rows[0]["language"] == "zh-Hans"
    timeline = client.get("/api/timeline.json?lang=zh-hant").json()
    assert timeline["events"][0]["text"]["headline"] == (
        Milestone.objects.published().chronological().first().title_zh_hant
    )


def test_an_unknown_language_is_refused_with_what_is_accepted(client):
    response = client.get("/api/milestones/?lang=fr")
    assert response.status_code == 400
    assert "en, zh-hant, zh-hans" in response.json()["errors"]["lang"][0]["message"]


def test_feeds_and_calendar_in_chinese(curated_site):
    milestone = Milestone.objects.published().order_by("-published_at", "-pk").first()
    feed = page("/zh-hant/feeds/milestones/")
    assert milestone.title_zh_hant in feed and "<language>zh-hant</language>" in feed
    assert to_simplified(milestone.title_zh_hant) in page("/zh-hans/feeds/milestones/atom/")
    assert milestone.title in page("/feeds/milestones/")  # the English feed, as before
    calendar = Client().get("/zh-hans/meetings.ics").content.decode()
    assert "第十一次会议" in calendar.replace("\r\n ", "")


def test_the_language_switch_and_hreflang_offer_all_three_languages():
    html = page("/milestones/")
    for code, url in [("en", "/milestones/"), ("zh-Hant", "/zh-hant/milestones/"),
                      ("zh-Hans", "/zh-hans/milestones/")]:  # fmt: skip
        assert f'<link rel="alternate" hreflang="{code}" href="http://testserver{url}">' in html
    assert "简体中文" in html and "繁體中文" in html
    assert "时间线" in page("/zh-hans/milestones/")  # the interface, in Simplified


def test_chinese_names_in_a_chinese_text_link_to_their_pages(curated_site):
    milestone = make_milestone(title="Bureau", body="The bureau.", body_zh_hant="由發展局負責。")
    make_organisation(name="Some body", name_zh_hant="發展局", listed=True, slug="dev-b")
    html = page(f"/zh-hant{path(milestone)}")
    assert '<a href="/zh-hant/organisations/dev-b/">發展局</a>' in html


def test_the_simplified_catalogue_is_the_traditional_one_converted():
    locale = Path(settings.LOCALE_PATHS[0])
    traditional = (locale / "zh_Hant/LC_MESSAGES/django.po").read_text("utf-8")
    simplified = (locale / "zh_Hans/LC_MESSAGES/django.po").read_text("utf-8")
    assert simplified == simplified_catalogue(traditional), (
        "run manage.py make_simplified_catalogue after changing locale/zh_Hant"
    )


def test_the_desk_edits_english_and_traditional_chinese_side_by_side(client):
    client.force_login(make_user("editor"))
    milestone = make_milestone(published=False)
    html = client.get(f"/admin/milestones/milestone/{milestone.pk}/change/").content.decode()
    row = html.split('name="title"')[1].split("form-row")[0]
    assert 'name="title_zh_hant"' in row  # on the same row as the English
    assert 'name="title_zh_hans"' in html and "Fill only to correct it" in html


def test_a_chinese_text_of_a_live_milestone_changes_only_through_review():
    """Edith translates a published milestone: readers of /zh-hant/ see the English until
    Pat publishes her Chinese; the compare page and the history name the Chinese field."""
    edith, pat = logged_in("editor", "edith"), logged_in("publisher", "pat")
    milestone = make_milestone(title="Land handed over", body="The first parcels.")
    url = change_url(milestone)
    form, _html = opened(edith, url, "milestone_form")
    form["title_zh_hant"] = "首批用地移交"
    assert edith.post(url, form).status_code == 302
    assert '<h1 lang="en">Land handed over</h1>' in page(f"/zh-hant{path(milestone)}")
    compare = pat.get(f"{url.removesuffix('change/')}compare/").content.decode()
    assert "首批用地移交" in compare and "Title (Traditional Chinese)" in compare
    form, _html = opened(pat, url, "milestone_form")
    assert form["title_zh_hant"] == "首批用地移交"
    form["_publish"] = "Publish"
    pat.post(url, form)
    assert "<h1>首批用地移交</h1>" in page(f"/zh-hant{path(milestone)}")
    assert "<h1>首批用地移交</h1>" in page(f"/zh-hans{path(milestone)}")  # the same in both


def test_the_timeline_and_meeting_filters_read_chinese(curated_site, client):
    assert client.get("/api/milestones/?q=河套").json()["count"] > 0
    assert client.get("/api/milestones/?q=创新").json()["count"] > 0  # Simplified, as 創新
    assert client.get("/api/meetings/?place=深圳").json()["count"] == 2  # the 1st and 11th
    assert client.get("/api/meetings/?place=shenzhen").json()["count"] == 2  # as before
