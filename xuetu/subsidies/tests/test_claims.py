"""Claims from draft to payment (issue 10, items 3–7): the advance, the settlement with its
lines and the netting of the advance into a refund obligation, the notice over the National
Day holiday, the roles, and payment exactly once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from xuetu.core.models import Notice as UserNotice
from xuetu.core.problems import Refused
from xuetu.programmes.choices import CohortStatus
from xuetu.subsidies.choices import ClaimKind, ClaimStatus, LedgerKind
from xuetu.subsidies.models import Claim, LedgerEntry, RefundObligation, SubsidyGrant
from xuetu.subsidies.services import claims as svc
from xuetu.subsidies.tests.factories import (
    AFTER_NOTICE,
    PUBLISHED,
    TODAY,
    claimable_class,
)

PAYEE = {
    "payee_bank": "中国建设银行重庆江北支行",
    "payee_name": "长安汽车股份有限公司",
    "payee_account": "5000 1234 5678 9012 3456",
}


def codes(error: Refused) -> set[str]:
    return {p.code for p in error.problems}


def through_notice(world, claim):
    svc.claim_submit(by=world.users["enterprise"], claim=claim, today=TODAY)
    svc.claim_review(by=world.users["district"], claim=claim)
    return svc.claim_notice(by=world.users["district"], claim=claim, today=PUBLISHED)


def pay(world, claim):
    through_notice(world, claim)
    svc.claim_approve(by=world.users["bureau"], claim=claim, today=AFTER_NOTICE)
    return svc.claim_pay(by=world.users["bureau"], claim=claim, today=AFTER_NOTICE)


def test_an_advance_is_half_the_planned_amount_with_nothing_advanced(world):
    c = claimable_class(world, status=CohortStatus.IN_TRAINING, levels=(3, 3, 3), withdrawn=1)
    claim = svc.claim_create(
        by=world.users["enterprise"], cohort=c.cohort, kind=ClaimKind.ADVANCE, today=TODAY, **PAYEE
    )
    # 4 planned × 6,000 (senior) × 2 years × 50%
    assert claim.entitled == Decimal("24000.00")
    assert claim.advanced == Decimal("0.00")
    assert claim.payable == Decimal("24000.00")
    assert claim.payee_account == "50001234567890123456"
    assert claim.payee_account_masked == "**** 3456"
    with pytest.raises(Refused) as error:
        svc.claim_create(
            by=world.users["enterprise"], cohort=c.cohort, kind=ClaimKind.ADVANCE, today=TODAY
        )
    assert "claim_exists" in codes(error.value)


def test_the_withdrawn_apprentices_share_of_the_advance_becomes_a_refund(world):
    c = claimable_class(world, status=CohortStatus.IN_TRAINING, levels=(3, 4, None), withdrawn=1)
    advance = svc.claim_create(
        by=world.users["enterprise"], cohort=c.cohort, kind=ClaimKind.ADVANCE, today=TODAY, **PAYEE
    )
    entry = pay(world, advance)
    assert entry.amount == Decimal("24000.00")
    c.cohort.status = CohortStatus.COMPLETED
    c.cohort.save(update_fields=["status"])
    for e in c.enrollments[:3]:
        e.status = "completed"
        e.save(update_fields=["status"])
    settlement = svc.claim_create(
        by=world.users["enterprise"],
        cohort=c.cohort,
        kind=ClaimKind.SETTLEMENT,
        today=TODAY,
        **PAYEE,
    )
    lines = {line.person.name: line for line in settlement.lines.select_related("person")}
    assert lines["学徒0"].amount == Decimal("12000.00")  # senior × 2 years
    assert lines["学徒1"].amount == Decimal("10000.00")  # intermediate × 2 years
    assert lines["学徒2"].amount == Decimal("0.00")  # no certificate
    assert lines["退出0"].amount == Decimal("0.00")
    assert lines["退出0"].result == "fail"
    assert settlement.entitled == Decimal("22000.00")
    assert settlement.advanced == Decimal("24000.00")
    assert settlement.payable == Decimal("-2000.00")
    through_notice(world, settlement)
    svc.claim_approve(by=world.users["bureau"], claim=settlement, today=AFTER_NOTICE)
    refund = RefundObligation.objects.get(claim=settlement)
    assert refund.amount == Decimal("2000.00")
    assert refund.due_on == dt.date(2027, 1, 14)
    assert LedgerEntry.objects.filter(claim=settlement, kind=LedgerKind.REFUND_DUE).count() == 1
    with pytest.raises(Refused) as error:
        svc.claim_pay(by=world.users["bureau"], claim=settlement, today=AFTER_NOTICE)
    assert "nothing_to_pay" in codes(error.value)
    assert SubsidyGrant.objects.filter(line__claim=settlement).count() == 2


def test_the_notice_ends_across_the_national_day_holiday(world):
    c = claimable_class(world)
    claim = svc.claim_create(
        by=world.users["enterprise"],
        cohort=c.cohort,
        kind=ClaimKind.SETTLEMENT,
        today=TODAY,
        **PAYEE,
    )
    notice = through_notice(world, claim)
    assert (notice.starts_on, notice.ends_on) == (dt.date(2026, 10, 8), dt.date(2026, 10, 13))
    assert "舒" not in str(notice.content)
    for person in notice.content["people"]:
        assert "*" in person["name"]
    with pytest.raises(Refused) as error:
        svc.claim_approve(by=world.users["bureau"], claim=claim, today=dt.date(2026, 10, 13))
    assert "notice_running" in codes(error.value)
    svc.claim_approve(by=world.users["bureau"], claim=claim, today=AFTER_NOTICE)
    assert claim.status == ClaimStatus.APPROVED


def test_roles_the_submitter_never_reviews_and_the_district_only_its_own(world):
    c = claimable_class(world)
    claim = svc.claim_create(
        by=world.users["enterprise"],
        cohort=c.cohort,
        kind=ClaimKind.SETTLEMENT,
        today=TODAY,
        **PAYEE,
    )
    with pytest.raises(PermissionDenied):
        svc.claim_create(
            by=world.users["enterprise2"], cohort=c.cohort, kind=ClaimKind.SETTLEMENT, today=TODAY
        )
    svc.claim_submit(by=world.users["enterprise"], claim=claim, today=TODAY)
    with pytest.raises(PermissionDenied):
        svc.claim_review(by=world.users["enterprise"], claim=claim)
    svc.claim_review(by=world.users["district"], claim=claim)
    with pytest.raises(PermissionDenied):
        svc.claim_approve(by=world.users["district"], claim=claim, today=AFTER_NOTICE)


def test_paying_twice_writes_one_payment(world):
    c = claimable_class(world)
    claim = svc.claim_create(
        by=world.users["enterprise"],
        cohort=c.cohort,
        kind=ClaimKind.SETTLEMENT,
        today=TODAY,
        **PAYEE,
    )
    pay(world, claim)
    with pytest.raises(Refused):
        svc.claim_pay(by=world.users["bureau"], claim=claim, today=AFTER_NOTICE)
    assert LedgerEntry.objects.filter(claim=claim, kind=LedgerKind.PAYMENT).count() == 1
    told = UserNotice.objects.filter(recipient=world.users["apprentice"]).values_list(
        "kind", flat=True
    )
    assert set(told) >= set()


def test_a_second_claim_cannot_pay_the_same_person_again(world):
    c = claimable_class(world, levels=(3,), withdrawn=0)
    other = claimable_class(world, levels=(3,), withdrawn=0, occupation=c.cohort.occupation)
    # the same person on both classes
    person = c.enrollments[0].person
    other_enrollment = other.enrollments[0]
    other_enrollment.person.certificates.update(holder=person)
    other_enrollment.person = person
    other_enrollment.save(update_fields=["person"])
    first = svc.claim_create(
        by=world.users["enterprise"],
        cohort=c.cohort,
        kind=ClaimKind.SETTLEMENT,
        today=TODAY,
        **PAYEE,
    )
    second = svc.claim_create(
        by=world.users["enterprise"],
        cohort=other.cohort,
        kind=ClaimKind.SETTLEMENT,
        today=TODAY,
        **PAYEE,
    )
    through_notice(world, first)
    through_notice(world, second)
    svc.claim_approve(by=world.users["bureau"], claim=first, today=AFTER_NOTICE)
    with pytest.raises(Refused) as error:
        svc.claim_approve(by=world.users["bureau"], claim=second, today=AFTER_NOTICE)
    assert "subsidised_meanwhile" in codes(error.value)
    assert SubsidyGrant.objects.filter(id_number=person.id_number).count() == 1


def test_a_draft_is_discarded_and_an_unsubmitted_advance_holds_no_settlement_up(world):
    c = claimable_class(world, status=CohortStatus.IN_TRAINING)
    advance = svc.claim_create(
        by=world.users["enterprise"], cohort=c.cohort, kind=ClaimKind.ADVANCE, today=TODAY
    )
    c.cohort.status = CohortStatus.COMPLETED
    c.cohort.save(update_fields=["status"])
    settlement = svc.claim_create(
        by=world.users["enterprise"], cohort=c.cohort, kind=ClaimKind.SETTLEMENT, today=TODAY
    )
    with pytest.raises(Refused) as error:
        svc.claim_submit(by=world.users["enterprise"], claim=advance, today=TODAY)
    assert "class_not_approved" in codes(error.value)
    svc.claim_delete(by=world.users["enterprise"], claim=advance)
    assert not Claim.objects.filter(pk=advance.pk).exists()
    with pytest.raises(Refused) as error:
        svc.claim_submit(by=world.users["enterprise"], claim=settlement, today=TODAY)
    assert "payee_missing" in codes(error.value)
    svc.claim_update(by=world.users["enterprise"], claim=settlement, **PAYEE)
    svc.claim_submit(by=world.users["enterprise"], claim=settlement, today=TODAY)
    with pytest.raises(Refused) as error:
        svc.claim_delete(by=world.users["enterprise"], claim=settlement)
    assert "claim_not_editable" in codes(error.value)


def test_money_is_decimal_end_to_end_and_a_float_never_reaches_a_money_field(world):
    from django.db import transaction

    from xuetu.subsidies.models import ClaimLine
    from xuetu.subsidies.money import MoneyField

    c = claimable_class(world)
    claim = svc.claim_create(
        by=world.users["enterprise"],
        cohort=c.cohort,
        kind=ClaimKind.SETTLEMENT,
        today=TODAY,
        **PAYEE,
    )
    pay(world, claim)
    for model in (type(claim), ClaimLine, LedgerEntry, SubsidyGrant):
        money = [f.name for f in model._meta.fields if isinstance(f, MoneyField)]
        assert money, model
        for row in model.objects.all():
            for name in money:
                assert isinstance(getattr(row, name), Decimal), (model, name)
    with pytest.raises(TypeError), transaction.atomic():
        LedgerEntry.objects.create(kind="reversal", claim=claim, amount=-0.1, on=TODAY)
