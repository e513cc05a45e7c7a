"""One object of every kind the subsidy API serves, for the tests that walk every route (the
schema conformance and fuzz tests): a class's advance paid, its settlement approved with a
refund obligation (an apprentice withdrew), their lines, ledger entries and the city's budget.
Fixed dates throughout (factories.TODAY …)."""

from __future__ import annotations

from typing import Any

from django.db import models

from xuetu.programmes.choices import CohortStatus, EnrollmentStatus
from xuetu.subsidies.choices import ClaimKind
from xuetu.subsidies.models import Budget, Claim, ClaimLine, LedgerEntry, RefundObligation
from xuetu.subsidies.services import claims as svc
from xuetu.subsidies.tests.factories import AFTER_NOTICE, TODAY, claimable_class
from xuetu.subsidies.tests.test_claims import PAYEE, pay, through_notice


def claim_of(world: Any, cohort: Any, kind: str) -> Claim:
    return svc.claim_create(
        by=world.users["enterprise"], cohort=cohort, kind=kind, today=TODAY, **PAYEE
    )


def subsidy_objects(world: Any) -> dict[str, models.Model]:
    """Keyed by model label, as the route-walking tests look them up."""
    c = claimable_class(world, status=CohortStatus.IN_TRAINING, levels=(3, 4, None), withdrawn=1)
    advance = claim_of(world, c.cohort, ClaimKind.ADVANCE)
    pay(world, advance)
    c.cohort.status = CohortStatus.COMPLETED
    c.cohort.save(update_fields=["status"])
    for enrollment in c.enrollments[:3]:
        enrollment.status = EnrollmentStatus.COMPLETED
        enrollment.save(update_fields=["status"])
    settlement = claim_of(world, c.cohort, ClaimKind.SETTLEMENT)
    through_notice(world, settlement)
    svc.claim_approve(by=world.users["bureau"], claim=settlement, today=AFTER_NOTICE)
    return {
        "subsidies.claim": advance,
        "subsidies.claimline": ClaimLine.objects.filter(claim=settlement).order_by("pk").first(),
        "subsidies.refundobligation": RefundObligation.objects.get(claim=settlement),
        "subsidies.ledgerentry": LedgerEntry.objects.filter(claim=advance).get(),
        "subsidies.budget": Budget.objects.get(year=AFTER_NOTICE.year, district=None),
    }
