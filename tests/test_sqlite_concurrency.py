"""SQLite for a real site: an editor saving while an import holds the write lock waits for it
instead of failing with "database is locked", and both succeed; readers are not held up.

The settings (README.md, "Reliability") give SQLite WAL journal mode, a busy timeout of 20 s
and IMMEDIATE transactions. Shown with processes on a SQLite file: `import_seeds` of a long
timeline, an editor's save started while it runs, and, as a control, the same save with no
busy timeout (DJANGO_SQLITE_TIMEOUT=0), which fails at once.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.scratch_db import ROOT, scratch_databases
from tests.test_import_crash import Output, write_big_timeline

pytestmark = pytest.mark.slow

EDITED_TITLE = "Edited by an editor while an import was running"

# An editor's save in the admin, reduced to what it does to the database: read, then change
# a milestone (with its revision) in one transaction. Prints timings as JSON.
EDITOR_SAVE = """
import json, os, sys, time
import django
django.setup()
from django.db import transaction
from milestones.models import Milestone

slug, title, go = sys.argv[1], sys.argv[2], sys.argv[3]
print("ready", flush=True)
deadline = time.time() + 120
while not os.path.exists(go) and time.time() < deadline:  # started, waiting for the signal
    time.sleep(0.01)
started = time.time()
milestone = Milestone.objects.get(slug=slug)
read_finished = time.time()
try:
    with transaction.atomic():
        milestone = Milestone.objects.get(slug=slug)
        milestone.title = title
        milestone._change_reason = "edited during an import"
        milestone.save()
except Exception as error:
    print(json.dumps({"error": f"{type(error).__name__}: {error}"}))
    sys.exit(3)
print(json.dumps({
    "started": started,
    "read_finished": read_finished,
    "save_finished": time.time(),
}))
"""


@pytest.fixture
def scratch(tmp_path, request):
    yield from scratch_databases(tmp_path, request)


def test_settings_give_sqlite_wal_a_busy_timeout_and_immediate_transactions(scratch):
    database = scratch.new("sqlite")
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode'); mode = c.fetchone()[0]\n"
        "    c.execute('PRAGMA busy_timeout'); timeout = c.fetchone()[0]\n"
        "    c.execute('PRAGMA synchronous'); synchronous = c.fetchone()[0]\n"
        "    c.execute('PRAGMA foreign_keys'); foreign_keys = c.fetchone()[0]\n"
        "print(mode, timeout, synchronous, foreign_keys, connection.transaction_mode)\n"
    )
    # synchronous 1 is NORMAL: safe with WAL (a crash loses no committed transaction's
    # consistency; a power cut may lose the last ones).
    assert database.python(code).stdout.split() == ["wal", "20000", "1", "1", "IMMEDIATE"]


def start_editor(database, slug: str, go, **env: str) -> subprocess.Popen:
    editor = subprocess.Popen(
        [sys.executable, "-c", EDITOR_SAVE, slug, EDITED_TITLE, str(go)],
        cwd=ROOT,
        env=database.env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert editor.stdout.readline().strip() == "ready", editor.stderr.read()
    return editor


def test_editor_save_waits_for_an_import_and_both_succeed(scratch, tmp_path):
    database = scratch.new("sqlite")
    database.manage("import_seeds")
    # By its key in the end: the draft's slug follows the title the editor gives it.
    first = "from milestones.models import Milestone\nm = Milestone.objects.first()\n"
    slug, pk = database.python(f"{first}print(m.slug, m.pk)").stdout.split()
    timeline = tmp_path / "timeline.txt"
    write_big_timeline(timeline, paragraphs=4000)  # holds the write lock for some seconds
    go = tmp_path / "go"
    # Two editors, started and waiting: one as configured, one with no busy timeout.
    editor = start_editor(database, slug, go)
    impatient = start_editor(database, slug, go, DJANGO_SQLITE_TIMEOUT="0")

    importer = database.popen("import_seeds", str(timeline))
    output = Output(importer)
    output.wait_for("(timeline)", timeout=60)  # inside its transaction: the lock is held
    go.touch()
    impatient_out, impatient_err = impatient.communicate(timeout=120)
    editor_out, editor_err = editor.communicate(timeout=120)
    importer.wait(120)
    output.thread.join(5)

    assert importer.returncode == 0, output.text
    assert "4000 created" in output.text
    import_done = output.times[-1]  # when it printed its summary, after committing
    assert editor.returncode == 0, editor_out + editor_err
    timings = json.loads(editor_out.strip().splitlines()[-1])
    # The read did not wait for the writer (WAL); the save did, until the import committed.
    assert timings["read_finished"] < import_done
    assert timings["save_finished"] >= import_done - 2  # (it prints just after committing)
    waited = timings["save_finished"] - timings["started"]
    assert waited > 1, f"the save did not wait for the import ({waited:.2f} s)"
    print(f"\neditor waited {waited:.1f} s for the import, then saved")  # noqa: T201 (shown with -s or -rP)

    # Without a busy timeout the same save fails: what the timeout prevents.
    assert impatient.returncode == 3, impatient_out + impatient_err
    assert "database is locked" in impatient_out

    code = (
        "from milestones.models import Milestone\n"
        f"m = Milestone.objects.get(pk={pk})\n"
        "print(m.title, '|', m.history.count(), '|', Milestone.objects.count())"
    )
    title, revisions, total = database.python(code).stdout.strip().split(" | ")
    assert title == EDITED_TITLE
    assert int(revisions) == 2  # imported, then edited
    assert int(total) == 25 + 4000
