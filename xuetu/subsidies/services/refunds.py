"""Refund obligations (issue 10, item 4): a settlement whose advance exceeded what the class
earned owes the difference back by its due date. The city records repayments (several may
settle one), each a ledger entry of its own; overdue obligations are listed and their
enterprises reminded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.audit import audit_record
from xuetu.core.notices import notify_organisations
from xuetu.core.problems import Problem, refuse_if, say
from xuetu.core.services import lock
from xuetu.subsidies.choices import LedgerKind, RefundStatus
from xuetu.subsidies.models import LedgerEntry, RefundObligation
from xuetu.subsidies.money import refuse_float, to_fen
from xuetu.subsidies.services.claims import require_city

REPAID = Problem("refund_repaid", _("This refund obligation is repaid already."), "amount")
NOT_POSITIVE = Problem("amount_positive", _("A repayment is more than 0.00 yuan."), "amount")


def refund_repay(
    *,
    by: User | None,
    refund: RefundObligation,
    amount: Decimal,
    on: dt.date | None = None,
    note: str = "",
) -> LedgerEntry:
    """Records a repayment (the city, from the treasury's statement); the obligation is repaid
    once the repayments reach its amount. More than what is outstanding is refused."""
    require_city(by, _("Only the city bureau records repayments."))
    refuse_float(amount)
    amount = to_fen(Decimal(amount))
    on = on or timezone.localdate()
    with transaction.atomic():
        lock(refund)
        problems = []
        if refund.status == RefundStatus.REPAID:
            problems.append(REPAID)
        if amount <= 0:
            problems.append(NOT_POSITIVE)
        elif amount > refund.outstanding:
            message = say(
                _("The repayment exceeds what is outstanding (%(outstanding)s yuan)."),
                outstanding=f"{refund.outstanding:,.2f}",
            )
            problems.append(Problem("repayment_too_large", message, "amount"))
        refuse_if(problems)
        entry = LedgerEntry.objects.create(
            kind=LedgerKind.REPAYMENT,
            claim=refund.claim,
            refund=refund,
            amount=amount,
            on=on,
            note=(note or "").strip()[:300],
            by=by,
        )
        before = {"repaid": str(refund.repaid), "status": refund.status}
        refund.repaid += amount
        if refund.repaid >= refund.amount:
            refund.status = RefundStatus.REPAID
        refund.save(update_fields=["repaid", "status"])
        audit_record(
            by=by,
            action="refundobligation.repay",
            obj=refund,
            before=before,
            after={"repaid": str(refund.repaid), "status": refund.status},
        )
    return entry


def overdue(today: dt.date | None = None):
    today = today or timezone.localdate()
    return RefundObligation.objects.filter(status=RefundStatus.OPEN, due_on__lt=today)


def remind_overdue(*, today: dt.date | None = None) -> int:
    """A reminder to the enterprise of each overdue obligation, at most once a week."""
    today = today or timezone.localdate()
    sent = 0
    rows = overdue(today).select_related("claim__cohort__enterprise")
    for refund in rows:
        if refund.last_reminded_on and (today - refund.last_reminded_on).days < 7:
            continue
        cohort = refund.claim.cohort
        sent += notify_organisations(
            [cohort.enterprise],
            "refund.overdue",
            refund,
            code=cohort.code,
            amount=f"{refund.outstanding:,.2f}",
            due=refund.due_on.isoformat(),
        )
        RefundObligation.objects.filter(pk=refund.pk).update(last_reminded_on=today)
    return sent
