"""What importers and the runner share: the document read, the report of a run, and the
error bad input raises. Imports no importer, so every app's importer may import it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from publishing.text import fingerprint

PASTED_PREFIX = "desk-"  # the provenance name of text pasted at the editors' desk
IMPORT_REASON = "import"  # the revision history's reason for what an import writes


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
class ReadingRow:
    """One thing read, as the desk lists it: an attendee with role, post and side."""

    cells: tuple[str, ...]  # e.g. ("Co-chair", "Professor Sun Dong", "Secretary for ...", ...)
    matched: object | None = None  # the record it was matched to, there before the import


@dataclass
class Reading:
    """Everything an importer read from one document, for the desk to show before (and
    after) the import: facts with where each came from, rows, and the reader's notes."""

    document: str
    kind: str
    facts: list[tuple[str, str]] = field(default_factory=list)  # (label, value as read)
    columns: tuple[str, ...] = ()
    rows: list[ReadingRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # in the editor's words
    record: object | None = None  # what it created or updated (a link after a real import)
    recorded_already: object | None = None  # the record this document describes, kept
    differences: list[str] = field(default_factory=list)  # ...and how this one differs


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
    readings: list[Reading] = field(default_factory=list)  # for the desk
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
