"""Calendar arithmetic: whole months, inclusive periods, ages."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xuetu.core import dates


@pytest.mark.parametrize(
    ("start", "last_day", "months"),
    [
        (dt.date(2026, 3, 1), dt.date(2027, 2, 28), 12),
        (dt.date(2026, 3, 1), dt.date(2027, 2, 27), 11),
        (dt.date(2026, 3, 1), dt.date(2028, 2, 29), 24),
        (dt.date(2026, 3, 1), dt.date(2028, 3, 1), 24),
        (dt.date(2026, 1, 31), dt.date(2026, 2, 27), 1),  # to the end of a short month
        (dt.date(2026, 1, 31), dt.date(2026, 2, 26), 0),
        (dt.date(2026, 1, 31), dt.date(2027, 1, 30), 12),
    ],
)
def test_a_period_lasts_the_whole_months_up_to_the_day_after_its_last_day(start, last_day, months):
    assert dates.duration_months(start, last_day) == months


@given(st.dates(dt.date(1950, 1, 1), dt.date(2100, 1, 1)), st.integers(0, 600))
def test_adding_months_then_counting_them_gives_them_back(day, months):
    assert dates.whole_months(day, dates.add_months(day, months)) == months


@given(st.dates(dt.date(1950, 1, 1), dt.date(2100, 1, 1)), st.dates(dt.date(1950, 1, 1)))
def test_whole_months_never_overshoot_the_end(start, end):
    months = dates.whole_months(start, end)
    if end >= start:
        assert dates.add_months(start, months) <= end < dates.add_months(start, months + 1)


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (dt.date(2010, 3, 1), dt.date(2026, 3, 1), 16),
        (dt.date(2010, 3, 2), dt.date(2026, 3, 1), 15),
        (dt.date(2008, 2, 29), dt.date(2026, 2, 28), 17),
        (dt.date(2008, 2, 29), dt.date(2026, 3, 1), 18),
    ],
)
def test_age_counts_whole_years_to_the_birthday(birth, day, age):
    assert dates.age_on(birth, day) == age
