"""The Content-Security-Policy in a real Chromium: no page, public or admin, breaks it.

Chromium reports every refused inline script, inline style or foreign resource on the console
("…violates the following Content Security Policy directive…"); the test also listens to the
`securitypolicyviolation` event, and proves at the end that a violation would be caught.
"""

import re

import pytest

from tests.factories import make_attended_meeting, make_milestone, make_picture, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def content(db):
    """A published milestone with a lead picture and two versions, and a meeting with
    attendances and a gallery photo, as editors make them."""
    picture = make_picture()
    milestone = make_milestone(title="Land handed over", lead_image=picture)
    milestone.title = "Land handed over to the company"
    milestone.save()
    meeting, attendances = make_attended_meeting()
    meeting.photos.create(picture=picture)
    make_user("superuser", username="root")
    return {
        "milestone": milestone,
        "meeting": meeting,
        "person": attendances[0].person,
        "picture": picture,
    }


def visit(page, url):
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, url
    page.wait_for_load_state("load")
    # The visual timeline fetches its data after the load: the page is judged once it is
    # drawn, not left half-way (an aborted fetch would be reported as the page's error).
    if page.locator(".visual-timeline").count():
        page.wait_for_selector(".visual-timeline[data-drawn]", state="attached")


def test_no_page_violates_the_content_security_policy(live_server, page, csp_watch, content):
    base = live_server.url
    milestone, meeting = content["milestone"], content["meeting"]

    # Readers' pages.
    for url in ["/", "/milestones/", milestone.get_absolute_url(), "/meetings/"]:
        visit(page, base + url)
    visit(page, base + meeting.get_absolute_url())

    # The login form, used as editors use it.
    visit(page, f"{base}/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    visit(page, f"{base}/admin/")

    # The milestone changelist: select all runs the admin's actions script.
    visit(page, f"{base}/admin/milestones/milestone/")
    page.check("#action-toggle")
    assert page.locator("#result_list input.action-select:checked").count() == 1

    # The milestone change form: the calendar widget, the collapsed fieldset, the picture
    # autocomplete (select2 asks the server for choices).
    visit(page, f"{base}/admin/milestones/milestone/{milestone.pk}/change/")
    page.locator(".datetimeshortcuts a").first.click()  # "Today"
    page.locator("fieldset.collapse summary, fieldset.collapse .collapse-toggle").first.click()
    page.locator(".field-lead_image .select2-selection").click()
    page.wait_for_selector(".select2-results__option")
    page.keyboard.press("Escape")

    # The meeting change form: add an attendance row, pick a person through autocomplete.
    visit(page, f"{base}/admin/meetings/meeting/{meeting.pk}/change/")
    rows = page.locator("#attendances-group tbody tr.form-row.dynamic-attendances")
    before = rows.count()
    page.locator("#attendances-group .add-row a").click()
    assert rows.count() == before + 1
    new_row = rows.nth(before)
    new_row.locator(".field-person .select2-selection").click()
    person = str(content["person"])  # "Professor Person 4"
    page.locator(".select2-container--open .select2-search__field").fill(content["person"].name)
    page.wait_for_selector(f".select2-results__option:text-is('{person}')")
    page.keyboard.press("Enter")
    assert person in new_row.locator(".field-person").inner_text()

    # A picture with its preview, and the desk's import page.
    visit(page, f"{base}/admin/pictures/picture/{content['picture'].pk}/change/")
    assert page.locator(".field-preview img.picture-preview").count() == 1
    visit(page, f"{base}/admin/import/")

    # The revision history of a milestone.
    visit(page, f"{base}/admin/milestones/milestone/{milestone.pk}/history/")
    assert page.locator("#change-history tbody tr").count() == 2

    assert csp_watch["violations"] == []
    assert csp_watch["errors"] == []

    # The watch works: an inline style injected now is refused and reported.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_timeout(300)
    assert any(re.search(r"style-src", text) for text in csp_watch["violations"])


def test_the_lockout_page_keeps_the_policy(live_server, page, csp_watch, content):
    """Five wrong passwords through the form: the lockout page explains, within the policy."""
    base = live_server.url
    for _ in range(5):
        page.goto(f"{base}/admin/login/")
        page.fill("#id_username", "root")
        page.fill("#id_password", "not-the-password")
        page.click("input[type=submit]")
        page.wait_for_load_state("load")
    assert "Too many failed login attempts. Try again in 30 minutes" in page.content()
    assert page.locator("h1").inner_text() == "Too many failed login attempts"
    assert csp_watch["violations"] == []
