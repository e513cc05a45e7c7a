"""One object of each subsidies model, of `world.enterprise`, built through the services: an
advance (paid, with an objection raised on its first notice) and a settlement whose withdrawn
apprentice's share of the advance became a refund obligation. The shared walkers (access
matrix, URL walk, no-500, languages, phone screens) reuse it."""

from __future__ import annotations

from typing import Any

from xuetu.programmes.choices import CohortStatus, EnrollmentStatus
from xuetu.subsidies.choices import ClaimKind, LedgerKind
from xuetu.subsidies.models import Budget, LedgerEntry, RefundObligation, SubsidyGrant
from xuetu.subsidies.services import claims as svc
from xuetu.subsidies.services.objections import objection_raise
from xuetu.subsidies.tests.factories import AFTER_NOTICE, PUBLISHED, TODAY, claimable_class

PAYEE = {
    "payee_bank": "中国建设银行重庆江北支行",
    "payee_name": "长安汽车股份有限公司",
    "payee_account": "5000 1234 5678 9012 3456",
}


def _through_notice(world: Any, claim: Any) -> Any:
    svc.claim_submit(by=world.users["enterprise"], claim=claim, today=TODAY)
    svc.claim_review(by=world.users["district"], claim=claim)
    return svc.claim_notice(by=world.users["district"], claim=claim, today=PUBLISHED)


def owned_subsidy_objects(world_or_programme: Any) -> dict[str, Any]:
    world = getattr(world_or_programme, "world", world_or_programme)
    c = claimable_class(world, status=CohortStatus.IN_TRAINING, levels=(3, 4, None), withdrawn=1)
    enterprise, district, bureau = (world.users[k] for k in ("enterprise", "district", "bureau"))
    advance = svc.claim_create(
        by=enterprise, cohort=c.cohort, kind=ClaimKind.ADVANCE, today=TODAY, **PAYEE
    )
    first = _through_notice(world, advance)
    objection = objection_raise(notice=first, text="名单有误", name="举报人", today=PUBLISHED)
    svc.claim_notice(by=district, claim=advance, today=PUBLISHED)
    svc.claim_approve(by=bureau, claim=advance, today=AFTER_NOTICE)
    svc.claim_pay(by=bureau, claim=advance, today=AFTER_NOTICE)
    c.cohort.status = CohortStatus.COMPLETED
    c.cohort.save(update_fields=["status"])
    for enrollment in c.enrollments[:3]:
        enrollment.status = EnrollmentStatus.COMPLETED
        enrollment.save(update_fields=["status"])
    settlement = svc.claim_create(
        by=enterprise, cohort=c.cohort, kind=ClaimKind.SETTLEMENT, today=TODAY, **PAYEE
    )
    notice = _through_notice(world, settlement)
    svc.claim_approve(by=bureau, claim=settlement, today=AFTER_NOTICE)
    return {
        "subsidies.claim": settlement,
        "subsidies.claimline": settlement.lines.order_by("pk").first(),
        "subsidies.refundobligation": RefundObligation.objects.get(claim=settlement),
        "subsidies.ledgerentry": LedgerEntry.objects.get(claim=advance, kind=LedgerKind.PAYMENT),
        "subsidies.notice": notice,
        "subsidies.objection": objection,
        "subsidies.budget": Budget.objects.get(year=2026, district__isnull=True),
        "subsidies.subsidygrant": SubsidyGrant.objects.filter(line__claim=settlement).first(),
    }
