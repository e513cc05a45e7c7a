"""Calendar arithmetic every rule shares: whole months, periods with an inclusive last day,
ages. Pure: no database, no clock.

Entered dates lie between 1900 and 2100 (`core.validators`), far from the calendar's ends, so
nothing here should come near year 1 or 9999. Should a row from before that bound carry such
a date, the arithmetic stops at the calendar's end instead of raising: a check over it then
finds the period wrong, and a page shows that, instead of failing."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def add_days(day: dt.date, days: int) -> dt.date:
    """`day` moved by `days`, stopping at the calendar's first or last day."""
    ordinal = min(max(day.toordinal() + days, 1), dt.date.max.toordinal())
    return dt.date.fromordinal(ordinal)


def whole_months(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` up to `end` (exclusive)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if add_months(start, months) > end else months


def duration_months(start: dt.date, last_day: dt.date) -> int:
    """Months of a period whose last day is included: 1 Mar 2026 – 28 Feb 2027 is 12."""
    return whole_months(start, add_days(last_day, 1))


def age_on(birth_date: dt.date, day: dt.date) -> int:
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday
