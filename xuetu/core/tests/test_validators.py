"""What people type: control characters refused, entered dates bounded, ids bounded, JSON
nested no deeper than the API needs. Pure checks, over many inputs."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from xuetu.core import dates, validators
from xuetu.core.converters import IdConverter
from xuetu.core.ids import MAX_ID
from xuetu.core.parsers import MAX_DEPTH, nesting_depth
from xuetu.core.validators import EARLIEST_DATE, LATEST_DATE

CONTROL = [chr(c) for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))]  # C0, DEL, C1
PRINTABLE = st.text(st.characters(exclude_categories=["Cc", "Cs"]))


def refused(check, value) -> bool:
    try:
        check(value)
    except ValidationError:
        return True
    return False


# Control characters ---------------------------------------------------------------------------
def test_the_control_characters_are_exactly_c0_del_and_c1():
    assert [c for c in map(chr, range(0x110000)) if unicodedata.category(c) == "Cc"] == CONTROL


@given(PRINTABLE)
def test_printable_text_in_any_script_is_accepted_as_a_name_and_as_free_text(text):
    assert not refused(validators.validate_line, text)
    assert not refused(validators.validate_text, text)


@given(PRINTABLE, st.sampled_from(CONTROL), PRINTABLE)
def test_a_name_with_any_control_character_anywhere_is_refused(before, control, after):
    assert refused(validators.validate_line, before + control + after)


@given(PRINTABLE, st.sampled_from(CONTROL), PRINTABLE)
def test_free_text_keeps_tabs_and_line_breaks_and_refuses_every_other_control_character(
    before, control, after
):
    assert refused(validators.validate_text, before + control + after) == (control not in "\t\n\r")


def test_the_refusal_names_the_character_in_the_users_language():
    with pytest.raises(ValidationError) as caught, translation.override("zh-hans"):
        validators.validate_line("张\x0b三")
    error = caught.value
    assert error.code == "control_character"
    with translation.override("zh-hans"):
        message = error.messages[0]
    assert "U+000B" in message and "控制字符" in message


def test_a_value_that_is_not_text_is_left_to_the_fields_own_checks():
    assert not refused(validators.validate_line, None)
    assert not refused(validators.validate_text, 12)


# Entered dates --------------------------------------------------------------------------------
@given(st.dates(EARLIEST_DATE, LATEST_DATE))
def test_every_date_from_1900_to_2100_is_accepted(day):
    assert not refused(validators.validate_entered_date, day)


@given(
    st.one_of(st.dates(max_value=dt.date(1899, 12, 31)), st.dates(min_value=dt.date(2101, 1, 1)))
)
def test_every_date_before_1900_or_after_2100_is_refused(day):
    assert refused(validators.validate_entered_date, day)


def test_a_refused_date_says_the_bounds_in_the_users_language():
    with translation.override("zh-hans"):
        field = validators.EnteredDateField()
        with pytest.raises(ValidationError) as caught:
            field.clean("9999-12-01")
        assert "1900-01-01" in caught.value.messages[0]
        assert "2100-12-31" in caught.value.messages[0]
        assert "日期" in caught.value.messages[0]


def test_the_date_picker_offers_only_the_dates_a_form_accepts():
    widget = validators.EnteredDateField().widget
    assert widget.input_type == "date"
    assert (widget.attrs["min"], widget.attrs["max"]) == ("1900-01-01", "2100-12-31")


# Arithmetic on stored dates -------------------------------------------------------------------
STORED = st.dates(EARLIEST_DATE, LATEST_DATE)
POLICY_MONTHS = st.integers(0, 32767)  # a PositiveSmallIntegerField of the policy


@given(STORED, POLICY_MONTHS)
def test_adding_any_policys_months_to_any_stored_date_stays_in_the_calendar(day, months):
    moved = dates.add_months(day, months)
    assert dates.whole_months(day, moved) == months


@given(STORED, STORED)
def test_any_period_between_stored_dates_has_a_length(start, last_day):
    assert dates.duration_months(start, last_day) == dates.whole_months(
        start, last_day + dt.timedelta(days=1)
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(9999, 12, 1), 1, dt.date.max),
        (dt.date(9999, 12, 31), 34, dt.date.max),
        (dt.date(1, 1, 31), -1, dt.date.min),
    ],
)
def test_a_date_from_before_the_bounds_stops_at_the_calendars_end_instead_of_failing(
    day, months, expected
):
    assert dates.add_months(day, months) == expected


def test_a_period_ending_on_the_calendars_last_day_still_has_a_length():
    assert dates.duration_months(dt.date(2026, 3, 1), dt.date.max) > 95_000
    assert dates.add_days(dt.date.max, 1) == dt.date.max
    assert dates.add_days(dt.date.min, -1) == dt.date.min


# Ids in page routes ---------------------------------------------------------------------------
@given(st.integers(1, MAX_ID))
def test_every_64_bit_id_is_a_route_id_and_goes_back_into_the_same_url(number):
    converter = IdConverter()
    assert converter.to_python(str(number)) == number
    assert converter.to_url(number) == str(number)


@pytest.mark.parametrize("text", ["0", "00", str(MAX_ID + 1), "9" * 19])
def test_zero_and_numbers_past_64_bits_are_not_route_ids(text):
    with pytest.raises(ValueError):
        IdConverter().to_python(text)


# JSON nesting ---------------------------------------------------------------------------------
def nested(depth: int):
    value: object = 1
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


@given(st.integers(0, 200))
def test_the_nesting_of_any_json_body_is_counted_exactly(depth):
    assert nesting_depth(json.dumps(nested(depth))) == depth


@given(st.text())
def test_brackets_inside_strings_do_not_count_as_nesting(text):
    assert nesting_depth(json.dumps({"a": text, "b": [text]})) == 2


def test_counting_stops_once_past_the_limit():
    assert nesting_depth("[" * 100_000, stop_past=MAX_DEPTH) == MAX_DEPTH + 1
