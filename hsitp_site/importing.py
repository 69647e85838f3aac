"""Turn seed documents into records: read and check every file, recognise its kind from its
content, then hand it to the importer of that kind, all in one transaction.

`import_seeds()` is the one entry point, used by the `import_seeds` command (and later by the
admin's import page). Bad input raises `SeedError`, naming the file and, where it applies,
the line; nothing is written unless every document is good.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connection, transaction

from hsitp_site.caching import invalidate as invalidate_page_cache
from hsitp_site.database import refresh_statistics
from hsitp_site.text import fingerprint

SOURCES_FILE = "sources.csv"
PASTED_PREFIX = "desk-"  # the provenance name of text pasted at the editors' desk
SOURCES_COLUMNS = ("document", "published_on", "url", "language")
# Imports run one at a time (see `_serialise_imports`): the key of PostgreSQL's advisory lock.
IMPORT_LOCK_KEY = 0x48534954_696D7074  # "HSIT" "impt"


class SeedError(Exception):
    """Bad input: a message naming the file and, where it applies, the line."""

    def __init__(self, path: Path | str, message: str, line: int | None = None):
        self.path, self.message, self.line = str(path), message, line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class SeedDocument:
    path: Path
    text: str
    published_on: dt.date | None = None
    url: str = ""
    language: str = "en"

    @property
    def name(self) -> str:
        """The file name: the document's identity in provenance, wherever it was read from."""
        return self.path.name


@dataclass
class ImportReport:
    """What a run did (or, in a dry run, would do)."""

    dry_run: bool = False
    documents: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    needs_review: int = 0
    details: list[str] = field(default_factory=list)  # one line per record, for -v 2
    warnings: list[str] = field(default_factory=list)  # always shown
    progress: Callable[[str], None] | None = None

    def record(self, outcome: str, description: str, *, needs_review: bool = False) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        if needs_review and outcome in {"created", "updated"}:
            self.needs_review += 1
        self.details.append(f"{outcome}: {description}")

    def conflict(self, message: str) -> None:
        self.conflicts += 1
        self.warnings.append(message)

    def say(self, message: str) -> None:
        if self.progress:
            self.progress(message)

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        verb = "Dry run, nothing written. Would have" if self.dry_run else "Done."
        counts = (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.conflicts} changed in the seed and kept as edited"
        )
        review = f"; {self.needs_review} new or updated record(s) need review"
        docs = f"{self.documents} document(s)"
        if self.dry_run:
            return f"{verb}: {counts}{review} ({docs})."
        nothing = " Nothing changed." if not self.changed_anything else ""
        return f"{verb} {docs}: {counts}{review}.{nothing}"


def collect_paths(paths: Iterable[Path | str]) -> list[tuple[Path, bool]]:
    """Files to import, each with whether it was named directly (not found in a folder)."""
    found: list[tuple[Path, bool]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.glob("*.txt") if p.is_file())
            if not files:
                raise SeedError(path, "folder contains no .txt seed documents")
            found.extend((file, False) for file in files)
        elif path.is_file():
            found.append((path, True))
        else:
            raise SeedError(path, "no such file or folder")
    return found


def read_text(path: Path) -> str:
    """The file's text, refusing empty, binary and undecodable files."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SeedError(path, f"cannot read the file ({error.strerror})") from None
    return decode_text(data, path)


def decode_text(data: bytes, path: Path | str) -> str:
    """Text from bytes, refusing empty, binary and undecodable data (named `path`)."""
    if not data.strip():
        raise SeedError(path, "the file is empty")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise SeedError(path, "binary file (NUL byte), not a text document", line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        raise SeedError(path, f"not UTF-8 text (byte 0x{byte:02x})", line) from None


def read_sources(folder: Path) -> dict[str, dict]:
    """The sources list beside the documents: publication date, URL and language of each."""
    path = folder / SOURCES_FILE
    if not path.is_file():
        return {}
    sources: dict[str, dict] = {}
    reader = csv.DictReader(read_text(path).splitlines())
    if tuple(reader.fieldnames or ()) != SOURCES_COLUMNS:
        raise SeedError(path, f"the header must be {','.join(SOURCES_COLUMNS)}", 1)
    for line, row in enumerate(reader, start=2):
        published_on = None
        if row["published_on"]:
            try:
                published_on = dt.date.fromisoformat(row["published_on"])
            except ValueError:
                message = f"published_on {row['published_on']!r} is not a YYYY-MM-DD date"
                raise SeedError(path, message, line) from None
        url = (row["url"] or "").strip()
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                raise SeedError(path, f"url {url!r} is not an http(s) address", line) from None
        sources[row["document"]] = {
            "published_on": published_on,
            "url": url,
            "language": row["language"] or "en",
        }
    return sources


def load_documents(
    paths: Iterable[Path | str], published_on: dt.date | None = None
) -> list[SeedDocument]:
    """Read and check every document before anything is written.

    The publication date comes from `sources.csv` beside the document, or from
    `published_on` for files named directly (which then takes precedence).
    """
    documents = []
    sources_by_folder: dict[Path, dict] = {}
    for path, named_directly in collect_paths(paths):
        folder = path.parent
        if folder not in sources_by_folder:
            sources_by_folder[folder] = read_sources(folder)
        source = sources_by_folder[folder].get(path.name, {})
        date = published_on if (named_directly and published_on) else source.get("published_on")
        documents.append(
            SeedDocument(
                path=path,
                text=read_text(path),
                published_on=date,
                url=source.get("url", ""),
                language=source.get("language", "en"),
            )
        )
    return documents


def _importers():
    # Imported here: the apps import this module's SeedError and SeedDocument.
    from meetings.parsing import looks_like_meeting_release
    from meetings.services import import_meeting_release
    from milestones.parsing import looks_like_timeline
    from milestones.services import import_timeline

    return [
        ("meeting press release", looks_like_meeting_release, import_meeting_release),
        ("timeline", looks_like_timeline, import_timeline),
    ]


def kind_of(document: SeedDocument) -> tuple[str, Callable]:
    for kind, recognises, importer in _importers():
        if recognises(document.text):
            return kind, importer
    raise SeedError(
        document.path,
        "unknown kind of document: neither a timeline (one milestone per paragraph) "
        "nor a meeting press release",
        1,
    )


def import_seeds(
    paths: Iterable[Path | str],
    *,
    dry_run: bool = False,
    publish: bool = False,
    published_on: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> ImportReport:
    """Import every document found at `paths`, all or nothing (see `import_documents`)."""
    documents = load_documents(paths, published_on)
    return import_documents(documents, dry_run=dry_run, publish=publish, progress=progress)


def document_from_text(
    text: str, *, name: str = "", published_on: dt.date | None = None
) -> SeedDocument:
    """A document pasted or uploaded at the editors' desk, checked like a file."""
    if not text.strip():
        raise SeedError(name or "pasted text", "the text is empty")
    if "\x00" in text:
        raise SeedError(name or "pasted text", "binary data (NUL byte), not a text document")
    if not name:
        name = f"{PASTED_PREFIX}{fingerprint(text)[:16]}.txt"
    return SeedDocument(path=Path(name), text=text, published_on=published_on)


def import_documents(
    documents: list[SeedDocument],
    *,
    dry_run: bool = False,
    publish: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ImportReport:
    """Import documents, all or nothing. A dry run does the work and rolls it back."""
    plan = [(document, *kind_of(document)) for document in documents]
    report = ImportReport(dry_run=dry_run, documents=len(documents), progress=progress)
    with transaction.atomic():
        _serialise_imports()
        for number, (document, kind, importer) in enumerate(plan, start=1):
            report.say(f"[{number}/{len(plan)}] {document.path} ({kind})")
            with _as_seed_error(document):
                importer(document, report, publish=publish)
        if dry_run:
            transaction.set_rollback(True)
        elif report.changed_anything:
            invalidate_page_cache()  # bulk_create sends no signals (hsitp_site/caching.py)
            refresh_statistics()
    return report


@contextmanager
def _as_seed_error(document: SeedDocument):
    """What the database or a model refuses (a value too long for its field, a record that
    would collide with one already imported) is bad input too: reported with the document's
    name, never as a traceback; the transaction around the import is rolled back."""
    try:
        with transaction.atomic():  # a savepoint: PostgreSQL needs one to go on after an error
            yield
    except ValidationError as error:
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" if field != NON_FIELD_ERRORS else " ".join(messages)
            for field, messages in getattr(error, "message_dict", {"": error.messages}).items()
        )
        raise SeedError(document.path, f"a record from it is not valid ({problems})") from None
    except IntegrityError as error:
        raise SeedError(
            document.path,
            f"it conflicts with records already imported ({str(error).splitlines()[0]}); "
            "nothing was imported",
        ) from None


def _serialise_imports() -> None:
    """Make a concurrent import wait until this one has committed, so that it then sees what
    this one wrote ("unchanged") instead of creating the same records twice.

    PostgreSQL: a transaction-level advisory lock, released at commit or rollback (also when
    the process dies). SQLite: the settings begin every transaction IMMEDIATE, which takes
    the database's one write lock at once; the other writer waits for it (busy timeout).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
