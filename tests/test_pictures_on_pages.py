"""Pictures on the public pages: a milestone's lead image and a meeting's gallery."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from meetings.models import MeetingPhoto
from pictures.models import Picture
from tests.factories import make_meeting, make_milestone

pytestmark = pytest.mark.django_db


def make_picture(name="loop", alt="The Loop from the air", **fields) -> Picture:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (30, 120, 110)).save(buffer, "JPEG")
    picture = Picture(
        image=SimpleUploadedFile(f"{name}.jpg", buffer.getvalue()), alt_text=alt, **fields
    )
    picture.full_clean()
    picture.save()
    return picture


def test_lead_image_shows_on_the_timeline_and_the_milestone_page(client):
    """Responsive renditions with width, height and alternative text."""
    picture = make_picture(caption="Site formation works", credit="CEDD")
    milestone = make_milestone(lead_image=picture)
    for url in ("/milestones/", milestone.get_absolute_url()):
        html = client.get(url).content.decode()
        assert 'alt="The Loop from the air"' in html
        assert "srcset=" in html and 'width="800" height="533"' in html
    assert "Site formation works" in client.get(milestone.get_absolute_url()).content.decode()


def test_timeline_query_count_does_not_grow_with_pictures(client, django_assert_num_queries):
    """Lead images come with their milestones: still three queries."""
    for n in range(3):
        make_milestone(lead_image=make_picture(name=f"p{n}"))
    with django_assert_num_queries(3):
        client.get("/milestones/")


def test_meeting_gallery_shows_every_photo_in_order(client):
    """The release's photos, in the editors' order, decorative ones with empty alt text."""
    meeting = make_meeting()
    first = make_picture(name="first", alt="Co-chairs shaking hands")
    second = make_picture(name="second", alt="", is_decorative=True)
    MeetingPhoto.objects.create(meeting=meeting, picture=second, position=2)
    MeetingPhoto.objects.create(meeting=meeting, picture=first, position=1)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert html.index('alt="Co-chairs shaking hands"') < html.index('alt=""')
