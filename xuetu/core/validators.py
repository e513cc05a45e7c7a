"""Checks on what people type, shared by every model field, form and serializer that takes it.

- Text: control characters (Unicode category Cc: C0, DEL and C1) have no place in a name or a
  note. They are invisible on the page, yet a vertical tab in a name stops a spreadsheet
  export and a NUL is refused by PostgreSQL. A name refuses all of them; free text (a textarea)
  keeps its tabs and line breaks.
- Dates: a date someone enters lies between 1900-01-01 and 2100-12-31. Nothing the programme
  plans falls outside, and the rules that add months or days to a stored date can then never
  run past the calendar's end (9999-12-31). Birth dates are not entered: they come from the
  resident ID number, whose own rules bound them (`core.identifiers`).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
LINE_BREAKS = frozenset("\t\n\r")  # what a textarea may hold besides printable text


def control_characters(text: str, *, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The control characters in `text`, in order, except those `allowed`."""
    return [c for c in text if unicodedata.category(c) == "Cc" and c not in allowed]


def _refuse_control(text: Any, allowed: frozenset[str]) -> None:
    if not isinstance(text, str):
        return
    found = control_characters(text, allowed=allowed)
    if found:
        raise ValidationError(
            _("Remove the invisible control character %(character)s from this text."),
            code="control_character",
            params={"character": f"U+{ord(found[0]):04X}"},
        )


def validate_line(text: Any) -> None:
    """A name or a one-line entry: no control character at all."""
    _refuse_control(text, frozenset())


def validate_text(text: Any) -> None:
    """Free text (a textarea): tabs and line breaks, but no other control character."""
    _refuse_control(text, LINE_BREAKS)


def validate_entered_date(value: Any) -> None:
    """A date someone entered: between 1900-01-01 and 2100-12-31."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date) and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )


DATE_BOUNDS = {"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()}


def date_input(**attrs: Any) -> forms.DateInput:
    """The browser's date picker, in ISO format (it shows an empty field for another format),
    offering only the dates `validate_entered_date` accepts."""
    return forms.DateInput(attrs={"type": "date", **DATE_BOUNDS, **attrs}, format="%Y-%m-%d")


class EnteredDateField(forms.DateField):
    """A form's date field bounded like every entered date."""

    default_validators = [validate_entered_date]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", date_input())
        super().__init__(**kwargs)


class LineField(forms.CharField):
    """A form's one-line text field that refuses control characters."""

    default_validators = [validate_line]


class TextField(forms.CharField):
    """A form's free-text field (a textarea) that refuses control characters but line breaks."""

    default_validators = [validate_text]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(**kwargs)
