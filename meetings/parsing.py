"""Read HKSAR Government press releases about co-chaired cross-boundary meetings.

Pure standard library, no Django. Rule number one: never invent. What can be read for certain
is returned; what cannot is left empty and explained in ``review_notes``.

Before reading, the text is normalised: non-breaking and other odd spaces become plain spaces,
typographic quotes become ASCII quotes (’ -> ', “ ” -> "), and runs of whitespace collapse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from publishing.words import MONTH_NAMES, normalise_space

ROLE_CO_CHAIR = "co-chair"
ROLE_ATTENDEE = "attendee"
ROLE_REPRESENTATIVE = "representative"
ROLE_BRIEFER = "briefer"
SIDE_HONG_KONG = "Hong Kong"
SIDE_SHENZHEN = "Shenzhen"
SIDE_GUANGDONG = "Guangdong"
SIDE_MAINLAND = "Mainland"
SIDE_UNKNOWN = ""
MODE_IN_PERSON = "in_person"
MODE_VIDEO = "video"
MODE_UNKNOWN = ""


class ParseError(ValueError):
    """The one documented error: the text is not a readable meeting release."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return self.message if self.line is None else f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ParsedPerson:
    honorific: str
    name: str


@dataclass(frozen=True)
class ParsedOrganisation:
    name: str
    abbreviation: str = ""


@dataclass(frozen=True)
class ParsedAttendance:
    role: str
    side: str
    post: str = ""
    person: ParsedPerson | None = None
    organisation: ParsedOrganisation | None = None


@dataclass(frozen=True)
class ParsedMeeting:
    title: str
    series: str
    number: int | None
    month: int | None
    day: int | None
    place: str
    mode: str
    summary: str
    full_text: str
    attendances: tuple[ParsedAttendance, ...]
    review_notes: tuple[str, ...] = ()
    headline: str = ""  # as the release has it, its photo suffix removed; "" when it has none
    parent_series: str = ""  # the body a sub-body works under ("... under the Task Force")
    announced: bool = False  # the release announces the meeting, to be held
    on_publication_day: bool = False  # dated "today" alone: the day the release was issued
    date_phrase: str = ""  # where the date was read: "today (August 30)", "today"

    @property
    def needs_review(self) -> bool:
        return bool(self.review_notes)


# --- Text normalisation and document structure -------------------------------------------------

_REPLACEMENTS = {
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u3000": " ", "\t": " ",
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\u2010": "-", "\u2011": "-", "\u200b": "", "\ufeff": "",
}  # fmt: skip
# One regular expression over the text: str.translate with a mapping looks up every
# character in Python (half a millisecond for a release; re-importing 1,000 spent 1 s here).
_REPLACE_RE = re.compile("[" + "".join(_REPLACEMENTS) + "]")


def _normalise_characters(text: str) -> str:
    return _REPLACE_RE.sub(lambda match: _REPLACEMENTS[match.group()], text)


_ASTERISKS_RE = re.compile(r"^\s*\*[\s*]*$")
_TRAILER_RE = re.compile(
    r"^\s*(?:(?:(?:Photo|Video)\s*)+|Ends(?:\s*/.*)?|Issued at HKT.*|NNNN)$", re.I
)
_TITLE_SUFFIX_RE = re.compile(
    r"\s*\((?:with\s+)?(?:photos?|videos?)(?:\s*(?:/|&|and)\s*(?:photos?|videos?))*\)\s*$", re.I
)
_SENTENCE_SPLIT_RE = re.compile(
    r"(?:(?<=[.!?])|(?<=[.!?][\"']))(?<!\bMr\.)(?<!\bMs\.)(?<!\bMrs\.)(?<!\bDr\.)(?<!\bProf\.)"
    r"(?<!\bNo\.)\s+(?=[\"'(]?[A-Z0-9])"
)
_TIMELINE_RE = re.compile(
    r"(?:^\S[^\n]*[.!?][\"']?[ \t]*\n){3}", re.M
)  # 3 flush lines, 3 sentences
_MEETING_WORD_RE = re.compile(r"\b(?:meeting|conference)s?\b", re.I)
_MEETING_VERB_RE = re.compile(
    r"\b(?:co-chair(?:ed|s|ing)?|chaired|held|holds?|convened|led|leads?|leading)\b", re.I
)


@dataclass(frozen=True)
class _Document:
    headline: str
    paragraphs: tuple[tuple[int, str], ...]  # (1-based first line, normalised text)


def _is_indented(line: str) -> bool:
    return len(line) - len(line.lstrip(" ")) >= 2


def _split_document(text: str) -> _Document:
    """Find the headline and the body paragraphs; raise ParseError if there are none."""
    lines = _normalise_characters(text).splitlines()
    start = next(
        (i for i, line in enumerate(lines) if line.strip() and not _ASTERISKS_RE.match(line)), None
    )
    if start is None:
        raise ParseError("the text is empty" if not text.strip() else "no headline found", 1)
    # A release pasted from a web page may come without its headline: its first line is
    # then the lead (indented, or a whole sentence), and the title is made from the body.
    first_line = lines[start].strip()
    has_headline = not (
        _is_indented(lines[start]) or len(first_line) > 250 or first_line.endswith((".", '."'))
    )
    body_start = start + 1 if has_headline else start
    end = len(lines)
    while end > start + 1 and (not lines[end - 1].strip() or _TRAILER_RE.match(lines[end - 1])):
        end -= 1
    paragraphs: list[tuple[int, str]] = []
    first, current = 0, []
    for number, line in enumerate(lines[body_start:end], start=body_start + 1):
        blank = not line.strip() or _ASTERISKS_RE.match(line)
        if current and (blank or _is_indented(line)):
            paragraphs.append((first, normalise_space(" ".join(current))))
            current = []
        if not blank:
            first = number if not current else first
            current.append(line)
    if current:
        paragraphs.append((first, normalise_space(" ".join(current))))
    if not paragraphs:
        raise ParseError("the headline is not followed by any body text", start + 1)
    headline = normalise_space(lines[start]) if has_headline else ""
    return _Document(headline, tuple(paragraphs))


def _sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE_SPLIT_RE.split(paragraph) if s]


# --- Recognition ---------------------------------------------------------------------------------


def looks_like_meeting_release(text: str) -> bool:
    """Cheap check: a short headline and a lead that speak of a co-chaired/held/led meeting."""
    if not isinstance(text, str):
        return False
    try:
        doc = _split_document(text)
    except ParseError:
        return False
    if _TIMELINE_RE.search(text) and not release_signs(text):
        return False
    words = doc.headline + " " + _sentences(doc.paragraphs[0][1])[0]
    return bool(_MEETING_WORD_RE.search(words) and _MEETING_VERB_RE.search(words))


_WHEN_WORDS_RE = re.compile(
    r"\b(?:today|yesterday|tonight|this (?:morning|afternoon|evening))\b", re.I
)
_ENDS_RE = re.compile(r"^[ \t]*(?:Ends[ \t]*/|Issued at HKT)", re.I | re.M)
# Bounded (at most 200 characters between the verb and the meeting), so that no text can
# make the search slow.
_ANNOUNCES_RE = re.compile(
    r"\bwill\s+(?:attend|co-chair|chair|hold|lead|be\s+(?:co-)?chaired\s+by)\b[^.\n]{0,200}?"
    r"\b(?:meeting|conference|forum)\b",
    re.I,
)
_MEETING_TALK_RE = re.compile(
    r"\b(?:meeting|conference|forum|co-chair\w*|delegations?)\b|\b(?:today|yesterday)\s*\(",
    re.I,
)


def release_signs(text: str) -> list[str]:
    """What shows a text to be a press release, which a timeline never has: its lead tells
    when ("today", "today (August 30)"), it announces a meeting ("will attend the first
    meeting of ..."), or it ends as releases do ("Ends/Friday, August 30, 2024")."""
    if not isinstance(text, str):
        return []
    text = _normalise_characters(text)
    blocks = [block for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]
    lead = " ".join(blocks[:2])  # the headline and the lead, or the lead and the next
    signs = []
    # "Today" where a meeting is spoken of ("co-chaired ... today", "today (August 30)"):
    # a timeline may well say "Today, the Loop is home to ...".
    for sentence in _sentences(normalise_space(lead)):
        when = _WHEN_WORDS_RE.search(sentence)
        if when and _MEETING_TALK_RE.search(sentence):
            signs.append(f"its lead says when, as a release does (“{when.group().lower()}”)")
            break
    if _ANNOUNCES_RE.search(lead):
        signs.append("it announces a meeting (“will attend … meeting”)")
    if _ENDS_RE.search(text):
        signs.append("it ends as a release does (“Ends/…” or “Issued at HKT”)")
    return signs


# --- Ordinals, dates, places ---------------------------------------------------------------------

_UNITS = "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"
_TEENS = "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORDINAL_WORDS = {w: i + 1 for i, w in enumerate(f"{_UNITS} {_TEENS}".split())}
_ORDINAL_WORDS |= {t[:-1] + "ieth": 20 + 10 * i for i, t in enumerate(_TENS)}
_ORDINAL_WORDS |= {  # "twenty-first", "thirty second", ...
    f"{t}{sep}{u}": 20 + 10 * i + j + 1
    for i, t in enumerate(_TENS)
    for j, u in enumerate(_UNITS.split()[:9])
    for sep in "- "
}
_ORDINAL = r"(?i:\d{1,3}(?:st|nd|rd|th)|" + "|".join(sorted(_ORDINAL_WORDS, key=len)[::-1]) + r")\b"
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MONTH = r"(?P<month>" + "|".join(MONTH_NAMES) + ")"
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
_DATE_RES = (
    re.compile(
        rf"\b(?:today|yesterday|tonight|this (?:morning|afternoon|evening))\s*\(\s*{_WEEKDAY}"
        rf"{_MONTH}\s+(?P<day>\d{{1,2}})\s*\)"
    ),
    re.compile(rf"\bon\s+{_WEEKDAY}{_MONTH}\s+(?P<day>\d{{1,2}})\b"),
    re.compile(rf"\bon\s+{_WEEKDAY}(?P<day>\d{{1,2}})\s+{_MONTH}\b"),
)
_PLACE_RE = re.compile(  # "in the Loop" is part of a series name, never a place
    r"\b(?:in\s+(?!the\b)|at\s+(?:the\s+)?)"
    r"(?P<place>[A-Z][\w'-]*(?:\s+(?:of\s+|and\s+)?[A-Z][\w'-]*)*)"
)
_VIDEO_RE = re.compile(r"\b(?:via|by|through)\s+video[- ]?(?:conferenc(?:e|ing)|link)\b", re.I)


def _ordinal_value(word: str) -> int | None:
    """11 from "11th", 9 from "ninth", 21 from "twenty-first"; None for "0th"."""
    word = word.lower()
    return (int(word[:-2]) or None) if word[:1].isdigit() else _ORDINAL_WORDS.get(word)


def _date_phrase(text: str):
    """The earliest date phrase ("today (August 30)", "on February 9"), or None."""
    matches = [m for pattern in _DATE_RES if (m := pattern.search(text))]
    return min(matches, key=lambda m: m.start()) if matches else None


def _read_date(text: str) -> tuple[int, int] | None:
    """(month, day) of the earliest date phrase, or None; validates the day of the month."""
    match = _date_phrase(text)
    if match is None:
        return None
    month = MONTH_NAMES.index(match["month"]) + 1
    day = int(match["day"])
    return (month, day) if 1 <= day <= _DAYS_IN_MONTH[month - 1] else None


def _read_place(tail: str) -> str:
    """The first "in X" / "at the X" before the clause ends; never "in the Loop" or a month."""
    window = re.split(r"[,;]|\.(?:\s|$)", tail, maxsplit=1)[0]
    for match in _PLACE_RE.finditer(window):
        if match["place"].split()[0] not in MONTH_NAMES:
            return match["place"]
    return ""


# --- The meeting phrase in the lead ------------------------------------------------------------

_SERIES_END = (
    r"(?=\s+(?:in\s+(?!the\b)[A-Z]|at\s+[A-Z]|at\s+the\s+[A-Z]|today\b|yesterday\b|tonight\b|"
    r"this\s+(?:morning|afternoon|evening)\b|on\s+(?:[0-9]|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|"
    r"Sun)day\b|(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\b)|via\b|by\s+video|through\s+video|"
    r"held\b|was\b|were\b|which\b|where\b|that\b|to\s+[a-z])|\s*[,;(]|\.(?:\s|$)|$)"
)
_MEETING_PATTERNS = (
    re.compile(
        rf"\b(?:[Tt]he|its)\s+(?:(?P<ord>{_ORDINAL})\s+)?(?:plenary\s+)?meeting\s+of\s+(?:the\s+)?"
        rf"(?P<series>[A-Z].*?){_SERIES_END}"
    ),
    re.compile(  # "the first meeting of a joint task force on ..." (named in lower case)
        rf"\b(?:[Tt]he|its)\s+(?:(?P<ord>{_ORDINAL})\s+)?meeting\s+of\s+an?\s+"
        rf"(?P<series>[a-z][\w'/&-]*(?:\s+[\w'/&-]+)*?){_SERIES_END}"
    ),
    re.compile(
        rf"(?:^|,\s+)(?:[Tt]he\s+)?(?P<series>[A-Z][^,;.]*?)\s+(?:held|holds|convened)\s+its\s+"
        rf"(?:(?P<ord>{_ORDINAL})\s+)?(?:plenary\s+)?meeting\b"
    ),
    re.compile(
        rf"\b(?:co-chaired|chaired|attended|attend|to|at)\s+the\s+(?:(?P<ord>{_ORDINAL})\s+)?"
        r"(?P<series>[A-Z][\w'/&-]*(?:\s+(?:[A-Z][\w'/&-]*|of|on|and|the|for))*?\s+"
        r"(?:Meeting|Conference|Plenary|Forum)(?:\s+\d{4})?)\b"
    ),
)


_SMALL_WORDS = {"a", "an", "and", "for", "in", "of", "on", "the", "to", "under", "with"}
_UNDER_RE = re.compile(r"\s+under\s+the\s+(?=[A-Z])")


def _capitalised(name: str) -> str:
    """A body named in lower case ("a joint task force on wetland conservation") as its name
    is written: "Joint Task Force on Wetland Conservation"."""
    words = name.split()
    return " ".join(
        word if (i and word in _SMALL_WORDS) or word[:1].isupper() else word[:1].upper() + word[1:]
        for i, word in enumerate(words)
    )


def _find_meeting(sentence: str) -> tuple[str, int | None, str] | None:
    """(series, number, rest of the sentence) if the lead sentence names a meeting."""
    for pattern in _MEETING_PATTERNS:
        match = pattern.search(sentence)
        if match:
            series = normalise_space(match["series"]).rstrip(" .,")
            if series[:1].islower():  # "a joint task force on ...", named in lower case
                series = _capitalised(series)
            number = _ordinal_value(match["ord"]) if match["ord"] else None
            return series, number, sentence[match.end() :]
    return None


_BODY_WORD_RE = re.compile(
    r"\b(?:Task Force|Working Group|Group|Committee|Commission|Council|Conference|Forum|"
    r"Meeting|Panel|Board)\b"
)


def _split_parent(series: str) -> tuple[str, str]:
    """("Working Group on X", "Task Force on Y") from "Working Group on X under the Task
    Force on Y"; (series, "") for a body under none, or under what is not a body ("...
    under the Framework Agreement on ...")."""
    parts = _UNDER_RE.split(series, maxsplit=1)
    if len(parts) == 2 and _BODY_WORD_RE.search(parts[1]):
        return parts[0], parts[1]
    return series, ""


def series_key(name: str) -> str:
    """What two spellings of one body share: "Hong Kong/Shenzhen Innovation & Technology
    Park" and "Hong Kong-Shenzhen Innovation and Technology Park" are one park."""
    name = name.lower().replace("&", " and ")
    name = re.sub(r"[/\-–]", " ", name)
    name = re.sub(r"\s+in\s+the\s+loop$", "", name)  # the park "in the Loop" is the park
    return " ".join(word for word in re.findall(r"[\w']+", name) if word != "the")


def _ordinal_suffix(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


_TODAY_ALONE_RE = re.compile(
    r"\btoday\b(?!\s*[(,]\s*(?:\(|(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December)\b))(?!\s*\()",
    re.I,
)
_NAMED_MEETING_RE = re.compile(r"\b(?:Meeting|Conference|Plenary|Forum)(?:\s+\d{4})?$")


def editor_title(series: str, number: int | None, headline: str = "") -> str:
    """The title an editor writes: "11th meeting of the Joint Task Force on ...". A body
    whose name says meeting ("... Co-operation Meeting") keeps its headline, if it has one."""
    if not series:
        return headline
    nth = f"{number}{_ordinal_suffix(number)}" if number is not None else ""
    if _NAMED_MEETING_RE.search(series):
        return headline or " ".join(filter(None, [nth, series]))
    return f"{nth} meeting of the {series}" if nth else f"Meeting of the {series}"


# --- People, posts and sides ---------------------------------------------------------------------

_PERSON_RE = re.compile(
    r"\b(?P<hon>Mrs|Mr|Ms|Miss|Dr|Professor|Prof|Ir|Sir)\b\.?\s+"
    r"(?P<name>[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,4})"
)
_POST_CUT_RE = re.compile(r"\b(?:included|including|includes|with|were|was|by)\s+")
_TITLE_RE = re.compile(
    r"\b(?:(?:Acting|Deputy|Vice|Executive|Permanent|Under|Assistant|Principal|Political|Party|"
    r"Senior)\s+)*(?:Chief Executive|Chief Secretary|Financial Secretary|Secretary|Vice-Mayor|"
    r"Mayor|Vice-Governor|Governor|Director-General|Director|Commissioner|Chairman|Chairperson|"
    r"Chairwoman|Chair|Head|Minister|President|Controller|Commander|Member|Chief|Deputy)\b"
)
_POST_SIDES = (  # checked in this order: "Director of ... Office of the State Council" is Mainland
    (re.compile(r"\bShenzhen\b"), SIDE_SHENZHEN),
    (re.compile(r"\bGuangdong\b"), SIDE_GUANGDONG),
    (re.compile(r"\b(?:Ministry|Central|State Council|National)\b"), SIDE_MAINLAND),
    (
        re.compile(
            r"^(?:Acting\s+)?(?:Chief Executive|Chief Secretary for Administration|Financial "
            r"Secretary|(?:(?:Permanent|Under|Deputy)\s+)?Secretary for|Commissioner for|"
            r"Government Chief)\b|\b(?:Hong Kong|HKSAR)\b"
        ),
        SIDE_HONG_KONG,
    ),
)
_POST_PLACE_RE = re.compile(r"\b(?:Shenzhen|Guangdong|Hong Kong)\s+$")
_SIDE_MENTION_RE = re.compile(r"\b(Hong Kong|HKSAR|Shenzhen|Guangdong|Mainland|Central)\b")
_SIDE_WORDS = {"HKSAR": SIDE_HONG_KONG, "Central": SIDE_MAINLAND}


def _read_post(segment: str) -> str:
    """The post written just before a name: "the <post>, " or "<post> "; "" if none."""
    cuts = list(_POST_CUT_RE.finditer(segment))
    segment = segment[cuts[-1].end() :] if cuts else segment
    title = _TITLE_RE.search(segment)
    if not title:
        return ""
    start = title.start()
    place = _POST_PLACE_RE.search(segment[:start])  # "Shenzhen Vice Mayor"
    post = segment[place.start() if place else start :].strip(" ,;")
    return post if len(post) <= 160 else ""


def _read_persons(text: str) -> list[tuple[ParsedPerson, str]]:
    """Every (person, post) in text, in order; the post is read from the text before the name."""
    found, start = [], 0
    for match in _PERSON_RE.finditer(text):
        post = _read_post(text[start : match.start()])
        found.append((ParsedPerson(match["hon"], match["name"]), post))
        start = match.end()
    return found


def _side_of_post(post: str) -> str:
    """Side told by a post (HKSAR releases: "Secretary for ..." is Hong Kong), else unknown."""
    return next((side for pattern, side in _POST_SIDES if pattern.search(post)), SIDE_UNKNOWN)


def _side_of_named_body(name: str) -> str:
    """The side a body's name states, in `_POST_SIDES`' order (Shenzhen, Guangdong, the
    Mainland's "State Council"), else unknown. Never Hong Kong from the name alone: "Hong
    Kong and Macao Affairs Office" is a Mainland body."""
    for pattern, side in _POST_SIDES:
        if side != SIDE_HONG_KONG and pattern.search(name):
            return side
    return SIDE_UNKNOWN


def _side_of_group(words: str) -> str:
    """Side of a group such as "Other officials from the Hong Kong side"."""
    side = re.search(r"\b(Hong Kong|Shenzhen|Guangdong|Mainland) side\b", words)
    side = side or _SIDE_MENTION_RE.search(words)
    return _SIDE_WORDS.get(side[1], side[1]) if side else SIDE_UNKNOWN


# --- Organisations and lists ---------------------------------------------------------------------

_ABBR = r"[A-Z][A-Z0-9&]*[A-Z0-9]"
_ABBR_RE = re.compile(_ABBR)
_ABBR_DEF_RE = re.compile(rf"\((?P<abbr>{_ABBR})\)")
_INLINE_ABBR_RE = re.compile(rf"(?P<name>.+?)(?:'s)?\s*\((?P<abbr>{_ABBR})\)")
_CONNECTORS = {"of", "and", "the", "for", "on", "in", "&", "de", "The"}
_ORG_NOUNS = (
    r"Department|Bureau|Office|Commission|Authority|Council|Government|Corporation|Limited|Ltd|"
    r"Company|Committee|Agency|Centre|Center|Board|Administration|Institute|University|Group|"
    r"Association|Secretariat|Ministry|Force|Police|Services?|District|Zone|Municipality|Province|"
    r"Unit|Team|Society|Bank|Exchange|Academy|Court"
)
_ORG_WORD_RE = re.compile(rf"\b(?:{_ORG_NOUNS})\b")
_ORG_END_RE = re.compile(rf"(?:\b(?:{_ORG_NOUNS})|\b{_ABBR}|\({_ABBR}\))$")
_CONJ_RE = re.compile(r",?\s+(?:and|as well as)\s+|,\s+")
_LEADING_WORDS_RE = re.compile(r"^(?:(?:and|as well as|the|The)\s+)+")
_FINAL_DOT_RE = re.compile(r"(?<!\bLtd)(?<!\bCo)(?<!\bInc)\.$")
_LIST_VERB_RE = re.compile(r"\s+(?:included|comprised|were)\s+")
_ATTENDEE_WHO_RE = re.compile(
    r"^(?:\w+\s+){0,3}?(?:officials|representatives|attendees|participants|members|attending)\b",
    re.I,
)
_REPRESENTATIVES_RE = re.compile(r"\brepresentatives\s+(?:from|of)\s+")
_BRIEF_BY_RE = re.compile(r"\bbriefed\s+by\s+(?P<items>.+?)\s+(?:on|about|regarding)\s")
_BRIEF_FROM_RE = re.compile(
    r"\bfrom\s+(?:the\s+)?(?P<org>[A-Z][^,;]*?)"
    r"(?=\s*(?:[,;]|\.(?:\s|$)|$)|\s+as well as\b|\s+and\s+(?:the\s+)?[a-z])"
)


def _collect_abbreviations(text: str) -> dict[str, str]:
    """Every "Full Name (ABBR)" definition: {"CEDD": "Civil Engineering and ... Department"}."""
    found: dict[str, str] = {}
    for match in _ABBR_DEF_RE.finditer(text):
        words: list[str] = []
        for i, word in enumerate(reversed(text[: match.start()].split()[-15:])):
            if (i and word[-1] in ",;:.()\"'") or not (word[0].isupper() or word in _CONNECTORS):
                break
            words.insert(0, word)
        while words and words[0] in _CONNECTORS:
            words.pop(0)
        while words and words[-1] in _CONNECTORS:
            words.pop()
        name = re.sub(r"'s$", "", " ".join(words))
        abbr = match["abbr"]
        if len(words) >= 2 and name[0] == abbr[0] and abbr not in found:
            found[abbr] = name
    return found


def _split_items(text: str, commas: bool) -> list[str]:
    """Split a list on "and"/"as well as" (and on commas if asked) only between whole names."""
    items, start = [], 0
    for match in _CONJ_RE.finditer(text):
        word = match.group().strip(" ,")
        if not word and not commas:
            continue
        left, right = text[start : match.start()], text[match.end() :]
        org_left = _ORG_END_RE.search(left) and right[:1].isupper()
        if word == "as well as" or right.startswith("the ") or org_left:
            items.append(left)
            start = match.end()
    items.append(text[start:])
    return items


def _split_list(text: str) -> list[str]:
    """Items of an organisation list; ";" separates items, the last one may hold "and"."""
    text = text.strip().rstrip(";,").strip()
    if ";" in text:
        *parts, last = text.split(";")
        raw = parts + _split_items(last.strip(), commas=False)
    else:
        raw = _split_items(text, commas=True)
    return [item for item in map(_clean_item, raw) if item]


def _clean_item(item: str) -> str:
    """Strip list glue: leading "and"/"as well as"/"the", trailing punctuation."""
    item = _LEADING_WORDS_RE.sub("", item.strip()).strip(" ,;")
    return _FINAL_DOT_RE.sub("", item).strip(" ,;")


def _resolve(item: str, abbrs: dict[str, str], notes: list[str]) -> ParsedOrganisation | None:
    """The organisation an item names, with full name and abbreviation where the text gives them."""
    if not item[:1].isupper() or len(item) > 150:
        notes.append(f"Could not read an organisation from {item[:80]!r}.")
        return None
    inline = _INLINE_ABBR_RE.fullmatch(item)
    if inline:
        return ParsedOrganisation(inline["name"].strip(), inline["abbr"])
    if _ABBR_RE.fullmatch(item):
        if item not in abbrs:
            notes.append(f"The abbreviation {item} is not defined in the release.")
        return ParsedOrganisation(abbrs.get(item, item), item)
    reverse = {name: abbr for abbr, name in abbrs.items()}
    return ParsedOrganisation(item, reverse.get(item, ""))


# --- Attendance sections -------------------------------------------------------------------------


def _read_attendee_sentence(
    sentence: str, abbrs: dict[str, str], notes: list[str]
) -> list[ParsedAttendance] | None:
    """Attendees and representatives from "Officials from X included ..."; None if not a list."""
    verb = _LIST_VERB_RE.search(sentence)
    if not verb or not _ATTENDEE_WHO_RE.match(sentence[: verb.start()]):
        return None
    who, items = sentence[: verb.start()], sentence[verb.end() :].strip()
    side = _side_of_group(who)
    reps = _REPRESENTATIVES_RE.search(items)
    person_text, org_text = (items[: reps.start()], items[reps.end() :]) if reps else (items, "")
    persons = _read_persons(person_text)
    if not reps and not persons:
        org_text = items
    orgs = _split_list(org_text)
    if not items.endswith((".", "!", "?")):
        dropped = orgs.pop() if orgs else persons.pop()[0].name if persons else ""
        notes.append(f"The list {who!r} appears cut off; the last item {dropped!r} was not read.")
    if side == SIDE_UNKNOWN and orgs:
        notes.append(f"Could not tell which side the representatives in {who!r} belong to.")
    result = []
    for person, post in persons:
        person_side = side or _side_of_post(post)
        if not person_side:
            notes.append(f"Could not tell the side of {person.honorific} {person.name}.")
        result.append(ParsedAttendance(ROLE_ATTENDEE, person_side, post, person=person))
    for item in orgs:
        organisation = _resolve(item, abbrs, notes)
        if organisation:
            # A side its own name states ("... of Shenzhen Municipality") when the list's
            # does not.
            body_side = side or _side_of_named_body(organisation.name)
            result.append(
                ParsedAttendance(ROLE_REPRESENTATIVE, body_side, organisation=organisation)
            )
    return result


_PARTICIPATION_RE = re.compile(
    r"\b(?:also\s+attended|attended|briefed|joined|(?:was|were)\s+present|includes?)\b"
)


def _read_participants(sentence: str, notes: list[str]) -> list[ParsedAttendance]:
    """Officials named at the meeting outside a list: "X, Y and officials from other
    bureaus also attended", "The Hong Kong delegation includes X and Y", "The Commissioner
    ..., Ms Z, briefed the meeting"."""
    verb = _PARTICIPATION_RE.search(sentence)
    if not verb:
        return []
    before = sentence[: verb.start()]
    side_hint = _side_of_group(before) if re.search(r"\bdelegation\b", before) else ""
    result = []
    for person, post in _read_persons(sentence):
        side = side_hint or _side_of_post(post)
        if not side:
            notes.append(f"Could not tell the side of {person.honorific} {person.name}.")
        result.append(ParsedAttendance(ROLE_ATTENDEE, side, post, person=person))
    return result


def _read_briefers(sentence: str, abbrs: dict[str, str], notes: list[str]) -> list[str]:
    """Organisation items that briefed the meeting ("briefed by X on", "briefed on ... from X")."""
    if not re.search(r"\bbriefed\b", sentence):
        return []
    by_form = _BRIEF_BY_RE.search(sentence)
    items = _split_list(by_form["items"]) if by_form else []
    for match in _BRIEF_FROM_RE.finditer(sentence):
        org = match["org"].strip()
        if _ORG_WORD_RE.search(org) or _ABBR_RE.fullmatch(org) or _ABBR_DEF_RE.search(org):
            items.append(org)
    return items


# --- Assembling the result -----------------------------------------------------------------------


def parse_meeting_release(text: str) -> ParsedMeeting:
    """Read a meeting release; ParseError (with .line) if it is not one. Never invents."""
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    try:
        return _parse(text)
    except ParseError:
        raise
    except Exception as exc:  # the contract: ParseError is the only error for any string
        raise ParseError(f"internal error while reading the release: {exc!r}") from exc


def _parse(text: str) -> ParsedMeeting:
    doc = _split_document(text)
    lead_line, lead = doc.paragraphs[0]
    sentences = _sentences(lead)
    meeting = _find_meeting(sentences[0])
    if meeting is None:
        raise ParseError("the lead sentence does not name a meeting", lead_line)
    series, number, tail = meeting
    series, parent = _split_parent(series)
    notes: list[str] = []
    headline = _TITLE_SUFFIX_RE.sub("", doc.headline)
    if not doc.headline:
        notes.append("The release has no headline: its title was made from the body.")
    title = editor_title(series, number, headline)
    if number is None:
        notes.append("The lead paragraph states no meeting number.")
    full_text = "\n\n".join(p for _, p in doc.paragraphs)
    abbrs = _collect_abbreviations(full_text)
    date = _read_date(lead)
    # Announced: the sentence naming the meeting says it is to come (not a later sentence
    # on "the next meeting").
    announced = bool(_ANNOUNCES_RE.search(sentences[0]))
    # "Today" alone, said of the meeting itself ("co-chaired ... in Shenzhen today"), not
    # "today (February 30)" or "today, February 30" (an impossible date is never replaced),
    # nor "said today" before the meeting is named.
    on_publication_day = date is None and bool(_TODAY_ALONE_RE.search(tail))
    if announced:
        notes.append("The release announces the meeting: it is recorded as announced, not held.")
    if date is None and not on_publication_day:
        notes.append("No valid meeting date (month and day) was found in the lead paragraph.")
    place = _read_place(tail)
    mode = MODE_VIDEO if _VIDEO_RE.search(lead) else MODE_IN_PERSON if place else MODE_UNKNOWN
    if mode == MODE_UNKNOWN:
        notes.append("The lead paragraph states neither a place nor a video conference.")
    attendances = _co_chairs(sentences, notes) + _others(doc, abbrs, notes)
    return ParsedMeeting(
        title=title,
        series=series,
        number=number,
        month=date[0] if date else None,
        day=date[1] if date else None,
        place=place,
        mode=mode,
        summary=lead,
        full_text=full_text,
        attendances=_unique(attendances),
        review_notes=tuple(dict.fromkeys(notes)),
        headline=headline,
        parent_series=parent,
        announced=announced,
        on_publication_day=on_publication_day,
        date_phrase=(
            phrase.group()
            if (phrase := _date_phrase(lead))
            else "today"
            if on_publication_day
            else ""
        ),
    )


def _co_chairs(sentences: list[str], notes: list[str]) -> list[ParsedAttendance]:
    """The people named in the lead sentence (and any later lead sentence about co-chairing)."""
    chosen = sentences[:1] + [
        s for s in sentences[1:] if re.search(r"co-chair|chaired by|delegation", s, re.I)
    ]
    result = []
    for person, post in (found for s in chosen for found in _read_persons(s)):
        side = _side_of_post(post)
        if not side:
            notes.append(f"Could not tell the side of co-chair {person.honorific} {person.name}.")
        result.append(ParsedAttendance(ROLE_CO_CHAIR, side, post, person=person))
    if len(result) < 2:
        notes.append(f"Expected two co-chairs in the lead paragraph, found {len(result)}.")
    return result


def _others(doc: _Document, abbrs: dict[str, str], notes: list[str]) -> list[ParsedAttendance]:
    """Attendees and representatives in text order, then briefers."""
    listed: list[ParsedAttendance] = []
    briefer_items: list[str] = []
    found_list = False
    for _, paragraph in doc.paragraphs[1:]:
        for sentence in _sentences(paragraph):
            attendees = _read_attendee_sentence(sentence, abbrs, notes)
            if attendees is None and re.search(r"\bmeeting\b|\bdelegation\b", sentence):
                attendees = _read_participants(sentence, notes) or None
            found_list = found_list or attendees is not None
            listed += attendees or []
            briefer_items += _read_briefers(sentence, abbrs, notes)
    if not found_list:
        notes.append("No attendee list was found; only the co-chairs were read.")
    sides: dict[str, str] = {}
    for attendance in listed:
        if attendance.organisation:
            sides.setdefault(attendance.organisation.name, attendance.side)
    briefers = []
    for item in filter(None, map(_clean_item, briefer_items)):
        organisation = _resolve(item, abbrs, notes)
        if organisation:
            side = sides.get(organisation.name, SIDE_UNKNOWN)
            briefers.append(ParsedAttendance(ROLE_BRIEFER, side, organisation=organisation))
    return listed + briefers


def _unique(attendances: list[ParsedAttendance]) -> tuple[ParsedAttendance, ...]:
    """Keep the first attendance for each (role, person, organisation, side): a body of the
    same name on each side (a Security Bureau in Hong Kong and in Shenzhen) is two bodies.
    A person is there once, in the first role read: "Mr Yang" later in the release, or
    "Professor Sun", is the Nicholas Yang or the Sun Dong named before."""
    seen: dict[tuple, ParsedAttendance] = {}
    people: list[ParsedPerson] = []
    for attendance in attendances:
        if attendance.person is not None:
            if _named_before(attendance.person, people):
                continue
            people.append(attendance.person)
        key = (attendance.role, attendance.person, attendance.organisation, attendance.side)
        seen.setdefault(key, attendance)
    return tuple(seen.values())


def _named_before(person: ParsedPerson, people: list[ParsedPerson]) -> bool:
    """`person` is one of `people`, or named again by family name with the same honorific
    ("Mr Fung" after "Mr Nicholas Fung", "Professor Sun" after "Professor Sun Dong") when
    exactly one of them could be meant. "Ms Chan" after "Mr Chan Ka-ming", or "Mr Dong"
    after "Professor Sun Dong", is someone else."""
    if person in people or any(known.name == person.name for known in people):
        return True
    if " " in person.name:
        return False
    meant = [
        known
        for known in people
        if known.honorific == person.honorific
        and person.name in (known.name.split()[0], known.name.split()[-1])
    ]
    return len(meant) == 1
