"""Pages past the middle of a list are read from its end (publishing/pagination.py): the
same rows in the same order as Django's Paginator gives, without skipping the rows before."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from milestones.models import Milestone
from publishing.pagination import MirroredPaginator
from tests.assertions import page
from tests.factories import make_milestone


@pytest.mark.django_db
@pytest.mark.parametrize("orphans", [0, 2])
def test_every_page_holds_what_django_s_paginator_gives(orphans):
    for _ in range(23):
        make_milestone()
    queryset = Milestone.objects.published().chronological()
    plain = Paginator(queryset, 5, orphans=orphans)
    mirrored = MirroredPaginator(queryset, 5, orphans=orphans)
    assert mirrored.num_pages == plain.num_pages
    for number in plain.page_range:
        expected = [m.pk for m in plain.page(number)]
        assert [m.pk for m in mirrored.page(number)] == expected, f"page {number}"


@pytest.mark.django_db
def test_the_last_page_skips_no_row_before_it():
    for _ in range(12):
        make_milestone()
    queryset = Milestone.objects.published().chronological()
    with CaptureQueriesContext(connection) as queries:
        paginator = MirroredPaginator(queryset, 5)
        last = paginator.page(paginator.num_pages)
        rows = list(last)
    assert [m.pk for m in rows] == [m.pk for m in queryset][10:]
    assert "OFFSET" not in queries[-1]["sql"]  # LIMIT 2 from the end, turned round
    assert "DESC" in queries[-1]["sql"]


@pytest.mark.django_db
def test_the_timeline_s_last_page_shows_the_latest_milestones_in_order(settings):
    made = [make_milestone(title=f"Event number {n:03d}") for n in range(105)]
    html = page("/milestones/?page=last")
    titles = [m.title for m in made[100:]]
    positions = [html.index(title) for title in titles]
    assert positions == sorted(positions)
    assert made[99].title not in html
