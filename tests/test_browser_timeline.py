"""A reader walks the timeline in a real Chromium."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
