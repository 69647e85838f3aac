"""Every text on a page says the language it is written in: where no Chinese text exists the
English one shows on a Chinese page in an element marked lang="en", so that a screen reader
reads it with an English voice, and no English text passes for Chinese; Chinese texts are
not marked English."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from meetings.models import Meeting, Organization, Person
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


def chinese_pages(meeting, milestone, person, organisation, prefix="/zh-hant") -> list[str]:
    return [
        f"{prefix}{meeting.get_absolute_url()}",
        f"{prefix}{milestone.get_absolute_url()}",
        f"{prefix}/",
        f"{prefix}/milestones/",
        f"{prefix}/meetings/",
        f"{prefix}{person.get_absolute_url()}",
        f"{prefix}/people/",
        f"{prefix}{organisation.get_absolute_url()}",
        f"{prefix}/organisations/",
        f"{prefix}/search/?q=Loop",  # the query itself is the reader's, in their words
    ]


@pytest.mark.parametrize("prefix", ["/zh-hant", "/zh-hans"])
def test_english_texts_on_chinese_pages_are_marked_english(curated_site, prefix):
    """The curated site has no Chinese name for Mr Eddie Mak, nor for two Shenzhen bodies,
    and a milestone an editor has not translated yet: their English is marked."""
    meeting = Meeting.objects.published().get(number=11)
    milestone = Milestone.objects.published().order_by("pk").first()
    Milestone.objects.filter(pk=milestone.pk).update(title_zh_hant="", body_zh_hant="")
    person = Person.objects.get(name="Eddie Mak")
    organisation = Organization.objects.filter(name_zh_hant="", attendances__isnull=False)[0]
    contents = [milestone.title, person.name, organisation.name]
    problems = [
        problem
        for url in chinese_pages(meeting, milestone, person, organisation, prefix)
        for problem in unmarked(url, contents)
    ]
    assert not problems, "\n".join(problems)


def test_chinese_texts_are_not_marked_english(curated_site):
    meeting = Meeting.objects.published().get(number=11)
    page = Client().get(f"/zh-hant{meeting.get_absolute_url()}")
    reader = LanguageOfText()
    reader.feed(page.content.decode())
    languages = dict(reader.texts)
    assert languages[meeting.title_zh_hant] == "zh-Hant-HK"  # the page's own
    assert "在深圳" in page.content.decode()  # the place in the sentence, in Chinese
    assert not [t for t, lang in reader.texts if "孫東" in t and lang.startswith("en")]


def test_english_pages_carry_no_needless_marks(curated_site):
    meeting = Meeting.objects.published().get(number=11)
    page = Client().get(meeting.get_absolute_url()).content.decode()
    assert "<h1>" in page and '<h1 lang="en">' not in page  # the page itself is English
    assert 'lang="en"' not in page.split("<main", 1)[1]  # the language switch marks its own
