"""Chinese identifiers: resident ID numbers, unified social credit codes, mobile numbers.

Pure functions with no database access. Check characters and place names come from
python-stdnum; the normalisation of what people actually type or paste from Excel, and
the rules about what we accept, live here.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# GB/T 2260 province-level prefixes. stdnum's location data has no 83, which is used on
# residence permits for Taiwan residents, so we keep our own fixed set; the tests check that
# every province stdnum knows is in it.
_PROVINCE_RANGES = ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65), (71, 71), (81, 83))
PROVINCE_PREFIXES: frozenset[str] = frozenset(
    str(n) for low, high in _PROVINCE_RANGES for n in range(low, high + 1)
)

# The published GB 11643 example 440524188001010014 is born in 1880; the lower bound only
# rejects obvious typos (e.g. 0990 for 1990), age rules belong to the apprenticeship logic.
EARLIEST_BIRTH_YEAR = 1800

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space come from Chinese input methods.
_FULL_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Invisible characters that survive copy-paste, and the BOM that starts many CSV files.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_WHITESPACE = re.compile(r"\s+")
_RESIDENT_ID = re.compile(r"[0-9]{17}[0-9X]")
_LEGACY_ID = re.compile(r"[0-9]{15}")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_MOBILE_PREFIXES = ("+86", "0086")


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: datetime.date
    gender: str  # "M" or "F"
    province: str


@dataclass(frozen=True)
class UsccCheck:
    number: str
    checksum_ok: bool


def _compact(raw: str) -> str:
    """Full-width to ASCII, drop all whitespace and invisible characters."""
    text = _INVISIBLE.sub("", raw.translate(_FULL_WIDTH))
    return _WHITESPACE.sub("", text)


def normalise_number(raw: str) -> str:
    """A document number as typed or pasted: full-width to ASCII, no spaces or invisible
    characters, upper case. Excel prefixes an apostrophe to keep long digit strings as text
    instead of 1.1E+17."""
    return _compact(raw).removeprefix("'").upper()


def normalise_id_number(raw: str) -> str:
    return normalise_number(raw)


def _province_name(number: str) -> str:
    # Not ric.get_birth_place(): it refuses county codes not in use in the birth year, but the
    # area code records where the number was assigned, which may be years after birth (all of
    # Chongqing's 50xxxx codes date from 1997 and are carried by people born long before).
    return _area_province(number[:6])


@functools.lru_cache(maxsize=4096)
def _area_province(area: str) -> str:
    # Once per area code: an import of 20,000 numbers would otherwise walk the table each time.
    parts = numdb.get("cn/loc").info(area)
    return next((props["province"] for _, props in parts if "province" in props), "")


def _refuse(message: StrOrPromise, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _birth_date(number18: str) -> datetime.date:
    try:
        birth = ric.get_birth_date(number18)
    except StdnumError:
        raise _refuse(_("The birth date in the ID number is not a real date."), "date") from None
    if birth.year < EARLIEST_BIRTH_YEAR:
        raise _refuse(_("The birth year in the ID number is too early."), "date")
    return birth


def _check_province(number: str) -> None:
    if number[:2] not in PROVINCE_PREFIXES:
        raise _refuse(_("The ID number does not start with a known province code."), "province")


def _gender(order_digit: str) -> str:
    return "M" if int(order_digit) % 2 else "F"


def parse_resident_id(raw: str, *, today: datetime.date | None = None) -> ResidentId:
    number = normalise_id_number(raw)
    if _LEGACY_ID.fullmatch(number):
        raise _refuse(
            _("15-digit legacy ID numbers are accepted only on import; enter the 18-digit number."),
            "legacy_15",
        )
    if not _RESIDENT_ID.fullmatch(number):
        raise _refuse(_("An ID number has 17 digits followed by a digit or X."), "format")
    _check_province(number)
    birth = _birth_date(number)
    if birth > (today or datetime.date.today()):
        raise _refuse(_("The birth date in the ID number is in the future."), "future")
    if number[-1] != ric.calc_check_digit(number):
        raise _refuse(_("The ID number's check character is wrong."), "checksum")
    return ResidentId(number, birth, _gender(number[16]), _province_name(number))


def parse_legacy_id(raw: str) -> ResidentId:
    """Parse a 15-digit first-generation number (YYMMDD birth date in the 1900s)."""
    number = normalise_id_number(raw)
    if not _LEGACY_ID.fullmatch(number):
        raise _refuse(_("A legacy ID number has exactly 15 digits."), "format")
    _check_province(number)
    # Laid out as an 18-character number so stdnum reads the date; the check char is unused.
    birth = _birth_date(f"{number[:6]}19{number[6:]}X")
    return ResidentId(number, birth, _gender(number[14]), _province_name(number))


def mask_id_number(number: str) -> str:
    # Reveal at most a quarter of each end so short values are never mostly visible.
    keep = min(4, len(number) // 4)
    if keep == 0:
        return "*" * len(number)
    return number[:keep] + "*" * (len(number) - 2 * keep) + number[-keep:]


def make_resident_id(area: str, birth: datetime.date, seq: int, *, gender: str) -> str:
    """Build a valid 18-character number; for tests and demo data only."""
    if not (len(area) == 6 and area.isascii() and area.isdigit()):
        raise ValueError(f"area must be 6 digits, got {area!r}")
    if not 0 <= seq <= 99 or gender not in ("M", "F"):
        raise ValueError(f"need 0 <= seq <= 99 and gender M/F, got {seq!r}, {gender!r}")
    body = f"{area}{birth:%Y%m%d}{seq:02d}{1 if gender == 'M' else 2}"
    # stdnum's calc_check_digit ignores the last character, so any placeholder works.
    return body + ric.calc_check_digit(body + "X")


def normalise_uscc(raw: str) -> str:
    # The same Excel apostrophe as on ID numbers, which codes with many digits also carry.
    return _compact(raw).removeprefix("'").upper()


def check_uscc(raw: str) -> UsccCheck:
    """Refuse malformed codes; report (not refuse) a wrong check character."""
    number = normalise_uscc(raw)
    if len(number) != 18 or any(c not in USCC_CHARSET for c in number):
        raise _refuse(
            _("A unified social credit code has 18 digits or capital letters (no I, O, Z, S, V)."),
            "format",
        )
    # Not uscc.validate(): it demands 8 leading digits, yet GB 32100 allows letters in the
    # first position (e.g. N for rural collectives), so only the check character is delegated.
    return UsccCheck(number, number[-1] == uscc.calc_check_digit(number))


def normalise_mobile(raw: str) -> str:
    number = re.sub(r"[-()]", "", _compact(raw))
    for prefix in _MOBILE_PREFIXES:
        if number.startswith(prefix):
            return number.removeprefix(prefix)
    # A bare 86 is only a country code when 11 digits follow; mainland mobiles never start 86.
    if number.startswith("86") and len(number) == 13:
        return number[2:]
    return number


def validate_mobile(raw: str) -> str:
    number = normalise_mobile(raw)
    if not _MOBILE.fullmatch(number):
        raise _refuse(_("Enter an 11-digit mainland mobile number starting with 13-19."), "mobile")
    return number
