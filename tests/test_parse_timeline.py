"""The timeline parser: pure text in, plain data out, no database."""

import datetime as dt
from pathlib import Path

import pytest

from milestones.parsing import (
    derive_title,
    find_date,
    looks_like_timeline,
    parse_timeline,
    split_paragraphs,
)
from publishing.dating import DatePrecision, FuzzyDate

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TIMELINE = (SEEDS / "000_c84dba87f6a5cc22.txt").read_text(encoding="utf-8")
RELEASE = (SEEDS / "001_91d1b2786c42947a.txt").read_text(encoding="utf-8")


def test_seed_gives_25_milestones_not_50():
    """The seed lists every milestone twice; duplicates collapse in first-seen order."""
    milestones = parse_timeline(TIMELINE)
    assert len(milestones) == 25
    assert [m.paragraph for m in milestones] == list(range(1, 26))
    assert milestones[0].text.startswith("HKSAR Government and the Shenzhen Municipal")
    assert milestones[-1].text.startswith("The Government of the Hong Kong Special")


def test_whitespace_only_differences_are_duplicates():
    """Extra spaces, tabs and non-breaking spaces do not make a new milestone."""
    text = "LegCo approved funding for the Park.\nLegCo  approved\u00a0funding\tfor the Park. \n"
    assert [m.text for m in parse_timeline(text)] == ["LegCo approved funding for the Park."]


def test_paragraphs_separated_by_blank_lines_may_wrap_over_lines():
    """In a document with blank lines, a paragraph's lines join into one milestone."""
    text = "First milestone wraps\nover two lines here.\n\nSecond milestone stands alone here.\n"
    assert split_paragraphs(text) == [
        (1, "First milestone wraps over two lines here."),
        (4, "Second milestone stands alone here."),
    ]


def test_day_and_month_take_the_year_stated_in_the_same_paragraph():
    """'…Meeting 2021 on 6 Sep' is 6 September 2021, known to the day."""
    date, notes = find_date("They signed at the Co-operation Meeting 2021 on 6 Sep.")
    assert date == FuzzyDate.day(dt.date(2021, 9, 6))
    assert notes == ()


def test_a_policy_address_year_is_the_year():
    """'Chief Executive 2021's Policy Address' is 2021, known to the year."""
    date, _ = find_date("Chief Executive 2021’s Policy Address announced the Technopole.")
    assert date == FuzzyDate.year(2021)


def test_a_financial_year_counts_as_its_first_year():
    """The '2022-23 Budget' is 2022."""
    date, _ = find_date("The Financial Secretary earmarked HK$10 billion in the 2022-23 Budget.")
    assert date == FuzzyDate.year(2022)


def test_a_year_mentioned_as_a_future_plan_is_not_the_date():
    """'In 2024, the government will…' is a plan, not when the milestone happened."""
    text = (
        "In the 2023 Policy Address delivered by John Lee, it was mentioned that the zone will "
        "grow. In 2024, the HKSAR government will also establish a platform."
    )
    date, notes = find_date(text)
    assert date == FuzzyDate.year(2023)
    assert any("2024" in note and "future" in note for note in notes)


def test_only_a_future_year_leaves_the_milestone_undated():
    """A paragraph whose only year is a plan gets no date and a note."""
    date, notes = find_date("By 2030, the Park will house two hundred companies.")
    assert date.precision == DatePrecision.UNKNOWN
    assert notes


def test_day_and_month_without_a_year_are_not_guessed():
    """'…on 20 Dec' with no year stays undated, and the note says what the text gave."""
    date, notes = find_date("The first batch of land parcels was handed over on 20 Dec.")
    assert date == FuzzyDate.unknown()
    assert "20 December" in notes[0]


def test_month_and_year_give_month_precision():
    """'in April 2024' is April 2024."""
    date, _ = find_date("HSITPL held the Partnership Launching Ceremony in April 2024.")
    assert date == FuzzyDate.month(2024, 4)


def test_several_years_make_the_date_an_editors_decision():
    """Two different years in one paragraph: nothing is guessed."""
    date, notes = find_date("The plan of 2019 was revised in the 2021 Policy Address.")
    assert date.precision == DatePrecision.UNKNOWN
    assert "Several years" in notes[-1]


@pytest.mark.parametrize(
    "text",
    [
        "The 87-hectare Loop will host 16 laboratories and the 25th anniversary event.",
        "The Financial Secretary earmarked HK$10 billion for five to 10 years.",
    ],
)
def test_numbers_that_are_not_years_are_ignored(text):
    """Areas, amounts, ordinals and counts are not years."""
    assert find_date(text)[0] == FuzzyDate.unknown()


def test_seed_dates_are_read_only_where_the_text_states_them():
    """Of the 25, only the stated dates are read; the rest are undated and need review."""
    milestones = parse_timeline(TIMELINE)
    dated = {m.paragraph: m.date.edtf for m in milestones if m.date.is_known}
    assert dated == {12: "2021-09-06", 14: "2021", 18: "2022", 20: "2022", 24: "2023"}
    assert all(m.needs_review for m in milestones if m.paragraph not in dated)


def test_titles_are_the_first_sentence_shortened_at_a_word():
    """The importer's headline is short enough for a timeline and never cuts a word."""
    title = derive_title("HSITPL appointed Foundation Works Contractor for Batch 1A development.")
    assert title == "HSITPL appointed Foundation Works Contractor for Batch 1A development"
    long_title = derive_title(" ".join(["word"] * 60) + ".")
    assert len(long_title) <= 90 and long_title.endswith("word…")


def test_the_timeline_seed_is_recognised_and_the_press_release_is_not():
    """Recognition is by content, not by file name."""
    assert looks_like_timeline(TIMELINE)
    assert not looks_like_timeline(RELEASE)
    assert not looks_like_timeline("")
    assert not looks_like_timeline("name,date\nMoU,2017-01-03\n")
