"""Read a timeline seed: one milestone a paragraph, in chronological order, with no dates.

Pure functions from text to plain data; no database. Dates are read only where the text
itself states them; anything uncertain is left undated with a note for the editor.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from publishing.dating import FuzzyDate
from publishing.text import fingerprint
from publishing.words import MONTH_NAMES, MONTHS, normalise_space

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"

# A year of this century or the last, alone (not part of a longer number); "2022-23" is a
# financial year and counts as its first year.
YEAR_RE = re.compile(r"(?<![\w$.,/-])(?P<year>(?:19|20)\d{2})(?:[-–/]\d{2})?(?!\d|[-–/]\d{3})")
# "on 6 Sep", "on 6 September"; "on September 6".
_MONTH2 = _MONTH.replace("month", "month2")
DAY_MONTH_RE = re.compile(
    rf"\bon (?:(?P<day>\d{{1,2}}) {_MONTH}|{_MONTH2} (?P<day2>\d{{1,2}}))\b", re.IGNORECASE
)
# "in September 2021", "in Sep 2021".
MONTH_YEAR_RE = re.compile(rf"\b(?:in|on) {_MONTH} (?P<year>(?:19|20)\d{{2}})\b", re.IGNORECASE)
# A year used as a time adverbial ("In 2024, ...", "by 2030") rather than as the name of an
# event ("the 2023 Policy Address", "the 2022-23 Budget").
ADVERBIAL_YEAR_RE = re.compile(
    r"\b(?:in|by|before|from|until|after|during|starting|beginning)\s+$", re.IGNORECASE
)
FUTURE_RE = re.compile(
    r"\b(?:will|shall|plans? to|planned|expected to|is to|are to|aims? to|targets?)\b",
    re.IGNORECASE,
)
SENTENCE_RE = re.compile(r"[^.!?]+(?:[.!?]+[\"”’)]*|$)")


@dataclass(frozen=True)
class ParsedMilestone:
    paragraph: int  # 1-based paragraph number in the document, first occurrence
    line: int  # 1-based line where the paragraph starts
    text: str  # whitespace-normalised paragraph
    title: str
    date: FuzzyDate
    review_notes: tuple[str, ...] = ()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.text)

    @property
    def needs_review(self) -> bool:
        return bool(self.review_notes)


def split_paragraphs(text: str) -> list[tuple[int, str]]:
    """Paragraphs with the line each starts on.

    Paragraphs are separated by blank lines; in a document without blank lines every line
    is a paragraph (the seed's form).
    """
    lines = text.splitlines()
    has_blank_separators = any(not line.strip() for line in lines[1:-1])
    paragraphs: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            if current:
                paragraphs.append((start, normalise_space(" ".join(current))))
                current = []
            continue
        if not has_blank_separators:
            paragraphs.append((number, normalise_space(line)))
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        paragraphs.append((start, normalise_space(" ".join(current))))
    return paragraphs


def looks_like_timeline(text: str) -> bool:
    """Prose paragraphs, each a sentence or more, none indented: the timeline seed's form."""
    paragraphs = split_paragraphs(text)
    if not paragraphs:
        return False
    lines = [line for line in text.splitlines() if line.strip()]
    if any(line[:1].isspace() for line in lines):
        return False
    return all(
        len(paragraph.split()) >= 4 and re.search(r"[.!?][\"”’)]*$", paragraph)
        for _, paragraph in paragraphs
    )


_MONTH_WORDS = "|".join(MONTH_NAMES)
_LEADING_DATE_RE = re.compile(
    rf"^(?:(?:In|On|By|From|Since)\s+)?(?:(?:\d{{1,2}}\s+)?(?:{_MONTH_WORDS})\s+)?"
    r"(?:19|20)\d{2}\b"
)


def timeline_signs(text: str) -> list[str]:
    """What shows a text to be a timeline, which a press release never has: paragraphs that
    begin with their year ("2017: ...", "In March 2018, ..."), or the list given twice over
    (the timeline seed's form)."""
    if not isinstance(text, str):
        return []
    paragraphs = [paragraph for _, paragraph in split_paragraphs(text)]
    signs = []
    dated = sum(1 for paragraph in paragraphs if _LEADING_DATE_RE.match(paragraph))
    if dated >= 3:
        signs.append(f"{dated} of its {len(paragraphs)} paragraphs begin with their year")
    half = len(paragraphs) // 2
    if half >= 2 and len(paragraphs) % 2 == 0 and paragraphs[:half] == paragraphs[half:]:
        signs.append(f"its {half} paragraphs are listed twice over")
    return signs


def derive_title(text: str, limit: int = 90) -> str:
    """A first headline: the first sentence, shortened at a word boundary if long."""
    first = SENTENCE_RE.match(text)
    sentence = (first.group(0) if first else text).strip().rstrip(".")
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:–- ")
    return cut + "…"


def _sentence_around(text: str, position: int) -> str:
    for match in SENTENCE_RE.finditer(text):
        if match.start() <= position < match.end():
            return match.group(0)
    return text


def find_date(text: str) -> tuple[FuzzyDate, tuple[str, ...]]:
    """The milestone's date as the text states it, and notes for what it could not decide."""
    notes: list[str] = []
    years: list[int] = []
    for match in YEAR_RE.finditer(text):
        year = int(match.group("year"))
        adverbial = ADVERBIAL_YEAR_RE.search(text[max(0, match.start() - 12) : match.start()])
        if adverbial and FUTURE_RE.search(_sentence_around(text, match.start())):
            notes.append(f"{year} is mentioned as a future plan, not taken as the date.")
            continue
        if year not in years:
            years.append(year)

    if len(years) > 1:
        listed = ", ".join(str(y) for y in years)
        return FuzzyDate.unknown(), (*notes, f"Several years are mentioned ({listed}).")

    month_year = MONTH_YEAR_RE.search(text)
    day_month = DAY_MONTH_RE.search(text)
    if day_month:
        day = int(day_month.group("day") or day_month.group("day2"))
        month = MONTHS[(day_month.group("month") or day_month.group("month2")).lower()]
        if years:
            try:
                return FuzzyDate.day(dt.date(years[0], month, day)), tuple(notes)
            except ValueError:
                notes.append(f"{day_month.group(0)!r} is not a real date in {years[0]}.")
                return FuzzyDate.unknown(), (*notes, "No date could be read.")
        stated = f"{day} {dt.date(2000, month, 1):%B}"
        return FuzzyDate.unknown(), (*notes, f"The text gives {stated} but no year.")
    if month_year and years:
        month = MONTHS[month_year.group("month").lower()]
        return FuzzyDate.month(int(month_year.group("year")), month), tuple(notes)
    if years:
        return FuzzyDate.year(years[0]), tuple(notes)
    return FuzzyDate.unknown(), (*notes, "The text states no date.")


def parse_timeline(text: str) -> list[ParsedMilestone]:
    """Milestones in first-seen order; exact and whitespace-only duplicates collapse."""
    seen: set[str] = set()
    milestones: list[ParsedMilestone] = []
    for number, (line, paragraph) in enumerate(split_paragraphs(text), start=1):
        if paragraph in seen:
            continue
        seen.add(paragraph)
        date, notes = find_date(paragraph)
        milestones.append(
            ParsedMilestone(
                paragraph=number,
                line=line,
                text=paragraph,
                title=derive_title(paragraph),
                date=date,
                review_notes=notes,
            )
        )
    return milestones
