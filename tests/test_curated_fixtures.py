"""The editors' curated data: it loads over a fresh import, dated as the public record says."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from milestones.models import Milestone

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = [
    ROOT / "milestones" / "fixtures" / "curated_milestones.json",
    ROOT / "meetings" / "fixtures" / "curated_meetings.json",
]

# From shared FACTS.md: each milestone's date with its honest precision, in seed order.
EXPECTED_DATES = [
    "2017-01-03", "2017-10", "2018-05", "2019-02-18", "2020-11", "2021-01", "2021-02",
    "2021-03", "[2021-03..2021-09]", "[2021-03..2021-09]", "[2021-03..2021-09]", "2021-09-06",
    "2021-09-06", "2021-10-06", "2021-10-06", "2021-12-20", "[2021-12-20..2022-02-23]",
    "2022-02-23", "2022-06-30", "2022-10-19", "2022-12-22", "2023-03-15", "2023-08-29",
    "2023-10-25", "[2023-10-25..2023-12-06]",
    # ...then the three later milestones FACTS.md gives (curated, not in the seed).
    "2024-11-20", "2025-03-21", "2025-12-22",
]  # fmt: skip

pytestmark = pytest.mark.django_db


def setup_like_make_run():
    call_command("import_seeds", stdout=StringIO())
    out = StringIO()
    call_command("load_curated", *map(str, FIXTURES), stdout=out)
    return out.getvalue()


def test_make_run_sequence_gives_28_dated_published_milestones_each_cited():
    """Import then load: the full, dated timeline with readable titles, nothing left to
    review: the seed's 25 and three later ones, each with a citation readers understand."""
    setup_like_make_run()
    milestones = list(Milestone.objects.published().chronological())
    assert len(milestones) == 28
    assert all(m.citation and m.citation_zh_hant for m in milestones)
    assert [m.date_edtf for m in milestones] == EXPECTED_DATES
    assert not any(m.needs_review for m in milestones)
    assert (
        milestones[0].title == "Hong Kong and Shenzhen sign the memorandum on developing the Loop"
    )


def test_timeline_order_matches_the_seeds_chronological_order():
    """Sorting by date, then source position, gives the seed's own order back."""
    setup_like_make_run()
    order = list(Milestone.objects.published().chronological().values_list("source_paragraph"))
    assert [paragraph for (paragraph,) in order] == [*range(1, 26), None, None, None]


def test_running_the_setup_again_changes_nothing(db_snapshot):
    """A second `make run` (import, then load) leaves every row as it was."""
    setup_like_make_run()
    before = db_snapshot()
    setup_like_make_run()
    assert db_snapshot() == before


def test_fixtures_use_natural_keys_only():
    """No database ids in the fixtures, so they load into any database."""
    for path in FIXTURES:
        for obj in json.loads(path.read_text(encoding="utf-8")):
            assert "pk" not in obj, (path.name, obj["model"])


def test_curated_data_loads_once_and_keeps_what_editors_changed_since():
    """`make run` again must not undo an editor's work."""
    assert "Loaded curated data" in setup_like_make_run()
    milestone = Milestone.objects.get(source_paragraph=1)
    milestone.title = "An editor's better title"
    milestone.save()
    out = StringIO()
    call_command("load_curated", *map(str, FIXTURES), stdout=out)
    assert "was loaded before; editors' changes since are kept" in out.getvalue()
    milestone.refresh_from_db()
    assert milestone.title == "An editor's better title"
    call_command("load_curated", *map(str, FIXTURES), "--force", stdout=StringIO())
    milestone.refresh_from_db()
    assert milestone.title != "An editor's better title"


def test_every_curated_object_gets_a_revision_so_history_credits_the_right_person():
    """loaddata saves without history: the curation would otherwise be shown as the first
    editor's change afterwards, and could not be restored."""
    setup_like_make_run()
    milestone = Milestone.objects.get(source_paragraph=1)
    latest = milestone.history.first()
    assert latest.history_change_reason.startswith("curated data ")
    assert (latest.title, latest.history_user) == (milestone.title, None)
    from meetings.models import Attendance, Meeting

    eleventh = Meeting.objects.get(number=11)
    assert eleventh.history.first().history_change_reason.startswith("curated")
    curated = Attendance.history.filter(history_change_reason__startswith="curated")
    assert curated.count() == 24 + 26  # the 11th meeting's, and the eight earlier meetings'
    assert all(m.citation for m in Meeting.objects.all())
