"""Turn seed documents into records: read and check every file, recognise its kind from its
content, then hand it to the importer of that kind, all in one transaction.

`import_seeds()` (files and folders: the `import_seeds` command) and `import_documents()`
(documents already read: the desk's import page) are the entry points. The importers are
found in the registry (importing/registry.py) that each app fills in its ready(). Bad input
raises `SeedError`, naming the file and, where it applies, the line; nothing is written
unless every document is good.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction

from importing.documents import ImportReport, SeedDocument, SeedError, decode_text
from importing.registry import kind_of
from pagecache.version import invalidate as invalidate_page_cache
from publishing.database import after_bulk_write, serialise

SOURCES_FILE = "sources.csv"
SOURCES_COLUMNS = ("document", "published_on", "url", "language")
# Imports run one at a time (see `_serialise_imports`): the key of PostgreSQL's advisory lock.
IMPORT_LOCK_KEY = 0x48534954_696D7074  # "HSIT" "impt"


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


def import_seeds(
    paths: Iterable[Path | str],
    *,
    dry_run: bool = False,
    publish: bool = False,
    published_on: dt.date | None = None,
    kind: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> ImportReport:
    """Import every document found at `paths`, all or nothing (see `import_documents`)."""
    documents = load_documents(paths, published_on)
    return import_documents(
        documents, dry_run=dry_run, publish=publish, kind=kind, progress=progress
    )


def import_documents(
    documents: list[SeedDocument],
    *,
    dry_run: bool = False,
    publish: bool = False,
    kind: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> ImportReport:
    """Import documents, all or nothing. A dry run does the work and rolls it back. `kind`
    (a registered kind: "timeline", "release") reads every document as that kind; without
    it each document's kind is recognised from its text (importing/registry.py)."""
    plan = [(document, *kind_of(document, kind)) for document in documents]
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
            invalidate_page_cache()  # bulk_create sends no signals (pagecache/signals.py)
            after_bulk_write()
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
    this one wrote ("unchanged") instead of creating the same records twice."""
    serialise(IMPORT_LOCK_KEY)
