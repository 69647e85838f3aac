"""A reader walks the timeline in a real Chromium."""

import datetime as dt

import pytest

from publishing.dating import FuzzyDate
from tests.factories import make_milestone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = dt.date


def test_reader_walks_the_timeline_filters_by_year_and_opens_a_milestone(
    curated_site, live_server, page, screenshot
):
    """Home → Timeline → year filter → a milestone → its neighbour."""
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Timeline").click()
    page.wait_for_url("**/milestones/")
    assert page.locator("h1").inner_text() == "Timeline of the park"
    assert page.locator(".entry").count() == 28
    screenshot("timeline")

    page.get_by_label("Year", exact=True).fill("2021")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/milestones/?*year=2021*")
    assert page.locator(".entry").count() == 12
    assert page.locator(".timeline__year").all_inner_texts() == ["2021"]

    page.get_by_role("link", name="'One Zone, Two Parks' Co-operation Arrangement signed").click()
    page.wait_for_url("**/milestones/led-by-chief-executive-ms-carrie-lam-and-the-secretary-of/")
    assert page.locator("time").inner_text() == "6 September 2021"
    screenshot("milestone-detail")
    page.locator("a[rel=next]").click()
    page.wait_for_url("**/milestones/in-order-to-attract-talent-and-enterprises-to-develop-in-the/")
    assert "Joint policy" in page.locator("h1").inner_text()


def test_the_visual_timeline_draws_the_history_within_the_policy(
    curated_site, live_server, page, csp_watch, screenshot
):
    """TimelineJS, self-hosted, draws /api/timeline.json in the page's language, on a phone
    and a desktop: one marker a dated milestone, the years as bands, a slide a milestone; no
    console error and no Content-Security-Policy violation; the text list stays below it.
    (One test for the four views: the curated site is imported once.)"""
    for prefix in ("", "/zh-hant"):
        data = page.request.get(
            live_server.url + "/api/timeline.json" + ("?lang=zh-hant" if prefix else "")
        ).json()
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}{prefix}/milestones/")
            page.wait_for_selector(".visual-timeline[data-drawn]", state="attached")
            assert page.locator(".visual-timeline").is_visible()
            assert page.locator(".tl-timemarker").count() == len(data["events"])
            assert page.locator(".tl-timeera").count() == len(data["eras"])
            page.locator(".tl-slidenav-next").first.click()
            page.wait_for_function(
                "text => [...document.querySelectorAll('.tl-slide-content h2')].some("
                "h => h.offsetParent && h.textContent.trim() === text)",
                arg=data["events"][0]["text"]["headline"],
            )
            assert page.locator(".entry").count() == 28  # the list, for everyone
            # On a phone the list folds behind its button once the visual view is drawn.
            list_fold = page.locator("details.list-fold")
            assert list_fold.evaluate("fold => fold.open") == (width > 375)
            if width == 375:
                list_fold.locator("summary").click()
                assert page.locator(".entry").first.is_visible()
            screenshot(f"visual-timeline{prefix.replace('/', '-')}-{width}")
    assert csp_watch["violations"] == []
    assert csp_watch["errors"] == []
    assert csp_watch["console_errors"] == []


@pytest.fixture
def three_years(db):
    """A milestone in each of 2017, 2021 (two) and 2024, and one undated."""
    dates = [FuzzyDate.day(D(2017, 1, 3)), FuzzyDate.month(2021, 2), FuzzyDate.year(2021)]
    dates += [FuzzyDate.between(D(2024, 3, 1), D(2024, 9, 30)), FuzzyDate.unknown()]
    return [make_milestone(date=date) for date in dates]


def test_without_javascript_the_list_is_the_timeline(three_years, live_server, browser):
    """No script: no empty frame for a visual view, the filters open, every milestone listed."""
    context = browser.new_context(viewport={"width": 375, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/milestones/")
    assert not page.locator(".visual-timeline").is_visible()
    assert page.get_by_label("Words").is_visible()
    assert page.locator(".entry").count() == 5
    assert page.locator(".entry").first.is_visible()
    context.close()


def test_on_a_phone_the_filters_fold_behind_one_button(three_years, live_server, page):
    """At 375 px the filters wait behind "Filters"; at 1280 px they are open, no button."""
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(live_server.url + "/milestones/")
    assert not page.get_by_label("Words").is_visible()
    page.get_by_text("Filters", exact=True).click()
    assert page.get_by_label("Words").is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/meetings/")
    assert page.get_by_label("Year").is_visible()
    assert not page.locator(".filters-fold > summary").is_visible()


def test_year_chips_mark_the_chosen_year(three_years, live_server, page):
    """A year chip opens that year, marked as the current one; "All years" goes back."""
    page.goto(live_server.url + "/milestones/")
    years = page.get_by_role("navigation", name="Years")
    years.get_by_role("link", name="2021").click()
    page.wait_for_url("**/milestones/?year=2021")
    assert years.locator("[aria-current=page]").inner_text() == "2021"
    assert page.locator(".timeline__year").all_inner_texts() == ["2021"]
    years.get_by_role("link", name="All years").click()
    page.wait_for_url("**/milestones/")
    assert years.locator("[aria-current=page]").inner_text() == "All years"
