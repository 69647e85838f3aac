"""A reader follows a meeting to one of its co-chairs in a real Chromium."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
CURATED = [
    ROOT / "milestones" / "fixtures" / "curated_milestones.json",
    ROOT / "meetings" / "fixtures" / "curated_meetings.json",
]
TITLE = (
    "11th meeting of the Joint Task Force on the Hong Kong-Shenzhen Innovation and Technology Park"
)


@pytest.fixture
def eleventh_meeting_published():
    """The seeds imported and the curated data loaded: the 11th meeting is public."""
    call_command("import_seeds", stdout=StringIO(), stderr=StringIO())
    call_command("loaddata", *map(str, CURATED), stdout=StringIO())


def test_reader_goes_from_the_meetings_list_to_a_co_chair(
    eleventh_meeting_published, live_server, page, screenshot
):
    """Meetings → the 11th meeting → its co-chair Professor Sun Dong → his meetings."""
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
    page.wait_for_url(re.compile(r".*/meetings/$"))
    assert page.locator("h1").inner_text() == "Meetings"
    assert page.locator(".card").count() == 9  # the Task Force's meetings of public record

    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(r".*/meetings/[\w-]+/$"))
    assert page.locator("h1").inner_text() == TITLE
    assert "30 August 2024" in page.locator(".detail-meta").inner_text()
    co_chairs = page.locator("h2:text-is('Co-chairs') + ul.people-list > li")
    assert co_chairs.count() == 2
    assert (
        co_chairs.nth(0)
        .inner_text()
        .startswith("Professor Sun Dong, Secretary for Innovation, Technology and Industry")
    )
    assert (
        co_chairs.nth(1)
        .inner_text()
        .startswith("Mr Luo Huanghao, Vice Mayor of the Shenzhen Municipal People's Government")
    )
    assert screenshot("meeting-detail").stat().st_size > 1000

    co_chairs.nth(0).get_by_role("link", name="Professor Sun Dong").click()
    page.wait_for_url(re.compile(r".*/people/sun-dong/$"))
    assert page.locator("h1").inner_text() == "Professor Sun Dong"
    rows = page.locator("table tbody tr")
    assert rows.count() == 3  # the 9th, 10th and 11th meetings, newest first
    cells = rows.nth(0).locator("td").all_inner_texts()
    assert cells == [
        "30 August 2024",
        TITLE,
        "Co-chair",
        "Secretary for Innovation, Technology and Industry",
    ]
    assert screenshot("person").stat().st_size > 1000
