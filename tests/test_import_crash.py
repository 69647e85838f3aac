"""An import killed midway (SIGKILL: no cleanup, no rollback by Python) leaves the database
exactly as it was: an import is one transaction, and the database discards a transaction
that never committed. Shown on a SQLite file and, when the suite runs on it, on PostgreSQL.

The import is `manage.py import_seeds` of a generated timeline of 20,000 paragraphs, in
another process. It is killed once it is seen writing: on SQLite when its uncommitted pages
have reached the write-ahead log, on PostgreSQL when it holds a row-exclusive lock on the
milestones table (it has inserted rows).
"""

from __future__ import annotations

import json
import signal
import sqlite3
import threading
import time
from collections import Counter

import pytest

from importing.runner import IMPORT_LOCK_KEY
from tests.scratch_db import ROOT, VENDORS, scratch_databases

pytestmark = pytest.mark.slow

PARAGRAPHS = 20_000
CURATED = [
    str(ROOT / "milestones/fixtures/curated_milestones.json"),
    str(ROOT / "meetings/fixtures/curated_meetings.json"),
]


@pytest.fixture
def scratch(tmp_path, request):
    yield from scratch_databases(tmp_path, request)


def write_big_timeline(path, paragraphs: int = PARAGRAPHS) -> None:
    """A timeline seed, one distinct sentence a line, some dated."""
    places = ["the Loop", "Futian", "Lok Ma Chau", "the Shenzhen River", "the Hong Kong Park"]
    lines = [
        f"Generated milestone number {n} concerned works near {places[n % len(places)]} "
        f"in {2000 + n % 25}."
        for n in range(1, paragraphs + 1)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


class Output:
    """The lines a subprocess prints, collected by a thread so the test never blocks."""

    def __init__(self, process):
        self.process, self.lines, self.times = process, [], []  # times: time.time() of each
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.process.stdout:
            self.times.append(time.time())
            self.lines.append(line.rstrip("\n"))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, needle: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not any(needle in line for line in self.lines):
            if self.process.poll() is not None:
                self.thread.join(5)
                pytest.fail(f"the import ended before printing {needle!r}:\n{self.text}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {needle!r} within {timeout} s:\n{self.text}")
            time.sleep(0.05)


def wait_until_writing(database, process, timeout: float = 60) -> str:
    """Return once the import has written rows it has not committed; say what was seen."""
    deadline = time.monotonic() + timeout
    connection = _connect(database) if database.vendor == "postgresql" else None
    try:
        while time.monotonic() < deadline:
            assert process.poll() is None, "the import finished before it could be killed"
            if connection is None:
                wal = database.path.with_name(database.path.name + "-wal")
                size = wal.stat().st_size if wal.exists() else 0
                if size > 1_000_000:
                    return f"{size:,} bytes of uncommitted pages in the write-ahead log"
            elif connection.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'milestones_milestone' AND l.mode = 'RowExclusiveLock' "
                "AND l.pid <> pg_backend_pid()"
            ).fetchone()[0]:
                return "a row-exclusive lock on milestones_milestone (rows inserted)"
            time.sleep(0.05)
    finally:
        if connection is not None:
            connection.close()
    pytest.fail(f"the import was not seen writing within {timeout} s")


def _connect(database):
    import psycopg

    return psycopg.connect(database.url, autocommit=True)


def wait_for_rollback(database, timeout: float = 30) -> None:
    """PostgreSQL: wait until the killed client's server process has gone (rolled back)."""
    if database.vendor != "postgresql":
        return
    deadline = time.monotonic() + timeout
    with _connect(database) as connection:
        while time.monotonic() < deadline:
            others = connection.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()[0]
            if not others:
                return
            time.sleep(0.05)
    pytest.fail("the killed import's server process did not go away")


def assert_write_lock_free(database) -> None:
    """Nothing is left holding the lock a writer or an import needs."""
    if database.vendor == "sqlite":
        connection = sqlite3.connect(database.path, timeout=0, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")  # "database is locked" if still held
            connection.execute("ROLLBACK")
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            connection.close()
    else:
        with _connect(database) as connection:
            taken = connection.execute(
                "SELECT pg_try_advisory_lock(%s)", [IMPORT_LOCK_KEY]
            ).fetchone()[0]
            assert taken, "the killed import's advisory lock is still held"
            connection.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK_KEY])


def rows_by_model(dump: str) -> Counter:
    return Counter(item["model"] for item in json.loads(dump))


@pytest.mark.parametrize("vendor", VENDORS)
def test_import_killed_while_writing_leaves_the_database_as_it_was(scratch, tmp_path, vendor):
    """SIGKILL in the middle of writing 20,000 milestones: every table is as before."""
    database = scratch.new(vendor)
    database.manage("import_seeds")
    database.manage("loaddata", *CURATED)
    before = database.dump()
    assert rows_by_model(before)["milestones.milestone"] >= 25

    timeline = tmp_path / "big-timeline.txt"
    write_big_timeline(timeline)
    process = database.popen("import_seeds", str(timeline))
    output = Output(process)
    try:
        output.wait_for("(timeline)", timeout=60)  # in its transaction, reading the seed
        seen = wait_until_writing(database, process, timeout=90)
        time.sleep(0.3)  # well inside the write
        assert process.poll() is None, "the import finished before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)
    output.thread.join(5)
    assert process.returncode == -signal.SIGKILL
    assert "Done." not in output.text
    print(f"\n{vendor}: killed while writing ({seen})")  # noqa: T201 (shown with -s or -rP)

    wait_for_rollback(database)
    after = database.dump()
    assert rows_by_model(after) == rows_by_model(before)
    assert after == before, "the killed import changed the database"
    assert_write_lock_free(database)
