"""Every page type in a real Chromium: zero axe-core (WCAG 2.2 AA) violations, keyboard use,
and screenshots at phone and desktop widths saved under artifacts/screenshots/."""

from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
MEETING = (
    "/meetings/11th-meeting-of-joint-task-force-on-development-of-hong-kong-shenzhen-innovation/"
)
PAGES = {
    "home": "/",
    "timeline": "/milestones/",
    "timeline-filtered": "/milestones/?year=2021&q=LegCo",
    "milestone": "/milestones/led-by-chief-executive-ms-carrie-lam-and-the-secretary-of/",
    "meetings": "/meetings/",
    "meeting": MEETING,
    "people": "/people/",
    "person": "/people/sun-dong/",
    "organisations": "/organisations/",
    "organisation": "/organisations/civil-engineering-and-development-department/",
    "search": "/search/?q=Loop",
    "open-data": "/api/",
    "not-found": "/no-such-page/",
}
EXPECTED_STATUS = {"not-found": 404}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test does).")
    return AXE.read_text(encoding="utf-8")


def audit(browser, url, width, axe_source, screenshot_name, status=200):
    # axe is injected through the DevTools protocol, past the page's strict CSP.
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    try:
        response = page.goto(url)
        assert response.status == status, url
        if page.locator(".visual-timeline").count():  # audited as drawn, not half-way
            page.wait_for_selector(".visual-timeline[data-drawn]", state="attached")
        folder = ARTIFACTS / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{screenshot_name}-{width}.png"), full_page=True)
        page.evaluate(axe_source)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        return [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
        ]
    finally:
        context.close()


@pytest.mark.parametrize("language", ["", "/zh-hant", "/zh-hans"], ids=["en", "zh-hant", "zh-hans"])
def test_every_page_type_has_no_accessibility_violations(
    curated_site, live_server, browser, axe_source, language
):
    """axe-core finds nothing at 375 px and 1280 px, in both languages."""
    failures = {}
    for name, path in PAGES.items():
        url = live_server.url + (path if path.startswith("/api/") else language + path)
        for width in (375, 1280):
            label = f"{name}{language.replace('/', '-')}"
            status = EXPECTED_STATUS.get(name, 200)
            violations = audit(browser, url, width, axe_source, label, status)
            if violations:
                failures[f"{label}@{width}"] = violations
    assert failures == {}


def test_keyboard_reader_skips_to_the_content_and_sees_focus(curated_site, live_server, page):
    """The first Tab shows the skip link; Enter moves focus to the main content."""
    page.goto(live_server.url + "/milestones/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0  # visible on screen when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
