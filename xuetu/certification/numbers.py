"""Certificate numbers read against their published layouts (issue 9, item 6).

Pure functions, no database. Two layouts are published and checked:

- a vocational skill level certificate (职业技能等级证书): 22 characters, a letter (`Y` an
  employer's evaluation, `S` a social training-evaluation organisation's) and 21 digits:
  evaluator code (positions 2–5), province (6–7, GB/T 2260), site serial (8–13), year (14–15),
  level (16), serial (17–22);
- a vocational qualification certificate (职业资格证书): 16 digits: year (1–2), the labour
  ministry's province or industry code (3–4, not GB/T 2260), city (5–6), agency type (7),
  agency serial (8–10), level (11), serial (12–16).

A number in its kind's layout whose level digit contradicts the stated level is refused
(`number_level_mismatch`, naming `number`). A number of any other layout (old provincial
layouts, 特级技师 numbers with two letters, a typo we cannot tell from one) is neither refused
nor silently accepted: it goes to the bureau's review queue with the reason. Special ability
and training certificates have no published layout: any plausible number is accepted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from xuetu.core.identifiers import PROVINCE_PREFIXES, normalise_number
from xuetu.core.problems import Problem, say
from xuetu.registry.choices import CertificateType

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SKILL_LEVEL = re.compile(r"[YS]\d{21}")
QUALIFICATION = re.compile(r"\d{16}")
PLAUSIBLE = re.compile(r"[0-9A-Z][0-9A-Z\-/]{3,39}")
LEVELS = frozenset(range(1, 6))  # 1 高级技师 … 5 初级工, as SkillLevel
LEVELLED = frozenset({CertificateType.SKILL_LEVEL, CertificateType.QUALIFICATION})

ACCEPTED = "accepted"
PENDING_REVIEW = "pending_review"
REFUSED = "refused"


@dataclass(frozen=True)
class Reading:
    """What a number says of itself, and what to do with it."""

    number: str  # as stored: normalised
    layout: str | None  # the kind whose layout it follows, or None
    level: int | None = None  # the level digit, if the layout has one
    year: int | None = None  # four digits, if the layout has a year
    outcome: str = ACCEPTED
    problems: list[Problem] = field(default_factory=list)  # refusals, or why it is reviewed


def read_skill_level(number: str) -> Reading | None:
    if not SKILL_LEVEL.fullmatch(number) or number[5:7] not in PROVINCE_PREFIXES:
        return None
    level = int(number[15])
    if level not in LEVELS:
        return None
    return Reading(number, CertificateType.SKILL_LEVEL, level=level, year=2000 + int(number[13:15]))


def read_qualification(number: str) -> Reading | None:
    if not QUALIFICATION.fullmatch(number):
        return None
    level = int(number[10])
    if level not in LEVELS:
        return None
    year = int(number[:2])
    # Qualification certificates have been numbered this way since the 1990s.
    return Reading(
        number,
        CertificateType.QUALIFICATION,
        level=level,
        year=(1900 if year >= 90 else 2000) + year,
    )


# Each message once, lazy: a job or a certificate stores it and it is read in the reader's
# language (`say` keeps the parameters until it is shown).
LAYOUT_SKILL_LEVEL = _(
    "The number is not in the skill level certificate layout (a letter Y or S and 21 "
    "digits): the bureau will check it."
)
LAYOUT_QUALIFICATION = _(
    "The number is not in the vocational qualification certificate layout (16 digits): "
    "the bureau will check it."
)
LEVEL_MISMATCH = _(
    "The number's level digit is %(digit)s, which is not the certificate's level %(level)s."
)
YEAR_DIFFERS = _(
    "The number says the certificate is of %(year)s, but it was issued in %(issued)s: "
    "the bureau will check it."
)
CORRECTED = _("Corrected after the bureau rejected it: the bureau will check it again.")


READERS: dict[str, Callable[[str], Reading | None]] = {
    CertificateType.SKILL_LEVEL: read_skill_level,
    CertificateType.QUALIFICATION: read_qualification,
}


def read_number(
    kind: str, raw: str, *, level: int | None = None, issued_year: int | None = None
) -> Reading:
    """Reads `raw` as a certificate of `kind` said to be of `level`, issued in `issued_year`."""
    number = normalise_number(raw or "")
    if not number:
        return _refused(Reading(number, None), "required", _("Enter the certificate number."))
    if not PLAUSIBLE.fullmatch(number):
        message = _("A certificate number has 4 to 40 letters and digits.")
        return _refused(Reading(number, None), "number_invalid", message)
    if kind not in READERS:
        return Reading(number, None)
    reading = READERS[kind](number)
    if reading is None:
        message = (
            LAYOUT_SKILL_LEVEL if kind == CertificateType.SKILL_LEVEL else LAYOUT_QUALIFICATION
        )
        return _reviewed(Reading(number, None), "number_layout_unknown", message)
    if level is not None and reading.level != level:
        mismatch = say(LEVEL_MISMATCH, digit=reading.level, level=level)
        return _refused(reading, "number_level_mismatch", mismatch)
    if issued_year is not None and reading.year != issued_year:
        differs = say(YEAR_DIFFERS, year=reading.year, issued=issued_year)
        return _reviewed(reading, "number_year_differs", differs)
    return reading


def _refused(reading: Reading, code: str, message: StrOrPromise) -> Reading:
    problems = [Problem(code, message, "number")]
    return replace(reading, outcome=REFUSED, problems=problems)


def _reviewed(reading: Reading, code: str, message: StrOrPromise) -> Reading:
    problems = [Problem(code, message, "number")]
    return replace(reading, outcome=PENDING_REVIEW, problems=problems)


# Why a number waits for review, kept as data (a code and its parameters) and said again in
# the reader's language: the same messages as read_number's.
def review_reason(
    kind: str, reading: Reading, issued_year: int | None = None
) -> tuple[str, dict[str, object]]:
    """The stored form of a pending reading's reason: its problem's code and parameters."""
    problem = reading.problems[0] if reading.problems else None
    code = problem.code if problem else ""
    if code == "number_layout_unknown":
        return code, {"kind": kind}
    if code == "number_year_differs":
        return code, {"year": reading.year, "issued": issued_year}
    return code, {}


def reason_message(code: str, params: dict[str, object]) -> str:
    """The reason `code` with `params`, in the active language."""
    if code == "number_layout_unknown":
        skill = params.get("kind") == CertificateType.SKILL_LEVEL
        return str(LAYOUT_SKILL_LEVEL if skill else LAYOUT_QUALIFICATION)
    if code == "number_year_differs":
        return str(say(YEAR_DIFFERS, year=params.get("year", ""), issued=params.get("issued", "")))
    if code == "corrected_after_rejection":
        return str(CORRECTED)
    return code
