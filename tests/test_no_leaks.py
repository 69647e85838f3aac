"""Nothing leaks: an anonymous reader who follows every link the public site offers never
sees a word of a draft, an item in review, or a scheduled item, nor a person, organisation,
series or picture known only from them; and every published item is found somewhere.

Each item carries a made-up word ("zqxdraftmilestone") in its title, text, names, slugs,
file names, captions. The crawl starts at the public entry points in both languages (pages,
search for every word, feeds, sitemap, robots.txt, API index and endpoints, CSV, TimelineJS,
calendar) and follows every same-site link it finds: href attributes, JSON "url"/"next"/
"previous", and every absolute URL in XML, text and calendars (<loc>, <link>, Sitemap:,
URL:), recursively, with a visited set and bounds (MAX_URLS in all, MAX_QUERY_VARIANTS
filter combinations a path). Every response body is checked, 404 pages included. The test
prints how many URLs it crawled (about 200) and asserts a minimum.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections import Counter, deque
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from meetings.models import MeetingPhoto, Role, Side
from publishing.dating import FuzzyDate
from tests.factories import (
    make_attendance,
    make_meeting,
    make_milestone,
    make_organisation,
    make_person,
    make_picture,
    make_series,
    make_user,
    restart_sequence,
)

pytestmark = pytest.mark.django_db

PHOTO = (640, 480)  # pixels: the made-up words are in the pictures' file names and texts
MAX_URLS = 2000
MAX_QUERY_VARIANTS = 30  # distinct query strings followed for one path
MIN_URLS = 150
SKIPPED_PREFIXES = (
    "/admin/",
    "/static/",
    "/media/",
    "/i18n/",
    "/zh-hant/admin/",
    "/zh-hans/admin/",
)
LANGUAGE_PREFIXES = ("", "/zh-hant", "/zh-hans")  # every page in each language

# Words only the public may see (each must be found somewhere in the crawl) ...
PUBLIC_WORDS = {
    "zqxpubmilestone": "a published milestone",
    "zqxpubneighbour": "another published milestone",
    "zqxpubmeeting": "a published meeting",
    "zqxpubseries": "the series of the published meeting",
    "zqxpubperson": "a person at the published meeting",
    "zqxpubpost": "that person's post at the published meeting",
    "zqxpuborg": "an organisation at the published meeting",
    "zqxpubpicalt": "the alt text of the published milestone's picture",
    "zqxpubpicfile": "the file name of that picture",
    "zqxpubphotocap": "the caption of the published meeting's photo",
    "zqxmentioned": "a name a published milestone's text mentions",
    "zqxpubsecond": "a second published meeting",
    "zqxpubsecondperson": "a person at the second published meeting",
    "zqxpubsecondorg": "an organisation at the second published meeting",
}
# ... and words nobody outside the desk may see.
HIDDEN_WORDS = {
    "zqxdraftmilestone": "a draft milestone",
    "zqxdraftsource": "the draft milestone's source document",
    "zqxreviewmilestone": "a milestone in review",
    "zqxschedmilestone": "a scheduled milestone (published in the future)",
    "zqxdraftmeeting": "a draft meeting",
    "zqxdraftsummary": "the draft meeting's lead paragraph",
    "zqxdraftplace": "the draft meeting's place",
    "zqxdraftseries": "a series with only a draft meeting",
    "zqxreviewmeeting": "a meeting in review",
    "zqxschedmeeting": "a scheduled meeting",
    "zqxdraftperson": "a person known only from the draft meeting",
    "zqxschedperson": "a person known only from the scheduled meeting",
    "zqxdraftorg": "an organisation known only from the draft meeting",
    "zqxabbr": "that organisation's abbreviation",
    "zqxdraftpost": "the public person's post at the draft meeting",
    "zqxhiddenslug": "the slug of a draft-only person whose name a published text mentions",
    "zqxdraftpicalt": "the alt text of the draft milestone's picture",
    "zqxdraftpiccap": "that picture's caption",
    "zqxdraftpicfile": "that picture's file name",
    "zqxdraftphotocap": "the caption of the draft meeting's photo",
    "zqxdraftphotofile": "that photo's file name",
}
HIDDEN_YEAR = "1903"  # the draft milestone's year: not even offered as a year to filter by

ABSOLUTE_URL = re.compile(r"https?://testserver(/[^\s\"'<>\\,]*)?")  # CSV: no commas
HREF = re.compile(r"""\b(?:href)\s*=\s*["']([^"']+)["']""")
ENTRY_PAGES = ["/", "/milestones/", "/meetings/", "/people/", "/organisations/"]
MACHINE_ENDPOINTS = [
    "/feeds/milestones/",
    "/feeds/milestones/atom/",
    "/feeds/meetings/",
    "/feeds/meetings/atom/",
    "/sitemap.xml",
    "/robots.txt",
    "/api/",
    "/api/?format=json",
    "/api/milestones/",
    "/api/meetings/",
    "/api/milestones.csv",
    "/api/meetings.csv",
    "/api/timeline.json",
    "/meetings.ics",
]


def in_review(item):
    item.send_to_review()
    item.save()
    return item


@pytest.fixture
def small_pages(monkeypatch):
    """One item a page, so that the crawl follows ?page= links (HTML and the API's "next")."""
    from meetings import views as meeting_views
    from milestones import views as milestone_views
    from opendata import views as open_data_views

    monkeypatch.setattr(milestone_views.TimelineView, "paginate_by", 1)
    monkeypatch.setattr(open_data_views.MilestoneListAPI, "page_size", 1)
    monkeypatch.setattr(meeting_views.MeetingListView, "paginate_by", 1)
    monkeypatch.setattr(open_data_views.MeetingListAPI, "page_size", 1)
    monkeypatch.setattr(meeting_views.AttendeeListView, "paginate_by", 1)


@pytest.fixture
def site(small_pages):
    """Public, draft, in-review and scheduled items, each with its own words. Numbered from
    10,000 on: a factory's running number (a meeting's "No. 1903", "Summary of meeting
    1903.") is never the hidden year, however many tests ran before in this process."""
    restart_sequence(10_000)
    future = timezone.now() + dt.timedelta(days=30)
    day = FuzzyDate.day

    # Milestones.
    make_milestone(
        title="Zqxpubmilestone funding approved",
        slug="zqxpubmilestone-funding",
        body="Zqxpubmilestone: the council approved it. Zqxmentioned Ho spoke.",
        date=day(dt.date(2021, 9, 6)),
        lead_image=make_picture(
            name="zqxpubpicfile.jpg", size=PHOTO, alt_text="Zqxpubpicalt the Loop from the air"
        ),
    )
    make_milestone(title="Zqxpubneighbour works began", date=day(dt.date(2022, 1, 5)))
    make_milestone(
        published=False,
        title="Zqxdraftmilestone secret plan",
        slug="zqxdraftmilestone-plan",
        body="Zqxdraftmilestone body.",
        source_document="zqxdraftsource.txt",
        source_paragraph=1,
        date=FuzzyDate.year(int(HIDDEN_YEAR)),
        lead_image=make_picture(
            name="zqxdraftpicfile.jpg",
            size=PHOTO,
            alt_text="Zqxdraftpicalt a model of the park",
            caption="Zqxdraftpiccap",
        ),
    )
    in_review(
        make_milestone(
            published=False, title="Zqxreviewmilestone under review", slug="zqxreviewmilestone"
        )
    )
    make_milestone(
        published=True,
        published_at=future,
        title="Zqxschedmilestone announced later",
        slug="zqxschedmilestone",
    )

    # Meetings: one published, one draft, one in review, one scheduled.
    public_person = make_person(name="Zqxpubperson Chan", slug="zqxpubperson-chan")
    public_org = make_organisation(name="Zqxpuborg Bureau", slug="zqxpuborg-bureau")
    published = make_meeting(
        title="Zqxpubmeeting of the task force",
        slug="zqxpubmeeting",
        series=make_series(name="Zqxpubseries Task Force", slug="zqxpubseries"),
    )
    make_attendance(
        published, person=public_person, role=Role.CO_CHAIR, post="Zqxpubpost Secretary"
    )
    make_attendance(published, organisation=public_org, role=Role.REPRESENTATIVE, position=1)
    second = make_meeting(title="Zqxpubsecond meeting", slug="zqxpubsecond")
    make_attendance(second, person=make_person(name="Zqxpubsecondperson Lam", slug="lam"))
    make_attendance(second, organisation=make_organisation(name="Zqxpubsecondorg Department"))
    MeetingPhoto.objects.create(
        meeting=published,
        picture=make_picture(
            name="zqxpubphoto.jpg",
            size=PHOTO,
            alt_text="Delegates at the table",
            caption="Zqxpubphotocap",
        ),
    )

    draft = make_meeting(
        published=False,
        title="Zqxdraftmeeting in camera",
        slug="zqxdraftmeeting",
        summary="Zqxdraftsummary of what was said.",
        place="Zqxdraftplace",
        series=make_series(name="Zqxdraftseries Committee", slug="zqxdraftseries"),
    )
    draft_person = make_person(name="Zqxdraftperson Wong", slug="zqxdraftperson-wong")
    draft_org = make_organisation(
        name="Zqxdraftorg Office", slug="zqxdraftorg-office", abbreviation="ZQXABBR"
    )
    mentioned = make_person(name="Zqxmentioned Ho", slug="zqxhiddenslug")
    make_attendance(draft, person=draft_person, role=Role.CO_CHAIR, post="Vice Mayor")
    make_attendance(draft, person=mentioned, position=1)
    make_attendance(draft, organisation=draft_org, role=Role.REPRESENTATIVE, position=2)
    make_attendance(draft, person=public_person, post="Zqxdraftpost Adviser", position=3)
    make_attendance(
        draft, organisation=public_org, role=Role.BRIEFER, side=Side.SHENZHEN, position=4
    )
    MeetingPhoto.objects.create(
        meeting=draft,
        picture=make_picture(
            name="zqxdraftphotofile.jpg",
            size=PHOTO,
            alt_text="A closed room",
            caption="Zqxdraftphotocap",
        ),
    )

    in_review(
        make_meeting(published=False, title="Zqxreviewmeeting pending", slug="zqxreviewmeeting")
    )
    scheduled = make_meeting(
        published=True, published_at=future, title="Zqxschedmeeting soon", slug="zqxschedmeeting"
    )
    make_attendance(scheduled, person=make_person(name="Zqxschedperson Lee", slug="zqxsched-lee"))


# --- The crawler ------------------------------------------------------------------------------


def local_path(url: str, page: str) -> str | None:
    """The same-site path and query of a link found on `page` (relative links such as
    "?page=2" resolved), or None for another site, a fragment or a skipped path."""
    url = html.unescape(url.strip())
    if not url or url.startswith("#"):
        return None
    parts = urlsplit(urljoin(f"http://testserver{page}", url))
    if parts.scheme not in {"http", "https"} or parts.netloc != "testserver":
        return None  # mailto:, data:, webcal:, another site
    if parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8-sig", errors="replace")
    if "calendar" in response.get("Content-Type", ""):
        text = re.sub(r"\r?\n[ \t]", "", text)  # unfold RFC 5545 lines: words may be split
    return text


def links_in(text: str, content_type: str) -> set[str]:
    found = {match.group(0) for match in ABSOLUTE_URL.finditer(text)}
    if "html" in content_type or "xml" in content_type:
        found |= set(HREF.findall(text))
    if "json" in content_type:
        found |= set(_json_links(json.loads(text)))
    return found


def _json_links(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key in {"url", "next", "previous"} and isinstance(item, str):
                yield item
            else:
                yield from _json_links(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_links(item)


class Crawl:
    def __init__(self, client: Client):
        self.client = client
        self.bodies: dict[str, str] = {}  # URL -> body
        self.statuses: dict[str, int] = {}
        self.found_on: dict[str, str] = {}  # link -> the page it was found on
        self.variants: Counter = Counter()

    def run(self, start: list[str]) -> None:
        queue = deque(start)
        queued = set(start)
        while queue:
            url = queue.popleft()
            assert len(self.bodies) < MAX_URLS, f"more than {MAX_URLS} URLs: a crawler trap?"
            response = self.client.get(url)
            text = body_text(response)
            self.bodies[url] = text
            self.statuses[url] = response.status_code
            links = set(links_in(text, response.get("Content-Type", "")))
            if response.status_code in (301, 302, 303, 307, 308):
                links.add(response["Location"])
            for link in links:
                path = local_path(link, url)
                if path is None or path in queued:
                    continue
                base = path.split("?")[0]
                if "?" in path:
                    if self.variants[base] >= MAX_QUERY_VARIANTS:
                        continue
                    self.variants[base] += 1
                queued.add(path)
                self.found_on[path] = url
                queue.append(path)


CONTROL = "zqxnomatch"  # a word nothing contains
CONTROL_YEAR = "1907"  # a year nothing is dated in


def control_for(value: str) -> str:
    return CONTROL_YEAR if value.isdigit() else CONTROL


def probes() -> list[tuple[str, str]]:
    """(URL, value) pairs: a reader typing a hidden word (or choosing a hidden slug) into a
    search or filter. The page echoes the value, so it is compared with the page for CONTROL,
    (CONTROL_YEAR for a year), the same once the value is replaced: nothing else may differ."""
    pairs = []
    for word in [*HIDDEN_WORDS, HIDDEN_YEAR]:
        pairs += [(f"/search/?q={word}", word), (f"/milestones/?q={word}", word)]
        pairs += [(f"/api/milestones/?q={word}", word)]
    pairs += [(f"/milestones/?year={HIDDEN_YEAR}", HIDDEN_YEAR)]
    pairs += [(f"/api/milestones/?year={HIDDEN_YEAR}", HIDDEN_YEAR)]
    pairs += [("/meetings/?place=Zqxdraftplace", "Zqxdraftplace")]
    for key, value in [("series", "zqxdraftseries"), ("organisation", "zqxdraftorg-office")]:
        pairs += [(f"/meetings/?{key}={value}", value), (f"/api/meetings/?{key}={value}", value)]
    return [
        (prefix + url if not url.startswith("/api/") else url, value)
        for prefix in LANGUAGE_PREFIXES
        for url, value in pairs
    ]


def start_urls() -> list[str]:
    searches = [f"/search/?q={word}" for word in PUBLIC_WORDS]
    urls = []
    for prefix in LANGUAGE_PREFIXES:
        urls += [prefix + url for url in ENTRY_PAGES + searches + MACHINE_ENDPOINTS]
    urls += [url for url, _value in probes()]
    return list(dict.fromkeys(urls))


def echoed(url: str, words) -> list[str]:
    """Words in the URL itself: the reader typed them, the page may repeat them."""
    address = unquote(url).lower()
    return [word for word in words if word in address]


def words_found(crawl: Crawl, words: dict[str, str]) -> list[str]:
    """Where any of `words` appears in the crawl (not counting a page repeating its URL)."""
    found = []
    for url, text in crawl.bodies.items():
        text = text.lower()
        for word in echoed(url, [*words, HIDDEN_YEAR]):
            text = text.replace(word.lower(), "")
        found += [f"{word!r} ({what}) in {url}" for word, what in words.items() if word in text]
        if re.search(rf"(?<![\w-]){HIDDEN_YEAR}(?![\w-])", text):
            found.append(f"the draft-only year {HIDDEN_YEAR} in {url}")
    return found


def hidden_detail_urls() -> list[str]:
    """The public addresses of everything that is not public: each must be 404."""
    paths = [
        "/milestones/zqxdraftmilestone-plan/",
        "/milestones/zqxreviewmilestone/",
        "/milestones/zqxschedmilestone/",
        "/meetings/zqxdraftmeeting/",
        "/meetings/zqxreviewmeeting/",
        "/meetings/zqxschedmeeting/",
        "/people/zqxdraftperson-wong/",
        "/people/zqxhiddenslug/",
        "/people/zqxsched-lee/",
        "/organisations/zqxdraftorg-office/",
    ]
    return [prefix + path for prefix in LANGUAGE_PREFIXES for path in paths]


# --- The test ---------------------------------------------------------------------------------


def test_an_anonymous_crawl_finds_every_published_word_and_no_other(site, client):
    crawl = Crawl(client)
    crawl.run(start_urls())
    # Content negotiation: the API index as JSON.
    response = client.get("/api/", HTTP_ACCEPT="application/json")
    crawl.bodies["/api/ (Accept: application/json)"] = body_text(response)

    leaks = words_found(crawl, HIDDEN_WORDS)
    # A search or filter for a hidden word answers exactly as one for a word nothing has.
    for url, value in probes():
        control = client.get(url.replace(value, control_for(value)))
        if crawl.statuses[url] != control.status_code:
            leaks.append(f"{url} answers {crawl.statuses[url]}, {control_for(value)!r} not")
        elif crawl.bodies[url].replace(value, control_for(value)) != body_text(control):
            leaks.append(f"{url} differs from the same request for {control_for(value)!r}")
    assert not leaks, "Non-public content reached an anonymous reader:\n" + "\n".join(leaks)

    everything = "\n".join(crawl.bodies.values()).lower()
    missing = [
        f"{word!r} ({what})" for word, what in PUBLIC_WORDS.items() if word not in everything
    ]
    assert not missing, "Published content found nowhere in the crawl:\n" + "\n".join(missing)

    broken = [
        f"{url} ({crawl.statuses[url]}), linked from {crawl.found_on[url]}"
        for url in crawl.found_on
        if crawl.statuses[url] >= 400
    ]
    assert not broken, "Links on public pages that do not work:\n" + "\n".join(broken)

    kinds = Counter(
        url.split("/")[1] if url.startswith(("/zh-hant/", "/zh-hans/")) else "neutral or English"
        for url in crawl.bodies
    )
    print(f"\ncrawled {len(crawl.bodies)} URLs anonymously: {dict(kinds)}")  # noqa: T201 (shown with -s or -rP)
    assert len(crawl.bodies) >= MIN_URLS
    # The crawl reached the detail pages of what is public, in every language.
    for path in ("/milestones/zqxpubmilestone-funding/", "/meetings/zqxpubmeeting/"):
        assert all(crawl.statuses.get(prefix + path) == 200 for prefix in LANGUAGE_PREFIXES)
    assert crawl.statuses.get("/people/zqxpubperson-chan/") == 200
    assert crawl.statuses.get("/organisations/zqxpuborg-bureau/") == 200
    # ... and later pages of every paginated list, HTML and JSON.
    for path in ("/milestones/", "/meetings/", "/people/", "/organisations/"):
        assert crawl.statuses.get(f"{path}?page=2") == 200, path
    for path in ("/api/milestones/", "/api/meetings/"):
        assert crawl.statuses.get(f"{path}?page=2") == 200, path


def test_what_is_not_public_is_404_at_its_public_address(site, client):
    for url in hidden_detail_urls():
        response = client.get(url)
        assert response.status_code == 404, url
        text = body_text(response).lower()
        assert not [word for word in HIDDEN_WORDS if word in text], url


def test_staff_do_see_the_hidden_items_so_the_crawl_is_not_vacuous(site, client):
    """The words are really there: a publisher previews each hidden milestone and meeting."""
    client.force_login(make_user("publisher"))
    for url, word in [
        ("/milestones/zqxdraftmilestone-plan/", "zqxdraftmilestone"),
        ("/milestones/zqxreviewmilestone/", "zqxreviewmilestone"),
        ("/milestones/zqxschedmilestone/", "zqxschedmilestone"),
        ("/meetings/zqxdraftmeeting/", "zqxdraftperson"),
        ("/meetings/zqxreviewmeeting/", "zqxreviewmeeting"),
        ("/meetings/zqxschedmeeting/", "zqxschedperson"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert word in response.content.decode().lower(), url


def test_an_unpublished_item_leaves_every_page_at_once_even_cached(site, client, settings):
    """With the page cache on: crawl while a milestone is public (its pages are cached),
    unpublish it, crawl again: none of its words is anywhere (pagecache/)."""
    from milestones.models import Milestone

    settings.PAGE_CACHE_SECONDS = 3600
    before = Crawl(client)
    before.run(start_urls())
    assert "zqxpubmilestone" in "\n".join(before.bodies.values()).lower()

    milestone = Milestone.objects.get(slug="zqxpubmilestone-funding")
    milestone.unpublish()
    milestone.save()
    after = Crawl(client)
    after.run(start_urls())
    gone = {
        "zqxpubmilestone": "the unpublished milestone",
        "zqxmentioned": "a name only its text mentions",
        "zqxpubpicalt": "its picture's alt text",
        "zqxpubpicfile": "its picture's file name",
    }
    leaks = words_found(after, {**HIDDEN_WORDS, **gone})
    assert not leaks, "An unpublished milestone is still shown:\n" + "\n".join(leaks)
    for prefix in LANGUAGE_PREFIXES:  # and its page, cached before, is gone
        assert client.get(f"{prefix}/milestones/zqxpubmilestone-funding/").status_code == 404
