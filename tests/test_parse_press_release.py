"""Reading co-chaired meeting press releases into plain data: no Django, no database."""

import ast
import dataclasses
import random
from pathlib import Path

import pytest

from meetings import parsing
from meetings.parsing import (
    MODE_IN_PERSON,
    MODE_UNKNOWN,
    MODE_VIDEO,
    ROLE_ATTENDEE,
    ROLE_BRIEFER,
    ROLE_CO_CHAIR,
    ROLE_REPRESENTATIVE,
    SIDE_GUANGDONG,
    SIDE_HONG_KONG,
    SIDE_MAINLAND,
    SIDE_SHENZHEN,
    SIDE_UNKNOWN,
    ParsedMeeting,
    ParsedOrganisation,
    ParsedPerson,
    ParseError,
    looks_like_meeting_release,
    parse_meeting_release,
)
from publishing import words

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "001_91d1b2786c42947a.txt"
TIMELINE = ROOT / "seeds" / "000_c84dba87f6a5cc22.txt"
VARIANTS = Path(__file__).resolve().parent / "data" / "press_releases"
LOOP_SERIES = (
    "Joint Task Force on the Development of the Hong Kong-Shenzhen Innovation and Technology "
    "Park in the Loop"
)
SEED_HONG_KONG_BODIES = [
    "Development Bureau",
    "Constitutional and Mainland Affairs Bureau",
    "Security Bureau",
    "Culture, Sports and Tourism Bureau",
    "Innovation and Technology Commission",
    "Civil Engineering and Development Department",
    "Immigration Department",
    "Hong Kong Customs and Excise Department",
]
SEED_SHENZHEN_BODIES = [
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
]
HSITPL = ParsedOrganisation("Hong Kong-Shenzhen Innovation and Technology Park Limited", "HSITPL")
CEDD = ParsedOrganisation("Civil Engineering and Development Department", "CEDD")


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def variant(name: str) -> str:
    return (VARIANTS / name).read_text(encoding="utf-8")


def parse_variant(name: str) -> ParsedMeeting:
    return parse_meeting_release(variant(name))


def by_role(meeting: ParsedMeeting, role: str, side: str | None = None) -> list:
    return [a for a in meeting.attendances if a.role == role and (side is None or a.side == side)]


def names(attendances) -> list[str]:
    return [a.organisation.name if a.organisation else a.person.name for a in attendances]


# --- The seed, in full --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> ParsedMeeting:
    return parse_meeting_release(seed_text())


def test_seed_title_series_and_number(seed):
    """The title is the one an editor writes, from the series and number of the lead
    sentence; the headline, without "(with photos)", is kept as the release has it."""
    assert seed.title == f"11th meeting of the {LOOP_SERIES}"
    assert seed.headline == (
        "11th meeting of Joint Task Force on Development of Hong Kong-Shenzhen Innovation and "
        "Technology Park in the Loop held"
    )
    assert seed.series == LOOP_SERIES
    assert seed.number == 11


def test_seed_date_place_and_mode(seed):
    """ "in Shenzhen today (August 30)" gives the day, the place and an in-person meeting."""
    assert (seed.month, seed.day) == (8, 30)
    assert seed.place == "Shenzhen"
    assert seed.mode == MODE_IN_PERSON


def test_seed_co_chairs_have_honorific_name_post_and_side(seed):
    """Both co-chair post forms are read: "the <post>, <Hon> <Name>," and "<post> <Hon> <Name>"."""
    sun, luo = by_role(seed, ROLE_CO_CHAIR)
    assert sun.person == ParsedPerson("Professor", "Sun Dong")
    assert sun.post == "Secretary for Innovation, Technology and Industry"
    assert sun.side == SIDE_HONG_KONG
    assert luo.person == ParsedPerson("Mr", "Luo Huanghao")
    assert luo.post == "Vice Mayor of the Shenzhen Municipal People's Government"
    assert luo.side == SIDE_SHENZHEN


def test_seed_hong_kong_attendee_with_post(seed):
    """Mr Eddie Mak attends for Hong Kong as Permanent Secretary."""
    [mak] = by_role(seed, ROLE_ATTENDEE)
    assert mak.person == ParsedPerson("Mr", "Eddie Mak")
    assert mak.post == "Permanent Secretary for Innovation, Technology and Industry"
    assert mak.side == SIDE_HONG_KONG


def test_seed_eight_hong_kong_bodies_in_text_order(seed):
    """The ";" list splits between names only; "the CEDD" is resolved to its full name."""
    bodies = by_role(seed, ROLE_REPRESENTATIVE, SIDE_HONG_KONG)
    assert names(bodies) == SEED_HONG_KONG_BODIES
    assert CEDD in [a.organisation for a in bodies]


def test_seed_ten_shenzhen_bodies_in_text_order(seed):
    """ "; and ..." and ", as well as ..." end the Shenzhen list; names keep their own "and"."""
    bodies = by_role(seed, ROLE_REPRESENTATIVE, SIDE_SHENZHEN)
    assert names(bodies) == SEED_SHENZHEN_BODIES
    assert len(by_role(seed, ROLE_REPRESENTATIVE)) == 18


def test_seed_briefers_resolved_with_sides(seed):
    """Three briefers; HSITPL and CEDD get full names; a side only where the text lists one."""
    briefers = by_role(seed, ROLE_BRIEFER)
    assert [a.organisation for a in briefers] == [
        HSITPL,
        CEDD,
        ParsedOrganisation(SEED_SHENZHEN_BODIES[7]),
    ]
    assert [a.side for a in briefers] == [SIDE_UNKNOWN, SIDE_HONG_KONG, SIDE_SHENZHEN]


def test_seed_attendances_ordered_and_unique(seed):
    """Co-chairs first, then attendees and representatives, then briefers; no duplicates."""
    roles = [a.role for a in seed.attendances]
    assert roles[:2] == [ROLE_CO_CHAIR] * 2
    assert roles[2] == ROLE_ATTENDEE
    assert roles[-3:] == [ROLE_BRIEFER] * 3
    keys = [(a.role, a.person, a.organisation) for a in seed.attendances]
    assert len(keys) == len(set(keys)) == 2 + 1 + 18 + 3


def test_seed_summary_and_full_text_are_normalised(seed):
    """Summary is the lead; full text drops the headline and "Photo" line, spaces collapsed."""
    assert seed.summary.startswith("The Secretary for Innovation, Technology and Industry,")
    assert seed.summary.endswith("in Shenzhen today (August 30).")
    assert seed.full_text.startswith(seed.summary)
    assert seed.full_text.count("\n\n") == 4
    assert "Photo" not in seed.full_text
    assert "(with photos)" not in seed.full_text
    assert "  " not in seed.full_text and "\u00a0" not in seed.full_text
    assert "Hong Kong's integration" in seed.full_text


def test_seed_needs_no_review(seed):
    """Everything in the seed is read for certain."""
    assert seed.review_notes == ()
    assert not seed.needs_review


def test_parsed_meeting_is_frozen(seed):
    """Results are immutable values."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        seed.number = 12  # type: ignore[misc]


# --- Variants -------------------------------------------------------------------------------------


def test_at_least_eight_variant_files_exist():
    """The variant corpus is there to be read."""
    assert len(list(VARIANTS.glob("*.txt"))) >= 8


@pytest.mark.parametrize("path", sorted(VARIANTS.glob("*.txt")), ids=lambda p: p.stem)
def test_every_variant_is_recognised_and_parsed(path):
    """Each variant is recognised as a meeting release and reads to a meeting with co-chairs."""
    text = path.read_text(encoding="utf-8")
    assert looks_like_meeting_release(text)
    meeting = parse_meeting_release(text)
    assert meeting.series and meeting.title
    assert len(by_role(meeting, ROLE_CO_CHAIR)) == 2


def test_asterisk_line_under_title_and_trailers_are_skipped():
    """A "*****" line, "(with photo/video)" and Ends/Issued/NNNN lines are not body text."""
    meeting = parse_variant("01_asterisks_under_title.txt")
    assert meeting.headline.endswith("in the Loop held")
    assert meeting.title == f"10th meeting of the {meeting.series}"
    assert meeting.number == 10
    assert "*" not in meeting.full_text
    assert "Ends/" not in meeting.full_text and "NNNN" not in meeting.full_text
    assert meeting.full_text.endswith("People's Government of Futian District.")
    assert meeting.place == "Hong Kong Science Park"
    assert (meeting.month, meeting.day) == (3, 15)
    assert not meeting.needs_review


def test_held_its_seventh_meeting_with_co_chairs_in_second_sentence():
    """ "The Joint Task Force ... held its seventh meeting" and "co-chaired by" are read."""
    meeting = parse_variant("02_held_its_seventh_meeting.txt")
    assert (meeting.series, meeting.number) == (LOOP_SERIES, 7)
    assert (meeting.place, meeting.mode, meeting.month, meeting.day) == (
        "Hong Kong",
        MODE_IN_PERSON,
        6,
        5,
    )
    assert names(by_role(meeting, ROLE_CO_CHAIR)) == ["Sun Dong", "Luo Huanghao"]
    assert by_role(meeting, ROLE_CO_CHAIR)[1].post == (
        "Vice Mayor of the Shenzhen Municipal People's Government"
    )
    assert not meeting.needs_review


def test_comma_separated_list_keeps_names_containing_and():
    """Without ";" the list splits on ", the" and " and the" but not inside a name."""
    meeting = parse_variant("02_held_its_seventh_meeting.txt")
    assert names(by_role(meeting, ROLE_REPRESENTATIVE, SIDE_HONG_KONG)) == [
        "Development Bureau",
        "Security Bureau",
        "Culture, Sports and Tourism Bureau",
        "Innovation and Technology Commission",
        "Civil Engineering and Development Department",
    ]
    assert names(by_role(meeting, ROLE_REPRESENTATIVE, SIDE_SHENZHEN)) == [
        "Hong Kong and Macao Affairs Office",
        "Science, Technology and Innovation Bureau of Shenzhen Municipality",
    ]


@pytest.mark.parametrize(
    ("ordinal", "number"),
    [
        ("ninth", 9),
        ("seventh", 7),
        ("twenty-first", 21),
        ("twentieth", 20),
        ("thirty second", 32),
        ("1st", 1),
        ("2nd", 2),
        ("3rd", 3),
        ("21st", 21),
    ],
)
def test_ordinal_words_and_digits(ordinal, number):
    """Meeting numbers are read from ordinal words and digit ordinals alike."""
    text = seed_text().replace("the 11th meeting of", f"the {ordinal} meeting of")
    meeting = parse_meeting_release(text)
    assert meeting.number == number
    assert meeting.series == LOOP_SERIES


def test_video_conferencing_has_no_place():
    """ "via video conferencing" is mode video and, with no place stated, an empty place."""
    meeting = parse_variant("03_video_conferencing.txt")
    assert (meeting.mode, meeting.place) == (MODE_VIDEO, "")
    assert (meeting.number, meeting.month, meeting.day) == (12, 12, 6)
    [briefer] = by_role(meeting, ROLE_BRIEFER)
    assert (briefer.organisation, briefer.side) == (HSITPL, SIDE_HONG_KONG)
    assert not meeting.needs_review


def test_no_attendee_paragraph_gives_co_chairs_and_a_note():
    """Without an attendee paragraph only the co-chairs are returned, flagged for review."""
    meeting = parse_variant("04_no_attendee_paragraph.txt")
    assert [a.role for a in meeting.attendances] == [ROLE_CO_CHAIR, ROLE_CO_CHAIR]
    assert by_role(meeting, ROLE_CO_CHAIR)[0].person == ParsedPerson("Mr", "Alfred Sit")
    assert meeting.number == 4
    assert meeting.needs_review
    assert any("No attendee list" in note for note in meeting.review_notes)


def test_cut_off_list_keeps_what_is_certain_and_notes_it():
    """A list truncated mid-name keeps the whole names before it and drops the fragment."""
    meeting = parse_variant("05_cut_off_list.txt")
    assert names(by_role(meeting, ROLE_ATTENDEE)) == ["Eddie Mak"]
    assert names(by_role(meeting, ROLE_REPRESENTATIVE)) == ["Development Bureau", "Security Bureau"]
    assert all("Commis" not in name for name in names(meeting.attendances))
    assert any("cut off" in note for note in meeting.review_notes)


def test_led_delegations_and_typographic_characters():
    """ "led their respective delegations" names co-chairs; ’ “ ” and NBSP are normalised."""
    meeting = parse_variant("06_led_delegations_typographic.txt")
    assert meeting.number == 8
    sun, luo = by_role(meeting, ROLE_CO_CHAIR)
    assert (sun.person.name, sun.side) == ("Sun Dong", SIDE_HONG_KONG)
    assert (luo.person.name, luo.side) == ("Luo Huanghao", SIDE_SHENZHEN)
    assert "People's Government of Futian District" in names(meeting.attendances)
    assert "Hong Kong-Shenzhen" in meeting.title
    assert not any(c in meeting.full_text for c in "\u00a0\u2019\u201c\u201d")
    assert not meeting.needs_review


def test_on_february_22_in_hong_kong_and_briefed_by():
    """ "in Hong Kong on February 22" and "briefed by the CEDD on ..." are read."""
    meeting = parse_variant("07_february_in_hong_kong.txt")
    assert (meeting.month, meeting.day, meeting.place) == (2, 22, "Hong Kong")
    [ivan] = by_role(meeting, ROLE_ATTENDEE)
    assert (ivan.post, ivan.side) == ("Commissioner for Innovation and Technology", SIDE_HONG_KONG)
    [briefer] = by_role(meeting, ROLE_BRIEFER)
    assert (briefer.organisation, briefer.side) == (CEDD, SIDE_HONG_KONG)
    assert not meeting.needs_review


def test_co_operation_meeting_between_the_two_governments():
    """The Hong Kong/Shenzhen Co-operation Meeting: Chief Executive and Mayor as co-chairs."""
    meeting = parse_variant("08_hong_kong_shenzhen_co_operation_meeting.txt")
    assert (meeting.series, meeting.number) == ("Hong Kong/Shenzhen Co-operation Meeting", 9)
    assert meeting.title == "Hong Kong/Shenzhen Co-operation Meeting held in Shenzhen"
    chief, mayor = by_role(meeting, ROLE_CO_CHAIR)
    assert (chief.post, chief.side) == ("Chief Executive", SIDE_HONG_KONG)
    assert (mayor.post, mayor.side) == ("Mayor of Shenzhen", SIDE_SHENZHEN)
    hong_kong = by_role(meeting, ROLE_ATTENDEE, SIDE_HONG_KONG)
    assert [a.post for a in hong_kong] == [
        "Chief Secretary for Administration",
        "Secretary for Innovation, Technology and Industry",
        "Director of the Chief Executive's Office",
    ]
    [vice_mayor] = by_role(meeting, ROLE_ATTENDEE, SIDE_SHENZHEN)
    assert vice_mayor.post == "Executive Vice Mayor"
    assert names(by_role(meeting, ROLE_REPRESENTATIVE, SIDE_SHENZHEN))[-1] == "Commerce Bureau"
    assert not meeting.needs_review


def test_release_without_date_leaves_it_empty_with_a_note():
    """No date in the lead: month and day stay None and a review note says so."""
    meeting = parse_variant("09_no_date.txt")
    assert (meeting.month, meeting.day) == (None, None)
    assert meeting.place == "Shenzhen"
    assert meeting.needs_review
    assert any("date" in note for note in meeting.review_notes)


def test_guangdong_and_mainland_sides_yesterday_and_twenty_first():
    """ "twenty-first", "yesterday (May 3)", Guangdong and Mainland sides, the ITC resolved."""
    meeting = parse_variant("10_guangdong_twenty_first.txt")
    assert (meeting.number, meeting.month, meeting.day, meeting.place) == (21, 5, 3, "Guangzhou")
    assert [a.side for a in by_role(meeting, ROLE_CO_CHAIR)] == [SIDE_HONG_KONG, SIDE_GUANGDONG]
    itc = ParsedOrganisation("Innovation and Technology Commission", "ITC")
    assert by_role(meeting, ROLE_REPRESENTATIVE)[0].organisation == itc
    assert names(by_role(meeting, ROLE_REPRESENTATIVE, SIDE_MAINLAND)) == [
        "Ministry of Science and Technology"
    ]
    assert len(by_role(meeting, ROLE_REPRESENTATIVE, SIDE_GUANGDONG)) == 2
    [briefer] = by_role(meeting, ROLE_BRIEFER)
    assert (briefer.organisation, briefer.side) == (itc, SIDE_HONG_KONG)
    assert not meeting.needs_review


# --- Never invents ------------------------------------------------------------------------------


def test_missing_meeting_number_is_left_empty_with_a_note():
    """ "co-chaired the Hong Kong/Shenzhen Co-operation Meeting" has no number to read."""
    text = variant("08_hong_kong_shenzhen_co_operation_meeting.txt").replace(
        "the ninth meeting of the Hong Kong/Shenzhen", "the Hong Kong/Shenzhen"
    )
    meeting = parse_meeting_release(text)
    assert meeting.series == "Hong Kong/Shenzhen Co-operation Meeting"
    assert meeting.number is None
    assert any("number" in note for note in meeting.review_notes)


def test_impossible_date_is_not_invented():
    """ "today (February 30)" is no date: None and a review note."""
    meeting = parse_meeting_release(seed_text().replace("(August 30)", "(February 30)"))
    assert (meeting.month, meeting.day) == (None, None)
    assert meeting.needs_review


def test_unknown_side_and_unstated_place_are_noted():
    """A bare post ("Director") and a lead without place or video are flagged, not guessed."""
    text = seed_text().replace(
        "Vice Mayor of the Shenzhen Municipal People's Government Mr", "Director Mr"
    )
    meeting = parse_meeting_release(text.replace(" in Shenzhen today", " today"))
    luo = by_role(meeting, ROLE_CO_CHAIR)[1]
    assert (luo.post, luo.side) == ("Director", SIDE_UNKNOWN)
    assert (meeting.place, meeting.mode) == ("", MODE_UNKNOWN)
    assert len(meeting.review_notes) == 2


# --- Recognition ------------------------------------------------------------------------------


def test_seed_is_recognised_as_meeting_release():
    """The seed speaks of a co-chaired meeting in its headline and lead."""
    assert looks_like_meeting_release(seed_text())


def test_indented_paragraphs_without_blank_lines_read_the_same(seed):
    """Indentation alone separates paragraphs when the blank lines are missing."""
    text = "\n".join(line for line in seed_text().splitlines() if line.strip())
    assert looks_like_meeting_release(text)
    assert parse_meeting_release(text) == seed


def test_timeline_is_not_recognised_nor_parsed():
    """A milestone timeline (one prose paragraph per line) is another kind of document."""
    text = TIMELINE.read_text(encoding="utf-8")
    assert not looks_like_meeting_release(text)
    with pytest.raises(ParseError):
        parse_meeting_release(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello world",
        "Lorem ipsum dolor sit amet\n\n     consectetur adipiscing elit, sed do eiusmod.",
        "SITI visits Shenzhen\n\n     The Secretary visited a start-up in Shenzhen today (May 3).",
        "Weather report\n\n     The meeting point for hikers is closed today.",
    ],
)
def test_random_text_is_not_recognised(text):
    """Text that does not speak of a co-chaired/held/led meeting is not a meeting release."""
    assert not looks_like_meeting_release(text)


# --- Errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("", 1),
        ("  \n\t\n \u00a0 \n", 1),
        ("11th meeting of Joint Task Force held (with photos)\n\n", 1),
        ("\n\n*****\n\n     An indented paragraph without a headline.", 5),
        ("Headline\n\n     The weather was fine today. A meeting of the Task Force was held.", 3),
    ],
    ids=["empty", "whitespace", "headline-only", "no-headline", "lead-without-meeting"],
)
def test_unreadable_text_raises_parse_error_with_line(text, line):
    """Empty text, no headline, no body or no meeting in the lead raise ParseError with .line."""
    with pytest.raises(ParseError) as caught:
        parse_meeting_release(text)
    assert isinstance(caught.value, ValueError)
    assert caught.value.line == line
    assert str(caught.value) == f"line {line}: {caught.value.message}"


def test_parse_error_without_line_prints_message_only():
    """str() of a ParseError without a line is just the message."""
    assert str(ParseError("not a release")) == "not a release"
    assert ParseError("not a release").line is None


def mutate(text: str, rng: random.Random) -> str:
    """Delete or duplicate a few random lines and character runs."""
    for _ in range(rng.randint(1, 6)):
        operation = rng.choice(["delete_line", "duplicate_line", "delete_chars", "duplicate_chars"])
        if operation.endswith("line"):
            lines = text.splitlines(keepends=True)
            if lines:
                i = rng.randrange(len(lines))
                lines[i : i + 1] = [] if operation == "delete_line" else [lines[i]] * 2
                text = "".join(lines)
        elif text:
            i, n = rng.randrange(len(text)), rng.randint(1, 40)
            chunk = "" if operation == "delete_chars" else text[i : i + n] * 2
            text = text[:i] + chunk + text[i + n :]
    return text


def test_mutated_seeds_parse_or_raise_parse_error_only():
    """Hundreds of mangled seeds give a ParsedMeeting or a ParseError, never anything else."""
    rng = random.Random(0)
    outcomes = {"parsed": 0, "rejected": 0}
    for _ in range(400):
        text = mutate(seed_text(), rng)
        looks_like_meeting_release(text)
        try:
            result = parse_meeting_release(text)
        except ParseError as error:
            assert not error.message.startswith("internal error"), error.message
            outcomes["rejected"] += 1
        else:
            assert isinstance(result, ParsedMeeting)
            outcomes["parsed"] += 1
    assert outcomes["parsed"] and outcomes["rejected"]


def _imported_modules(module) -> set[str]:
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    return {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }


def test_module_imports_standard_library_only():
    """meetings/parsing.py imports no Django and nothing outside the standard library but
    the shared text tables (publishing/words.py), which import only the standard library."""
    imported = _imported_modules(parsing)
    assert {name.split(".")[0] for name in imported} <= {
        "__future__",
        "dataclasses",
        "re",
        "publishing",
    }
    assert {name for name in imported if name.startswith("publishing")} == {"publishing.words"}
    assert _imported_modules(words) <= {"re"}
