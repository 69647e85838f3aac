"""Pictures on the public pages: a milestone's lead image and a meeting's gallery."""

import pytest

from meetings.models import MeetingPhoto
from tests.assertions import assert_page
from tests.factories import make_meeting, make_milestone, make_picture

pytestmark = pytest.mark.django_db
LOOP = {"size": (1200, 800), "alt_text": "The Loop from the air"}  # 3:2, so 800 × 533


def test_lead_image_shows_on_the_timeline_and_the_milestone_page(client):
    """Responsive renditions with width, height and alternative text."""
    picture = make_picture(name="loop.jpg", caption="Site formation works", credit="CEDD", **LOOP)
    milestone = make_milestone(lead_image=picture)
    for url in ("/milestones/", milestone.get_absolute_url()):
        html = client.get(url).content.decode()
        assert 'alt="The Loop from the air"' in html
        assert "srcset=" in html and 'width="800" height="533"' in html
    assert "Site formation works" in client.get(milestone.get_absolute_url()).content.decode()


def test_timeline_query_count_does_not_grow_with_pictures(client, django_assert_num_queries):
    """Lead images come with their milestones: still four queries."""
    milestones = [
        make_milestone(lead_image=make_picture(name=f"p{n}.jpg", **LOOP)) for n in range(3)
    ]
    with django_assert_num_queries(4):
        response = client.get("/milestones/")
    html = assert_page(response, *(milestone.title for milestone in milestones))
    assert html.count('alt="The Loop from the air"') == 3


def test_meeting_gallery_shows_every_photo_in_order(client):
    """The release's photos, in the editors' order, decorative ones with empty alt text."""
    meeting = make_meeting()
    first = make_picture(name="first.jpg", size=(1200, 800), alt_text="Co-chairs shaking hands")
    second = make_picture(name="second.jpg", size=(1200, 800), alt_text="", is_decorative=True)
    MeetingPhoto.objects.create(meeting=meeting, picture=second, position=2)
    MeetingPhoto.objects.create(meeting=meeting, picture=first, position=1)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert html.index('alt="Co-chairs shaking hands"') < html.index('alt=""')
