"""The demo subsidy data: Chongqing's policy (in force since 2020-01-01), the city's budgets,
and claims along the whole workflow, every step through the services on fixed dates:

- BJ-2024-CA-WY-06 (长安汽车焊工高级工学徒班（2024级）, 2024-07-01 to 2026-06-30, three
  planned): an advance of 18,000.00 yuan (3 × 6,000 × 2 years × 50%) paid in August 2024;
  汪斌 withdrew in March 2025; 覃宁 was certified senior welder in July 2026 and 肖帆's only
  welder certificate is older than the class. The settlement entitles 12,000.00, nets the
  18,000.00 advanced, and leaves a refund obligation of 6,000.00 due on 2027-01-14: published
  on 2026-09-30 for 5 working days, its notice ran to 2026-10-13 across the National Day
  holiday, and the city approved it on 2026-10-14.
- BJ-2023-CA-WY-02 (程明, intermediate automobile assembler): a settlement of 10,000.00
  submitted on 2026-08-20, waiting for the district's review.

Idempotent: a class that has its claims already is left alone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TextIO

from django.db import transaction

from xuetu.accounts.choices import Role
from xuetu.certification.services import certificate_record
from xuetu.programmes import demo as programmes_demo
from xuetu.programmes import services as programmes
from xuetu.programmes.choices import CohortStatus, WithdrawalReason
from xuetu.programmes.models import Cohort
from xuetu.registry.choices import CertificateType
from xuetu.registry.demo import demo_organisations, demo_people
from xuetu.subsidies.choices import ClaimKind
from xuetu.subsidies.models import Budget, Claim, SubsidyPolicy
from xuetu.subsidies.rules import CHONGQING_STANDARDS
from xuetu.subsidies.services import claims, policy_create
from xuetu.subsidies.services.budgets import budget_set

D = dt.date
NAME = "重庆市企业新型学徒制培训补贴"
SINCE = D(2020, 1, 1)
# The city's budget for the programme: 20,000 apprentices a year at up to 6,000 yuan.
BUDGETS = {2024: "60000000.00", 2025: "90000000.00", 2026: "120000000.00"}
PAYEE = {
    "payee_bank": "中国工商银行重庆江北支行",
    "payee_name": "重庆长安汽车股份有限公司",
    "payee_account": "3100 0211 0920 0123 456",
}
CLASS = programmes_demo.Plan(
    "BJ-2024-CA-WY-06", "长安汽车焊工高级工学徒班（2024级）", "changan", "wuyi",
    "XY-2022-CA-WY", "welder", D(2024, 7, 1), D(2026, 6, 30), CohortStatus.IN_TRAINING,
    "金帆", "吴辉", ["覃宁", "汪斌", "肖帆"],
)  # fmt: skip


def seed(out: TextIO | None = None) -> None:
    with transaction.atomic():
        if not SubsidyPolicy.objects.filter(district__isnull=True, effective_from=SINCE).exists():
            policy_create(by=None, standards=CHONGQING_STANDARDS, name=NAME, effective_from=SINCE)
            if out is not None:
                out.write(f"subsidy policy: {NAME} ({SINCE})\n")
        for year, amount in BUDGETS.items():
            if not Budget.objects.filter(year=year, district__isnull=True).exists():
                budget_set(by=None, year=year, amount=Decimal(amount))
        organisations, people = demo_organisations(), demo_people()
        if not {"changan", "wuyi", "city"} <= set(organisations):
            return
        seed_refund_class(organisations, people)
        seed_review_queue()


def _users(cohort: Cohort):
    enterprise = programmes_demo.member(cohort.enterprise, Role.ENTERPRISE_MANAGER)
    reviewer = programmes_demo.reviewer_for(cohort.enterprise)
    city = programmes_demo.member(demo_organisations()["city"], Role.CITY_ADMIN)
    return enterprise, reviewer, city


def _through(claim: Claim, cohort: Cohort, *, submitted: D, published: D, approved: D) -> None:
    enterprise, reviewer, city = _users(cohort)
    claims.claim_submit(by=enterprise, claim=claim, today=submitted)
    claims.claim_review(by=reviewer, claim=claim)
    claims.claim_notice(by=reviewer, claim=claim, today=published)
    claims.claim_approve(by=city, claim=claim, today=approved)


def seed_refund_class(organisations: dict, people: dict) -> None:
    if Cohort.objects.filter(code=CLASS.code).exists() or not set(CLASS.roster) <= set(people):
        return
    occupations = {key: programmes_demo.occupation(key) for key in programmes_demo.OCCUPATIONS}
    agreements = {
        row[0]: programmes_demo.seed_agreement(row, organisations)
        for row in programmes_demo.AGREEMENTS
    }
    mentors = {
        name: programmes_demo.seed_mentor(name, organisations[org], people[name], level)
        for name, org, level in programmes_demo.MENTORS
        if name in people and org in organisations
    }
    cohort = programmes_demo.seed_cohort(
        CLASS, organisations, people, agreements, mentors, occupations
    )
    enterprise, _reviewer, city = _users(cohort)
    advance = claims.claim_create(
        by=enterprise, cohort=cohort, kind=ClaimKind.ADVANCE, today=D(2024, 7, 15), **PAYEE
    )
    _through(
        advance, cohort, submitted=D(2024, 7, 15), published=D(2024, 7, 17), approved=D(2024, 7, 25)
    )
    claims.claim_pay(by=city, claim=advance, today=D(2024, 8, 9))
    leaving = cohort.enrollments.get(person__name="汪斌")
    programmes.enrollment_withdraw(
        by=enterprise,
        enrollment=leaving,
        on=D(2025, 3, 10),
        reason=WithdrawalReason.LEFT,
        note="个人原因离职",
    )
    programmes.cohort_complete(by=enterprise, cohort=cohort, on=CLASS.end)
    certificate_record(
        by=None,
        person=people["覃宁"],
        kind=CertificateType.SKILL_LEVEL,
        occupation=cohort.occupation,
        level=3,
        number="S000150000123263000601",
        issuer="重庆市职业技能鉴定指导中心",
        issued_on=D(2026, 7, 20),
        organisation=organisations["wuyi"],
    )
    settlement = claims.claim_create(
        by=enterprise, cohort=cohort, kind=ClaimKind.SETTLEMENT, today=D(2026, 9, 28), **PAYEE
    )
    _through(
        settlement,
        cohort,
        submitted=D(2026, 9, 28),
        published=D(2026, 9, 30),
        approved=D(2026, 10, 14),
    )


def seed_review_queue() -> None:
    cohort = Cohort.objects.filter(code="BJ-2023-CA-WY-02").first()
    if cohort is None or Claim.objects.filter(cohort=cohort).exists():
        return
    enterprise, _reviewer, _city = _users(cohort)
    claim = claims.claim_create(
        by=enterprise, cohort=cohort, kind=ClaimKind.SETTLEMENT, today=D(2026, 8, 20), **PAYEE
    )
    claims.claim_submit(by=enterprise, claim=claim, today=D(2026, 8, 20))
