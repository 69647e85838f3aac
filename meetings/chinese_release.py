"""A meeting's Chinese release fills the Chinese texts of the meeting its English one made.

The government issues each release in English and in Traditional Chinese. The Chinese one
(read by `meetings.parsing_zh`) is matched to a meeting already recorded:

* **the meeting**: the same number, held the same day (the day from 今日（…月…日）, the year
  from the publication date, as in English; a meeting recorded without its year, by the
  month and day as written); where two series have such a meeting, the one whose series
  has this Chinese name; and never a meeting whose series has a Chinese name unlike this
  one (another body's meeting of the same number and day);
* **its people and bodies**: within each role and side (the Hong Kong co-chair, the
  Shenzhen bodies represented, the bodies that briefed), first any whose Chinese name is
  already this one; the rest in the order both releases list them, when both list as
  many and each pair's kind agrees (a Bureau is a 局, a Department a 署, 處 or 局, a
  Limited a 公司); otherwise they are left. Pairs matched by order are listed in the
  meeting's review note, for an editor to confirm.

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
from difflib import SequenceMatcher

from django.db.models import Q

from importing.documents import IMPORT_REASON, ImportReport, SeedDocument, SeedError
from meetings.models import Attendance, Meeting, MeetingSeries, Organization, Person, Role
from meetings.parsing import ParsedAttendance, ParsedMeeting, ParseError
from meetings.parsing_zh import is_chinese, parse_chinese, publication_date
from meetings.services import import_meeting_release, meeting_date
from publishing.dating import DatePrecision
from translations.languages import TRADITIONAL, normalise

_ABBREVIATION_DEFINED_RE = re.compile(
    r"(?P<name>[^，。、：；（）「」\s]{2,40}?)（(?P<abbreviation>[^（），。、]{2,10})）"
)
# Words before a body's name in a sentence ("…還包括發展局和", "支持…以及"): not its name.
_BEFORE_NAME_RE = re.compile("包括|以及|出席|支持|推展|聽取了?|與|和|的|由")
_ORG_NAME_END = re.compile(r"(?:局|署|處|海關|委員會|辦公室|政府|公司|部|廳|會|院|中心)$")
# The kind of body an English name says, and how a Chinese name of that kind ends.
KIND_ENDINGS = {
    "bureau": ("局",),
    "department": ("署", "處", "局", "海關"),
    "commission": ("委員會", "署", "局"),
    "office": ("辦公室", "處", "署"),
    "limited": ("公司",),
    "ltd": ("公司",),
    "company": ("公司",),
    "corporation": ("公司",),
    "government": ("政府",),
    "council": ("會",),
}
SAME_SERIES = 0.75  # how alike two Chinese names of a series must be to be one series


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
    """The short forms of bodies a Chinese release defines: 港深創科園公司 ->
    港深創新及科技園有限公司 (a name as a body's ends; the words before it in the sentence
    left out)."""
    found = {}
    for match in _ABBREVIATION_DEFINED_RE.finditer(text):
        name = _BEFORE_NAME_RE.split(match["name"])[-1]
        if len(name) >= 4 and _ORG_NAME_END.search(name):
            found[match["abbreviation"]] = name
    return found


def kinds_agree(english: str, chinese: str) -> bool:
    """Whether an English body's name and a Chinese one may name the same body: its kind
    (the last word before " of …") ends the Chinese as that kind does; unknown kinds agree."""
    head = english.split(" of ")[0].rstrip(".").split()
    kind = head[-1].lower() if head else ""
    endings = KIND_ENDINGS.get(kind)
    bare = re.sub("（[^）]*）$", "", chinese)
    return endings is None or bare.endswith(endings)


def _expanded(item: ParsedAttendance, short_forms: dict[str, str]) -> ParsedAttendance:
    organisation = item.organisation
    if organisation is None or organisation.name not in short_forms:
        return item
    full = type(organisation)(short_forms[organisation.name], organisation.name)
    return type(item)(item.role, item.side, item.post, item.person, full)


class NotMatched(Exception):
    """Why a Chinese release was matched to no meeting, in an operator's words."""


def same_series(recorded: str, read: str) -> bool:
    """Two Chinese names of one series: equal, or alike (河套區港深創新及科技園發展聯合專責小組,
    落馬洲河套港深創新及科技園發展聯合專責小組), as the government renames a body a little."""
    return recorded == read or SequenceMatcher(None, recorded, read).ratio() >= SAME_SERIES


def find_meeting(parsed: ParsedMeeting, published_on) -> Meeting:
    """The meeting recorded that this Chinese release describes (see the module), or
    NotMatched saying why there is none."""
    if parsed.number is None:
        raise NotMatched("its meeting's number was not read")
    date, _notes = meeting_date(parsed, published_on)
    same = Meeting.objects.filter(number=parsed.number).select_related("series")
    if date.is_known:
        same = same.filter(
            Q(date_precision=DatePrecision.DAY, date_start=date.start)
            | Q(date_start__isnull=True, stated_month=date.start.month, stated_day=date.start.day)
        )
    elif parsed.month and parsed.day:
        raise NotMatched(
            "its publication date is not known (no date after 完, none in seeds/sources.csv or "
            "--published-on), so neither is the year of the meeting"
        )
    else:
        raise NotMatched("the day of the meeting was not read")
    found = [
        meeting
        for meeting in same.order_by("pk")
        if not (meeting.series and meeting.series.name_zh_hant)
        or same_series(meeting.series.name_zh_hant, parsed.series)
    ]
    if len(found) > 1:
        found = [m for m in found if m.series and m.series.name_zh_hant == parsed.series]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotMatched(
            f"no meeting recorded is the {parsed.number}th of this series held on "
            f"{date.display}: import the English release of the meeting first, and this one "
            "then fills its Chinese texts"
        )
    raise NotMatched(
        f"{len(found)} recorded meetings have its number and date; an editor adds its Chinese "
        "texts to the right one"
    )


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
        in_order = list(zip(candidates, rest, strict=False))
        if len(rest) == len(candidates) and all(_agree(a, item) for a, item in in_order):
            pairs += in_order
            if len(rest) > 1:
                matched = "; ".join(
                    f"{a.person or a.organisation} = {_parsed_name(i)}" for a, i in in_order
                )
                notes.append(f"Matched by their order in both releases (please check): {matched}.")
        elif rest:
            names = "、".join(_parsed_name(item) for item in rest)
            notes.append(
                f"Not matched with the {len(candidates)} recorded ({_group_words(key)}), so "
                f"their Chinese names are not filled: {names}."
            )
    return pairs


def _agree(attendance: Attendance, item: ParsedAttendance) -> bool:
    if attendance.organisation and item.organisation:
        return kinds_agree(attendance.organisation.name, item.organisation.name)
    return bool(attendance.person) == bool(item.person)


GROUP_WORDS = {
    Role.CO_CHAIR: "co-chairs",
    Role.ATTENDEE: "officials named",
    Role.REPRESENTATIVE: "bodies represented",
    Role.BRIEFER: "bodies that briefed",
}


def _group_words(key: tuple) -> str:
    role = GROUP_WORDS[key[0]]
    return f"{role}, {key[1]} side" if len(key) > 1 and key[1] else role


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
    """A meeting release in English (meetings.services) or in Chinese (this module): as
    seeds/sources.csv says (`language` zh-hant), or as its text is written."""
    if normalise(document.language) == TRADITIONAL or is_chinese(document.text):
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
    try:
        meeting = find_meeting(parsed, published_on)
    except NotMatched as why:
        report.conflict(
            f"{where}: the Chinese release of “{parsed.title}” was not imported: {why}."
        )
        return
    notes = list(parsed.review_notes)
    if meeting.series and meeting.series.name_zh_hant not in ("", parsed.series):
        notes.append(
            f"The Chinese release names the series “{parsed.series}”; it is recorded as "
            f"“{meeting.series.name_zh_hant}”."
        )
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
            given = "; ".join(f"{v}" for k, v in fill.values.items() if k.endswith("_zh_hant"))
            waiting.append(f"{fill.label}: {given[:120]}")
            continue
        for name, value in fill.values.items():
            setattr(fill.obj, name, value)
        # As the English importer does: the values fit their fields (lengths, choices).
        fill.obj.clean_fields(
            exclude=[f.name for f in fill.obj._meta.fields if f.name not in fill.values]
        )
        fill.obj._change_reason = f"{IMPORT_REASON} (Chinese release {document.name})"
        fill.obj.save(update_fields=[*fill.values, *_audit_fields(fill.obj)])
        written += 1
    if waiting:
        report.conflict(
            f"{where}: “{meeting.title}” is published, and an import changes nothing live: "
            f"nothing of this release was saved for {'; '.join(dict.fromkeys(waiting))}. An "
            "editor adds these Chinese texts on the change forms, and a publisher publishes them."
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
