"""`import_seeds` with meeting press releases: one meeting per release, people and bodies
reused, safe to repeat, and all or nothing."""

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from meetings.models import Attendance, Meeting, Organization, Person, Role, Side
from publishing.models import PublicationState

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED = SEEDS / "001_91d1b2786c42947a.txt"
VARIANTS = Path(__file__).resolve().parent / "data" / "press_releases"
LOOP_SERIES = (
    "Joint Task Force on the Development of the Hong Kong-Shenzhen Innovation and Technology "
    "Park in the Loop"
)
CURATED = [
    ROOT / "milestones" / "fixtures" / "curated_milestones.json",
    ROOT / "meetings" / "fixtures" / "curated_meetings.json",
]
HONG_KONG_BODIES = {
    "Development Bureau",
    "Constitutional and Mainland Affairs Bureau",
    "Security Bureau",
    "Culture, Sports and Tourism Bureau",
    "Innovation and Technology Commission",
    "Civil Engineering and Development Department",
    "Immigration Department",
    "Hong Kong Customs and Excise Department",
}
SHENZHEN_BODIES = {
    "Hong Kong and Macao Affairs Office",
    "Development and Reform Commission",
    "Education Bureau",
    "Science, Technology and Innovation Bureau",
    "Industry and Information Technology Bureau",
    "Justice Bureau",
    "Planning and Natural Resources Bureau",
    "Development Authority of Shenzhen Park of the Cooperation Zone of Shenzhen Municipality",
    "People's Government of Futian District",
    "Shenzhen-Hong Kong Science and Technology Innovation Cooperation Zone Development Ltd.",
}


def run(*args) -> tuple[str, str]:
    """Run import_seeds with command-line arguments; returns (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command("import_seeds", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def copy_seed(folder: Path, name: str = SEED.name, replace=()) -> Path:
    """The seed release copied alone into `folder` (no sources.csv), optionally edited."""
    text = SEED.read_text(encoding="utf-8")
    for old, new in replace:
        assert old in text
        text = text.replace(old, new)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def the_eleventh() -> Meeting:
    return Meeting.objects.get(series__name=LOOP_SERIES, number=11)


# --- The seed release ------------------------------------------------------------------------


def test_seed_release_becomes_one_meeting_dated_from_the_sources_list():
    """The release gives one draft meeting: the 11th of the Joint Task Force, 30 August 2024,
    in Shenzhen, its year taken from seeds/sources.csv."""
    run(SEED)
    meeting = Meeting.objects.get()
    assert meeting.series.name == LOOP_SERIES
    assert meeting.number == 11
    assert (meeting.date_precision, meeting.date_start) == ("day", dt.date(2024, 8, 30))
    assert meeting.date_edtf == "2024-08-30"
    assert (meeting.place, meeting.mode) == ("Shenzhen", "in_person")
    assert (meeting.stated_month, meeting.stated_day) == (8, 30)
    assert meeting.source_document == SEED.name
    assert meeting.source_published_on == dt.date(2024, 8, 30)
    assert "co-chaired the 11th meeting" in meeting.summary
    assert "footbridge" in meeting.full_text
    assert meeting.state == PublicationState.DRAFT
    assert not meeting.is_public
    assert not meeting.needs_review


def test_seed_release_records_all_24_attendances():
    """Two co-chairs, Eddie Mak, 8 Hong Kong and 10 Shenzhen bodies and 3 briefers."""
    run(SEED)
    meeting = Meeting.objects.get()
    assert meeting.attendances.count() == 24
    co_chairs = {
        (a.person.name, a.person.honorific, a.post, a.side)
        for a in meeting.attendances.filter(role=Role.CO_CHAIR)
    }
    assert co_chairs == {
        ("Sun Dong", "Professor", "Secretary for Innovation, Technology and Industry", "Hong Kong"),
        (
            "Luo Huanghao",
            "Mr",
            "Vice Mayor of the Shenzhen Municipal People's Government",
            "Shenzhen",
        ),
    }
    attendee = meeting.attendances.get(role=Role.ATTENDEE)
    assert (attendee.person.name, attendee.side) == ("Eddie Mak", "Hong Kong")
    assert attendee.post == "Permanent Secretary for Innovation, Technology and Industry"
    representatives = meeting.attendances.filter(role=Role.REPRESENTATIVE, person=None)
    for side, bodies in [(Side.HONG_KONG, HONG_KONG_BODIES), (Side.SHENZHEN, SHENZHEN_BODIES)]:
        names = [a.organisation.name for a in representatives.filter(side=side)]
        assert sorted(names) == sorted(bodies)
    assert representatives.count() == 18
    assert meeting.attendances.filter(role=Role.BRIEFER, organisation__isnull=False).count() == 3
    assert set(Person.objects.values_list("name", flat=True)) == {
        "Sun Dong",
        "Luo Huanghao",
        "Eddie Mak",
    }


def test_importing_twice_changes_nothing_and_says_so(db_snapshot):
    """A second import of the same release finds the meeting and leaves every row as it was."""
    run(SEED)
    before = db_snapshot()
    out, err = run(SEED)
    assert db_snapshot() == before
    assert Meeting.objects.count() == 1
    assert Attendance.objects.count() == 24
    assert "0 created, 0 updated, 1 unchanged" in out
    assert "Nothing changed." in out
    assert err == ""


def test_an_unchanged_release_is_recognised_by_its_text_with_one_query(
    django_assert_num_queries,
):
    """Re-importing is cheap however many releases there are: the text's fingerprint is
    looked up (one query), nothing is parsed."""
    from importing.documents import ImportReport
    from importing.runner import load_documents
    from meetings.services import import_meeting_release

    run(SEED)
    [document] = load_documents([SEED])
    report = ImportReport()
    with django_assert_num_queries(1):
        import_meeting_release(document, report)
    assert (report.unchanged, report.created, report.conflicts) == (1, 0, 0)


# --- Dates -----------------------------------------------------------------------------------


def test_release_without_a_publication_date_is_undated_and_needs_review(tmp_path):
    """Without sources.csv the year is unknown: no date is guessed, the stated day is kept
    and the meeting is flagged for an editor with a note."""
    run(copy_seed(tmp_path / "release"))
    meeting = Meeting.objects.get()
    assert meeting.date_precision == "unknown"
    assert meeting.date_start is None and meeting.date_end is None
    assert meeting.date_edtf is None
    assert (meeting.stated_month, meeting.stated_day) == (8, 30)
    assert meeting.source_published_on is None
    assert meeting.needs_review
    assert "August 30" in meeting.review_note
    assert "unknown" in meeting.review_note


def test_published_on_gives_the_year(tmp_path):
    """--published-on dates a release named on the command line."""
    run(copy_seed(tmp_path / "release"), "--published-on", "2024-08-30")
    meeting = Meeting.objects.get()
    assert (meeting.date_precision, meeting.date_start) == ("day", dt.date(2024, 8, 30))
    assert meeting.source_published_on == dt.date(2024, 8, 30)
    assert not meeting.needs_review


def test_published_on_overrides_the_sources_list_and_never_dates_ahead_of_it():
    """A release issued in January about "August 30" reports last year's meeting."""
    run(SEED, "--published-on", "2025-01-05")
    meeting = Meeting.objects.get()
    assert meeting.date_start == dt.date(2024, 8, 30)
    assert meeting.source_published_on == dt.date(2025, 1, 5)


def test_a_bad_published_on_is_refused():
    """--published-on takes YYYY-MM-DD only, and says so."""
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run(SEED, "--published-on", "30/08/2024")
    assert not Meeting.objects.exists()


# --- Editors and repeated imports ------------------------------------------------------------


def test_editors_changes_survive_a_reimport():
    """Title, date and state set by an editor are kept when the seeds are imported again."""
    run(SEED)
    meeting = Meeting.objects.get()
    meeting.title = "The 11th meeting, as the editor wrote it"
    meeting.date_start = dt.date(2024, 8, 29)
    meeting.publish()
    meeting.save()
    out, _ = run(SEED)
    meeting.refresh_from_db()
    assert meeting.title == "The 11th meeting, as the editor wrote it"
    assert meeting.date_start == dt.date(2024, 8, 29)
    assert meeting.state == PublicationState.PUBLISHED
    assert Meeting.objects.count() == 1
    assert Attendance.objects.count() == 24
    assert "Nothing changed." in out


def test_a_changed_release_for_an_edited_meeting_is_reported_not_applied(tmp_path):
    """A different text for a meeting already recorded is a warning; the record is kept."""
    run(SEED)
    changed = copy_seed(
        tmp_path / "release", replace=[("cross-boundary footbridge", "cross-boundary bridge")]
    )
    out, err = run(changed, "--published-on", "2024-08-30")
    assert "footbridge" in the_eleventh().full_text
    assert "warning:" in err
    assert "Nothing changed." in out


def test_people_and_organisations_are_reused_by_the_next_meeting(tmp_path):
    """A 12th meeting with the same co-chairs and bodies reuses their rows, not copies."""
    run(SEED)
    people, bodies = set(Person.objects.all()), set(Organization.objects.all())
    twelfth = copy_seed(
        tmp_path / "release",
        name="012.txt",
        replace=[("11th meeting", "12th meeting"), ("(August 30)", "(August 31)")],
    )
    run(twelfth, "--published-on", "2024-08-31")
    meeting = Meeting.objects.get(number=12)
    assert meeting.date_start == dt.date(2024, 8, 31)
    assert meeting.series == the_eleventh().series
    assert meeting.attendances.count() == 24
    assert set(Person.objects.all()) == people
    assert set(Organization.objects.all()) == bodies
    assert Person.objects.filter(name="Sun Dong").count() == 1
    eleventh_ids = set(the_eleventh().attendances.values_list("person", "organisation", "role"))
    assert set(meeting.attendances.values_list("person", "organisation", "role")) == eleventh_ids


def test_people_and_bodies_are_shared_with_a_different_release():
    """The 10th meeting's release names the same people and bodies: one row for each."""
    run(SEED)
    run(VARIANTS / "01_asterisks_under_title.txt", "--published-on", "2024-03-15")
    tenth = Meeting.objects.get(number=10)
    for name in ("Sun Dong", "Luo Huanghao", "Eddie Mak"):
        person = Person.objects.get(name=name)
        assert tenth.attendances.filter(person=person).exists(), name
        assert the_eleventh().attendances.filter(person=person).exists(), name
    for name in ("Development Bureau", "Innovation and Technology Commission"):
        body = Organization.objects.get(name=name, side=Side.HONG_KONG)
        assert tenth.attendances.filter(organisation=body).exists(), name
        assert the_eleventh().attendances.filter(organisation=body).exists(), name
    body = Organization.objects.get(name="Hong Kong and Macao Affairs Office")
    assert tenth.attendances.filter(organisation=body, side=Side.SHENZHEN).exists()
    assert Person.objects.count() == 3


def test_a_body_first_seen_without_a_side_is_reused_when_its_side_is_named():
    """The seed names HSITPL only as a briefer (no side); the 12th meeting's release lists it
    among the Hong Kong bodies. It is still one organisation, with one public page."""
    run(SEED)
    run(VARIANTS / "03_video_conferencing.txt", "--published-on", "2024-12-06")
    hsitpl = Organization.objects.get(name__startswith="Hong Kong-Shenzhen Innovation")
    assert hsitpl.abbreviation == "HSITPL"
    assert set(hsitpl.attendances.values_list("meeting__number", flat=True)) == {11, 12}


def test_bodies_of_the_same_name_on_two_sides_stay_apart(tmp_path):
    """A Shenzhen body is not merged into the Hong Kong body of the same name."""
    run(SEED)
    hong_kong = Organization.objects.get(name="Security Bureau", side=Side.HONG_KONG)
    release = copy_seed(
        tmp_path / "release",
        name="012.txt",
        replace=[
            ("11th meeting", "12th meeting"),
            ("the Security Bureau; ", ""),  # not on the Hong Kong side this time
            ("the Justice Bureau;", "the Security Bureau;"),  # but on the Shenzhen side
        ],
    )
    run(release, "--published-on", "2024-08-31")
    shenzhen = Organization.objects.get(name="Security Bureau", side=Side.SHENZHEN)
    assert shenzhen != hong_kong
    twelfth = Meeting.objects.get(number=12)
    assert twelfth.attendances.filter(organisation=shenzhen, side=Side.SHENZHEN).exists()
    assert not twelfth.attendances.filter(organisation=hong_kong).exists()


# --- Options -----------------------------------------------------------------------------------


def test_dry_run_writes_nothing(db_snapshot):
    """--dry-run reports what it would do and leaves every table as it was."""
    run(VARIANTS / "01_asterisks_under_title.txt", "--published-on", "2024-03-15")
    before = db_snapshot()
    out, _ = run(SEED, "--dry-run")
    assert db_snapshot() == before
    assert "Dry run, nothing written. Would have: 1 created" in out


def test_publish_publishes_the_imported_meeting(client):
    """--publish makes the new meeting public at once."""
    run(SEED, "--publish")
    meeting = Meeting.objects.get()
    assert meeting.state == PublicationState.PUBLISHED
    assert meeting.is_public
    assert client.get(meeting.get_absolute_url()).status_code == 200


UNREADABLE = {
    "no meeting named": "Joint meeting held\n\n     Officials held a meeting today (August 30).\n",
    "a release naming no meeting": "     The Secretary spoke about the weather today.\n",
    "empty": "\n\n",
}


@pytest.mark.parametrize("text", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_an_unreadable_release_names_the_file_and_writes_nothing(tmp_path, db_snapshot, text):
    """A release that cannot be read stops the run with an error naming the file, and
    nothing from the run is written, not even the good release before it."""
    run(SEED)
    before = db_snapshot()
    good = copy_seed(tmp_path / "a", name="012.txt", replace=[("11th meeting", "12th meeting")])
    bad = tmp_path / "b" / "bad_release.txt"
    bad.parent.mkdir()
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run(good, bad, "--published-on", "2024-08-31")
    assert str(bad) in str(error.value)
    assert db_snapshot() == before


# --- The variant releases ----------------------------------------------------------------------

# file: (--published-on, number, meeting date or None)
VARIANT_RELEASES = {
    "01_asterisks_under_title.txt": ("2024-03-15", 10, "2024-03-15"),
    "02_held_its_seventh_meeting.txt": ("2023-06-05", 7, "2023-06-05"),
    "03_video_conferencing.txt": ("2024-12-06", 12, "2024-12-06"),
    "04_no_attendee_paragraph.txt": ("2019-09-12", 4, "2019-09-12"),
    "05_cut_off_list.txt": ("2024-08-30", 11, "2024-08-30"),
    "06_led_delegations_typographic.txt": ("2023-10-18", 8, "2023-10-18"),
    "07_february_in_hong_kong.txt": ("2024-02-26", 6, "2024-02-22"),
    "08_hong_kong_shenzhen_co_operation_meeting.txt": ("2024-11-28", 9, "2024-11-28"),
    "09_no_date.txt": ("2020-01-10", 5, None),
    "10_guangdong_twenty_first.txt": ("2024-05-04", 21, "2024-05-03"),
}


def test_every_variant_release_is_covered():
    """The table below names every file in tests/data/press_releases/, so none is skipped."""
    assert sorted(VARIANT_RELEASES) == sorted(p.name for p in VARIANTS.glob("*.txt"))


@pytest.mark.parametrize(("name", "expected"), VARIANT_RELEASES.items(), ids=VARIANT_RELEASES)
def test_variant_release_imports_as_a_meeting(name, expected):
    """Each variant release gives one meeting with its number, date and two co-chairs."""
    published_on, number, date = expected
    run(VARIANTS / name, "--published-on", published_on)
    meeting = Meeting.objects.get()
    assert meeting.number == number
    assert meeting.date_edtf == date
    assert meeting.source_published_on == dt.date.fromisoformat(published_on)
    assert meeting.source_document == name
    assert meeting.attendances.filter(role=Role.CO_CHAIR, person__isnull=False).count() == 2
    if date is None:
        assert meeting.needs_review and meeting.review_note


def test_the_variants_folder_imports_in_one_run_sharing_people():
    """The whole folder imports together: ten meetings, Professor Sun Dong recorded once."""
    out, _ = run(VARIANTS)
    assert Meeting.objects.count() == 10
    assert "10 created" in out
    sun = Person.objects.get(name="Sun Dong")
    assert sun.attendances.values("meeting").distinct().count() == 7


# --- The curated fixtures ----------------------------------------------------------------------


def load_curated():
    call_command("loaddata", *map(str, CURATED), stdout=StringIO())


def test_curated_fixtures_after_the_import_publish_the_eleventh_meeting(client):
    """Import the seeds, load the curated data: the 11th meeting is published, dated
    30 August 2024, with its 24 attendances and its page public."""
    run()
    load_curated()
    meeting = the_eleventh()
    assert Meeting.objects.count() == 9  # with the eight earlier ones FACTS.md gives
    assert meeting.state == PublicationState.PUBLISHED
    assert meeting.is_public
    assert (meeting.date_precision, meeting.date_start) == ("day", dt.date(2024, 8, 30))
    assert meeting.attendances.count() == 24
    assert Person.objects.count() == 3 + 8  # and those of the earlier meetings
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    assert "Professor Sun Dong" in response.content.decode()


def test_loading_the_curated_fixtures_again_changes_nothing(db_snapshot):
    """A second loaddata leaves every row exactly as the first left it."""
    run()
    load_curated()
    before = db_snapshot()
    load_curated()
    assert db_snapshot() == before


def test_importing_after_the_curated_fixtures_keeps_them(db_snapshot):
    """Re-running the import over curated data changes nothing."""
    run()
    load_curated()
    before = db_snapshot()
    out, _ = run()
    assert db_snapshot() == before
    assert "Nothing changed." in out
