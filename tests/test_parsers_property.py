"""Property-based tests (Hypothesis) of the pure parsers and of kind detection: for any text
they return data or raise their one documented error, never anything else.

* `milestones.parsing.parse_timeline` returns milestones for any text (it has no error);
* `meetings.parsing.parse_meeting_release` returns a ParsedMeeting or raises `ParseError`,
  and never one that merely wraps an unexpected exception ("internal error ...": that is a
  bug the catch-all hides);
* `importing.runner` (`decode_text`, `document_from_text`, `kind_of`) returns or raises
  `SeedError`.

Documents: the two seed documents mutated (lines deleted, duplicated, swapped, indented,
blanked; CJK, control and odd white-space characters inserted; truncated; ordinals, dates and
years changed), press releases generated from the phrases such releases use, fully random
text, and random bytes. About 5,600 documents in all (each test prints its count), in about
30 seconds; derandomized, so every run tries the same documents.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importing.documents import SeedError, decode_text, document_from_text
from importing.registry import kind_of
from meetings.parsing import ParsedMeeting, ParseError, parse_meeting_release
from milestones.parsing import ParsedMilestone, parse_timeline
from publishing.words import normalise_space

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_TEXTS = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

# Stable across runs (derandomize), no example database written, no per-example deadline
# (a slow machine must not fail CI).
PROPERTY = {
    "derandomize": True,
    "database": None,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


tried: dict[str, int] = {}


def count(test: str) -> None:
    tried[test] = tried.get(test, 0) + 1


# --- The contracts ------------------------------------------------------------------------


def check_timeline(text: str) -> list[ParsedMilestone]:
    milestones = parse_timeline(text)
    assert isinstance(milestones, list)
    paragraphs = [m.paragraph for m in milestones]
    assert paragraphs == sorted(set(paragraphs))
    for milestone in milestones:
        assert isinstance(milestone, ParsedMilestone)
        assert milestone.text and milestone.text == normalise_space(milestone.text)
        assert milestone.line >= 1 and milestone.paragraph >= 1
        assert isinstance(milestone.title, str)
        assert not milestone.date.errors(), (milestone.text, milestone.date)
        assert isinstance(milestone.date.display, str)
        milestone.date.edtf  # noqa: B018 (computes, must not raise)
        assert len(milestone.fingerprint) == 64
    return milestones


def check_meeting(text: str) -> ParsedMeeting | None:
    try:
        meeting = parse_meeting_release(text)
    except ParseError as error:
        assert not error.message.startswith("internal error"), error.message
        assert error.line is None or error.line >= 1
        assert str(error)
        return None
    assert isinstance(meeting, ParsedMeeting)
    assert meeting.number is None or meeting.number >= 1
    if meeting.month is not None or meeting.day is not None:
        assert 1 <= meeting.month <= 12
        assert 1 <= meeting.day <= DAYS_IN_MONTH[meeting.month - 1]
    for attendance in meeting.attendances:
        assert attendance.person or attendance.organisation
    return meeting


def check_kind(text: str) -> str | None:
    try:
        document = document_from_text(text, name="generated.txt")
        kind, importer = kind_of(document)
    except SeedError as error:
        assert error.path == "generated.txt"
        return None
    assert kind in {"timeline", "release"}
    assert callable(importer)
    return kind


def check_all(text: str) -> None:
    milestones = check_timeline(text)
    check_meeting(text)
    if check_kind(text) == "timeline":
        assert milestones, "recognised as a timeline but has no paragraph"


# --- Mutating the seed documents ------------------------------------------------------------

ODD_CHARACTERS = [
    "\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1c", "\x1d", "\x1e", "\x7f",
    "\x85", "\u00a0", "\u2007", "\u200b", "\u200e", "\u200f", "\u2028", "\u2029", "\u202e",
    "\u3000", "\ufeff", "\ufffd", "\r", "\t", "\n", "’", "“", "”", "…", "–", "—", "·",
    "\u0301", "\U0001f600", "(", ")", ";", ",", ".", '"', "'", "*",
]  # fmt: skip
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
# Text is Unicode text as files (strict UTF-8) and forms can deliver it: no lone surrogates.
ANY_CHARACTER = st.characters(codec="utf-8")
PIECES = ["Mr ", "Ms ", "Dr. ", " and ", "; the ", " (", ") ", " co-chaired ", " meeting "]
WILD_TEXT = st.lists(
    st.one_of(CJK, ANY_CHARACTER, st.sampled_from(ODD_CHARACTERS + PIECES)),
    min_size=1,
    max_size=40,
).map("".join)
ORDINALS = [
    "0th", "1st", "2nd", "3rd", "11th", "12th", "21st", "99th", "100th", "999th", "1000th",
    "first", "eleventh", "twentieth", "twenty-first", "thirty second", "ninety-ninth",
    "hundredth", "11 th", "11", "١١th", "第十一次",
]  # fmt: skip
MONTH_WORDS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Smarch", "august", "Sept", "八月",
]  # fmt: skip
ORDINAL_RE = re.compile(r"\b\d{1,3}(?:st|nd|rd|th)\b")
DATE_RE = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+\d{1,2}\b"
)
YEAR_RE = re.compile(r"\b(?:19|20)\d{2}\b")
OPERATIONS = [
    "delete", "duplicate", "swap", "insert", "truncate", "ordinal", "date", "year", "indent",
    "dedent", "blank", "join", "split", "swap_words", "case",
]  # fmt: skip


def _index(draw, lines) -> int:
    return draw(st.integers(0, max(len(lines) - 1, 0)))


def _replace_one(draw, pattern: re.Pattern, text: str, replacement: str) -> str:
    matches = list(pattern.finditer(text))
    if not matches:
        return text
    match = matches[draw(st.integers(0, len(matches) - 1))]
    return text[: match.start()] + replacement + text[match.end() :]


def mutate(draw, lines: list[str], operation: str) -> list[str]:
    if not lines:
        return [draw(WILD_TEXT)]
    i = _index(draw, lines)
    line = lines[i]
    if operation == "delete":
        return lines[:i] + lines[i + 1 :]
    if operation == "duplicate":
        return lines[: i + 1] + [line] + lines[i + 1 :]
    if operation == "swap":
        j = _index(draw, lines)
        lines = list(lines)
        lines[i], lines[j] = lines[j], lines[i]
        return lines
    if operation == "insert":
        at = draw(st.integers(0, len(line)))
        return lines[:i] + [line[:at] + draw(WILD_TEXT) + line[at:]] + lines[i + 1 :]
    if operation == "truncate":
        return lines[:i] + [line[: draw(st.integers(0, len(line)))]]
    if operation == "ordinal":
        joined = "\n".join(lines)
        return _replace_one(draw, ORDINAL_RE, joined, draw(st.sampled_from(ORDINALS))).split("\n")
    if operation == "date":
        month = draw(st.sampled_from(MONTH_WORDS))
        day = draw(st.one_of(st.integers(-3, 40), st.integers(0, 10**6)))
        joined = "\n".join(lines)
        return _replace_one(draw, DATE_RE, joined, f"{month} {day}").split("\n")
    if operation == "year":
        year = str(draw(st.integers(0, 99999)))
        return _replace_one(draw, YEAR_RE, "\n".join(lines), year).split("\n")
    if operation == "indent":
        indent = draw(st.sampled_from([" ", "  ", "     ", "\t"]))
        return lines[:i] + [indent + line] + lines[i + 1 :]
    if operation == "dedent":
        return lines[:i] + [line.lstrip()] + lines[i + 1 :]
    if operation == "blank":
        return lines[:i] + [draw(st.sampled_from(["", " ", "*", "* * *", "Photo"]))] + lines[i:]
    if operation == "join":
        return lines[:i] + [" ".join(lines[i : i + 2])] + lines[i + 2 :]
    if operation == "split":
        at = draw(st.integers(0, len(line)))
        return lines[:i] + [line[:at], line[at:]] + lines[i + 1 :]
    if operation == "swap_words":
        words = line.split(" ")
        j, k = draw(st.integers(0, len(words) - 1)), draw(st.integers(0, len(words) - 1))
        words[j], words[k] = words[k], words[j]
        return lines[:i] + [" ".join(words)] + lines[i + 1 :]
    if operation == "case":
        changed = draw(st.sampled_from([str.upper, str.lower, str.title, str.swapcase]))(line)
        return lines[:i] + [changed] + lines[i + 1 :]
    raise AssertionError(operation)


@st.composite
def mutated_seeds(draw) -> str:
    lines = draw(st.sampled_from(SEED_TEXTS)).split("\n")
    if len(lines) > 12 and draw(st.integers(0, 3)):  # mostly a run of the long timeline
        start = draw(st.integers(0, len(lines) - 1))
        lines = lines[start : start + draw(st.integers(1, 8))]
    for operation in draw(st.lists(st.sampled_from(OPERATIONS), min_size=1, max_size=6)):
        lines = mutate(draw, lines, operation)
    return draw(st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\u2028"])).join(lines)


# --- Press releases from their phrases --------------------------------------------------------

HONORIFICS = ["Mr", "Ms", "Mrs", "Dr", "Professor", "Prof.", "Miss", ""]
NAMES = ["Sun Dong", "Luo Huanghao", "Eddie Mak", "Chan Tai-man", "Li", "A", "孫東", "Ng-Ng"]
POSTS = [
    "The Secretary for Innovation, Technology and Industry",
    "Vice Mayor of the Shenzhen Municipal People's Government",
    "the Permanent Secretary for Development",
    "Director of the Hong Kong and Macao Affairs Office",
    "",
]
SERIES = [
    "Joint Task Force on the Development of the Hong Kong-Shenzhen Innovation and "
    "Technology Park in the Loop",
    "Hong Kong/Shenzhen Co-operation Meeting",
    "Joint Task Force",
    "",
]
PLACES = ["in Shenzhen", "in Hong Kong", "at the Loop", "via video conference", "", "in 深圳"]
BODIES = [
    "the Development Bureau",
    "the Civil Engineering and Development Department (CEDD)",
    "the CEDD",
    "the Security Bureau",
    "the Hong Kong-Shenzhen Innovation and Technology Park Limited (HSITPL)",
    "the HSITPL",
    "the Science, Technology and Innovation Bureau",
    "the People's Government of Futian District",
    "(",
    "",
]
TAILS = ["today", "yesterday", "this morning", "on", "on Friday,"]


@st.composite
def press_releases(draw) -> str:
    pick = lambda options: draw(st.sampled_from(options))  # noqa: E731
    month, day = pick(MONTH_WORDS), draw(st.integers(0, 40))
    when = pick([f"{pick(TAILS)} ({month} {day})", f"on {month} {day}", f"on {day} {month}", ""])
    chair = lambda: f"{pick(POSTS)}, {pick(HONORIFICS)} {pick(NAMES)}"  # noqa: E731
    lead = (
        f"{chair()}, and {chair()} {pick(['co-chaired', 'chaired', 'held', 'led'])} the "
        f"{pick(ORDINALS)} meeting of the {pick(SERIES)} {pick(PLACES)} {when}."
    )
    bodies = draw(st.lists(st.sampled_from(BODIES), max_size=8))
    separator = pick(["; ", ", ", "; and ", " and "])
    others = (
        f"Other officials from the {pick(['Hong Kong', 'Shenzhen', 'Mainland', ''])} side "
        f"attending the meeting included {chair()}, and representatives from "
        f"{separator.join(bodies)}."
    )
    briefing = f"Both sides were briefed on the progress from {separator.join(bodies)}."
    paragraphs = draw(st.permutations([lead, others, briefing]))
    paragraphs = paragraphs[: draw(st.integers(1, 3))]
    headline = f"{pick(ORDINALS)} meeting of {pick(SERIES)} held {pick(['(with photos)', ''])}"
    indent = pick(["     ", "  ", ""])
    text = headline + "\n\n" + "\n\n".join(indent + p for p in paragraphs)
    if draw(st.booleans()):
        text = mutate(draw, text.split("\n"), pick(OPERATIONS))
        text = "\n".join(text)
    return text + pick(["", "\n\nEnds/Friday, August 30, 2024\nIssued at HKT 20:00\n\nNNNN"])


# --- The tests --------------------------------------------------------------------------------


def report(test: str, minimum: int) -> None:
    print(f"\n{test}: {tried.get(test, 0)} documents tried")  # noqa: T201 (shown with -s or -rP)
    assert tried.get(test, 0) >= minimum


def test_the_seed_documents_themselves():
    timeline, release = SEED_TEXTS
    assert len(check_timeline(timeline)) == 25
    assert check_meeting(release).number == 11
    assert check_kind(timeline) == "timeline"
    assert check_kind(release) == "release"


@settings(max_examples=1800, **PROPERTY)
@given(mutated_seeds())
def _mutated_seeds(text):
    count("mutated seeds")
    check_all(text)


def test_mutated_seed_documents():
    _mutated_seeds()
    report("mutated seeds", 1800)


@settings(max_examples=1000, **PROPERTY)
@given(press_releases())
def _press_releases(text):
    count("generated press releases")
    check_all(text)


def test_generated_press_releases():
    _press_releases()
    report("generated press releases", 1000)


@settings(max_examples=2000, **PROPERTY)
@given(
    st.one_of(
        st.text(max_size=2000),
        st.text(alphabet=st.one_of(CJK, st.sampled_from(ODD_CHARACTERS)), max_size=500),
        st.lists(st.text(max_size=120), max_size=40).map("\n".join),
    )
)
def _random_text(text):
    count("random text")
    check_all(text)


def test_random_text():
    _random_text()
    report("random text", 2000)


@settings(max_examples=800, **PROPERTY)
@given(st.one_of(st.binary(max_size=600), mutated_seeds().map(lambda t: t.encode("utf-16"))))
def _random_bytes(data):
    count("random bytes")
    try:
        text = decode_text(data, "upload.txt")
    except SeedError as error:
        assert error.path == "upload.txt"
        return
    check_all(text)


def test_random_bytes_as_uploaded_files():
    _random_bytes()
    report("random bytes", 800)


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n", "\x00", "\r\r\r", "\u2028", "*", "a.", "(" * 500, "1st meeting held\n\n x"],
)
def test_edge_cases(text):
    check_all(text)


@given(st.text(st.characters(exclude_categories=())))
@settings(max_examples=300, **PROPERTY)
def test_every_text_has_a_fingerprint_spacing_aside(text):
    """Any str, lone surrogates included, has a fingerprint, the same whatever its spacing."""
    from publishing.text import fingerprint

    assert fingerprint(text) == fingerprint(f"  {text.replace(' ', chr(0xA0))}\n")
    assert len(fingerprint(text)) == 64
