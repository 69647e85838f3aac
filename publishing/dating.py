"""Dates with an honest precision: a day, a month, a year, a range between two dates, or unknown.

Pure Python (no database). A `FuzzyDate` is stored as a precision and a closed interval
[start, end] so that it sorts correctly; it is shown as people write dates and exported as
EDTF (Extended Date/Time Format, ISO 8601-2) for machines, and as the ISO 8601 period it
falls in for HTML's <time datetime> and schema.org.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.db import models
from django.utils import dateformat, formats
from django.utils.translation import gettext, pgettext_lazy


class DatePrecision(models.TextChoices):
    DAY = "day", pgettext_lazy("date precision", "Day")
    MONTH = "month", pgettext_lazy("date precision", "Month")
    YEAR = "year", pgettext_lazy("date precision", "Year")
    RANGE = "range", pgettext_lazy("date precision", "Range between two dates")
    UNKNOWN = "unknown", pgettext_lazy("date precision", "Unknown")


def month_end(day: dt.date) -> dt.date:
    """The last day of the month that `day` falls in."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _is_month_start(day: dt.date) -> bool:
    return day.day == 1


def _year_format() -> str:
    """The year as the active language writes it alone: "Y" ("2021"), "Y年" ("2021年")."""
    return re.sub(r"\s*[FNMEbmn]月?\s*", " ", formats.get_format("YEAR_MONTH_FORMAT")).strip()


def _without_year(date_format: str) -> str:
    """A year-and-month format without its year: "F Y" -> "F", "Y年n月" -> "n月"."""
    return re.sub(r"\s*Y年?\s*", " ", date_format).strip()


def _granularity(start: dt.date, end: dt.date) -> str:
    """How precisely the two ends of a range are known: 'year', 'month' or 'day'."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return "year"
    if _is_month_start(start) and end == month_end(end):
        return "month"
    return "day"


@dataclass(frozen=True)
class FuzzyDate:
    precision: str = DatePrecision.UNKNOWN
    start: dt.date | None = None
    end: dt.date | None = None

    @classmethod
    def day(cls, value: dt.date) -> FuzzyDate:
        return cls(DatePrecision.DAY, value, value)

    @classmethod
    def month(cls, year: int, month: int) -> FuzzyDate:
        start = dt.date(year, month, 1)
        return cls(DatePrecision.MONTH, start, month_end(start))

    @classmethod
    def year(cls, year: int) -> FuzzyDate:
        return cls(DatePrecision.YEAR, dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def between(cls, start: dt.date, end: dt.date) -> FuzzyDate:
        return cls(DatePrecision.RANGE, start, end)

    @classmethod
    def unknown(cls) -> FuzzyDate:
        return cls(DatePrecision.UNKNOWN, None, None)

    def normalised(self) -> FuzzyDate:
        """Derive the interval from the precision: a month covers the whole month, and so on.

        Day, month and year need only `start` (any day inside the period); a range keeps
        both ends as given; unknown has neither.
        """
        if self.precision == DatePrecision.UNKNOWN:
            return FuzzyDate.unknown()
        if self.start is None or self.precision == DatePrecision.RANGE:
            return self
        if self.precision == DatePrecision.DAY:
            return FuzzyDate.day(self.start)
        if self.precision == DatePrecision.MONTH:
            return FuzzyDate.month(self.start.year, self.start.month)
        return FuzzyDate.year(self.start.year)

    def errors(self) -> dict[str, str]:
        """Problems an editor must fix, by field: {"start": ..., "end": ...}."""
        if self.precision not in DatePrecision.values:
            return {"precision": f"Unknown precision {self.precision!r}."}
        if self.precision == DatePrecision.UNKNOWN:
            if self.start or self.end:
                return {"precision": "Choose a precision for this date, or clear the dates."}
            return {}
        if self.start is None:
            return {"start": "Give the date (for a month or a year, any day inside it)."}
        if self.precision == DatePrecision.RANGE:
            if self.end is None:
                return {"end": "A range needs its last possible date too."}
            if self.end < self.start:
                return {"end": "The end of the range is before its start."}
        return {}

    @property
    def is_known(self) -> bool:
        return self.precision != DatePrecision.UNKNOWN

    @property
    def display(self) -> str:
        """As people write dates, in the active language: '6 September 2021',
        'September 2021', '2021', 'between March and September 2021'…"""
        if self.precision == DatePrecision.UNKNOWN or self.start is None:
            return gettext("date to be confirmed")
        if self.precision == DatePrecision.DAY:
            return formats.date_format(self.start, "DATE_FORMAT")
        if self.precision == DatePrecision.MONTH:
            return formats.date_format(self.start, "YEAR_MONTH_FORMAT")
        if self.precision == DatePrecision.YEAR:
            return dateformat.format(self.start, _year_format())
        return self._display_range()

    def _display_range(self) -> str:
        """'between March and September 2021' in English, '2021年3月至9月之間' in Chinese:
        within one year the year is written once, at the end or at the start as the
        language writes dates (its YEAR_MONTH_FORMAT starts with the year or not)."""
        start, end = self.start, self.end
        granularity = _granularity(start, end)
        if granularity == "year":
            first, last = (dateformat.format(day, _year_format()) for day in (start, end))
        else:
            year_month = formats.get_format("YEAR_MONTH_FORMAT")
            full, part = {
                "month": (year_month, _without_year(year_month)),
                "day": (formats.get_format("DATE_FORMAT"), formats.get_format("MONTH_DAY_FORMAT")),
            }[granularity]
            first_format, last_format = full, full
            if start.year == end.year:
                if year_month.lstrip().startswith("Y"):
                    last_format = part
                else:
                    first_format = part
            first = dateformat.format(start, first_format)
            last = dateformat.format(end, last_format)
        return gettext("between %(first)s and %(last)s") % {"first": first, "last": last}

    @property
    def edtf(self) -> str | None:
        """ISO 8601-2 / EDTF: '2021-09-06', '2021-09', '2021', or None when unknown; a range
        ("some day between") as EDTF's one-of-a-set, '[2021-03..2021-09]': one day inside
        it, not an event lasting the whole interval (which '2021-03/2021-09' would say)."""
        if self.precision == DatePrecision.UNKNOWN or self.start is None:
            return None
        if self.precision != DatePrecision.RANGE:
            return self.iso
        granularity = _granularity(self.start, self.end)
        fmt = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}[granularity]
        return f"[{self.start.strftime(fmt)}..{self.end.strftime(fmt)}]"

    @property
    def ends(self) -> tuple[str, str] | None:
        """A range's two ends in EDTF, as precise as the range ('2021-03', '2021-09')."""
        if self.precision != DatePrecision.RANGE or self.start is None:
            return None
        return tuple(self.edtf.strip("[]").split(".."))

    @property
    def iso(self) -> str | None:
        """The most precise ISO 8601 date that is true of the whole date: '2021-09-06',
        '2021-09', '2021'; for a range the period both ends share ('2021' for between March
        and September 2021), None when they share none or the date is unknown. What
        `<time datetime>` and schema.org's partial dates take; never more than is known."""
        if self.precision == DatePrecision.UNKNOWN or self.start is None:
            return None
        if self.precision == DatePrecision.DAY:
            return self.start.isoformat()
        if self.precision == DatePrecision.MONTH:
            return self.start.strftime("%Y-%m")
        if self.precision == DatePrecision.YEAR:
            return str(self.start.year)
        start, end = self.start, self.end
        if start == end:
            return start.isoformat()
        if (start.year, start.month) == (end.year, end.month):
            return start.strftime("%Y-%m")
        if start.year == end.year:
            return str(start.year)
        return None
