"""The history's texts are written in English (the interface is translated, the content not
yet): on a Chinese page each sits in an element marked lang="en", so that a screen reader
reads it with an English voice, and no English text passes for Chinese."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from meetings.models import Attendance, Meeting
from milestones.models import Milestone

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class LanguageOfText(HTMLParser):
    """Each text of the page with the language it is marked as (the nearest lang)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.texts: list[tuple[str, str]] = []
        self.skip = 0

    def language(self) -> str:
        return next((lang for _, lang in reversed(self.stack) if lang), "")

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self.skip += 1
        if tag not in VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self.skip -= 1
        while self.stack:
            opened, _ = self.stack.pop()
            if opened == tag:
                break

    def handle_data(self, data):
        if data.strip() and not self.skip:
            self.texts.append((" ".join(data.split()), self.language()))


def unmarked(url: str, contents: list[str]) -> list[str]:
    response = Client().get(url)
    assert response.status_code == 200
    reader = LanguageOfText()
    reader.feed(response.content.decode())
    found = []
    for text, language in reader.texts:
        for content in contents:
            if content in text and not language.startswith("en"):
                found.append(f"{content!r} in {url} is marked {language!r}")
    return found


def test_english_texts_on_chinese_pages_are_marked_english(curated_site):
    meeting = Meeting.objects.published().get(number=11)
    milestone = Milestone.objects.published().order_by("pk").first()
    attendance = Attendance.objects.filter(meeting=meeting, person__isnull=False).first()
    body = Attendance.objects.filter(meeting=meeting, organisation__isnull=False).first()
    contents = [
        meeting.title,
        meeting.place,
        milestone.title,
        attendance.person.name,
        attendance.post,
        meeting.series.name,
        body.organisation.name,
    ]
    urls = [
        f"/zh-hant{meeting.get_absolute_url()}",
        f"/zh-hant{milestone.get_absolute_url()}",
        "/zh-hant/",
        "/zh-hant/milestones/",
        "/zh-hant/meetings/",
        f"/zh-hant{attendance.person.get_absolute_url()}",
        "/zh-hant/people/",
        f"/zh-hant{body.organisation.get_absolute_url()}",
        "/zh-hant/organisations/",
        "/zh-hant/search/?q=Loop",  # the query itself is the reader's, in their words
    ]
    problems = [problem for url in urls for problem in unmarked(url, contents)]
    assert not problems, "\n".join(problems)
    page = Client().get(urls[0]).content.decode()
    assert f'<span lang="en">{meeting.place}</span>' in page  # not "在Shenzhen" as Chinese


def test_english_pages_carry_no_needless_marks(curated_site):
    meeting = Meeting.objects.published().get(number=11)
    page = Client().get(meeting.get_absolute_url()).content.decode()
    assert "<h1>" in page and '<h1 lang="en">' not in page  # the page itself is English
    assert f'<span lang="en">{meeting.place}</span>' not in page
