"""Pictures: uploads checked and cleaned with Pillow, renditions in storage, admin, template."""

import io
import re
import struct
import zlib

import pytest
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from PIL import Image, ImageCms

from pictures.admin import thumbnail_html
from pictures.forms import PictureForm
from pictures.models import Picture
from pictures.processing import UploadError, make_renditions, process_upload
from tests.factories import make_picture, picture_bytes

pytestmark = pytest.mark.django_db

ORIENTATION, MAKE, MODEL, DATETIME, GPS_IFD = 0x0112, 0x010F, 0x0110, 0x0132, 0x8825
ADD_URL = "/admin/pictures/picture/add/"
LIST_URL = "/admin/pictures/picture/"


# Helpers --------------------------------------------------------------------------------


def noisy_jpeg(size=(240, 180)) -> bytes:
    """A JPEG of random pixels, so that its data cannot be guessed once cut short."""
    image = Image.frombytes("RGB", size, bytes(range(256)) * (size[0] * size[1] * 3 // 256 + 1))
    image = image.effect_spread(5)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny 1×1 PNG whose header is patched to claim width × height (CRC fixed)."""
    data = bytearray(picture_bytes("PNG", size=(1, 1), mode="1", color=1))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def upload(data: bytes, name: str = "photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(path: str = "") -> list[str]:
    """Every file in default storage, listed through the storage API."""
    if not default_storage.exists(path):
        return []
    folders, files = default_storage.listdir(path)
    found = [f"{path}/{name}".lstrip("/") for name in files]
    for folder in folders:
        found += stored_files(f"{path}/{folder}".lstrip("/"))
    return sorted(found)


def open_stored(name: str) -> Image.Image:
    with default_storage.open(name) as stored:
        image = Image.open(io.BytesIO(stored.read()))
        image.load()
    return image


def refusal(data: bytes, **limits) -> UploadError:
    with pytest.raises(UploadError) as caught:
        process_upload(io.BytesIO(data), **limits)
    assert str(caught.value) == caught.value.message
    return caught.value


# Accepted uploads -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "name", "extension"),
    [("JPEG", "harbour.jpg", ".jpg"), ("PNG", "harbour.png", ".png"), ("WEBP", "h.webp", ".webp")],
)
def test_real_jpeg_png_and_webp_are_stored_with_renditions_of_each_width(fmt, name, extension):
    """A real JPEG, PNG or WebP is stored in its format, with 320, 800 and 1600 px renditions."""
    picture = make_picture(picture_bytes(fmt, size=(2000, 1500)), name=name)
    assert picture.image.name.startswith("pictures/") and picture.image.name.endswith(extension)
    assert (picture.width, picture.height) == (2000, 1500)
    assert open_stored(picture.image.name).format == fmt
    expected = {"thumbnail": (320, 240), "medium": (800, 600), "large": (1600, 1200)}
    for rendition, size in expected.items():
        recorded = picture.renditions[rendition]
        assert (recorded["width"], recorded["height"]) == size
        stored = open_stored(recorded["name"])
        assert stored.size == size and stored.format == "WEBP"
    assert len(stored_files()) == 4


def test_a_small_picture_is_never_upscaled_and_its_renditions_are_stored_once():
    """A 500 px picture gets a 320 px thumbnail; medium and large stay at 500 px, one file."""
    picture = make_picture(picture_bytes(size=(500, 250)))
    sizes = {name: (r["width"], r["height"]) for name, r in picture.renditions.items()}
    assert sizes == {"thumbnail": (320, 160), "medium": (500, 250), "large": (500, 250)}
    assert picture.renditions["medium"]["name"] == picture.renditions["large"]["name"]
    assert open_stored(picture.renditions["large"]["name"]).size == (500, 250)
    assert len(stored_files()) == 3


def test_make_renditions_keeps_the_aspect_ratio_and_transparency():
    """Renditions are WebP at the target widths, proportional, alpha kept."""
    image = Image.new("RGBA", (1000, 300), (0, 128, 0, 0))
    renditions = make_renditions(image)
    content, width, height = renditions["medium"]
    assert (width, height) == (800, 240)
    assert renditions["large"][1:] == (1000, 300)
    decoded = Image.open(io.BytesIO(content))
    assert decoded.format == "WEBP" and decoded.mode == "RGBA"


def test_a_transparent_png_stays_a_png_with_its_transparency():
    """A PNG with transparency is stored as PNG in RGBA."""
    picture = make_picture(picture_bytes("PNG", mode="RGBA", color=(0, 0, 255, 80)), "logo.png")
    stored = open_stored(picture.image.name)
    assert stored.format == "PNG" and stored.mode == "RGBA"
    assert stored.getpixel((0, 0))[3] == 80


def test_the_format_comes_from_the_content_not_the_file_name():
    """A JPEG named .png is accepted as the JPEG it is and stored with .jpg."""
    picture = make_picture(picture_bytes("JPEG"), name="actually-a-jpeg.png")
    assert picture.image.name.endswith("/actually-a-jpeg.jpg")
    assert open_stored(picture.image.name).format == "JPEG"


def test_a_camera_jpeg_with_extra_images_is_accepted_as_a_jpeg():
    """A multi-picture JPEG (MPO, written by some cameras) is accepted; the photo is kept."""
    buffer = io.BytesIO()
    first, preview = Image.new("RGB", (300, 200), "red"), Image.new("RGB", (30, 20), "blue")
    first.save(buffer, "MPO", save_all=True, append_images=[preview])
    processed = process_upload(buffer)
    assert (processed.format, processed.width, processed.height) == ("JPEG", 300, 200)


# Orientation and metadata ---------------------------------------------------------------


def test_exif_orientation_is_applied_so_the_stored_picture_is_upright():
    """A JPEG tagged Orientation=6 is stored rotated: width and height swapped, no tag left."""
    image = Image.new("RGB", (600, 400), "white")
    image.paste((255, 0, 0), (0, 0, 100, 100))  # red in the top-left corner as stored
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    picture = make_picture(buffer.getvalue())
    stored = open_stored(picture.image.name)
    assert stored.size == (400, 600) == (picture.width, picture.height)
    red, _, blue = stored.getpixel((350, 50))  # turned clockwise: now top-right
    assert red > 200 and blue < 60
    assert ORIENTATION not in stored.getexif()
    assert picture.renditions["thumbnail"]["height"] == 480


def test_gps_location_camera_and_other_metadata_are_removed():
    """EXIF camera, date and GPS location, XMP and the ICC profile do not survive the upload."""
    exif = Image.Exif()
    exif[MAKE], exif[MODEL], exif[DATETIME] = "Canon", "EOS R5", "2021:09:06 10:00:00"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (22.0, 30.0, 54.0), 3: "E", 4: (114.0, 4.0, 0.0)})
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = picture_bytes(size=(800, 600), exif=exif, xmp=xmp, icc_profile=icc)
    source = Image.open(io.BytesIO(data))
    assert source.getexif()[MAKE] == "Canon" and source.getexif().get_ifd(GPS_IFD)
    assert "xmp" in source.info and "icc_profile" in source.info

    picture = make_picture(data)
    for name in [picture.image.name] + [r["name"] for r in picture.renditions.values()]:
        stored = open_stored(name)
        stored_exif = stored.getexif()
        assert MAKE not in stored_exif and MODEL not in stored_exif
        assert DATETIME not in stored_exif and GPS_IFD not in stored_exif
        assert not stored_exif.get_ifd(GPS_IFD)
        assert not {"exif", "xmp", "icc_profile"} & set(stored.info)
        raw = default_storage.open(name).read()
        assert b"Canon" not in raw and b"EOS R5" not in raw and b"xmpmeta" not in raw


def test_png_text_chunks_are_removed():
    """Text chunks in a PNG (author, comments, software) are not kept."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Someone Private")
    picture = make_picture(picture_bytes("PNG", pnginfo=info), name="chart.png")
    stored = open_stored(picture.image.name)
    assert "Author" not in stored.info
    assert b"Someone Private" not in default_storage.open(picture.image.name).read()


# Refused uploads: clear message, nothing stored ------------------------------------------


BAD_UPLOADS = {
    "text renamed .jpg": (b"Minutes of the meeting\n" * 20, "photo.jpg", "not a JPEG, PNG or WebP"),
    "truncated JPEG": (noisy_jpeg()[:3000], "photo.jpg", "damaged or incomplete"),
    "SVG": (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
        b'height="10"><script>alert(1)</script></svg>',
        "drawing.svg",
        "SVG drawing, which is not accepted",
    ),
    "GIF": (picture_bytes("GIF", mode="P", color=1), "animation.gif", "GIF image"),
    "pixel bomb": (png_claiming_size(30000, 30000), "huge.png", "too large in pixels"),
    "over the default pixel limit": (
        png_claiming_size(8000, 6000),
        "big.png",
        "(8,000 × 6,000 pixels); the limit is 40 million pixels",
    ),
    "animated PNG": (
        picture_bytes("PNG", save_all=True, append_images=[Image.new("RGB", (64, 48))]),
        "moving.png",
        "Animated pictures are not accepted",
    ),
}


@pytest.mark.parametrize("kind", BAD_UPLOADS)
def test_process_upload_refuses_bad_files_with_a_clear_message(kind):
    """Each bad file is refused by process_upload with a message an editor can act on."""
    data, _name, message = BAD_UPLOADS[kind]
    assert message in refusal(data).message


@pytest.mark.parametrize("kind", BAD_UPLOADS)
def test_admin_refuses_bad_uploads_shows_the_error_and_stores_nothing(admin_client, kind):
    """The add form shows the message on the image field; no picture, no file is stored."""
    data, name, message = BAD_UPLOADS[kind]
    response = admin_client.post(
        ADD_URL, {"image": upload(data, name), "alt_text": "Something", "caption": ""}
    )
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["image"][0]
    assert message in response.content.decode()
    assert Picture.objects.count() == 0
    assert stored_files() == []


def test_an_upload_over_the_byte_limit_is_refused_before_decoding(admin_client, settings):
    """PICTURES_MAX_BYTES is read by the form: a larger file is refused and nothing stored."""
    settings.PICTURES_MAX_BYTES = 2000
    data = noisy_jpeg()
    assert len(data) > 2000
    response = admin_client.post(ADD_URL, {"image": upload(data), "alt_text": "Aerial view"})
    error = response.context["adminform"].form.errors["image"][0]
    assert "the limit is 2 KB" in error
    assert Picture.objects.count() == 0 and stored_files() == []


def test_the_byte_limit_applies_even_when_the_file_does_not_say_its_size():
    """Refused by reading at most max_bytes + 1 bytes, not by trusting a size attribute."""
    error = refusal(b"\xff\xd8" + b"\x00" * 5000, max_bytes=1000)
    assert error.code == "too_large"


def test_the_pixel_limit_setting_lowers_the_limit(settings):
    """PICTURES_MAX_PIXELS is read by the form; the header is enough to refuse."""
    settings.PICTURES_MAX_PIXELS = 10_000
    form = PictureForm(
        data={"alt_text": "A chart"}, files={"image": upload(picture_bytes(size=(200, 100)))}
    )
    assert not form.is_valid()
    assert "(200 × 100 pixels); the limit is 0.01 million pixels" in form.errors["image"][0]
    assert stored_files() == []


def test_a_picture_saved_directly_is_checked_too_and_a_bad_file_stores_nothing():
    """Code that bypasses the form still gets process_upload: UploadError, no file."""
    picture = Picture(image=ContentFile(b"not a picture", name="x.jpg"), alt_text="Text")
    with pytest.raises(UploadError):
        picture.save()
    assert Picture.objects.count() == 0 and stored_files() == []


def test_a_picture_saved_directly_with_a_good_file_gets_renditions():
    """Picture(image=File).save() cleans the image and makes renditions as the form does."""
    picture = Picture(image=ContentFile(picture_bytes(size=(900, 600)), name="Site Plan.JPG"))
    picture.alt_text = "Site plan"
    picture.save()
    assert picture.image.name.endswith("/site-plan.jpg")
    assert picture.slug == "site-plan"
    assert picture.renditions["medium"]["width"] == 800
    assert picture.renditions["large"]["width"] == 900
    assert len(stored_files()) == 4


# Alt text -----------------------------------------------------------------------------------


def test_alt_text_is_required_unless_the_picture_is_decorative():
    """clean() refuses empty (or blank) alt text with a friendly message on the field."""
    picture = Picture(image="pictures/x.jpg", alt_text="  ")
    with pytest.raises(ValidationError) as caught:
        picture.full_clean()
    assert "Describe what the picture shows" in caught.value.message_dict["alt_text"][0]
    assert len(caught.value.messages) == 1  # the constraint does not repeat it
    Picture(image="pictures/x.jpg", is_decorative=True).full_clean()


def test_the_database_refuses_a_picture_without_alt_text_and_no_file_is_left():
    """Saving directly, bypassing clean(), hits the check constraint; the stored files go."""
    picture = Picture(image=ContentFile(picture_bytes(), name="x.jpg"), alt_text="")
    with pytest.raises(IntegrityError), transaction.atomic():
        picture.save()
    assert stored_files() == []
    picture.alt_text = "Ground-breaking ceremony"
    picture.save()  # a second attempt stores the image afresh
    assert stored_files() == sorted(picture.stored_file_names())
    assert len(stored_files()) == 2  # 64 px wide: one rendition serves all three names


def test_a_decorative_picture_needs_no_alt_text():
    """Ticked decorative, alt text may be empty: the form and the database accept it."""
    picture = make_picture(alt_text="", is_decorative="on")
    assert picture.is_decorative and picture.alt == ""


# Storage life cycle and identity --------------------------------------------------------


def test_replacing_the_image_makes_new_renditions_and_deletes_the_old_files_on_commit(
    django_capture_on_commit_callbacks,
):
    """A new upload replaces the files; the old ones are deleted once the save commits."""
    picture = make_picture(picture_bytes(size=(1000, 500)))
    old = set(stored_files())
    form = PictureForm(
        data={"alt_text": "New", "slug": picture.slug},
        files={"image": upload(picture_bytes("PNG", size=(400, 400)), "new.png")},
        instance=picture,
    )
    assert form.is_valid(), form.errors
    with django_capture_on_commit_callbacks(execute=True):
        form.save()
    picture.refresh_from_db()
    assert picture.image.name.endswith(".png") and picture.width == 400
    assert set(stored_files()) == set(picture.stored_file_names())
    assert not old & set(stored_files())


def test_saving_without_a_new_image_keeps_the_files():
    """Editing only the caption makes no new renditions."""
    picture = make_picture()
    before = (stored_files(), picture.renditions)
    form = PictureForm(
        data={"alt_text": "Same", "caption": "New caption", "slug": picture.slug},
        instance=picture,
    )
    assert form.is_valid(), form.errors
    form.save()
    assert (stored_files(), Picture.objects.get().renditions) == before


def test_deleting_a_picture_deletes_its_files_on_commit(django_capture_on_commit_callbacks):
    """The files are deleted once the row's deletion commits; nothing is left in storage."""
    picture = make_picture()
    assert len(stored_files()) == 4
    with django_capture_on_commit_callbacks(execute=True):
        Picture.objects.filter(pk=picture.pk).delete()  # in bulk, as the admin action does
    assert stored_files() == []


def test_slugs_come_from_the_file_name_and_stay_unique():
    """Two uploads called harbour.jpg get the slugs harbour and harbour-2."""
    first, second = make_picture(name="Harbour.jpg"), make_picture(name="harbour.jpg")
    assert (first.slug, second.slug) == ("harbour", "harbour-2")
    assert first.image.name != second.image.name
    assert Picture.objects.get_by_natural_key("harbour-2") == second


def test_fixtures_use_the_slug_as_natural_key_and_load_back():
    """Serialised with natural keys, a picture has no pk and loads back by its slug."""
    picture = make_picture(caption="Aerial view", credit="ITIB")
    text = serializers.serialize("json", [picture], use_natural_primary_keys=True)
    assert '"pk"' not in text and picture.slug in text
    Picture.objects.all().delete()
    for obj in serializers.deserialize("json", text):
        obj.save()
    loaded = Picture.objects.get_by_natural_key(picture.slug)
    assert (loaded.image.name, loaded.renditions) == (picture.image.name, picture.renditions)
    assert loaded.caption == "Aerial view"


def test_rendition_urls_and_srcset_come_from_storage():
    """rendition_url() and srcset give the storage URLs with their widths, narrowest first."""
    picture = make_picture()
    urls = [picture.rendition_url(name) for name in ("thumbnail", "medium", "large")]
    assert all(url.startswith("/media/pictures/") and url.endswith(".webp") for url in urls)
    assert picture.srcset == f"{urls[0]} 320w, {urls[1]} 800w, {urls[2]} 1600w"
    small = make_picture(picture_bytes(size=(200, 100)), name="small.jpg")
    assert small.srcset == f"{small.rendition_url('large')} 200w"


# Admin --------------------------------------------------------------------------------------


def test_admin_add_form_with_a_valid_upload_creates_the_picture_and_renditions(admin_client):
    """Posting a real JPEG creates the picture, its cleaned image and three renditions."""
    response = admin_client.post(
        ADD_URL,
        {
            "image": upload(picture_bytes(size=(1800, 1200)), "ceremony.jpg"),
            "alt_text": "Officials at the ground-breaking ceremony.",
            "caption": "Ground-breaking, 2021",
            "credit": "HKSAR Government",
            "slug": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    picture = Picture.objects.get()
    assert picture.slug == "ceremony" and (picture.width, picture.height) == (1800, 1200)
    assert set(stored_files()) == set(picture.stored_file_names())
    assert len(stored_files()) == 4


def test_admin_add_form_requires_alt_text_unless_decorative(admin_client):
    """Without alt text the form explains why; nothing is stored."""
    response = admin_client.post(ADD_URL, {"image": upload(picture_bytes()), "alt_text": ""})
    assert response.status_code == 200
    assert "Describe what the picture shows" in response.content.decode()
    assert Picture.objects.count() == 0 and stored_files() == []


def test_changelist_shows_a_thumbnail_with_width_height_and_alt(admin_client):
    """Each row has the thumbnail rendition's <img>, fitted to 96 px, with its alt text."""
    picture = make_picture(picture_bytes(size=(1200, 600)), alt_text="Park masterplan")
    html = admin_client.get(LIST_URL).content.decode()
    img = re.search(r'<img src="([^"]+)" width="(\d+)" height="(\d+)" alt="([^"]*)"', html)
    assert img is not None
    assert img.groups() == (picture.rendition_url("thumbnail"), "96", "48", "Park masterplan")
    assert "1200 × 600" in html


def test_changelist_search_and_decorative_filter(admin_client):
    """Search covers alt text, caption and credit; the list filters by decorative."""
    make_picture(alt_text="Shenzhen River bridge", credit="Planning Department")
    make_picture(alt_text="", is_decorative="on", caption="Border pattern")
    found = admin_client.get(LIST_URL, {"q": "planning"}).context["cl"].result_list
    assert [p.alt_text for p in found] == ["Shenzhen River bridge"]
    found = admin_client.get(LIST_URL, {"q": "pattern"}).context["cl"].result_list
    assert [p.caption for p in found] == ["Border pattern"]
    decorative = admin_client.get(LIST_URL, {"is_decorative__exact": "1"}).context["cl"]
    assert [p.caption for p in decorative.result_list] == ["Border pattern"]


def test_change_form_shows_the_medium_preview_and_read_only_size(admin_client):
    """The change form previews the medium rendition and shows width and height read-only."""
    picture = make_picture(picture_bytes(size=(1600, 900)))
    html = admin_client.get(f"{LIST_URL}{picture.pk}/change/").content.decode()
    assert f'<img src="{picture.rendition_url("medium")}" width="480" height="270"' in html
    assert 'name="width"' not in html and ">1600<" in html and ">900<" in html
    assert 'accept="image/jpeg,image/png,image/webp"' in html


def test_thumbnail_html_helper_is_reusable_and_safe():
    """thumbnail_html() escapes the alt text and returns "" without a picture."""
    picture = make_picture(alt_text='Sign reading "HSITP" <here>')
    html = thumbnail_html(picture, box=50)
    assert 'alt="Sign reading &quot;HSITP&quot; &lt;here&gt;"' in html
    assert 'width="50" height="38"' in html
    assert thumbnail_html(None) == ""


# Template include -----------------------------------------------------------------------------


def test_include_renders_a_figure_with_srcset_sizes_width_height_and_alt():
    """The include gives a responsive, lazily loaded <img> and a caption with the credit."""
    picture = make_picture(caption="The Loop in 2023", credit="Photo: ITIB")
    html = render_to_string("pictures/includes/picture.html", {"picture": picture})
    assert html.strip().startswith("<figure") and "</figure>" in html
    assert f'src="{picture.rendition_url("medium")}"' in html
    assert f'srcset="{picture.srcset}"' in html
    assert 'sizes="(max-width: 40rem) 100vw, 40rem"' in html
    assert 'width="800" height="600"' in html
    assert 'alt="The Lok Ma Chau Loop from the air."' in html
    assert 'loading="lazy" decoding="async"' in html
    assert "The Loop in 2023" in html and "Photo: ITIB" in html and "<figcaption>" in html
    assert "style" not in html and "<script" not in html


def test_include_gives_an_empty_alt_for_a_decorative_picture_and_no_empty_caption():
    """A decorative picture renders alt="" even if alt text was typed; no empty figcaption."""
    picture = make_picture(alt_text="Typed anyway", is_decorative="on")
    html = render_to_string("pictures/includes/picture.html", {"picture": picture})
    assert 'alt=""' in html and "Typed anyway" not in html
    assert "figcaption" not in html


def test_include_renders_nothing_without_a_picture():
    """A milestone without a lead image renders no empty figure."""
    assert render_to_string("pictures/includes/picture.html", {"picture": None}).strip() == ""


def test_a_picture_a_milestone_shows_cannot_be_deleted_from_under_it(client):
    """The admin names the milestone that uses it instead of emptying a public page."""
    from tests.factories import make_milestone, make_user

    picture = make_picture()
    make_milestone(title="Land handed over", lead_image=picture)
    client.force_login(make_user("publisher"))
    html = client.get(f"/admin/pictures/picture/{picture.pk}/delete/").content.decode()
    assert "would require deleting the following protected related objects" in html
    assert "Land handed over" in html
    client.post(f"/admin/pictures/picture/{picture.pk}/delete/", {"post": "yes"})
    assert Picture.objects.filter(pk=picture.pk).exists()
