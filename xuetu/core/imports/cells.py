"""Reading one cell: accept what real spreadsheets contain, refuse what cannot be trusted.

Pure functions over the values python-calamine gives (str, float, bool, date, datetime).
A cleaner takes a cell that is not blank (the column deals with blank cells) and returns the
clean value or raises `CellError` with a message for the user. Factories (`choice`,
`person_name`, `integer`, `text`) build the cleaners an import declares per column.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from xuetu.core.identifiers import (
    ResidentId,
    normalise_id_number,
    parse_legacy_id,
    parse_resident_id,
    validate_mobile,
)
from xuetu.core.imports.parse import INVISIBLE
from xuetu.core.imports.parse import is_blank as is_blank  # where every module finds it
from xuetu.core.problems import say

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

Cleaner = Callable[[Any], Any]
CELL_CHARS = 1000  # no column takes more; the reader cuts every cell just past it

_SPACES = re.compile(r"\s+")
# "张 三": a space between two Chinese characters is a typing slip, not part of the name.
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")
# What Excel shows once it has turned a long number into a float: 5.00105E+17.
_SCIENTIFIC = re.compile(r"[0-9](?:\.[0-9]+)?E\+?[0-9]+", re.IGNORECASE)
_LEGACY_ID = re.compile(r"[0-9]{15}")
_DATE = re.compile(
    r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?"
    r"(?:\s+0?0:00(?::00)?)?"  # "2022-03-01 00:00:00", a date pasted from a database
)
_INTEGER = re.compile(r"[+-]?[0-9]+")
YES = frozenset({"是", "yes", "y", "true", "1"})
NO = frozenset({"否", "no", "n", "false", "0"})


class CellError(Exception):
    def __init__(self, message: str | StrPromise, *, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code

    @classmethod
    def from_validation(cls, error: ValidationError) -> CellError:
        message = error.message if hasattr(error, "message") else error.messages[0]
        params = getattr(error, "params", None)
        if params:
            message = say(message, **params)
        return cls(message, code=getattr(error, "code", None) or "invalid")


def required() -> CellError:
    return CellError(_("This cell is required."), code="required")


def too_long() -> CellError:
    message = say(
        _("This cell holds more than %(max)s characters; no column takes that much."),
        max=f"{CELL_CHARS:,}",
    )
    return CellError(message, code="cell_too_long")


def cell_text(value: Any) -> str:
    """A cell as the text the user typed: full-width characters as ASCII (NFKC), invisible
    characters dropped, runs of spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # calamine reads every number as a float: 1.0 is "1"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value)
    if not text.isascii():
        text = INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return _SPACES.sub(" ", text).strip()


def shown(value: Any) -> str:
    """A cell's value for the report, as Excel would show it (5.00105E+17 for a big float)."""
    if isinstance(value, float) and abs(value) >= 1e11:
        return f"{value:.6G}"
    return cell_text(value)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def squeeze(text: str) -> str:
    """A name for comparison: "张 三" and "张三", "Ali" and "ALI" are the same name."""
    return _SPACES.sub("", cell_text(text)).casefold()


# Text ---------------------------------------------------------------------------------------
def text(*, max_length: int | None = None) -> Cleaner:
    """Free text, at most `max_length` characters."""

    def clean(value: Any) -> str:
        found = cell_text(value)
        if max_length is not None and len(found) > max_length:
            message = say(_("At most %(max)s characters."), max=max_length)
            raise CellError(message, code="too_long")
        return found

    return clean


def person_name(*, max_length: int) -> Cleaner:
    """A person's name: no digits (a shifted column), the gap in "张 三" closed."""

    def clean(value: Any) -> str:
        found = _CJK_GAP.sub("", cell_text(value))
        if not found:
            raise required()
        if any(char.isdigit() for char in found):
            message = _("A name has no digits; is this the right column?")
            raise CellError(message, code="name_digits")
        if len(found) > max_length:
            message = say(_("A name has at most %(max)s characters."), max=max_length)
            raise CellError(message, code="name_length")
        return found

    return clean


# Identifiers --------------------------------------------------------------------------------
@dataclass(frozen=True)
class IdNumber:
    number: str  # always 18 characters
    legacy: str = ""  # the 15-digit number as given, when that is what the file holds
    resident: ResidentId | None = None  # what parse_resident_id read (not for a legacy one)


def resident_id(value: Any) -> IdNumber:
    """A resident ID number; a 15-digit legacy number is read as the 18-character one."""
    text = cell_text(value)
    if is_number(value) or _SCIENTIFIC.fullmatch(text):
        raise _excel_number(value)
    number = normalise_id_number(text)
    if not number:
        raise required()
    try:
        if _LEGACY_ID.fullmatch(number):
            return IdNumber(legacy_to_18(parse_legacy_id(number).number), legacy=number)
        parsed = parse_resident_id(number)
    except ValidationError as error:
        raise CellError.from_validation(error) from None
    return IdNumber(parsed.number, resident=parsed)


def _excel_number(value: Any) -> CellError:
    # The float keeps 15 significant digits, so the last digits are gone for good: the only
    # fix is to type the numbers again into a text column.
    message = say(
        _(
            "Excel has turned this ID number into the number %(value)s and lost its last "
            "digits. Format the column as text and type the number again."
        ),
        value=shown(value),
    )
    return CellError(message, code="id_as_number")


def legacy_to_18(number15: str) -> str:
    """The 18-character number a 15-digit one became: century 19 inserted, check added."""
    body = f"{number15[:6]}19{number15[6:]}"
    return body + ric.calc_check_digit(body + "X")  # the last character is ignored


def name_or_id(value: Any) -> str:
    """A person named by name or ID number; an ID Excel turned into a number cannot match."""
    if is_number(value):
        raise _excel_number(value)
    return cell_text(value)


def mobile(value: Any) -> str:
    try:
        return validate_mobile(cell_text(value))
    except ValidationError as error:
        raise CellError.from_validation(error) from None


# Choices, yes/no, numbers -------------------------------------------------------------------
def choice(
    choices: Mapping[str, Any], message: str | StrPromise, *, code: str = "choice"
) -> Cleaner:
    """One of `choices` (keys compared case-folded, with spaces and hyphens as "_")."""
    folded = {key.casefold(): value for key, value in choices.items()}

    def clean(value: Any) -> Any:
        key = cell_text(value).casefold().replace(" ", "_").replace("-", "_")
        if key not in folded:
            raise CellError(message, code=code)
        return folded[key]

    return clean


def yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    found = cell_text(value).casefold()
    if found in YES or found in NO:
        return found in YES
    raise CellError(_("Write 是 or 否 (or yes or no)."), code="yes_no")


def integer(*, minimum: int, maximum: int) -> Cleaner:
    """A whole number from `minimum` to `maximum`."""

    def clean(value: Any) -> int:
        found = cell_text(value).replace(",", "")
        if not _INTEGER.fullmatch(found):
            raise CellError(_("Write a whole number, e.g. 12."), code="integer")
        number = int(found)
        if not minimum <= number <= maximum:
            message = say(_("Write a number from %(min)s to %(max)s."), min=minimum, max=maximum)
            raise CellError(message, code="integer_range")
        return number

    return clean


# Dates ---------------------------------------------------------------------------------------
def date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if is_number(value):
        message = _("This is a number, not a date: format the cell as a date or type 2022-03-01.")
        raise CellError(message, code="date_number")
    found = cell_text(value)
    match = _DATE.fullmatch(found)
    if match is None:
        message = _("Write the date as 2022-03-01, 2022/3/1, 2022.3.1 or 2022年3月1日.")
        raise CellError(message, code="date_format")
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        message = say(_("%(value)s is not a real date."), value=found)
        raise CellError(message, code="date_impossible") from None
