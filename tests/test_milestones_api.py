"""/api/milestones/: published milestones as JSON, in the documented shape."""

import datetime as dt

import pytest
from django.utils import timezone

from publishing.dating import FuzzyDate
from tests.factories import make_milestone

pytestmark = pytest.mark.django_db
D = dt.date


def test_api_lists_published_milestones_in_the_documented_shape(client):
    """Every documented field is there, with EDTF dates and the source."""
    make_milestone(
        title="Arrangement signed",
        slug="arrangement-signed",
        body="They signed.",
        date=FuzzyDate.day(D(2021, 9, 6)),
        source_document="000_seed.txt",
        source_paragraph=12,
        source_url="https://www.hsitp.org/en/milestones/",
        citation="HSITP milestones page (hsitp.org)",
    )
    data = client.get("/api/milestones/").json()
    assert data["count"] == 1
    assert data["next"] is None and data["previous"] is None
    assert data["results"] == [
        {
            "title": "Arrangement signed",
            "language": "en",
            "slug": "arrangement-signed",
            "url": "http://testserver/milestones/arrangement-signed/",
            "date": "2021-09-06",
            "date_precision": "day",
            "date_display": "6 September 2021",
            "date_basis": None,
            "body": "They signed.",
            "source": {
                "document": "000_seed.txt",
                "paragraph": 12,
                "url": "https://www.hsitp.org/en/milestones/",
                "citation": "HSITP milestones page (hsitp.org)",
            },
        }
    ]


@pytest.mark.parametrize(
    ("date", "edtf", "precision"),
    [
        (FuzzyDate.month(2021, 9), "2021-09", "month"),
        (FuzzyDate.year(2021), "2021", "year"),
        (FuzzyDate.between(D(2021, 3, 1), D(2021, 9, 30)), "[2021-03..2021-09]", "range"),
        (FuzzyDate.unknown(), None, "unknown"),
    ],
)
def test_api_dates_carry_their_precision(client, date, edtf, precision):
    """Month, year, range and unknown dates export as EDTF or null."""
    make_milestone(date=date)
    result = client.get("/api/milestones/").json()["results"][0]
    assert (result["date"], result["date_precision"]) == (edtf, precision)


def test_api_never_includes_drafts_or_scheduled_milestones(client):
    """Only what the public may see."""
    make_milestone(title="Visible")
    make_milestone(title="Draft", published=False)
    make_milestone(title="Later", published_at=timezone.now() + dt.timedelta(hours=2))
    titles = [r["title"] for r in client.get("/api/milestones/").json()["results"]]
    assert titles == ["Visible"]


def test_api_paginates_with_next_and_previous_links(client):
    """Large lists come in pages of 100 with absolute links."""
    for _ in range(101):
        make_milestone()
    first = client.get("/api/milestones/").json()
    assert first["count"] == 101 and len(first["results"]) == 100
    assert first["next"] == "http://testserver/api/milestones/?page=2"
    second = client.get("/api/milestones/?page=2").json()
    assert len(second["results"]) == 1
    assert second["previous"] == "http://testserver/api/milestones/?page=1"
    assert client.get("/api/milestones/?page=99").json()["results"] == []


def test_api_accepts_the_timeline_filters(client):
    """The same filters as the timeline page."""
    make_milestone(title="Old", date=FuzzyDate.year(2017))
    make_milestone(title="New", date=FuzzyDate.year(2023))
    titles = [r["title"] for r in client.get("/api/milestones/?year=2023").json()["results"]]
    assert titles == ["New"]


def test_api_query_count_is_fixed_and_does_not_grow(client, django_assert_num_queries):
    """Two queries (count and page) at any size."""
    slugs = {make_milestone().slug}
    with django_assert_num_queries(2):
        response = client.get("/api/milestones/")
    assert response.status_code == 200
    assert {result["slug"] for result in response.json()["results"]} == slugs
    slugs |= {make_milestone().slug for _ in range(30)}
    with django_assert_num_queries(2):
        response = client.get("/api/milestones/")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 31 and {result["slug"] for result in data["results"]} == slugs


@pytest.mark.parametrize("query", ["year=abc", "precision=fortnight", "year_from=1800"])
def test_api_rejects_a_bad_filter_with_400_and_the_reason(client, query):
    """A malformed query is an error with its reason, not the whole list."""
    make_milestone()
    response = client.get(f"/api/milestones/?{query}")
    assert response.status_code == 400
    field = query.split("=")[0]
    assert field in response.json()["errors"]
