"""Reading one cell: accept what real spreadsheets contain, refuse what cannot be trusted.

Pure functions over the values python-calamine gives (str, float, bool, date, datetime);
each returns the clean value or raises `CellError` with a message for the user.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from xuetu.core.identifiers import (
    normalise_id_number,
    parse_legacy_id,
    parse_resident_id,
    validate_mobile,
)
from xuetu.core.problems import say
from xuetu.programmes.choices import ApprenticeCategory

NAME_MAX_LENGTH = 60  # Person.name

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
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

CATEGORIES: dict[str, str] = {
    "新入职": ApprenticeCategory.NEW_HIRE,
    "new_hire": ApprenticeCategory.NEW_HIRE,
    "在岗": ApprenticeCategory.IN_POST,
    "in_post": ApprenticeCategory.IN_POST,
    "转岗": ApprenticeCategory.TRANSFERRED,
    "transferred": ApprenticeCategory.TRANSFERRED,
}
YES = frozenset({"是", "yes", "y", "true", "1"})
NO = frozenset({"否", "no", "n", "false", "0"})


class CellError(Exception):
    def __init__(self, message: str | Promise, *, code: str) -> None:
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
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", str(value)))
    return _SPACES.sub(" ", text).strip()


def shown(value: Any) -> str:
    """A cell's value for the report, as Excel would show it (5.00105E+17 for a big float)."""
    if isinstance(value, float) and abs(value) >= 1e11:
        return f"{value:.6G}"
    return cell_text(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def squeeze(text: str) -> str:
    """A name for comparison: "张 三" and "张三", "Ali" and "ALI" are the same name."""
    return _SPACES.sub("", cell_text(text)).casefold()


def parse_name(value: Any) -> str:
    text = _CJK_GAP.sub("", cell_text(value))
    if not text:
        raise required()
    if any(char.isdigit() for char in text):
        raise CellError(_("A name has no digits; is this the right column?"), code="name_digits")
    if len(text) > NAME_MAX_LENGTH:
        message = say(_("A name has at most %(max)s characters."), max=NAME_MAX_LENGTH)
        raise CellError(message, code="name_length")
    return text


@dataclass(frozen=True)
class IdNumber:
    number: str  # always 18 characters
    legacy: str = ""  # the 15-digit number as given, when that is what the file holds


def parse_id_number(value: Any) -> IdNumber:
    if _is_number(value) or _SCIENTIFIC.fullmatch(cell_text(value)):
        raise _excel_number(value)
    number = normalise_id_number(cell_text(value))
    if not number:
        raise required()
    try:
        if _LEGACY_ID.fullmatch(number):
            return IdNumber(legacy_to_18(parse_legacy_id(number).number), legacy=number)
        return IdNumber(parse_resident_id(number).number)
    except ValidationError as error:
        raise CellError.from_validation(error) from None


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


def parse_phone(value: Any) -> str:
    text = cell_text(value)
    if not text:
        return ""
    try:
        return validate_mobile(text)
    except ValidationError as error:
        raise CellError.from_validation(error) from None


def parse_category(value: Any) -> str:
    text = cell_text(value).casefold().replace(" ", "_").replace("-", "_")
    if not text:
        raise required()
    if text not in CATEGORIES:
        message = _("Choose 新入职, 在岗 or 转岗 (or new_hire, in_post, transferred).")
        raise CellError(message, code="category")
    return CATEGORIES[text]


def parse_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).casefold()
    if not text:
        raise required()
    if text in YES or text in NO:
        return text in YES
    raise CellError(_("Write 是 or 否 (or yes or no)."), code="yes_no")


def parse_date(value: Any, *, required_cell: bool) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if _is_number(value):
        message = _("This is a number, not a date: format the cell as a date or type 2022-03-01.")
        raise CellError(message, code="date_number")
    text = cell_text(value)
    if not text:
        if required_cell:
            raise required()
        return None
    return _date_from_text(text)


def _date_from_text(text: str) -> dt.date:
    match = _DATE.fullmatch(text)
    if match is None:
        message = _("Write the date as 2022-03-01, 2022/3/1, 2022.3.1 or 2022年3月1日.")
        raise CellError(message, code="date_format")
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        message = say(_("%(value)s is not a real date."), value=text)
        raise CellError(message, code="date_impossible") from None


def mentor_text(value: Any) -> str:
    """A mentor's name or ID number; an ID Excel turned into a number cannot be matched."""
    if _is_number(value):
        raise _excel_number(value)
    return cell_text(value)
