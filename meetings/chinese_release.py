"""A meeting's Chinese release fills the Chinese texts of the meeting its English one made.

The government issues each release in English and in Traditional Chinese. The Chinese one
(read by `meetings.parsing_zh`) is matched to a meeting already recorded:

* **the meeting**: the same number, held the same day (the day from 今日（…月…日）, the year
  from the publication date, as in English); where two series have such a meeting, the
  one whose series has this Chinese name;
* **its people and bodies**: within each role and side (the Hong Kong co-chair, the
  Shenzhen bodies represented, the bodies that briefed), first any whose Chinese name is
  already this one; the rest in the order both releases list them, when both list as
  many; otherwise they are left, and the review note says so.

What it fills is only what is empty: a Chinese text an editor wrote is never replaced (a
different one is reported). Nothing live changes: for a published meeting, its series,
people or bodies shown by a published meeting, the import reports what the release gives
and an editor adds it through review. A Chinese release of a meeting not recorded yet is
reported, not imported: its English release comes first, so that no meeting exists
twice, once in each language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Q

from importing.documents import IMPORT_REASON, ImportReport, SeedDocument, SeedError
from meetings.models import Attendance, Meeting, MeetingSeries, Organization, Person, Role
from meetings.parsing import ParsedAttendance, ParsedMeeting, ParseError
from meetings.parsing_zh import is_chinese, parse_chinese, publication_date
from meetings.services import import_meeting_release, meeting_date
from publishing.dating import DatePrecision

_ABBREVIATION_DEFINED_RE = re.compile(
    r"(?:^|[，。、：；「」\s])(?:以及|和|與|及|的)?(?P<name>[^，。、：；（）「」\s]{2,40}?)"
    r"（(?P<abbreviation>[^（），。]{2,10})）"
)


@dataclass
class Fill:
    """What the release gives one object: the fields to fill, and those that differ."""

    obj: object
    label: str
    values: dict[str, str] = field(default_factory=dict)
    differences: list[str] = field(default_factory=list)

    def offer(self, name: str, value: str) -> None:
        if not value:
            return
        current = getattr(self.obj, name)
        if not current:
            self.values[name] = value
        elif current != value:
            self.differences.append(f"{self.label}: “{current}” kept (the release: “{value}”)")


def abbreviations(text: str) -> dict[str, str]:
    """The short forms a Chinese release defines: 港深創科園公司 -> 港深創新及科技園有限公司."""
    return {m["abbreviation"]: m["name"] for m in _ABBREVIATION_DEFINED_RE.finditer(text)}


def _expanded(item: ParsedAttendance, short_forms: dict[str, str]) -> ParsedAttendance:
    organisation = item.organisation
    if organisation is None or organisation.name not in short_forms:
        return item
    full = type(organisation)(short_forms[organisation.name], organisation.name)
    return type(item)(item.role, item.side, item.post, item.person, full)


def find_meeting(parsed: ParsedMeeting, published_on) -> list[Meeting]:
    """The meetings recorded that this Chinese release may describe (see the module)."""
    if parsed.number is None:
        return []
    date, _notes = meeting_date(parsed, published_on)
    same = Meeting.objects.filter(number=parsed.number).select_related("series")
    if date.is_known:
        same = same.filter(date_precision=DatePrecision.DAY, date_start=date.start)
    elif parsed.month and parsed.day:
        same = same.filter(
            Q(stated_month=parsed.month, stated_day=parsed.day)
            | Q(date_start__month=parsed.month, date_start__day=parsed.day)
        )
    else:
        return []
    found = list(same.order_by("pk"))
    if len(found) > 1:
        named = [m for m in found if m.series and m.series.name_zh_hant == parsed.series]
        return named or found
    return found


def _group(role: str, side: str) -> tuple:
    return (role,) if role == Role.BRIEFER else (role, side)


def _chinese_name_of(attendance: Attendance) -> str:
    who = attendance.person or attendance.organisation
    return who.name_zh_hant if who else ""


def _parsed_name(item: ParsedAttendance) -> str:
    return item.person.name if item.person else item.organisation.name


def match_attendances(meeting: Meeting, parsed: ParsedMeeting, short_forms, notes: list[str]):
    """[(attendance, parsed item)] for the attendances the release can be matched with."""
    recorded: dict[tuple, list[Attendance]] = {}
    for attendance in meeting.attendances.select_related("person", "organisation"):
        recorded.setdefault(_group(attendance.role, attendance.side), []).append(attendance)
    read: dict[tuple, list[ParsedAttendance]] = {}
    for item in parsed.attendances:
        read.setdefault(_group(item.role, item.side), []).append(_expanded(item, short_forms))
    pairs = []
    for key, items in read.items():
        candidates = list(recorded.get(key, []))
        rest = []
        for item in items:
            same = [a for a in candidates if _chinese_name_of(a) == _parsed_name(item)]
            if same:
                pairs.append((same[0], item))
                candidates.remove(same[0])
            else:
                rest.append(item)
        if len(rest) == len(candidates):
            pairs += zip(candidates, rest, strict=True)
        elif rest:
            names = "、".join(_parsed_name(item) for item in rest)
            notes.append(
                f"The Chinese release lists {len(rest)} {' '.join(key)} not matched in order "
                f"with the {len(candidates)} recorded: {names}."
            )
    return pairs


def fills_for(meeting: Meeting, parsed: ParsedMeeting, text: str, notes: list[str]) -> list[Fill]:
    """Everything the release gives, object by object."""
    fills = []
    fill = Fill(meeting, f"meeting “{meeting.title}”")
    fill.offer("title_zh_hant", parsed.title)
    fill.offer("place_zh_hant", parsed.place)
    fill.offer("summary_zh_hant", parsed.summary)
    fill.offer("full_text_zh_hant", parsed.full_text)
    fills.append(fill)
    if meeting.series:
        fill = Fill(meeting.series, f"series “{meeting.series.name}”")
        fill.offer("name_zh_hant", parsed.series)
        fills.append(fill)
    for attendance, item in match_attendances(meeting, parsed, abbreviations(text), notes):
        if item.post:
            fill = Fill(attendance, f"post of {attendance.person or attendance.organisation}")
            fill.offer("post_zh_hant", item.post)
            fills.append(fill)
        if attendance.person and item.person:
            fill = Fill(attendance.person, f"person “{attendance.person}”")
            fill.offer("name_zh_hant", item.person.name)
            fill.offer("honorific_zh_hant", item.person.honorific)
            fills.append(fill)
        if attendance.organisation and item.organisation:
            fill = Fill(attendance.organisation, f"body “{attendance.organisation.name}”")
            fill.offer("name_zh_hant", item.organisation.name)
            fill.offer("abbreviation_zh_hant", item.organisation.abbreviation)
            fills.append(fill)
    return fills


def _live_objects(fills: list[Fill]) -> set[tuple[type, int]]:
    """Of what the release would fill, what readers see now or from a scheduled moment
    (a live meeting with its attendances; series, people and bodies a live meeting shows):
    changes to it go through review, never through an import."""
    pks: dict[type, set[int]] = {}
    for fill in fills:
        pks.setdefault(type(fill.obj), set()).add(fill.obj.pk)
    live = set()
    for model in (Meeting, MeetingSeries, Person, Organization):
        if model in pks:
            found = model.objects.live().filter(pk__in=pks[model]).values_list("pk", flat=True)
            live |= {(model, pk) for pk in found}
    if pks.get(Attendance):
        live_meetings = Meeting.objects.live()
        found = Attendance.objects.filter(pk__in=pks[Attendance], meeting__in=live_meetings)
        live |= {(Attendance, pk) for pk in found.values_list("pk", flat=True)}
    return live


def import_release(document: SeedDocument, report: ImportReport, *, publish=False):
    """A meeting release in English (meetings.services) or in Chinese (this module)."""
    if is_chinese(document.text):
        import_chinese_release(document, report, publish=publish)
    else:
        import_meeting_release(document, report, publish=publish)


def import_chinese_release(document: SeedDocument, report: ImportReport, *, publish=False):
    """Fill the Chinese texts of the meeting (and its series, people and bodies) that this
    Chinese release describes; see the module for how it is matched."""
    where = str(document.path)
    try:
        parsed = parse_chinese(document.text)
    except ParseError as error:
        raise SeedError(document.path, error.message, error.line) from None
    published_on = document.published_on or publication_date(document.text)
    found = find_meeting(parsed, published_on)
    if len(found) != 1:
        why = (
            "no meeting recorded has its number and date: import the English release of "
            "the meeting first, and this one then fills its Chinese texts"
            if not found
            else f"{len(found)} recorded meetings have its number and date; an editor adds "
            "its Chinese texts to the right one"
        )
        report.conflict(
            f"{where}: the Chinese release of “{parsed.title}” was not imported: {why}."
        )
        return
    [meeting] = found
    notes = list(parsed.review_notes)
    fills = fills_for(meeting, parsed, document.text, notes)
    differences = [difference for fill in fills for difference in fill.differences]
    if differences or notes:  # for the meeting's reviewer, with its revision
        note = " ".join([*notes, *(f"{difference}." for difference in differences)])
        fills[0].values |= {"needs_review": True, "review_note": _joined(meeting.review_note, note)}
    live = _live_objects(fills)
    written, waiting = 0, []
    for fill in fills:
        if not fill.values:
            continue
        if (type(fill.obj), fill.obj.pk) in live:
            if fill.label not in waiting:
                waiting.append(fill.label)
            continue
        for name, value in fill.values.items():
            setattr(fill.obj, name, value)
        fill.obj._change_reason = f"{IMPORT_REASON} (Chinese release {document.name})"
        fill.obj.save(update_fields=[*fill.values, *_audit_fields(fill.obj)])
        written += 1
    if waiting:
        report.conflict(
            f"{where}: “{meeting.title}” is published: the Chinese texts its release gives "
            f"({'; '.join(waiting)}) wait for an editor, who adds them through review."
        )
    if differences:
        report.conflict(f"{where}: Chinese texts kept as edited: {'; '.join(differences)}.")
    report.record(
        "updated" if written else "unchanged",
        f"{where}: the Chinese release of {meeting.title!r}: {written} record(s) given their "
        "Chinese texts",
        needs_review=bool(differences or notes),
    )


def _audit_fields(obj) -> list[str]:
    return [name for name in ("updated_at",) if any(f.name == name for f in obj._meta.fields)]


def _joined(existing: str, note: str) -> str:
    return f"{existing} {note}".strip() if note not in existing else existing
