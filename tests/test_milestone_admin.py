"""The editors' desk for milestones."""

import datetime as dt

import pytest

from milestones.models import Milestone
from publishing.dating import FuzzyDate
from publishing.models import PublicationState
from tests.factories import make_milestone, milestone_form

pytestmark = pytest.mark.django_db
D = dt.date


def test_changelist_shows_date_precision_state_and_review(admin_client):
    """The list shows what an editor needs at a glance."""
    make_milestone(title="Dated one", date=FuzzyDate.month(2017, 10), published=False)
    response = admin_client.get("/admin/milestones/milestone/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dated one" in html and "October 2017" in html  # the date shows its precision
    for column in ("date_display", "status", "review_flag"):
        assert f"column-{column}" in html
    assert "By date precision" in html  # and the list filters by it


@pytest.mark.parametrize(
    "query",
    [
        "status=draft",
        "date_precision__exact=month",
        "needs_review__exact=1",
        "year=2017",
        "date_start__year=2017",
    ],
)
def test_changelist_filters_and_date_hierarchy_narrow_the_list(admin_client, query):
    """Filters for state, precision, needs-review, year, and the year drill-down."""
    make_milestone(
        title="Dated one", date=FuzzyDate.month(2017, 10), published=False, needs_review=True
    )
    make_milestone(title="Other one", date=FuzzyDate.day(D(2022, 1, 5)))
    html = admin_client.get(f"/admin/milestones/milestone/?{query}").content.decode()
    assert "Dated one" in html
    assert "Other one" not in html


def test_changelist_search_covers_title_and_body(admin_client):
    """Searching finds words in the body too."""
    make_milestone(title="Land handed over", body="Parcels for construction.")
    make_milestone(title="Budget")
    html = admin_client.get("/admin/milestones/milestone/?q=parcels").content.decode()
    assert "Land handed over" in html
    assert "Budget" not in html


def test_change_form_shows_the_source_paragraph_read_only(admin_client):
    """The original text sits beside the editable fields."""
    milestone = make_milestone(source_text="The original <b>paragraph</b>.", source_paragraph=3)
    html = admin_client.get(f"/admin/milestones/milestone/{milestone.pk}/change/").content.decode()
    assert "The original &lt;b&gt;paragraph&lt;/b&gt;." in html  # escaped
    assert 'name="source_text"' not in html  # not editable


def test_editor_dates_a_milestone_to_the_month(admin_client):
    """Entering any day of the month with month precision stores the whole month."""
    milestone = make_milestone(date=FuzzyDate.unknown(), published=False, needs_review=True)
    response = admin_client.post(
        f"/admin/milestones/milestone/{milestone.pk}/change/",
        milestone_form(
            milestone, date_precision="month", date_start="2017-10-15", title="Company set up"
        ),
    )
    assert response.status_code == 302, response.content.decode()
    milestone.refresh_from_db()
    assert milestone.title == "Company set up"
    assert milestone.fuzzy_date == FuzzyDate.month(2017, 10)
    assert not milestone.needs_review


def test_editor_gets_a_clear_message_for_a_range_without_an_end(admin_client):
    """A range needs both ends; the form says so and saves nothing."""
    milestone = make_milestone(published=False)
    response = admin_client.post(
        f"/admin/milestones/milestone/{milestone.pk}/change/",
        milestone_form(milestone, date_precision="range", date_start="2021-03-01", date_end=""),
    )
    assert response.status_code == 200
    assert "A range needs its last possible date too." in response.content.decode()


def test_publishing_through_the_form_sets_the_time(admin_client):
    """Choosing 'Published' without a time publishes now."""
    milestone = make_milestone(published=False)
    admin_client.post(
        f"/admin/milestones/milestone/{milestone.pk}/change/",
        milestone_form(milestone, state="published"),
    )
    milestone.refresh_from_db()
    assert milestone.is_public


def test_bulk_publish_and_unpublish(admin_client):
    """Actions publish and unpublish the selected milestones only."""
    chosen = [make_milestone(published=False) for _ in range(2)]
    other = make_milestone(published=False)
    url = "/admin/milestones/milestone/"
    ids = [m.pk for m in chosen]
    admin_client.post(url, {"action": "publish_selected", "_selected_action": ids})
    assert set(Milestone.objects.published().values_list("pk", flat=True)) == set(ids)
    other.refresh_from_db()
    assert other.state == PublicationState.DRAFT
    admin_client.post(url, {"action": "unpublish_selected", "_selected_action": ids})
    assert not Milestone.objects.published().exists()


def test_add_form_prepopulates_the_slug(admin_client):
    """The slug follows the title as the editor types."""
    html = admin_client.get("/admin/milestones/milestone/add/").content.decode()
    assert (
        "prepopulated_fields" in html
        or "data-prepopulated-fields" in html
        or "prepopulated" in html
    )


def test_saving_the_form_unchanged_changes_no_text(admin_client):
    """Browsers send CRLF line ends; stored as LF, a save without changes changes nothing."""
    milestone = make_milestone(body="First line.\nSecond line.")
    url = f"/admin/milestones/milestone/{milestone.pk}/change/"
    admin_client.post(url, milestone_form(milestone, body="First line.\r\nSecond line."))
    milestone.refresh_from_db()
    assert milestone.body == "First line.\nSecond line."
