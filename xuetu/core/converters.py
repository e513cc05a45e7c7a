"""The `<id:pk>` path converter every page route uses for an object's id.

Django's `<int:…>` takes any run of digits, and a number past 64 bits then reaches the
database, which cannot compare it (SQLite raises, PostgreSQL overflows): a server error for
a typed URL. An id here is 1 to 2^63 − 1, as the API's routes already demand
(`core.ids.ID_PATTERN`); any other number does not match the route, so the page is 404.
"""

from __future__ import annotations

from django.urls import register_converter

from xuetu.core.ids import MAX_ID, parse_id


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # the route does not match: 404
        return number

    def to_url(self, value: int | str) -> str:
        number = parse_id(value)
        if number is None:
            raise ValueError(f"an object id is 1 to {MAX_ID}, not {value!r}")
        return str(number)


register_converter(IdConverter, "id")
