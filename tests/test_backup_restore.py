"""Backup and restore (`manage.py backup_site`, `manage.py restore_site`): one archive holds the
curated data and the pictures' files; restored into a new, empty database it gives the same
open data (JSON API, TimelineJS) and the same files, byte for byte.

The round trip runs the commands in other processes, from one scratch database (and media
folder) to another: SQLite files, and PostgreSQL when the suite runs on it. Damaged or
hostile archives are refused before anything is written (in-process tests).
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from operations.backup import BackupError, create_backup, read_archive, restore_backup
from tests.factories import make_milestone, make_picture, make_user, picture_bytes
from tests.scratch_db import ROOT, VENDORS, scratch_databases

CURATED = [
    str(ROOT / "milestones/fixtures/curated_milestones.json"),
    str(ROOT / "meetings/fixtures/curated_meetings.json"),
]

# An editor's work on top of the import: a lead image for a published milestone, a photo in
# the published meeting's gallery, and a publisher's account.
ADD_PICTURES_AND_ACCOUNT = """
import io
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from meetings.models import Meeting, MeetingPhoto
from milestones.models import Milestone
from pictures.models import Picture

def picture(name, colour, alt):
    buffer = io.BytesIO()
    Image.new("RGB", (1800, 1200), colour).save(buffer, "JPEG")
    item = Picture(image=SimpleUploadedFile(name, buffer.getvalue()), alt_text=alt,
                   caption="Caption of " + name, credit="Photo: a test")
    item.full_clean()
    item.save()
    return item

milestone = Milestone.objects.published().order_by("sort_key").first()
milestone.lead_image = picture("loop-aerial.jpg", (30, 120, 110), "The Loop from the air")
milestone.save()
meeting = Meeting.objects.published().first()
MeetingPhoto.objects.create(
    meeting=meeting, picture=picture("delegates.jpg", (200, 80, 40), "Delegates at a table")
)
user = User.objects.create_user("pat", "pat@example.org", "a long and good password 1")
user.is_staff = True
user.save()
user.groups.add(Group.objects.get(name="Publisher"))
"""

# Everything the open data says, every page of it.
FETCH_OPEN_DATA = """
import json
from django.test import Client
client = Client()
out = {}
for start in ["/api/milestones/", "/api/meetings/"]:
    url, pages = start, []
    while url:
        page = client.get(url).json()
        pages.append(page)
        url = page["next"]
    out[start] = pages
out["/api/timeline.json"] = client.get("/api/timeline.json").json()
for url in ["/api/milestones.csv", "/api/meetings.csv"]:
    out[url] = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
print(json.dumps(out, sort_keys=True))
"""

CHECK_ACCOUNT = """
from django.contrib.auth.models import User
user = User.objects.get(username="pat")
print(user.check_password("a long and good password 1"), user.is_staff,
      list(user.groups.values_list("name", flat=True)))
"""


@pytest.fixture
def scratch(tmp_path, request):
    yield from scratch_databases(tmp_path, request)


def media_files(folder) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under `folder`."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.slow
@pytest.mark.parametrize("vendor", VENDORS)
def test_backup_then_restore_into_an_empty_database_gives_the_same_site(scratch, tmp_path, vendor):
    source = scratch.new(vendor)
    source.manage("import_seeds")
    source.manage("loaddata", *CURATED)
    source.python(ADD_PICTURES_AND_ACCOUNT)
    open_data = json.loads(source.python(FETCH_OPEN_DATA).stdout)
    files = media_files(source.media)
    assert len(files) >= 2 * 4  # two pictures, each with its renditions
    assert any(event.get("media") for event in open_data["/api/timeline.json"]["events"])

    archive = tmp_path / "backups" / "site.tar.gz"
    result = source.manage("backup_site", "--output", str(archive))
    assert "Backed up" in result.stdout and archive.is_file()
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        data = json.load(tar.extractfile("data.json"))
    models = {row["model"] for row in data}
    assert {"milestones.milestone", "meetings.meetingphoto", "pictures.picture"} <= models
    assert {"auth.user", "auth.group"} <= models
    assert not [m for m in models if "historical" in m or m.startswith("contenttypes")]
    assert "auth.permission" not in models
    assert sorted(n for n in names if n.startswith("media/")) == [f"media/{f}" for f in files]

    target = scratch.new(vendor)
    result = target.manage("restore_site", str(archive))
    assert "Restored" in result.stdout
    assert json.loads(target.python(FETCH_OPEN_DATA).stdout) == open_data
    assert media_files(target.media) == files
    assert target.python(CHECK_ACCOUNT).stdout.split() == ["True", "True", "['Publisher']"]

    # A database that holds data is refused, and left alone ...
    refused = target.manage("restore_site", str(archive), check=False)
    assert refused.returncode == 1
    assert "already holds the site's data" in refused.stderr and "--force" in refused.stderr
    # ... unless forced: the site's data is replaced by the archive's.
    target.manage("restore_site", "--force", str(archive))
    assert json.loads(target.python(FETCH_OPEN_DATA).stdout) == open_data
    assert media_files(target.media) == files


# In-process: what restore refuses, before it writes anything. ------------------------------


@pytest.fixture
def archive(db, tmp_path):
    """A backup of one milestone with a picture."""
    picture = make_picture(name="a.jpg", size=(400, 300), alt_text="A picture")
    make_milestone(lead_image=picture, slug="pictured")
    make_user("publisher", username="pat")
    return create_backup(tmp_path / "one.tar.gz").path


def rewrite(path, change) -> None:
    """Rewrite the archive at `path` with change(name, bytes) -> bytes | None (None drops)."""
    with tarfile.open(path) as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar]
    with tarfile.open(path, "w:gz") as tar:
        for name, content in members:
            content = change(name, content)
            if content is not None:
                info = tarfile.TarInfo(name)
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))


def test_backup_is_private_and_lists_every_file(archive):
    assert archive.stat().st_mode & 0o777 == 0o600  # it holds password hashes
    contents = read_archive(archive)
    assert contents.manifest["counts"]["milestones.milestone"] == 1
    assert contents.manifest["counts"]["auth.user"] == 1
    from pictures.models import Picture

    assert set(contents.media) == set(Picture.objects.get().stored_file_names())
    assert len(contents.media) >= 2  # the image and its renditions


def test_restore_refuses_a_database_with_data_and_changes_nothing(archive):
    from milestones.models import Milestone

    with pytest.raises(CommandError, match="already holds the site's data"):
        call_command("restore_site", str(archive))
    assert list(Milestone.objects.values_list("slug", flat=True)) == ["pictured"]


def test_restore_force_replaces_the_data(archive):
    from milestones.models import Milestone
    from pictures.models import Picture

    make_milestone(slug="added-after-the-backup")
    restore_backup(archive, force=True)
    assert list(Milestone.objects.values_list("slug", flat=True)) == ["pictured"]
    picture = Milestone.objects.get().lead_image
    assert Picture.objects.count() == 1
    assert all(picture.image.storage.exists(name) for name in picture.stored_file_names())


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda n, c: c[:-1] + b"x" if n.startswith("media/") else c, "damaged"),
        (lambda n, c: None if n.startswith("media/") else c, "listed but missing"),
        (lambda n, c: None if n == "data.json" else c, "data.json is missing"),
        (lambda n, c: b'{"format": "other"}' if n == "manifest.json" else c, "not a hsitp"),
    ],
    ids=["changed-file", "missing-file", "no-data", "other-format"],
)
def test_restore_refuses_a_damaged_archive(archive, change, message, settings, tmp_path):
    rewrite(archive, change)
    settings.MEDIA_ROOT = tmp_path / "elsewhere"
    with pytest.raises(BackupError, match=message):
        restore_backup(archive, force=True)
    assert not (tmp_path / "elsewhere").exists()  # nothing written


def test_restore_refuses_entries_outside_the_archive(archive):
    with tarfile.open(archive) as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar]
    with tarfile.open(archive, "w:gz") as tar:
        for name, content in [*members, ("../../etc/evil", b"x")]:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    with pytest.raises(BackupError, match="unexpected entry '../../etc/evil'"):
        read_archive(archive)


def test_restore_refuses_what_is_not_an_archive(tmp_path):
    path = tmp_path / "not.tar.gz"
    path.write_text("hello")
    with pytest.raises(BackupError, match="not a readable"):
        read_archive(path)
    with pytest.raises(BackupError, match="no such file"):
        read_archive(tmp_path / "missing.tar.gz")


def test_a_forced_restore_that_fails_puts_back_the_files_it_replaced(archive):
    """--force overwrites media files of the same name before the data loads; if the load
    then fails, the site keeps its own files (and data) as they were."""
    from pictures.models import Picture

    picture = Picture.objects.get()
    storage = picture.image.storage
    name = picture.image.name
    with storage.open(name, "rb") as handle:
        original = handle.read()
    rewrite(archive, lambda n, c: c.replace(b'"milestones.milestone"', b'"milestones.nomodel"'))
    # The site's copy differs from the archive's: the restore must replace it first.
    storage.delete(name)
    storage.save(name, SimpleUploadedFile(name, picture_bytes(size=(400, 300), color=(200, 0, 0))))
    with storage.open(name, "rb") as handle:
        site_copy = handle.read()
    assert site_copy != original
    from django.core.serializers.base import DeserializationError

    with pytest.raises(DeserializationError, match="nomodel"):
        restore_backup(archive, force=True)
    with storage.open(name, "rb") as handle:
        assert handle.read() == site_copy
    assert Picture.objects.filter(pk=picture.pk).exists()
