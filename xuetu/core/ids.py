"""Object ids from the outside world (URLs, query strings, request bodies) are checked before
they reach the database: SQLite cannot even compare a number past 64 bits, and such a number
must be "not found", not a server error."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

MAX_ID = 2**63 - 1
ID_PATTERN = r"[0-9]{1,18}"  # for URL routes: longer numbers cannot be ids


def parse_id(value: Any) -> int | None:
    """The id in `value`, or None when it cannot be one."""
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


class SafeIdMixin(forms.ModelChoiceField):
    """For a model choice field: an id that cannot exist is an invalid choice."""

    def to_python(self, value: Any):
        if value in self.empty_values:
            return None
        if self.to_field_name is None and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class SafeModelChoiceField(SafeIdMixin, forms.ModelChoiceField):
    pass
