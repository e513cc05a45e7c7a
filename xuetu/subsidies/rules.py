"""Who is entitled to how much (issue 10, item 2): the eligibility checks of one enrollment and
its subsidy line, as pure functions. No database, no clock: the facts come in as plain frozen
dataclasses (`EnrollmentFacts`, `PolicyFacts`), gathered by the settlement from the stored
evidence, so a claim can be recomputed years later from the same facts and policy version.

Each check has a stable code (`CHECK_CODES`, in this order), a result (`pass`, `fail` or
`review`) and a message in the reader's language. The line's amount is the standard per year of
the achieved level, capped at the class's target level, times the years (the class's planned
whole months / 12, exactly, capped at the policy's maximum, or the approved maximum when a
reviewer recorded a special approval), rounded to the fen half up. A failed check makes the
amount 0.00; a check at `review` leaves the amount the reviewer's decision would pay.
`docs/rules/subsidies.md` states every rule in words with the worked examples of `examples.py`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, cast

from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xuetu.core.dates import add_months, duration_months
from xuetu.core.problems import say
from xuetu.programmes.rules import LAW_RETIREMENT_SCHEDULE, age_problems
from xuetu.registry.choices import CertificateType, SkillLevel
from xuetu.subsidies.choices import CHECK_CODES, CHECK_NAMES, CheckResult
from xuetu.subsidies.money import FEN, ZERO

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

PASS, FAIL, REVIEW = CheckResult.PASS.value, CheckResult.FAIL.value, CheckResult.REVIEW.value
LEVELLED = frozenset({CertificateType.SKILL_LEVEL.value, CertificateType.QUALIFICATION.value})
# The certificate statuses of `certification.choices.ReviewStatus`, as plain values.
PENDING_REVIEW, REJECTED = "pending_review", "rejected"
COMPLETED, WITHDRAWN = "completed", "withdrawn"


# The facts ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CertificateFacts:
    """One certificate of the apprentice, as recorded (certification.Certificate)."""

    kind: str  # registry.choices.CertificateType
    occupation_code: str  # "" for one without an occupation
    level: int | None  # None for the kinds without a level
    issued_on: dt.date
    review_status: str = "accepted"  # certification.choices.ReviewStatus
    number: str = ""
    holder_matches: bool = True  # the holder's ID number is the apprentice's
    pk: int | None = field(default=None, compare=False)  # the stored certificate, if any


@dataclass(frozen=True)
class PaymentFacts:
    """An earlier subsidy paid for the person: by this system or imported history."""

    occupation_code: str
    level: int
    year: int  # the calendar year in which that training started


@dataclass(frozen=True)
class SpecialApproval:
    """A longer subsidised duration, recorded by a reviewer (who, when, why); never the
    enterprise's own text."""

    by: str
    on: dt.date
    reason: str


@dataclass(frozen=True)
class EnrollmentFacts:
    """The facts of one enrollment that the checks judge."""

    status: str  # programmes.choices.EnrollmentStatus
    started_on: dt.date  # the training's start: the class's, or the day a substitute joined
    planned_start: dt.date  # the class's planned dates
    planned_end: dt.date
    ended_on: dt.date | None  # the apprentice's own end: completion (or the end a pause moved)
    planned_months: int  # the class's planned whole months
    target_level: int
    occupation_code: str
    contract_start: dt.date
    contract_end: dt.date | None  # None: an open-ended contract
    birth_date: dt.date
    gender: str  # "M" or "F"
    claim_date: dt.date
    certificates: tuple[CertificateFacts, ...] = ()
    prior_payments: tuple[PaymentFacts, ...] = ()
    confirmed_hours: Decimal = ZERO
    required_hours: Decimal | None = None  # the plan's minimum, where the policy sets one
    open_disputes: int = 0  # disputed hours nobody has resolved yet
    special_approval: SpecialApproval | None = None
    retirement_track: str = ""


Standards = tuple[tuple[str, int | None, Decimal], ...]  # (kind, level or None, per year)


@dataclass(frozen=True)
class PolicyFacts:
    """The values of the subsidy policy version in force (and the programme policy's non-money
    values the checks read)."""

    version: str  # the subsidy policy's name and date, cited in every explanation
    standards: Standards
    max_years: int = 2
    max_years_with_approval: int = 3
    certificate_window_months: int = 12
    claim_window_months: int = 12
    trainings_per_year: int = 1
    # From programmes.ProgrammePolicy:
    min_contract_months: int = 12
    min_age: int = 16
    retirement_schedule: Mapping[str, Any] = field(
        default_factory=lambda: dict(LAW_RETIREMENT_SCHEDULE), hash=False, compare=False
    )

    def __post_init__(self) -> None:
        for kind, level, amount in self.standards:
            if not isinstance(amount, Decimal):
                raise TypeError(f"standard {kind} {level}: money must be a Decimal")

    def standard(self, kind: str, level: int | None) -> Decimal:
        """The amount per year for a kind and level; nothing for one without a row."""
        for row_kind, row_level, amount in self.standards:
            if row_kind == kind and row_level == (level if kind in LEVELLED else None):
                return amount
        return ZERO


def standards_of(rows: Iterable[tuple[str, int | None, Decimal]]) -> Standards:
    return tuple((kind, level, amount) for kind, level, amount in rows)


# The Chongqing demo standards (DESIGN.md §4): senior (3) and above 6,000; intermediate (4)
# 5,000; special ability or training certificate 4,000; elementary (5) or none 0.
_LEVELS = {1: "6000.00", 2: "6000.00", 3: "6000.00", 4: "5000.00", 5: "0.00"}
CHONGQING_STANDARDS: Standards = (
    *(
        (kind, level, Decimal(amount))
        for kind in (CertificateType.SKILL_LEVEL.value, CertificateType.QUALIFICATION.value)
        for level, amount in _LEVELS.items()
    ),
    (CertificateType.SPECIAL_ABILITY.value, None, Decimal("4000.00")),
    (CertificateType.TRAINING.value, None, Decimal("4000.00")),
)


# The answer -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Check:
    code: str
    result: str  # "pass", "fail" or "review"
    message: str | StrPromise


@dataclass(frozen=True)
class Line:
    """What one enrollment earns, and why."""

    result: str  # fail if a check failed, else review if one needs a decision, else pass
    level: int | None  # the level paid (achieved, capped at the target); None: no level
    kind: str  # the kind of the certificate paid; "" when none
    certificate: str  # its number
    months: int  # the class's planned whole months
    years: Fraction  # months / 12, capped
    amount_per_year: Decimal
    amount: Decimal
    explanation: str | StrPromise
    certificate_pk: int | None = None


@dataclass(frozen=True)
class Outcome:
    checks: tuple[Check, ...]
    line: Line

    def result_of(self, code: str) -> str:
        return next(check.result for check in self.checks if check.code == code)


# Helpers --------------------------------------------------------------------------------------
def years_of(months: int, cap_years: int) -> Fraction:
    """The class's planned whole months / 12, exactly, at most `cap_years`."""
    return min(Fraction(max(months, 0), 12), Fraction(cap_years))


def round_half_up(value: Fraction) -> Decimal:
    """An exact amount in yuan, to the fen, half up (for amounts of either sign)."""
    fen = value * 100
    whole = math.floor(abs(fen) + Fraction(1, 2))
    return (Decimal(whole if fen >= 0 else -whole) * FEN).quantize(FEN)


def years_text(years: Fraction) -> str:
    """1, 1.5, 1.25; a twelfth that no decimal holds exactly as a fraction (13/12)."""
    if (years * 100).denominator == 1:
        text = f"{Decimal(years.numerator) / Decimal(years.denominator):f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return f"{years.numerator}/{years.denominator}"


def money_text(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def level_label(level: int | None) -> str | StrPromise:
    return SkillLevel(level).label if level in SkillLevel.values else _("no level")


def kind_label(kind: str) -> str | StrPromise:
    return CertificateType(kind).label if kind in CertificateType.values else kind


def window_end(facts: EnrollmentFacts, policy: PolicyFacts) -> dt.date:
    """The last day a certificate counts: `certificate_window_months` after the training ended
    (the later of the class's planned end and the apprentice's own end, which a pause moves)."""
    ended = max(facts.planned_end, facts.ended_on or facts.planned_end)
    return add_months(ended, policy.certificate_window_months)


def claim_deadline(certificate: CertificateFacts, policy: PolicyFacts) -> dt.date:
    return add_months(certificate.issued_on, policy.claim_window_months)


def paid_level(certificate: CertificateFacts | None, target_level: int) -> int | None:
    """The achieved level capped at the target (level 1 is the highest: the larger number)."""
    if certificate is None or certificate.kind not in LEVELLED or certificate.level is None:
        return None
    return max(certificate.level, target_level)


def capped_standard(
    certificate: CertificateFacts, target_level: int, policy: PolicyFacts
) -> Decimal:
    """The certificate's standard per year, never more than the target level's."""
    target = policy.standard(CertificateType.SKILL_LEVEL.value, target_level)
    if certificate.kind in LEVELLED:
        return policy.standard(certificate.kind, paid_level(certificate, target_level))
    return min(policy.standard(certificate.kind, None), target)


# The checks -----------------------------------------------------------------------------------
def check_completed(facts: EnrollmentFacts) -> Check:
    if facts.status == COMPLETED:
        return Check("completed", PASS, _("The apprentice completed the training."))
    if facts.status == WITHDRAWN:
        message = _("The apprentice withdrew: a withdrawn apprentice earns nothing.")
    else:
        message = _("The apprentice has not completed the training.")
    return Check("completed", FAIL, message)


def _certificate_checks(
    facts: EnrollmentFacts, policy: PolicyFacts
) -> tuple[list[Check], CertificateFacts | None]:
    """The six certificate checks, each narrowing the certificates the next one judges; the
    certificate paid is the best one left (in time, verified, the highest standard)."""
    checks: list[Check] = []
    none_left = _("No certificate passed the checks above.")

    def stop(from_code: str) -> tuple[list[Check], None]:
        codes = CHECK_CODES[CHECK_CODES.index(from_code) + 1 : CHECK_CODES.index("hours_confirmed")]
        checks.extend(Check(code, FAIL, none_left) for code in codes)
        return checks, None

    held = [c for c in facts.certificates if c.holder_matches]
    if not held:
        checks.append(Check("certificate_holder", FAIL, _("The apprentice holds no certificate.")))
        return stop("certificate_holder")
    message = say(_("The apprentice holds %(count)s certificate(s)."), count=len(held))
    checks.append(Check("certificate_holder", PASS, message))

    same = [c for c in held if c.occupation_code == facts.occupation_code]
    if not same:
        message = say(
            _("No certificate is in the class's occupation (%(code)s)."), code=facts.occupation_code
        )
        checks.append(Check("certificate_occupation", FAIL, message))
        return stop("certificate_occupation")
    message = say(
        _("A certificate is in the class's occupation (%(code)s)."), code=facts.occupation_code
    )
    checks.append(Check("certificate_occupation", PASS, message))

    after = [c for c in same if c.issued_on > facts.started_on]
    if not after:
        message = say(
            _("The certificate was issued before the training started (%(start)s)."),
            start=facts.started_on.isoformat(),
        )
        checks.append(Check("certificate_after_start", FAIL, message))
        return stop("certificate_after_start")
    message = say(
        _("The certificate was issued after the training started (%(start)s)."),
        start=facts.started_on.isoformat(),
    )
    checks.append(Check("certificate_after_start", PASS, message))

    last_day = window_end(facts, policy)
    inside = [c for c in after if c.issued_on <= last_day]
    if not inside:
        message = say(
            _(
                "The certificate was issued after %(last)s, "
                "%(months)s months after the training ended."
            ),
            last=last_day.isoformat(),
            months=policy.certificate_window_months,
        )
        checks.append(Check("certificate_in_window", FAIL, message))
        return stop("certificate_in_window")
    message = say(
        _(
            "The certificate was issued by %(last)s, within "
            "%(months)s months of the training's end."
        ),
        last=last_day.isoformat(),
        months=policy.certificate_window_months,
    )
    checks.append(Check("certificate_in_window", PASS, message))

    valid = [c for c in inside if c.review_status != REJECTED]

    def preference(c: CertificateFacts) -> tuple[bool, bool, Decimal, dt.date]:
        late = facts.claim_date > claim_deadline(c, policy)
        return (
            late,
            c.review_status == PENDING_REVIEW,
            -capped_standard(c, facts.target_level, policy),
            c.issued_on,
        )

    best = min(valid or inside, key=preference)
    deadline = claim_deadline(best, policy)
    if facts.claim_date > deadline:
        message = say(
            _(
                "The claim (%(claim)s) comes after %(deadline)s, "
                "%(months)s months after the certificate."
            ),
            claim=facts.claim_date.isoformat(),
            deadline=deadline.isoformat(),
            months=policy.claim_window_months,
        )
        checks.append(Check("claim_in_time", FAIL, message))
    else:
        message = say(
            _(
                "The claim (%(claim)s) is made by %(deadline)s, within "
                "%(months)s months of the certificate."
            ),
            claim=facts.claim_date.isoformat(),
            deadline=deadline.isoformat(),
            months=policy.claim_window_months,
        )
        checks.append(Check("claim_in_time", PASS, message))

    if not valid:
        message = _("The bureau rejected the certificate.")
        checks.append(Check("certificate_verified", FAIL, message))
        return checks, None
    if best.review_status == PENDING_REVIEW:
        message = _("The certificate's number waits in the bureau's review queue.")
        checks.append(Check("certificate_verified", REVIEW, message))
    else:
        checks.append(Check("certificate_verified", PASS, _("The certificate is accepted.")))
    return checks, best


def check_hours(facts: EnrollmentFacts) -> Check:
    if facts.required_hours is None:
        return Check("hours_confirmed", PASS, _("The policy sets no minimum of hours."))
    if facts.open_disputes:
        message = say(
            _("%(count)s disputed hours entries are not resolved yet."), count=facts.open_disputes
        )
        return Check("hours_confirmed", REVIEW, message)
    params = {"confirmed": f"{facts.confirmed_hours:f}", "required": f"{facts.required_hours:f}"}
    if facts.confirmed_hours < facts.required_hours:
        message = say(
            _("Confirmed hours (%(confirmed)s) are below the plan's minimum (%(required)s)."),
            **params,
        )
        return Check("hours_confirmed", FAIL, message)
    message = say(
        _("Confirmed hours (%(confirmed)s) reach the plan's minimum (%(required)s)."), **params
    )
    return Check("hours_confirmed", PASS, message)


def check_contract_length(facts: EnrollmentFacts, policy: PolicyFacts) -> Check:
    months = policy.min_contract_months
    if facts.contract_end is None:
        return Check("contract_length", PASS, _("The labour contract is open-ended."))
    if duration_months(facts.contract_start, facts.contract_end) < months:
        message = say(_("The labour contract is shorter than %(months)s months."), months=months)
        return Check("contract_length", FAIL, message)
    message = say(_("The labour contract is at least %(months)s months long."), months=months)
    return Check("contract_length", PASS, message)


def check_contract_start(facts: EnrollmentFacts) -> Check:
    start = facts.started_on
    end = facts.contract_end
    params = {"start": start.isoformat()}
    if facts.contract_start > start or (end is not None and end < start):
        message = say(
            _("The labour contract does not cover the start of training (%(start)s)."), **params
        )
        return Check("contract_covers_start", FAIL, message)
    message = say(_("The labour contract covers the start of training (%(start)s)."), **params)
    return Check("contract_covers_start", PASS, message)


def check_age(facts: EnrollmentFacts, policy: PolicyFacts) -> Check:
    problems = age_problems(
        facts.gender,
        facts.birth_date,
        start=facts.started_on,
        policy=cast(Any, policy),  # reads min_age and retirement_schedule alone
        track=facts.retirement_track,
    )
    if problems:
        return Check("age_at_enrolment", FAIL, problems[0].message)
    message = say(
        _("At least %(age)s and below the retirement age at the start of training."),
        age=policy.min_age,
    )
    return Check("age_at_enrolment", PASS, message)


def check_prior(facts: EnrollmentFacts, level: int | None) -> Check:
    """No earlier payment for the same occupation at the same or a higher level, ever."""
    judged = level if level is not None else facts.target_level
    blocking = [
        p
        for p in facts.prior_payments
        if p.occupation_code == facts.occupation_code and p.level <= judged
    ]
    if blocking:
        earlier = min(blocking, key=lambda p: (p.level, p.year))
        message = say(
            _("Already subsidised for this occupation at level %(level)s (%(year)s)."),
            level=earlier.level,
            year=earlier.year,
        )
        return Check("not_subsidised_before", FAIL, message)
    message = _("No earlier subsidy for this occupation at this or a higher level.")
    return Check("not_subsidised_before", PASS, message)


def check_once_per_year(facts: EnrollmentFacts, policy: PolicyFacts) -> Check:
    year = facts.started_on.year
    count = sum(1 for p in facts.prior_payments if p.year == year)
    params = {"year": year, "count": count, "limit": policy.trainings_per_year}
    if count >= policy.trainings_per_year:
        message = say(
            _(
                "%(count)s training(s) started in %(year)s were subsidised "
                "already; the limit is %(limit)s a year."
            ),
            **params,
        )
        return Check("once_per_year", FAIL, message)
    message = say(
        _(
            "%(count)s earlier subsidised training(s) started in "
            "%(year)s; the limit is %(limit)s a year."
        ),
        **params,
    )
    return Check("once_per_year", PASS, message)


# The line -------------------------------------------------------------------------------------
def assess(facts: EnrollmentFacts, policy: PolicyFacts) -> Outcome:
    """Every check of one enrollment, in the order of `CHECK_CODES`, and its line."""
    certificate_checks, certificate = _certificate_checks(facts, policy)
    level = paid_level(certificate, facts.target_level)
    checks = (
        check_completed(facts),
        *certificate_checks,
        check_hours(facts),
        check_contract_length(facts, policy),
        check_contract_start(facts),
        check_age(facts, policy),
        check_prior(facts, level),
        check_once_per_year(facts, policy),
    )
    assert tuple(check.code for check in checks) == CHECK_CODES
    results = {check.result for check in checks}
    result = FAIL if FAIL in results else REVIEW if REVIEW in results else PASS
    approved = facts.special_approval is not None
    cap = policy.max_years_with_approval if approved else policy.max_years
    years = years_of(facts.planned_months, cap)
    per_year = (
        ZERO if certificate is None else capped_standard(certificate, facts.target_level, policy)
    )
    amount = ZERO if result == FAIL else round_half_up(Fraction(per_year) * years)
    explanation = explain(facts, policy, checks, certificate, level, years, cap, per_year, amount)
    line = Line(
        result=result,
        level=level,
        kind=certificate.kind if certificate else "",
        certificate=certificate.number if certificate else "",
        months=facts.planned_months,
        years=years,
        amount_per_year=per_year,
        amount=amount,
        explanation=explanation,
        certificate_pk=certificate.pk if certificate else None,
    )
    return Outcome(checks, line)


_joined = lazy(lambda separator, *items: str(separator).join(map(str, items)), str)


def names(codes: list[str]) -> StrPromise:
    """The checks' names in the reader's language, listed (、 in Chinese)."""
    joined = _joined(pgettext_lazy("list separator", ", "), *(CHECK_NAMES[c] for c in codes))
    return cast("StrPromise", joined)


def explain(
    facts: EnrollmentFacts,
    policy: PolicyFacts,
    checks: Iterable[Check],
    certificate: CertificateFacts | None,
    level: int | None,
    years: Fraction,
    cap: int,
    per_year: Decimal,
    amount: Decimal,
) -> str | StrPromise:
    """What a clerk reads: which rule, which certificate, which years, which policy version,
    which amount; in the reader's language (lazy)."""
    failed = [check.code for check in checks if check.result == FAIL]
    held = [check.code for check in checks if check.result == REVIEW]
    if failed:
        return say(
            _("Nothing is due under %(policy)s: these checks failed: %(codes)s."),
            policy=policy.version,
            codes=names(failed),
        )
    assert certificate is not None  # every certificate check passed
    if facts.special_approval is not None:
        cap_text = say(
            _("capped at %(cap)s years by the special approval of %(by)s on %(on)s"),
            cap=cap,
            by=facts.special_approval.by,
            on=facts.special_approval.on.isoformat(),
        )
    else:
        cap_text = say(_("capped at %(cap)s years"), cap=cap)
    text = say(
        _(
            "Rule: the standard per year of the level achieved, capped at the class's target "
            "level (%(target)s), times the years. Certificate %(number)s (%(kind)s, %(level)s, "
            "issued %(issued)s) is paid at %(paid)s: %(per_year)s yuan a year under %(policy)s. "
            "Years: %(months)s planned months / 12 = %(years)s, %(cap)s. Amount: %(per_year)s × "
            "%(years)s = %(amount)s yuan."
        ),
        target=level_label(facts.target_level),
        number=certificate.number or "—",
        kind=kind_label(certificate.kind),
        level=level_label(certificate.level),
        issued=certificate.issued_on.isoformat(),
        paid=level_label(level) if level is not None else kind_label(certificate.kind),
        per_year=money_text(per_year),
        policy=policy.version,
        months=facts.planned_months,
        years=years_text(years),
        cap=cap_text,
        amount=money_text(amount),
    )
    if held:
        return format_lazy(
            "{} {}",
            text,
            say(_("Held for a reviewer's decision: %(codes)s."), codes=names(held)),
        )
    return text
