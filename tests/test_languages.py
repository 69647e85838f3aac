"""The interface in English and Traditional Chinese."""

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

from publishing.dating import FuzzyDate
from tests.factories import make_milestone

pytestmark = pytest.mark.django_db
CATALOGUE = Path(__file__).resolve().parent.parent / "locale/zh_Hant/LC_MESSAGES/django.po"


def test_english_is_at_the_plain_urls_and_chinese_under_zh_hant(client):
    """The same page in both languages, each saying which it is."""
    make_milestone(title="Arrangement signed", date=FuzzyDate.day(dt.date(2021, 9, 6)))
    english = client.get("/milestones/").content.decode()
    chinese = client.get("/zh-hant/milestones/").content.decode()
    assert '<html lang="en-HK">' in english and "Timeline of the park" in english
    assert '<html lang="zh-Hant-HK">' in chinese and "園區時間線" in chinese


def test_dates_are_written_as_each_language_writes_them(client):
    """6 September 2021 in English, 2021年9月6日 in Chinese, ranges too."""
    make_milestone(date=FuzzyDate.day(dt.date(2021, 9, 6)))
    make_milestone(date=FuzzyDate.between(dt.date(2021, 3, 1), dt.date(2021, 9, 30)))
    english = client.get("/milestones/").content.decode()
    chinese = client.get("/zh-hant/milestones/").content.decode()
    assert "6 September 2021" in english and "between March and September 2021" in english
    assert "2021年9月6日" in chinese and "2021年3月至9月之間" in chinese


def test_language_switch_keeps_the_reader_on_the_same_page(client):
    """Each page links to itself in the other language, with hreflang alternates."""
    milestone = make_milestone(slug="mou-signed")
    html = client.get(milestone.get_absolute_url()).content.decode()
    assert 'href="http://testserver/zh-hant/milestones/mou-signed/" hreflang="zh-Hant"' in html
    assert (
        '<link rel="alternate" hreflang="zh-Hant" href="http://testserver/zh-hant/milestones/mou-signed/">'
        in html
    )
    assert (
        '<link rel="alternate" hreflang="x-default" href="http://testserver/milestones/mou-signed/">'
        in html
    )
    chinese = client.get("/zh-hant/milestones/mou-signed/?page=1").content.decode()
    assert 'href="http://testserver/milestones/mou-signed/?page=1" hreflang="en"' in chinese


def test_canonical_url_and_open_graph_tags(client):
    """Each page names its canonical address and describes itself for link previews."""
    milestone = make_milestone(title="MoU signed", slug="mou-signed")
    html = client.get(f"{milestone.get_absolute_url()}?utm=x").content.decode()
    assert '<link rel="canonical" href="http://testserver/milestones/mou-signed/">' in html
    assert '<meta property="og:title" content="MoU signed">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '"@type": "Event"' in html and "application/ld+json" in html


def test_catalogue_is_complete_and_compiles():
    """Every interface string has a Traditional Chinese translation; msgfmt accepts the file."""
    text = CATALOGUE.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    entries = re.split(r"\n\n", text.split("\n\n", 1)[1])
    for entry in entries:
        translations = re.findall(r'^msgstr(?:\[\d\])? "(.*)"$', entry, flags=re.M)
        continuation = re.search(r'^msgstr(?:\[\d\])? ""\n"', entry, flags=re.M)
        assert translations, entry
        assert all(translations) or continuation, f"untranslated: {entry}"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr


def test_chinese_sentences_end_with_chinese_punctuation(client):
    """Full stops and commas that close translated sentences are translated with them."""
    from tests.factories import make_meeting

    meeting = make_meeting(title="Meeting", slug="jtf")
    meeting.citation = "HKSAR Government press release, 30 August 2024"
    meeting.citation_zh_hant = "香港特區政府新聞公報，2024年8月30日"
    meeting.save()
    listing = client.get("/zh-hant/meetings/").content.decode()
    assert "訂閱日曆</a>。" in listing
    page = client.get("/zh-hant/meetings/jtf/").content.decode()
    assert "資料來源： <cite>香港特區政府新聞公報，2024年8月30日</cite>。" in page
    english = client.get("/meetings/jtf/").content.decode()
    assert "Source: <cite>HKSAR Government press release, 30 August 2024</cite>." in english


def test_the_open_data_page_answers_in_each_language_and_its_switch_goes_between_them(client, db):
    english = client.get("/api/")
    chinese = client.get("/zh-hant/api/")
    assert english.status_code == chinese.status_code == 200
    assert '<html lang="zh-Hant-HK">' in chinese.content.decode()
    assert 'hreflang="zh-Hant" lang="zh-Hant">繁體中文</a>' in english.content.decode()
    assert 'href="http://testserver/zh-hant/api/"' in english.content.decode()
    assert 'href="http://testserver/api/"' in chinese.content.decode()  # not to itself
    data = client.get("/zh-hant/api/", HTTP_ACCEPT="application/json").json()
    urls = [item["url"] for item in data]
    assert "http://testserver/api/milestones/?lang=zh-hant" in urls  # the data in Chinese
    assert "http://testserver/zh-hant/feeds/milestones/" in urls
    assert "http://testserver/api/milestones/" in [
        i["url"] for i in client.get("/api/?format=json").json()
    ]
