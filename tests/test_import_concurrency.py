"""Two imports at once give the same result as one: the second waits for the first to
commit, then finds everything there ("Nothing changed."). Shown with two `import_seeds`
processes started together on a SQLite file and, when the suite runs on it, PostgreSQL.

Serialised by `importing.runner._serialise_imports`: an advisory lock on PostgreSQL; on
SQLite the settings' IMMEDIATE transactions and busy timeout.
"""

from __future__ import annotations

import json
import time

import pytest

from tests.scratch_db import ROOT, VENDORS, scratch_databases
from tests.test_import_crash import write_big_timeline

pytestmark = pytest.mark.slow

# What an import writes, with natural keys so that two databases compare row for row.
SITE_MODELS = [
    "milestones.milestone",
    "milestones.mergedparagraph",
    "meetings.meetingseries",
    "meetings.meeting",
    "meetings.person",
    "meetings.organization",
    "meetings.attendance",
]
HISTORY_MODELS = [
    "milestones.historicalmilestone",
    "meetings.historicalmeeting",
    "meetings.historicalperson",
    "meetings.historicalorganization",
    "meetings.historicalattendance",
]
# Set from the clock when a row is written: differ between any two runs.
# What differs between two databases of the same rows: the clock, and each item's stable
# identifier (a new UUID wherever an item is first made).
CLOCK_FIELDS = {"created_at", "updated_at", "uid"}


@pytest.fixture
def scratch(tmp_path, request):
    yield from scratch_databases(tmp_path, request)


def site_rows(database) -> list[dict]:
    rows = json.loads(
        database.manage("dumpdata", *SITE_MODELS, "--natural-foreign", "--natural-primary").stdout
    )
    for row in rows:
        for name in CLOCK_FIELDS:
            row["fields"].pop(name, None)
    return rows


def history_counts(database) -> dict[str, int]:
    code = (
        "import json\nfrom django.apps import apps\n"
        f"print(json.dumps({{label: apps.get_model(label).objects.count() "
        f"for label in {HISTORY_MODELS!r}}}))"
    )
    return json.loads(database.python(code).stdout)


@pytest.mark.parametrize("vendor", VENDORS)
def test_two_imports_at_once_give_the_same_rows_as_one(scratch, tmp_path, vendor):
    """Both exit 0; one creates, the other reports nothing changed; rows equal one import's."""
    timeline = tmp_path / "timeline.txt"  # long enough (about 3 s) that the runs overlap
    write_big_timeline(timeline, paragraphs=3000)
    seeds = [str(ROOT / "seeds"), str(timeline)]

    single = scratch.new(vendor)
    single.manage("import_seeds", *seeds)

    double = scratch.new(vendor)
    started = time.monotonic()
    processes = [double.popen("import_seeds", *seeds) for _ in range(2)]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    elapsed = time.monotonic() - started
    for process, output in zip(processes, outputs, strict=True):
        assert process.returncode == 0, output
        assert "Traceback" not in output and "locked" not in output, output

    summaries = sorted(output.strip().splitlines()[-1] for output in outputs)
    created = [s for s in summaries if "3026 created" in s]
    unchanged = [s for s in summaries if "0 created" in s and "Nothing changed." in s]
    assert len(created) == 1 and len(unchanged) == 1, summaries
    print(f"\n{vendor}: two imports in {elapsed:.1f} s: {summaries}")  # noqa: T201 (shown with -s or -rP)

    assert site_rows(double) == site_rows(single)
    assert history_counts(double) == history_counts(single)
