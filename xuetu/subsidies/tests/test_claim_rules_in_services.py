"""The rest of the claim services (issue 10, items 4, 5, 7, 9): lines at review decided by a
reviewer, the special approval of a third year, objections, budgets, repayments, the
supplementary settlement, the yearly limit counted on the grants, and a notice running into
a year whose working days are unknown."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from xuetu.core.problems import Refused
from xuetu.programmes.choices import CohortStatus
from xuetu.subsidies.choices import ClaimKind, ClaimStatus, LedgerKind, RefundStatus
from xuetu.subsidies.models import Budget, LedgerEntry, RefundObligation, SubsidyGrant
from xuetu.subsidies.services import claims as svc
from xuetu.subsidies.services.budgets import budget_set, figures
from xuetu.subsidies.services.objections import objection_raise, objection_resolve
from xuetu.subsidies.services.refunds import overdue, refund_repay, remind_overdue
from xuetu.subsidies.tests.factories import (
    AFTER_NOTICE,
    PUBLISHED,
    TODAY,
    certify,
    claimable_class,
)
from xuetu.subsidies.tests.test_claims import PAYEE, codes, through_notice


def settlement(world, c):
    return svc.claim_create(
        by=world.users["enterprise"],
        cohort=c.cohort,
        kind=ClaimKind.SETTLEMENT,
        today=TODAY,
        **PAYEE,
    )


def test_a_line_at_review_is_decided_with_a_reason_before_the_notice(world):
    c = claimable_class(world, levels=(3,), withdrawn=0)
    c.enrollments[0].person.certificates.update(review_status="pending_review")
    claim = settlement(world, c)
    line = claim.lines.get()
    assert line.result == "review" and line.due == Decimal("0.00")
    svc.claim_submit(by=world.users["enterprise"], claim=claim, today=TODAY)
    svc.claim_review(by=world.users["district"], claim=claim)
    line = claim.lines.get()  # submitting computed the lines again
    with pytest.raises(Refused) as error:
        svc.claim_notice(by=world.users["district"], claim=claim, today=PUBLISHED)
    assert "lines_undecided" in codes(error.value)
    with pytest.raises(Refused) as error:
        svc.line_decide(by=world.users["district"], line=line, decision="pay", reason=" ")
    assert "reason_required" in codes(error.value)
    svc.line_decide(
        by=world.users["district"], line=line, decision="pay", reason="已与鉴定机构核对证书。"
    )
    claim.refresh_from_db()
    assert claim.entitled == Decimal("12000.00")
    svc.claim_notice(by=world.users["district"], claim=claim, today=PUBLISHED)


def test_a_third_year_is_paid_only_with_the_reviewers_special_approval(world):
    c = claimable_class(world, levels=(3,), withdrawn=0)
    # 36 months, 2023-09-01 to 2026-08-31
    c.cohort.planned_start = dt.date(2023, 9, 1)
    c.cohort.planned_end = dt.date(2026, 8, 31)
    c.cohort.save(update_fields=["planned_start", "planned_end"])
    c.cohort.enrollments.update(contract_start=dt.date(2023, 8, 1), planned_end=None)
    claim = settlement(world, c)
    assert claim.entitled == Decimal("12000.00")  # capped at 2 years
    svc.claim_submit(by=world.users["enterprise"], claim=claim, today=TODAY)
    svc.claim_review(by=world.users["district"], claim=claim)
    svc.claim_special_approval(
        by=world.users["district"], claim=claim, reason="市人社局批复同意三年制", today=TODAY
    )
    claim.refresh_from_db()
    assert claim.entitled == Decimal("18000.00")
    assert claim.special_approval_by == world.users["district"]
    explanation = claim.lines.get().explanation_en
    assert "36 planned months / 12 = 3" in explanation
    assert "special approval" in explanation


def test_an_objection_holds_the_claim_for_review_until_resolved(world):
    c = claimable_class(world)
    claim = settlement(world, c)
    notice = through_notice(world, claim)
    objection = objection_raise(notice=notice, text="我没有参加培训。", today=dt.date(2026, 10, 9))
    claim.refresh_from_db()
    notice.refresh_from_db()
    assert claim.status == ClaimStatus.UNDER_REVIEW and notice.withdrawn_at is not None
    with pytest.raises(Refused) as error:
        objection_raise(notice=notice, text="again", today=dt.date(2026, 10, 9))
    assert "notice_not_running" in codes(error.value)
    objection_resolve(
        by=world.users["district"], objection=objection, upheld=False, reason="经核实已参训。"
    )
    second = svc.claim_notice(by=world.users["district"], claim=claim, today=dt.date(2026, 10, 12))
    assert second.ends_on == dt.date(2026, 10, 19)
    svc.claim_approve(by=world.users["bureau"], claim=claim, today=dt.date(2026, 10, 20))


def test_the_budget_refuses_an_approval_past_what_remains_until_the_city_raises_it(world):
    c = claimable_class(world)
    claim = settlement(world, c)
    budget = Budget.objects.get(year=2026, district__isnull=True)
    budget_set(by=world.users["bureau"], year=2026, amount=Decimal("1000.00"))
    through_notice(world, claim)
    with pytest.raises(Refused) as error:
        svc.claim_approve(by=world.users["bureau"], claim=claim, today=AFTER_NOTICE)
    assert "budget_exceeded" in codes(error.value)
    with pytest.raises(Exception):  # noqa: B017 (PermissionDenied): the district cannot raise it
        budget_set(by=world.users["district"], year=2026, amount=Decimal("99999999.00"))
    budget_set(by=world.users["bureau"], year=2026, amount=Decimal("100000.00"))
    svc.claim_approve(by=world.users["bureau"], claim=claim, today=AFTER_NOTICE)
    numbers = figures(Budget.objects.get(pk=budget.pk))
    assert numbers.committed == claim.payable
    assert numbers.remaining == Decimal("100000.00") - claim.payable
    svc.claim_pay(by=world.users["bureau"], claim=claim, today=AFTER_NOTICE)
    assert figures(Budget.objects.get(pk=budget.pk)).paid == claim.payable


def test_no_budget_for_the_year_approves_nothing(world):
    c = claimable_class(world)
    claim = settlement(world, c)
    through_notice(world, claim)
    Budget.objects.all().delete()
    with pytest.raises(Refused) as error:
        svc.claim_approve(by=world.users["bureau"], claim=claim, today=AFTER_NOTICE)
    assert "budget_missing" in codes(error.value)


def test_repayments_settle_a_refund_in_parts_and_an_overdue_one_is_reminded(world):
    c = claimable_class(world, status=CohortStatus.IN_TRAINING, levels=(None,), withdrawn=1)
    advance = svc.claim_create(
        by=world.users["enterprise"], cohort=c.cohort, kind=ClaimKind.ADVANCE, today=TODAY, **PAYEE
    )
    through_notice(world, advance)
    svc.claim_approve(by=world.users["bureau"], claim=advance, today=AFTER_NOTICE)
    svc.claim_pay(by=world.users["bureau"], claim=advance, today=AFTER_NOTICE)
    c.cohort.status = CohortStatus.COMPLETED
    c.cohort.save(update_fields=["status"])
    claim = settlement(world, c)
    assert claim.payable == -advance.payable
    through_notice(world, claim)
    svc.claim_approve(by=world.users["bureau"], claim=claim, today=AFTER_NOTICE)
    refund = RefundObligation.objects.get(claim=claim)
    with pytest.raises(Refused) as error:
        refund_repay(by=world.users["bureau"], refund=refund, amount=refund.amount + 1)
    assert "repayment_too_large" in codes(error.value)
    with pytest.raises(Refused):
        refund_repay(by=world.users["bureau"], refund=refund, amount=Decimal("0"))
    refund_repay(by=world.users["bureau"], refund=refund, amount=Decimal("5000.00"))
    assert overdue(dt.date(2027, 2, 1)).filter(pk=refund.pk).exists()
    assert remind_overdue(today=dt.date(2027, 2, 1)) >= 1
    assert remind_overdue(today=dt.date(2027, 2, 3)) == 0  # once a week at most
    refund.refresh_from_db()
    refund_repay(by=world.users["bureau"], refund=refund, amount=refund.outstanding)
    refund.refresh_from_db()
    assert refund.status == RefundStatus.REPAID
    assert LedgerEntry.objects.filter(refund=refund, kind=LedgerKind.REPAYMENT).count() == 2
    with pytest.raises(TypeError):
        LedgerEntry.objects.filter(refund=refund, kind=LedgerKind.REFUND_DUE).get().delete()


def test_a_certificate_after_the_settlement_is_paid_by_a_supplementary_claim(world):
    c = claimable_class(world, levels=(3, None), withdrawn=0)
    claim = settlement(world, c)
    through_notice(world, claim)
    svc.claim_approve(by=world.users["bureau"], claim=claim, today=AFTER_NOTICE)
    with pytest.raises(Refused) as error:
        svc.claim_create(
            by=world.users["enterprise"],
            cohort=c.cohort,
            kind=ClaimKind.SUPPLEMENTARY,
            today=AFTER_NOTICE,
        )
    assert "nothing_to_supplement" in codes(error.value)
    certify(c.enrollments[1], level=4, issued_on=dt.date(2026, 10, 20))
    extra = svc.claim_create(
        by=world.users["enterprise"],
        cohort=c.cohort,
        kind=ClaimKind.SUPPLEMENTARY,
        today=dt.date(2026, 10, 21),
        **PAYEE,
    )
    assert [line.enrollment_id for line in extra.lines.all()] == [c.enrollments[1].pk]
    assert (extra.entitled, extra.advanced, extra.payable) == (
        Decimal("10000.00"),
        Decimal("0.00"),
        Decimal("10000.00"),
    )


def test_the_yearly_limit_counts_the_grants_of_other_occupations(world):
    c = claimable_class(world, levels=(3,), withdrawn=0)
    person = c.enrollments[0].person
    SubsidyGrant.objects.create(
        id_number=person.id_number,
        occupation_code="6-99-99-99",
        level=4,
        year=2024,
        slot=1,
        amount=Decimal("5000.00"),
        source="history",
        source_text="2024年区县台账",
    )
    claim = settlement(world, c)
    line = claim.lines.get()
    checks = {check["code"]: check["result"] for check in line.checks}
    assert checks["once_per_year"] == "fail"
    assert line.due == Decimal("0.00")


def test_a_notice_into_an_unknown_year_is_refused_with_the_reason(world):
    c = claimable_class(world)
    claim = settlement(world, c)
    svc.claim_submit(by=world.users["enterprise"], claim=claim, today=TODAY)
    svc.claim_review(by=world.users["district"], claim=claim)
    with pytest.raises(Refused) as error:
        svc.claim_notice(by=world.users["district"], claim=claim, today=dt.date(2026, 12, 28))
    assert "calendar_unknown" in codes(error.value)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNDER_REVIEW and not claim.notices.exists()
