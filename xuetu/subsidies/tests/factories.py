"""Claimable classes for tests: a completed class of `world.enterprise` (2024-09-01 to
2026-08-31, 24 months, target senior level) whose apprentices hold certificates issued in
July 2026, with the Chongqing subsidy policy and a city budget for 2026. Dates are fixed and
every service call names `today`, so the suite reads the same in any year."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xuetu.certification.models import Certificate
from xuetu.programmes.choices import CohortStatus, EnrollmentStatus
from xuetu.programmes.models import Cohort, Enrollment
from xuetu.programmes.tests.factories import AUTO as AUTO_MENTOR
from xuetu.programmes.tests.factories import (
    make_cohort,
    make_enrollment,
    make_occupation,
    make_person,
)
from xuetu.registry.choices import CertificateType
from xuetu.subsidies.models import Budget, SubsidyPolicy
from xuetu.subsidies.tests.factories_subrules import make_policy

START, END = dt.date(2024, 9, 1), dt.date(2026, 8, 31)
ISSUED = dt.date(2026, 7, 15)
TODAY = dt.date(2026, 9, 29)  # the claim's day: a Tuesday before the National Day holiday
PUBLISHED = dt.date(2026, 9, 30)  # the notice's day: it ends on 2026-10-13
AFTER_NOTICE = dt.date(2026, 10, 14)
_numbers = itertools.count(1)


def skill_number(level: int) -> str:
    return f"S000150000123{ISSUED.year % 100:02d}{level}{next(_numbers):06d}"


def subsidy_policy() -> SubsidyPolicy:
    return SubsidyPolicy.objects.filter(district__isnull=True).first() or make_policy()


def budget(year: int = 2026, amount: str = "10000000.00", district: Any = None) -> Budget:
    row, _ = Budget.objects.get_or_create(
        year=year, district=district, defaults={"amount": Decimal(amount)}
    )
    return row


def certify(enrollment: Enrollment, *, level: int | None = 3, **values: Any) -> Certificate:
    kind = values.pop("kind", CertificateType.SKILL_LEVEL)
    return Certificate.objects.create(
        holder=enrollment.person,
        kind=kind,
        occupation=values.pop("occupation", enrollment.cohort.occupation),
        level=level
        if kind in (CertificateType.SKILL_LEVEL, CertificateType.QUALIFICATION)
        else None,
        number=values.pop("number", skill_number(level or 3)),
        issuer="重庆市职业技能鉴定指导中心",
        organisation=values.pop("organisation", enrollment.cohort.institution),
        issued_on=values.pop("issued_on", ISSUED),
        **values,
    )


@dataclass
class Claimable:
    cohort: Cohort
    enrollments: list[Enrollment] = field(default_factory=list)


def claimable_class(
    world: Any,
    *,
    levels: tuple[int | None, ...] = (3, 3, 4),
    withdrawn: int = 1,
    status: str = CohortStatus.COMPLETED,
    headcount: int | None = None,
    **values: Any,
) -> Claimable:
    """A class whose apprentices completed with certificates at `levels` (None: no
    certificate), and `withdrawn` more who withdrew."""
    subsidy_policy()
    budget()
    values.setdefault("occupation", make_occupation())
    cohort = make_cohort(
        world,
        status=status,
        planned_start=START,
        planned_end=END,
        planned_headcount=headcount or len(levels) + withdrawn,
        **values,
    )
    mentor = None
    enrollments = []
    for index, level in enumerate(levels):
        person = make_person(f"学徒{index}", organisation=cohort.enterprise)
        enrollment = make_enrollment(
            world,
            cohort,
            person=person,
            enterprise_mentor=mentor or AUTO_MENTOR,
            status=EnrollmentStatus.COMPLETED if status == CohortStatus.COMPLETED else "active",
            contract_start=dt.date(2024, 8, 1),
        )
        mentor = enrollment.enterprise_mentor
        if level is not None:
            certify(enrollment, level=level)
        enrollments.append(enrollment)
    for index in range(withdrawn):
        person = make_person(f"退出{index}", organisation=cohort.enterprise)
        enrollments.append(
            make_enrollment(
                world,
                cohort,
                person=person,
                enterprise_mentor=mentor or AUTO_MENTOR,
                status=EnrollmentStatus.WITHDRAWN,
                withdrawn_on=dt.date(2025, 3, 1),
                withdrawal_reason="left",
                contract_start=dt.date(2024, 8, 1),
            )
        )
    return Claimable(cohort, enrollments)
