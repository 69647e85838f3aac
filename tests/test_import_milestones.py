"""`import_seeds` on timeline documents: safe, repeatable, never overwriting an editor."""

import datetime as dt
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from milestones.models import Milestone
from publishing.dating import FuzzyDate
from publishing.models import PublicationState

ROOT = Path(__file__).resolve().parent.parent
TIMELINE = ROOT / "seeds" / "000_c84dba87f6a5cc22.txt"

pytestmark = pytest.mark.django_db


def run(*args, verbosity=1):
    out, err = StringIO(), StringIO()
    call_command("import_seeds", *map(str, args), stdout=out, stderr=err, verbosity=verbosity)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def timeline(tmp_path):
    """A private copy of the timeline seed that a test may change."""
    path = tmp_path / "timeline.txt"
    path.write_text(TIMELINE.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_seed_timeline_becomes_25_draft_milestones():
    """Paragraphs become milestones in order, as drafts, with their provenance."""
    out, _ = run(TIMELINE)
    assert Milestone.objects.count() == 25
    assert "25 created" in out
    first = Milestone.objects.get(source_paragraph=1)
    assert first.state == PublicationState.DRAFT
    assert first.source_document == TIMELINE.name
    assert len(first.source_fingerprint) == 64
    assert first.body == first.source_text
    assert not Milestone.objects.published().exists()


def test_undated_milestones_are_marked_for_review_with_the_reason():
    """Nothing is guessed: 20 of the 25 have no date and say why."""
    run(TIMELINE)
    undated = Milestone.objects.filter(date_precision="unknown")
    assert undated.count() == 20
    assert all(m.needs_review and m.review_note for m in undated)
    handed_over = Milestone.objects.get(source_paragraph=16)
    assert "20 December but no year" in handed_over.review_note
    signed = Milestone.objects.get(source_paragraph=12)
    assert signed.fuzzy_date == FuzzyDate.day(dt.date(2021, 9, 6))
    assert not signed.needs_review


def test_second_run_creates_and_changes_nothing_and_says_so(db_snapshot):
    """Idempotent: the same seed twice leaves every row exactly as it was."""
    run(TIMELINE)
    before = db_snapshot()
    out, _ = run(TIMELINE)
    assert db_snapshot() == before
    assert "0 created, 0 updated, 25 unchanged" in out
    assert "Nothing changed" in out


def test_reimport_keeps_every_editors_change(db_snapshot):
    """Title, date, body and state chosen by an editor survive a re-import."""
    run(TIMELINE)
    milestone = Milestone.objects.get(source_paragraph=1)
    milestone.title = "MoU signed"
    milestone.body = "An editor's better text."
    milestone.fuzzy_date = FuzzyDate.day(dt.date(2017, 1, 3))
    milestone.publish()
    milestone.save()
    before = db_snapshot()
    run(TIMELINE)
    assert db_snapshot() == before


def test_changed_paragraph_of_an_edited_milestone_is_reported_not_merged(timeline, db_snapshot):
    """When the seed's text changes under an editor's work, the work is kept and reported."""
    run(timeline)
    edited = Milestone.objects.get(source_paragraph=2)
    edited.title = "HSITPL set up"
    edited.save()
    text = timeline.read_text(encoding="utf-8")
    timeline.write_text(text.replace("wholly-owned subsidiary", "subsidiary"), encoding="utf-8")
    before = db_snapshot()
    out, err = run(timeline)
    assert db_snapshot() == before
    assert f"{timeline}:2: paragraph 2 changed in the seed" in err
    assert "1 changed in the seed and kept as edited" in out


def test_an_editors_review_counts_as_work_a_reimport_keeps(timeline):
    """Clearing "needs review" (the date checked, the note answered) is an editor's work:
    the seed's new text does not bring the flag back."""
    run(timeline)
    reviewed = Milestone.objects.filter(needs_review=True).first()
    reviewed.needs_review, reviewed.review_note = False, ""
    reviewed.save()
    first_words = reviewed.source_text[:30]
    text = timeline.read_text(encoding="utf-8")
    timeline.write_text(text.replace(first_words, first_words + " (amended)"), encoding="utf-8")
    out, _ = run(timeline)
    assert "1 changed in the seed and kept as edited" in out
    reviewed.refresh_from_db()
    assert (reviewed.needs_review, reviewed.review_note) == (False, "")


def test_changed_paragraph_of_an_untouched_milestone_is_updated(timeline):
    """A draft nobody edited follows the seed's new text."""
    run(timeline)
    text = timeline.read_text(encoding="utf-8")
    timeline.write_text(text.replace("87-hectare Loop", "87-hectare Loop area"), encoding="utf-8")
    out, _ = run(timeline)
    assert "1 updated" in out
    assert Milestone.objects.count() == 25
    assert Milestone.objects.get(source_paragraph=1).body.endswith("87-hectare Loop area.")


def test_dry_run_reports_and_writes_nothing(db_snapshot):
    """--dry-run tells what would happen and leaves the database untouched."""
    before = db_snapshot()
    out, _ = run(TIMELINE, "--dry-run")
    assert "Dry run, nothing written" in out
    assert "25 created" in out
    assert db_snapshot() == before


def test_publish_option_publishes_what_it_creates():
    """--publish is for bootstrapping: created milestones are public at once."""
    run(TIMELINE, "--publish")
    assert Milestone.objects.published().count() == 25


def test_verbose_output_lists_each_milestone_with_its_line():
    """-v 2 names every record with file and line."""
    out, _ = run(TIMELINE, verbosity=2)
    assert f"created: {TIMELINE}:12 " in out


def test_quiet_output_prints_nothing():
    """-v 0 is silent on success."""
    out, _ = run(TIMELINE, verbosity=0)
    assert out == ""


def test_default_path_is_the_seeds_folder():
    """Without a path, every document in seeds/ is imported."""
    out, _ = run()
    assert Milestone.objects.count() == 25
    assert "2 document(s)" in out


def _binary(path):
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def _latin1(path):
    path.write_bytes("First line is fine.\nCaf\xe9 on line two.\n".encode("latin-1"))


BAD_INPUTS = [
    ("missing.txt", None, "no such file or folder"),
    ("empty.txt", lambda p: p.write_text("   \n\n", encoding="utf-8"), "the file is empty"),
    ("image.txt", _binary, "binary file"),
    ("latin1.txt", _latin1, ":2: not UTF-8 text (byte 0xe9)"),
    (
        "table.txt",
        lambda p: p.write_text("name,date\nMoU,2017-01-03\n", encoding="utf-8"),
        ":1: unknown kind of document: neither a timeline (one milestone per paragraph) "
        "nor a meeting press release",
    ),
]


@pytest.mark.parametrize(("name", "make", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_refused_naming_the_file_and_changes_nothing(
    tmp_path, db_snapshot, name, make, message
):
    """Each kind of bad input fails clearly and leaves the database exactly as before."""
    run(TIMELINE)  # something already in the database
    path = tmp_path / name
    if make:
        make(path)
    before = db_snapshot()
    with pytest.raises(CommandError) as error:
        run(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)
    assert db_snapshot() == before


def test_one_bad_document_means_nothing_is_written(tmp_path, db_snapshot):
    """All of a run or none of it: a good timeline beside a bad file is not imported."""
    (tmp_path / "a_timeline.txt").write_text(TIMELINE.read_text(encoding="utf-8"))
    (tmp_path / "b_empty.txt").write_text("")
    before = db_snapshot()
    with pytest.raises(CommandError, match="b_empty.txt: the file is empty"):
        run(tmp_path)
    assert db_snapshot() == before


def test_bad_published_on_is_refused():
    """A malformed --published-on is an error, not a guess."""
    with pytest.raises(CommandError, match="not a YYYY-MM-DD date"):
        run(TIMELINE, "--published-on", "30/08/2024")


def test_bad_sources_list_names_file_and_line(tmp_path, db_snapshot):
    """A wrong date in sources.csv is reported with its line."""
    (tmp_path / "t.txt").write_text(TIMELINE.read_text(encoding="utf-8"))
    (tmp_path / "sources.csv").write_text(
        "document,published_on,url,language\nt.txt,2024-13-01,,en\n", encoding="utf-8"
    )
    before = db_snapshot()
    with pytest.raises(CommandError, match=r"sources.csv:2: published_on '2024-13-01'"):
        run(tmp_path)
    assert db_snapshot() == before


def test_a_url_that_is_not_http_in_the_sources_list_is_refused_with_its_line(tmp_path):
    (tmp_path / "t.txt").write_text(TIMELINE.read_text(encoding="utf-8"))
    (tmp_path / "sources.csv").write_text(
        "document,published_on,url,language\nt.txt,,javascript:alert(1),en\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match=r"sources.csv:2: url 'javascript:alert\(1\)' is not"):
        run(tmp_path)
    assert Milestone.objects.count() == 0


def paragraphs(path) -> list[str]:
    return [p for p in path.read_text(encoding="utf-8").splitlines() if p.strip()]


def test_a_paragraph_inserted_into_the_seed_is_imported_and_the_others_move_down(timeline):
    """The paragraphs after it keep their records (and editors' work) and take their new
    numbers, so the timeline keeps the seed's order among equal dates."""
    run(timeline)
    edited = Milestone.objects.get(source_paragraph=3)
    edited.title = "An editor's title"
    edited.save()
    texts = paragraphs(timeline)
    inserted = "A new paragraph about the Loop, placed third in the seed."
    timeline.write_text("\n".join([*texts[:2], inserted, *texts[2:]]), encoding="utf-8")

    out, _ = run(timeline)
    assert "1 created" in out
    assert Milestone.objects.count() == 26
    assert Milestone.objects.get(source_paragraph=3).body == inserted
    edited.refresh_from_db()
    assert (edited.source_paragraph, edited.title) == (4, "An editor's title")
    undated = Milestone.objects.filter(date_start__isnull=True).order_by("sort_key")
    numbers = [m.source_paragraph for m in undated]
    assert numbers == sorted(numbers)
    assert "Nothing changed." in run(timeline)[0]


def test_a_seed_that_cannot_be_matched_to_the_records_is_refused_not_a_traceback(
    timeline, db_snapshot
):
    """A paragraph inserted while a later one also changed its text: the changed one's old
    number is wanted by a moved paragraph. Refused with the file's name; nothing changes."""
    texts = list(dict.fromkeys(paragraphs(timeline)))  # the 25, without the repetition
    timeline.write_text("\n".join(texts), encoding="utf-8")
    run(timeline)
    before = db_snapshot()
    revised = texts[3] + " It was revised later."
    changed = [*texts[:2], "Inserted paragraph about the Loop.", texts[2], revised, *texts[4:]]
    timeline.write_text("\n".join(changed), encoding="utf-8")
    with pytest.raises(CommandError, match="timeline.txt: it conflicts with records already"):
        run(timeline)
    assert db_snapshot() == before


def test_command_line_error_has_no_traceback_and_exits_non_zero(tmp_path):
    """An operator sees one clear line and a failing exit status."""
    env = {**os.environ, "DJANGO_DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path}/db"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "import_seeds", str(tmp_path / "nope.txt")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{tmp_path / 'nope.txt'}: no such file or folder" in result.stderr
