"""Dates with an honest precision: display, EDTF export, normalisation and validation."""

import datetime as dt

import pytest

from publishing.dating import DatePrecision, FuzzyDate

D = dt.date


@pytest.mark.parametrize(
    ("fuzzy", "display", "edtf"),
    [
        (FuzzyDate.day(D(2021, 9, 6)), "6 September 2021", "2021-09-06"),
        (FuzzyDate.month(2021, 9), "September 2021", "2021-09"),
        (FuzzyDate.year(2021), "2021", "2021"),
        (
            FuzzyDate.between(D(2021, 3, 1), D(2021, 9, 30)),
            "between March and September 2021",
            "[2021-03..2021-09]",
        ),
        (
            FuzzyDate.between(D(2021, 12, 1), D(2022, 2, 28)),
            "between December 2021 and February 2022",
            "[2021-12..2022-02]",
        ),
        (
            FuzzyDate.between(D(2021, 12, 20), D(2022, 2, 23)),
            "between 20 December 2021 and 23 February 2022",
            "[2021-12-20..2022-02-23]",
        ),
        (
            FuzzyDate.between(D(2023, 10, 25), D(2023, 12, 6)),
            "between 25 October and 6 December 2023",
            "[2023-10-25..2023-12-06]",
        ),
        (
            FuzzyDate.between(D(2019, 1, 1), D(2021, 12, 31)),
            "between 2019 and 2021",
            "[2019..2021]",
        ),
        (FuzzyDate.unknown(), "date to be confirmed", None),
    ],
)
def test_dates_display_as_people_write_them_and_export_as_edtf(fuzzy, display, edtf):
    """Each precision reads naturally and exports as ISO 8601-2 / EDTF."""
    assert fuzzy.display == display
    assert fuzzy.edtf == edtf


@pytest.mark.parametrize(
    ("fuzzy", "iso"),
    [
        (FuzzyDate.day(D(2021, 9, 6)), "2021-09-06"),
        (FuzzyDate.month(2017, 10), "2017-10"),
        (FuzzyDate.year(2021), "2021"),
        (FuzzyDate.between(D(2021, 3, 1), D(2021, 9, 30)), "2021"),
        (FuzzyDate.between(D(2023, 10, 2), D(2023, 10, 25)), "2023-10"),
        (FuzzyDate.between(D(2021, 12, 20), D(2022, 2, 23)), None),
        (FuzzyDate.unknown(), None),
    ],
)
def test_iso_date_is_as_precise_as_known_and_no_more(fuzzy, iso):
    """For <time datetime> and schema.org: a month is "2017-10", not its first day; a range
    gives only the period both ends share, nothing when they share none."""
    assert fuzzy.iso == iso


def test_a_range_has_its_two_ends_as_precise_as_itself():
    assert FuzzyDate.between(D(2021, 3, 1), D(2021, 9, 30)).ends == ("2021-03", "2021-09")
    assert FuzzyDate.month(2021, 3).ends is None


def test_month_and_year_cover_their_whole_period():
    """A month or a year is stored as the interval it covers, so that it sorts correctly."""
    assert FuzzyDate(DatePrecision.MONTH, D(2024, 2, 17)).normalised() == FuzzyDate(
        DatePrecision.MONTH, D(2024, 2, 1), D(2024, 2, 29)
    )
    assert FuzzyDate(DatePrecision.YEAR, D(2024, 7, 4)).normalised() == FuzzyDate(
        DatePrecision.YEAR, D(2024, 1, 1), D(2024, 12, 31)
    )
    assert FuzzyDate(DatePrecision.DAY, D(2024, 7, 4), None).normalised().end == D(2024, 7, 4)


@pytest.mark.parametrize(
    ("fuzzy", "field"),
    [
        (FuzzyDate(DatePrecision.DAY, None, None), "start"),
        (FuzzyDate(DatePrecision.RANGE, D(2021, 3, 1), None), "end"),
        (FuzzyDate(DatePrecision.RANGE, D(2021, 9, 1), D(2021, 3, 1)), "end"),
        (FuzzyDate(DatePrecision.UNKNOWN, D(2021, 9, 1), None), "precision"),
        (FuzzyDate("fortnight", D(2021, 9, 1), None), "precision"),
    ],
)
def test_incomplete_or_inconsistent_dates_are_explained(fuzzy, field):
    """Each impossible combination names the field an editor must fix."""
    assert field in fuzzy.errors()


def test_a_complete_date_has_no_errors():
    """A range with both ends in order is valid."""
    assert FuzzyDate.between(D(2021, 3, 1), D(2021, 9, 30)).errors() == {}


@pytest.mark.parametrize(
    ("fuzzy", "display"),
    [
        (FuzzyDate.day(D(2021, 9, 6)), "2021年9月6日"),
        (FuzzyDate.month(2021, 3), "2021年3月"),
        (FuzzyDate.year(2021), "2021年"),
        (FuzzyDate.between(D(2021, 3, 1), D(2021, 9, 30)), "2021年3月至9月之間"),
        (FuzzyDate.between(D(2023, 10, 25), D(2023, 12, 6)), "2023年10月25日至12月6日之間"),
        (FuzzyDate.between(D(2021, 12, 20), D(2022, 2, 23)), "2021年12月20日至2022年2月23日之間"),
        (FuzzyDate.between(D(2019, 1, 1), D(2021, 12, 31)), "2019年至2021年之間"),
    ],
)
def test_dates_read_as_chinese_writes_them(fuzzy, display):
    """Year first, written once in a range within one year; no leading zeros."""
    from django.utils import translation

    with translation.override("zh-hant"):
        assert fuzzy.display == display
