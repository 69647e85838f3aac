"""The editorial workflow end to end in a real Chromium: editor writes, publisher publishes."""

import pytest

from milestones.models import Milestone
from tests.factories import make_milestone, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username):
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def log_out(page, base_url):
    page.goto(f"{base_url}/admin/")
    page.click("#logout-form button")
    page.wait_for_url("**/logout/")


def test_editor_sends_to_review_and_publisher_publishes(live_server, page, screenshot):
    """Edit as an editor, send to review, publish as a publisher, read it as the public."""
    make_user("editor", username="edith")
    make_user("publisher", username="pat")
    milestone = make_milestone(title="Imported headline", published=False, needs_review=True)
    base = live_server.url

    assert page.goto(f"{base}{milestone.get_absolute_url()}").status == 404

    log_in(page, base, "edith")
    page.goto(f"{base}/admin/milestones/milestone/{milestone.pk}/change/")
    page.fill("#id_title", "A headline an editor wrote")
    page.uncheck("#id_needs_review")
    assert "published" not in page.locator("#id_state option").all_inner_texts()
    page.select_option("#id_state", "review")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    page.goto(f"{base}{milestone.get_absolute_url()}")
    assert "In review: not public." in page.locator(".preview-banner").inner_text()
    screenshot("editor-preview")
    log_out(page, base)

    log_in(page, base, "pat")
    page.click("text=Awaiting my review: 1")
    page.wait_for_url("**/admin/milestones/milestone/?status=review")
    assert page.locator("#result_list tbody tr").count() == 1
    page.check("#result_list tbody input.action-select")
    page.select_option("select[name=action]", "publish_selected")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist")
    assert page.locator(".messagelist").inner_text().strip() == "Published: 1 item(s)."
    screenshot("publisher-changelist")
    log_out(page, base)

    public = page.goto(f"{base}{milestone.get_absolute_url()}")
    assert public.status == 200
    assert page.locator("h1").inner_text() == "A headline an editor wrote"
    assert page.locator(".preview-banner").count() == 0
    assert Milestone.objects.get().history.count() >= 3  # created, edited, published


def test_an_editors_change_to_a_live_milestone_waits_for_the_publisher(
    live_server, page, screenshot
):
    """Editor changes a published milestone: readers keep the live text until the publisher,
    having compared it with the live one, publishes it."""
    make_user("editor", username="edith")
    make_user("publisher", username="pat")
    milestone = make_milestone(title="Land handed over")
    base = live_server.url

    log_in(page, base, "edith")
    page.goto(f"{base}/admin/milestones/milestone/{milestone.pk}/change/")
    page.fill("#id_title", "Land handed over to Hong Kong")
    page.click("input[name=_submit_review]")
    page.wait_for_selector(".messagelist")
    assert "saved as a pending change" in page.locator(".messagelist").inner_text()
    assert page.url.endswith("/admin/milestones/milestone/")  # back to the list, as Save does
    screenshot("pending-editor-list")
    page.goto(f"{base}/admin/milestones/milestone/{milestone.pk}/change/")
    assert "Pending change by edith" in page.locator(".pending-banner").inner_text()
    screenshot("pending-editor")
    log_out(page, base)

    page.goto(f"{base}{milestone.get_absolute_url()}")
    assert page.locator("h1").inner_text() == "Land handed over"  # readers: the live one

    log_in(page, base, "pat")
    page.goto(f"{base}/admin/milestones/milestone/?status=pending")
    page.click("#result_list tbody tr th a")
    assert page.input_value("#id_title") == "Land handed over to Hong Kong"
    page.click("text=Compare with live")
    assert "Land handed over to Hong Kong" in page.locator(".pending-compare").inner_text()
    screenshot("pending-compare")
    page.click("text=Back to the milestone")
    page.click("input[name=_publish]")
    page.wait_for_selector(".messagelist")
    screenshot("pending-published")
    log_out(page, base)

    page.goto(f"{base}{milestone.get_absolute_url()}")
    assert page.locator("h1").inner_text() == "Land handed over to Hong Kong"
