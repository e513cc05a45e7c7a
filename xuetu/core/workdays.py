"""Working days (工作日): the days a public notice runs, counted the way the bureau counts them.

A day's answer comes, in this order, from
1. the bureau's own change for that day (`WorkdayOverride`: a holiday the package lacks, or a
   make-up working day), which always wins;
2. the `chinese-calendar` package, for the years it knows (the State Council's statutory
   holidays and make-up working days);
3. for a year the bureau marked as entered in full (`WorkdayYear.complete`), Monday to Friday
   (its holidays and make-up days are the overrides of step 1).
A day of a year none of them covers is refused (`CalendarUnknown`, code `calendar_unknown`):
a notice is never counted on weekdays alone. The rules in words: docs/rules/workdays.md.

Each call reads the bureau's tables once (one query for the years, one for the overrides of
the range it needs), never once per day; the package is loaded on first use and kept for the
process.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache

from django.utils.translation import gettext_lazy as _

from xuetu.core.problems import Problem, Refused, say

# Working days a single count may ask for: ten years' worth, far beyond any notice.
MAX_WORKING_DAYS = 2500
# Days read from the overrides table per query while counting forward.
_WINDOW_DAYS = 120


class CalendarUnknown(Refused):
    """A day of a year whose working days nobody knows yet (a 409 in the API)."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__([calendar_unknown(year)])


def calendar_unknown(year: int, field: str | None = None) -> Problem:
    return Problem(
        "calendar_unknown",
        say(
            _(
                "The working-day calendar for %(year)s is not known yet: the bureau enters it "
                "once the State Council publishes it."
            ),
            year=str(year),
        ),
        field,
    )


@dataclass(frozen=True)
class _Package:
    """What chinese-calendar knows: its first and last year, its holidays and its make-up
    working days."""

    first_year: int
    last_year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    def is_workday(self, day: dt.date) -> bool:
        return day in self.workdays or (day.weekday() < 5 and day not in self.holidays)


@cache
def package() -> _Package:
    """chinese-calendar's tables, loaded on first use and kept for the process."""
    from chinese_calendar import constants

    holidays = frozenset(constants.holidays)
    return _Package(
        first_year=min(holidays).year,
        last_year=max(holidays).year,
        holidays=holidays,
        workdays=frozenset(constants.workdays),
    )


@dataclass
class Calendar:
    """The answer for each day, from the bureau's changes and complete years (given) and the
    package. Pure: the loader below fills it from the database."""

    overrides: dict[dt.date, bool] = field(default_factory=dict)
    complete_years: frozenset[int] = frozenset()

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        known = package()
        if known.covers(day.year):
            return known.is_workday(day)
        if day.year in self.complete_years:
            return day.weekday() < 5
        raise CalendarUnknown(day.year)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (`start` itself not counted; 0 gives `start`)."""
        _check_count(n)
        day, left = start, n
        while left:
            day = _next_day(day)
            if self.is_workday(day):
                left -= 1
        return day


def _check_count(n: int) -> None:
    if not 0 <= n <= MAX_WORKING_DAYS:
        raise ValueError(f"a count of working days between 0 and {MAX_WORKING_DAYS}, not {n}")


def _next_day(day: dt.date) -> dt.date:
    if day == dt.date.max:
        raise CalendarUnknown(dt.MAXYEAR + 1)
    return day + dt.timedelta(days=1)


def _complete_years() -> frozenset[int]:
    from xuetu.core.models import WorkdayYear

    return frozenset(WorkdayYear.objects.filter(complete=True).values_list("year", flat=True))


def _overrides(first: dt.date, last: dt.date) -> dict[dt.date, bool]:
    from xuetu.core.models import WorkdayOverride

    rows = WorkdayOverride.objects.filter(date__range=(first, last))
    return dict(rows.values_list("date", "is_workday"))


def calendar(first: dt.date, last: dt.date) -> Calendar:
    """The calendar with the bureau's changes from `first` to `last` (two queries)."""
    return Calendar(overrides=_overrides(first, last), complete_years=_complete_years())


def is_workday(day: dt.date) -> bool:
    """Whether `day` is a working day; `CalendarUnknown` for a year nobody covers."""
    return calendar(day, day).is_workday(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (`start` itself not counted; 0 gives `start`).

    Reads the bureau's changes for a window long enough for any ordinary count (two queries);
    only a count that runs past it reads the next window."""
    _check_count(n)
    window_end = _window_end(start, n)
    cal = Calendar(overrides=_overrides(start, window_end), complete_years=_complete_years())
    day, left = start, n
    while left:
        day = _next_day(day)
        if day > window_end:
            window_end = _window_end(day, left)
            cal.overrides.update(_overrides(day, window_end))
        if cal.is_workday(day):
            left -= 1
    return day


def _window_end(start: dt.date, n: int) -> dt.date:
    days = 2 * n + _WINDOW_DAYS
    if start.toordinal() + days > dt.date.max.toordinal():
        return dt.date.max
    return start + dt.timedelta(days=days)


def first_working_day_after(day: dt.date) -> dt.date:
    """The first working day after `day` (a notice published on `day` starts then)."""
    return add_working_days(day, 1)


def notice_end(published_on: dt.date, days: int) -> dt.date:
    """The last day of a notice of `days` working days, counted from the first working day
    after its publication (that day is the first of them).

    Published on 2026-09-30 for 5 working days: 8, 9, 10 (a make-up Saturday), 12 and
    13 October, so it ends on 2026-10-13."""
    if days < 1:
        raise ValueError(f"a notice runs at least one working day, not {days}")
    return add_working_days(published_on, days)


def working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """The working days from `first` to `last`, both included (two queries)."""
    cal = calendar(first, last)
    found: list[dt.date] = []
    day = first
    while day <= last:
        if cal.is_workday(day):
            found.append(day)
        if day == last:
            break
        day = _next_day(day)
    return found
