"""Writes for meetings: importing a government press release about a meeting."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from importing.documents import (
    IMPORT_REASON,
    ImportReport,
    Reading,
    ReadingRow,
    SeedDocument,
    SeedError,
)
from meetings.models import Attendance, Meeting, MeetingSeries, Mode, Organization, Person
from meetings.parsing import (
    ParsedMeeting,
    ParsedOrganisation,
    ParsedPerson,
    ParseError,
    editor_title,
    series_key,
)
from meetings.parsing import parse_meeting_release as parse
from publishing.dating import FuzzyDate
from publishing.models import PublicationState
from publishing.text import fingerprint, unique_slug


def meeting_date(parsed: ParsedMeeting, published_on: dt.date | None) -> tuple[FuzzyDate, list]:
    """The day from the release, its year from the publication date; never a guessed year.
    "Today" alone is the publication date itself."""
    if parsed.on_publication_day:
        if published_on is None:
            note = "The release says “today” but its publication date is unknown."
            return FuzzyDate.unknown(), [note]
        return FuzzyDate.day(published_on), []
    if not (parsed.month and parsed.day):
        return FuzzyDate.unknown(), []
    stated = f"{dt.date(2000, parsed.month, 1):%B} {parsed.day}"
    if published_on is None:
        note = f"The release says {stated} but its publication date (and so the year) is unknown."
        return FuzzyDate.unknown(), [note]
    # A report tells of a meeting held: "December 30" in a release of January 3 is the year
    # before. An announcement tells of one to come: "January 9" in a release of December 20
    # is the year after (across the turn of the year only); any other day already past is
    # not guessed at.
    year = published_on.year
    earlier_in_year = (parsed.month, parsed.day) < (published_on.month, published_on.day)
    later_in_year = (parsed.month, parsed.day) > (published_on.month, published_on.day)
    if parsed.announced and earlier_in_year:
        if not (published_on.month >= 11 and parsed.month <= 2):
            note = f"The release announces a meeting on {stated}, already past when it was issued."
            return FuzzyDate.unknown(), [note]
        year += 1
    elif not parsed.announced and later_in_year:
        year -= 1
    try:
        day = dt.date(year, parsed.month, parsed.day)  # the year found first: February 29
    except ValueError:
        return FuzzyDate.unknown(), [f"{stated} is not a real date in {year}."]
    return FuzzyDate.day(day), []


def _named(names) -> Q:
    """Rows whose name is any of `names`, ignoring case (nothing for no names)."""
    query = Q(pk__in=[])
    for name in names:
        query |= Q(name__iexact=name)
    return query


def _slugs_like(model, text: str) -> set[str]:
    """The slugs `unique_slug(text, ...)` could collide with: those sharing its start.
    (Loading every slug for every release made importing n releases cost n².)"""
    return set(
        model.objects.filter(slug__startswith=slugify(text)[:20]).values_list("slug", flat=True)
    )


class _Directory:
    """People and organisations already known, reused rather than duplicated: those this
    release names, read in two queries whatever the size of the database."""

    def __init__(self, parsed: ParsedMeeting):
        people = {a.person.name for a in parsed.attendances if a.person}
        bodies = {a.organisation.name for a in parsed.attendances if a.organisation}
        self.people = {p.name.casefold(): p for p in Person.objects.filter(_named(people))}
        self.organisations = list(Organization.objects.filter(_named(bodies)).order_by("pk"))
        self.person_slugs: set[str] = set()
        self.organisation_slugs: set[str] = set()
        self.created: set[tuple[type, int]] = set()  # made by this import, not matched

    def matched(self, obj):
        """`obj` if it was there before this import (matched), else None (new)."""
        return None if obj is None or (type(obj), obj.pk) in self.created else obj

    def person(self, parsed: ParsedPerson) -> Person:
        key = parsed.name.casefold()
        if key not in self.people:
            self.person_slugs |= _slugs_like(Person, parsed.name)
            slug = unique_slug(parsed.name, self.person_slugs, fallback="person")
            person = Person(honorific=parsed.honorific, name=parsed.name, slug=slug)
            person.full_clean(validate_unique=False, validate_constraints=False)
            person._change_reason = IMPORT_REASON
            person.save()
            self.created.add((Person, person.pk))
            self.people[key] = person
        return self.people[key]

    def organisation(self, parsed: ParsedOrganisation, side: str) -> Organization:
        same_name = [o for o in self.organisations if o.name.casefold() == parsed.name.casefold()]
        exact = [o for o in same_name if o.side == side]
        if exact:
            return exact[0]
        if len(same_name) == 1 and not (side and same_name[0].side):
            # The one body of that name, when this release or an earlier one left out its side.
            return same_name[0]
        label = f"{parsed.name} {side}" if same_name else parsed.name
        self.organisation_slugs |= _slugs_like(Organization, label)
        organisation = Organization(
            name=parsed.name,
            abbreviation=parsed.abbreviation,
            side=side,
            slug=unique_slug(label, self.organisation_slugs, length=80, fallback="organisation"),
        )
        organisation.full_clean(validate_unique=False, validate_constraints=False)
        organisation._change_reason = IMPORT_REASON
        organisation.save()
        self.created.add((Organization, organisation.pk))
        self.organisations.append(organisation)
        return organisation


def _same_meeting_recorded(parsed: ParsedMeeting, series) -> Meeting | None:
    """The meeting this release describes (its series and number), recorded already."""
    if series is None or parsed.number is None:
        return None
    # Ordered by pk: the model's newest-first ordering costs more to build than the query.
    return Meeting.objects.filter(series=series, number=parsed.number).order_by("pk").first()


def _date_read(parsed: ParsedMeeting, published_on: dt.date | None) -> str:
    date, notes = meeting_date(parsed, published_on)
    if not parsed.date_phrase:
        return "unknown: the release does not say"
    where = f"read from “{parsed.date_phrase}”"
    if not date.is_known:
        return f"unknown ({where}; {' '.join(notes)})"
    if parsed.on_publication_day:
        year = "the day the release was issued"
    else:
        year = "the year from the release's publication date"
    return f"{date.display} ({where}, {year})"


def reading_of(
    parsed: ParsedMeeting,
    document: SeedDocument,
    *,
    record=None,
    series=None,
    series_matched=None,
    notes=(),
    rows=(),
    recorded_already=None,
    differences=(),
) -> Reading:
    """What the desk shows of a release before and after its import."""
    if parsed.mode == "video":
        where = "by video conference"
    else:
        where = parsed.place or "not stated"
    series_text = parsed.series or "none named"
    if parsed.series:
        series_text += " (matched: recorded already)" if series_matched else " (new)"
    facts = [
        ("Title", parsed.title),
        ("Series", series_text),
        *([("Works under", parsed.parent_series)] if parsed.parent_series else []),
        ("Number", str(parsed.number) if parsed.number else "not stated"),
        ("Date", _date_read(parsed, document.published_on)),
        ("Place or mode", where),
        *([("Announced", "yes: a meeting to come, not yet held")] if parsed.announced else []),
    ]
    return Reading(
        document=document.name,
        kind="release",
        facts=facts,
        columns=("Role", "Name", "Post", "Side", "Matched"),
        rows=list(rows),
        notes=list(notes or parsed.review_notes),
        record=record,
        recorded_already=recorded_already,
        differences=list(differences),
    )


def differences_from(meeting: Meeting, parsed: ParsedMeeting, published_on) -> list[str]:
    """How a release differs from the meeting recorded already, in an editor's words."""
    found = []
    date, _ = meeting_date(parsed, published_on)
    recorded = meeting.fuzzy_date
    if date.is_known and date != recorded:
        found.append(f"date: {recorded.display} recorded, {date.display} in this release")
    if parsed.place and parsed.place != meeting.place:
        found.append(f"place: “{meeting.place or 'none'}” recorded, “{parsed.place}” here")
    if parsed.mode and parsed.mode != meeting.mode:
        here = Mode(parsed.mode).label
        found.append(f"mode: {meeting.get_mode_display() or 'none'} recorded, {here} here")
    recorded_people = set(
        meeting.attendances.filter(person__isnull=False).values_list("person__name", flat=True)
    )
    named = {a.person.name for a in parsed.attendances if a.person}
    if named - recorded_people:
        found.append("people named here only: " + ", ".join(sorted(named - recorded_people)))
    return found


def find_series(name: str) -> MeetingSeries | None:
    """The series of that name, or of another spelling of it (meetings.parsing.series_key:
    "Hong Kong/Shenzhen Innovation & Technology Park" is "Hong Kong-Shenzhen Innovation
    and Technology Park")."""
    exact = MeetingSeries.objects.filter(name=name).first()
    if exact is not None:
        return exact
    key = series_key(name)
    return next(
        (s for s in MeetingSeries.objects.order_by("pk") if series_key(s.name) == key), None
    )


def _new_series(name: str, parent: MeetingSeries | None = None) -> MeetingSeries:
    taken = set(MeetingSeries.objects.values_list("slug", flat=True))
    series = MeetingSeries(name=name, slug=unique_slug(name, taken, length=80), parent=parent)
    series._change_reason = IMPORT_REASON
    series.save()
    return series


def _untouched_draft(meeting: Meeting) -> bool:
    """A draft only the importer has written: no revision of it or its rows but imports."""
    if meeting.state == PublicationState.PUBLISHED:
        return False
    # An import at the desk is in the editor's name, with the import's reason.
    not_imports = ~Q(history_change_reason=IMPORT_REASON)
    edited = meeting.history.filter(not_imports).exists()
    return not edited and not Attendance.history.filter(not_imports, meeting_id=meeting.pk).exists()


def _title_imported_from(text_fingerprint: str) -> str | None:
    """The title of the meeting recorded from exactly this text, if there is one."""
    meetings = Meeting.objects.filter(source_fingerprint=text_fingerprint).order_by("pk")
    return meetings.values_list("title", flat=True).first()


def import_meeting_release(document: SeedDocument, report: ImportReport, *, publish=False):
    """One meeting (with its series, people, organisations and attendances) per release."""
    text_fingerprint = fingerprint(document.text)
    where = str(document.path)
    # A release imported before, unchanged: one indexed query, no parsing (a re-import of
    # 1,000 releases went from 4.8 s to well under one).
    title = _title_imported_from(text_fingerprint)
    if title is not None:
        report.record("unchanged", f"{where} {title!r}")
        return
    try:
        parsed = parse(document.text)
    except ParseError as error:
        raise SeedError(document.path, error.message, error.line) from None
    series = find_series(parsed.series) if parsed.series else None
    if series is not None and series.name != parsed.series:  # another spelling of it
        parsed = replace(
            parsed,
            series=series.name,
            title=editor_title(series.name, parsed.number, parsed.headline),
            review_notes=(
                *parsed.review_notes,
                f"The release spells the series “{parsed.series}”: read as “{series.name}”.",
            ),
        )
    existing = _same_meeting_recorded(parsed, series)
    announced = None  # the meeting announced before, which this report completes
    if existing is not None and existing.announced and not parsed.announced:
        if _untouched_draft(existing):
            announced, existing = existing, None
    if existing is not None:  # from another text: this one is not the one imported
        if parsed.announced:
            report.record("unchanged", f"{where}: announces {existing.title!r}, recorded already")
            return
        differences = differences_from(existing, parsed, document.published_on)
        differ = f" It differs in: {'; '.join(differences)}." if differences else ""
        report.conflict(
            f"{where}: this release describes the meeting “{existing.title}”, already "
            f"recorded from another release, which is kept.{differ}"
        )
        report.readings.append(
            reading_of(parsed, document, recorded_already=existing, differences=differences)
        )
        return

    series_found = series
    if parsed.series and series is None:
        parent = None
        if parsed.parent_series:
            parent = find_series(parsed.parent_series) or _new_series(parsed.parent_series)
        series = _new_series(parsed.series, parent)
    date, date_notes = meeting_date(parsed, document.published_on)
    notes = [*parsed.review_notes, *date_notes]
    # The slug from the headline when there is one: a release's address stays what it was.
    named = parsed.headline or parsed.title
    meeting = Meeting(
        series=series,
        number=parsed.number,
        title=parsed.title,
        announced=parsed.announced,
        slug=unique_slug(named, _slugs_like(Meeting, named), length=80),
        place=parsed.place,
        mode=parsed.mode,
        stated_month=parsed.month,
        stated_day=parsed.day,
        summary=parsed.summary,
        full_text=parsed.full_text,
        source_document=document.name,
        source_fingerprint=text_fingerprint,
        source_text=document.text,
        source_url=document.url,
        source_published_on=document.published_on,
        needs_review=bool(notes),
        review_note=" ".join(notes),
    )
    meeting.fuzzy_date = date
    if announced is not None:  # the same meeting, its row and address kept, its reading new
        meeting.pk, meeting.slug, meeting.created_at = (
            announced.pk,
            announced.slug,
            announced.created_at,
        )
        Attendance.objects.filter(meeting=announced).delete()
    if publish:
        meeting.state, meeting.published_at = PublicationState.PUBLISHED, timezone.now()
    meeting.full_clean(validate_unique=False, validate_constraints=False)
    meeting._change_reason = IMPORT_REASON
    meeting.save()

    directory = _Directory(parsed)
    attendances = []
    for position, item in enumerate(parsed.attendances):
        attendance = Attendance(
            meeting=meeting,
            person=directory.person(item.person) if item.person else None,
            organisation=(
                directory.organisation(item.organisation, item.side) if item.organisation else None
            ),
            role=item.role,
            post=item.post,
            side=item.side,
            position=position,
        )
        # The meeting, person and organisation were just read or written: checking each
        # foreign key again would be two queries an attendance.
        attendance.full_clean(
            exclude=["meeting", "person", "organisation"],
            validate_unique=False,
            validate_constraints=False,
        )
        attendances.append(attendance)
    # With their first revision, as every other imported record has.
    bulk_create_with_history(attendances, Attendance, default_change_reason=IMPORT_REASON)
    report.readings.append(
        reading_of(
            parsed,
            document,
            record=meeting,
            series=series,
            series_matched=series_found,
            notes=notes,
            rows=[
                ReadingRow(
                    (
                        attendance.get_role_display(),
                        str(attendance.person or attendance.organisation),
                        attendance.post,
                        attendance.get_side_display(),
                    ),
                    directory.matched(attendance.person or attendance.organisation),
                )
                for attendance in attendances
            ],
        )
    )
    report.record(
        "updated" if announced is not None else "created",
        f"{where} {meeting.title!r} with {len(attendances)} attendance(s)"
        + (" (the report of the meeting announced before)" if announced is not None else ""),
        needs_review=meeting.needs_review,
    )
