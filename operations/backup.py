"""Backup and restore of the site's curated data and uploaded pictures, as one archive.

`create_backup()` writes a .tar.gz holding

* `manifest.json`: format and version, when, the row count of each model, and every media
  file with its size and SHA-256;
* `data.json`: `dumpdata --natural-foreign --natural-primary` of the curated models
  (milestones, meetings, people, organisations, attendances, pictures, photos) and of the
  accounts and roles (auth users and groups). Not the revision history (django-simple-
  history's tables), content types, permissions, sessions or login attempts: a freshly
  migrated database makes its own;
* `media/<name>`: each stored file of each picture (the image and its renditions), read
  through Django's storage API, so an object store works as well as MEDIA_ROOT.

The archive holds password hashes: keep it as private as the database (it is written 0600).

`restore_backup()` checks the whole archive first (names, sizes, checksums), refuses a
database that already holds curated data unless `force`, writes the media files, then loads
the data in one transaction. With `force`, the site's curated data is deleted first (in the
same transaction); accounts are updated by username, not deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from simple_history.models import HistoricalChanges

from pictures.models import Picture, keeping_files
from publishing.database import after_bulk_write

FORMAT = "hsitp-backup"
VERSION = 1
CURATED_APPS = ["pictures", "milestones", "meetings"]
ACCOUNT_MODELS = ["auth.group", "auth.user"]
# Deleted in this order by a forced restore (each after what refers to it).
CLEAR_ORDER = [
    "meetings.meetingphoto",
    "meetings.attendance",
    "meetings.meeting",
    "meetings.meetingseries",
    "meetings.person",
    "meetings.organization",
    "milestones.mergedparagraph",
    "milestones.milestone",
    "pictures.picture",
]


class BackupError(Exception):
    """The archive is unusable, or the database may not be restored into."""


@dataclass
class BackupReport:
    path: Path
    counts: dict[str, int] = field(default_factory=dict)
    files: int = 0
    bytes: int = 0

    def summary(self) -> str:
        rows = sum(self.counts.values())
        return (
            f"Backed up {rows} records ({_describe(self.counts)}) and {self.files} media "
            f"file(s), {self.bytes:,} bytes, to {self.path}."
        )


@dataclass
class RestoreReport:
    counts: dict[str, int] = field(default_factory=dict)
    files_written: int = 0
    files_unchanged: int = 0
    cleared: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        cleared = f"Deleted the site's data first ({_describe(self.cleared)}). " * bool(
            self.cleared
        )
        return (
            f"{cleared}Restored {sum(self.counts.values())} records ({_describe(self.counts)})"
            f" and {self.files_written + self.files_unchanged} media file(s) "
            f"({self.files_unchanged} already in place)."
        )


def _describe(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {label}" for label, n in counts.items() if n) or "nothing"


def is_history_model(model) -> bool:

    return issubclass(model, HistoricalChanges)


def backup_models() -> list:
    """The models whose rows a backup holds: curated data and accounts, no history."""
    curated = [
        model
        for label in CURATED_APPS
        for model in apps.get_app_config(label).get_models()
        if not is_history_model(model)
    ]
    return curated + [apps.get_model(label) for label in ACCOUNT_MODELS]


def _label(model) -> str:
    return model._meta.label_lower


def default_backup_path(now: dt.datetime | None = None) -> Path:
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    return Path(settings.BASE_DIR) / "backups" / f"hsitp-{stamp}.tar.gz"


def _picture_files() -> list[str]:

    names: list[str] = []
    for picture in Picture._base_manager.order_by("pk"):
        names += [name for name in picture.stored_file_names() if name not in names]
    return names


@contextmanager
def _snapshot():
    """One consistent view of the database for the whole backup (inside a caller's
    transaction, that transaction's view)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def create_backup(output: Path | str | None = None) -> BackupReport:
    """Write the archive (to a temporary name, renamed when complete); return what it holds."""
    path = Path(output) if output else default_backup_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    report = BackupReport(path=path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with _snapshot():
            models = backup_models()
            report.counts = {_label(m): m._base_manager.count() for m in models}
            data = io.StringIO()
            call_command(
                "dumpdata",
                *[_label(m) for m in models],
                natural_foreign=True,
                natural_primary=True,
                use_base_manager=True,
                indent=1,
                stdout=data,
                verbosity=0,
            )
            names = _picture_files()
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                media = []
                for name in names:
                    with default_storage.open(name, "rb") as handle:
                        content = handle.read()
                    _add(tar, f"media/{name}", content)
                    media.append(
                        {
                            "name": name,
                            "size": len(content),
                            "sha256": hashlib.sha256(content).hexdigest(),
                        }
                    )
                    report.files += 1
                    report.bytes += len(content)
                manifest = {
                    "format": FORMAT,
                    "version": VERSION,
                    "created": timezone.now().isoformat(),
                    "database": connection.vendor,
                    "counts": report.counts,
                    "media": media,
                }
                # The data last: a reader finds the manifest's checksums before the files.
                _add(tar, "data.json", data.getvalue().encode("utf-8"))
                _add(tar, "manifest.json", json.dumps(manifest, indent=1).encode("utf-8"))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return report


def _add(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(content))


# --- Restore ---------------------------------------------------------------------------------


@dataclass
class _Archive:
    manifest: dict
    data: bytes
    media: dict[str, bytes]  # storage name -> content


def read_archive(path: Path | str) -> _Archive:
    """Read and check the whole archive before anything is written."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            for member in tar:
                name = member.name
                pure = PurePosixPath(name)
                if not member.isfile() or pure.is_absolute() or ".." in pure.parts:
                    raise BackupError(f"{path}: unexpected entry {name!r} in the archive")
                if name in members:
                    raise BackupError(f"{path}: {name!r} appears twice in the archive")
                members[name] = tar.extractfile(member).read()
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{path}: not a readable .tar.gz archive ({error})") from None
    try:
        manifest = json.loads(members.pop("manifest.json"))
        data = members.pop("data.json")
    except KeyError as missing:
        raise BackupError(f"{path}: {missing.args[0]} is missing: not a site backup") from None
    except ValueError:
        raise BackupError(f"{path}: manifest.json is not JSON") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(
            f"{path}: not a {FORMAT} version {VERSION} archive "
            f"(format {manifest.get('format')!r}, version {manifest.get('version')!r})"
        )
    media: dict[str, bytes] = {}
    for entry in manifest.get("media", []):
        name = entry["name"]
        content = members.pop(f"media/{name}", None)
        if content is None:
            raise BackupError(f"{path}: media file {name!r} is listed but missing")
        if len(content) != entry["size"] or hashlib.sha256(content).hexdigest() != entry["sha256"]:
            raise BackupError(f"{path}: media file {name!r} is damaged (checksum differs)")
        media[name] = content
    if members:
        raise BackupError(f"{path}: entries not in the manifest: {sorted(members)[:5]}")
    return _Archive(manifest, data, media)


def curated_counts() -> dict[str, int]:
    """Rows of curated data in the database (accounts and roles not counted)."""
    counts = {label: apps.get_model(label)._base_manager.count() for label in CLEAR_ORDER}
    return {label: n for label, n in counts.items() if n}


def restore_backup(archive_path: Path | str, *, force: bool = False) -> RestoreReport:
    archive = read_archive(archive_path)
    report = RestoreReport()
    present = curated_counts()
    if present and not force:
        raise BackupError(
            f"The database already holds the site's data ({_describe(present)}). Restore "
            "into an empty database (`manage.py migrate` on a new one), or pass --force to "
            "delete the site's data and replace it with the archive's."
        )
    # Media first, so the data never names a missing file. A file of the same name is kept
    # when identical, replaced only with --force.
    storage = default_storage
    conflicts = [
        name
        for name, content in archive.media.items()
        if storage.exists(name) and _read(storage, name) != content
    ]
    if conflicts and not force:
        raise BackupError(
            f"{len(conflicts)} media file(s) already exist with other content, e.g. "
            f"{conflicts[0]!r}; pass --force to overwrite them."
        )
    old_files = _picture_files() if force else []
    written: list[str] = []
    replaced: dict[str, bytes] = {}  # the files --force overwrote, put back if the load fails
    try:
        for name, content in archive.media.items():
            if storage.exists(name):
                if name not in conflicts:
                    report.files_unchanged += 1
                    continue
                replaced[name] = _read(storage, name)
                storage.delete(name)
            saved = storage.save(name, ContentFile(content))
            written.append(saved)
            if saved != name:
                raise BackupError(f"the storage saved {name!r} as {saved!r}")
            report.files_written += 1
        with transaction.atomic():
            if force:
                report.cleared = _clear()
            with tempfile.TemporaryDirectory(prefix="hsitp-restore-") as folder:
                data = Path(folder) / "data.json"
                data.write_bytes(archive.data)
                call_command("loaddata", str(data), verbosity=0)
            after_bulk_write()
    except BaseException:
        for name in written:
            if name not in old_files or name in replaced:
                storage.delete(name)
        for name, content in replaced.items():
            storage.save(name, ContentFile(content))
        raise
    # Files of the replaced pictures that the archive does not have.
    for name in old_files:
        if name not in archive.media:
            storage.delete(name)
    report.counts = {k: v for k, v in archive.manifest.get("counts", {}).items() if v}
    return report


def _read(storage, name: str) -> bytes:
    with storage.open(name, "rb") as handle:
        return handle.read()


def _clear() -> dict[str, int]:
    cleared = {}
    with keeping_files():
        for label in CLEAR_ORDER:
            model = apps.get_model(label)
            count = model._base_manager.count()
            if count:
                model._base_manager.all().delete()
                cleared[label] = count
    return cleared
