"""Calendar arithmetic every rule shares: whole months, periods with an inclusive last day,
ages. Pure: no database, no clock."""

from __future__ import annotations

import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def whole_months(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` up to `end` (exclusive)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if add_months(start, months) > end else months


def duration_months(start: dt.date, last_day: dt.date) -> int:
    """Months of a period whose last day is included: 1 Mar 2026 – 28 Feb 2027 is 12."""
    return whole_months(start, last_day + dt.timedelta(days=1))


def age_on(birth_date: dt.date, day: dt.date) -> int:
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday
