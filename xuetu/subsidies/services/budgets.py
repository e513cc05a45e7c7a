"""Budgets (issue 10, item 9): the money for a year, the city's and optionally a district's.
Approving commits a claim's payable against the year of its approval; paying spends it.
Approving past what remains is refused until the city administrator raises the budget
(audited: who, when, from what to what)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import District, User
from xuetu.core.access import scope_for
from xuetu.core.audit import audit_record
from xuetu.core.problems import CONFLICT, Problem, Refused, refuse_if, say
from xuetu.subsidies.choices import COMMITTED_CLAIM_STATUSES, LedgerKind
from xuetu.subsidies.models import Budget, Claim, LedgerEntry
from xuetu.subsidies.money import ZERO, refuse_float, to_fen


@dataclass(frozen=True)
class Figures:
    budget: Budget
    committed: Decimal  # the payables of the year's approved (and paid) claims
    paid: Decimal  # the year's payments
    remaining: Decimal  # budget − committed


def _in_budget(budget: Budget) -> Q:
    q = Q(approved_at__year=budget.year)
    if budget.district_id is not None:
        q &= Q(district_id=budget.district_id)
    return q


def figures(budget: Budget) -> Figures:
    committed = (
        Claim.objects.filter(
            _in_budget(budget), status__in=COMMITTED_CLAIM_STATUSES, payable__gt=0
        ).aggregate(total=Sum("payable"))["total"]
        or ZERO
    )
    payments = LedgerEntry.objects.filter(kind=LedgerKind.PAYMENT, on__year=budget.year)
    if budget.district_id is not None:
        payments = payments.filter(claim__district_id=budget.district_id)
    paid = payments.aggregate(total=Sum("amount"))["total"] or ZERO
    return Figures(budget, committed, paid, budget.amount - committed)


def budgets_of(claim: Claim, year: int, *, lock: bool = False) -> list[Budget]:
    """The city's budget for the year and the claim's district's, if it has one."""
    rows = Budget.objects.filter(Q(district__isnull=True) | Q(district_id=claim.district_id))
    if lock:
        rows = rows.select_for_update()
    return list(rows.filter(year=year).order_by("district_id"))


def budget_problems(claim: Claim, today: dt.date) -> list[Problem]:
    """What approving the claim today would exceed (each budget locked for the transaction, so
    two approvals at once are counted one after the other)."""
    if claim.payable <= 0:
        return []
    budgets = budgets_of(claim, today.year, lock=True)
    if not any(b.district_id is None for b in budgets):
        message = say(
            _("No budget is recorded for %(year)s: the city bureau records it first."),
            year=str(today.year),
        )
        return [Problem("budget_missing", message, "payable")]
    problems = []
    for budget in budgets:
        remaining = figures(budget).remaining
        if claim.payable > remaining:
            message = say(
                _(
                    "The claim (%(amount)s yuan) exceeds what remains of the %(budget)s budget "
                    "(%(remaining)s yuan): the city administrator raises the budget first."
                ),
                amount=f"{claim.payable:,.2f}",
                budget=str(budget),
                remaining=f"{remaining:,.2f}",
            )
            problems.append(Problem("budget_exceeded", message, "payable"))
    return problems


def budget_set(
    *, by: User | None, year: int, amount: Decimal, district: District | None = None
) -> Budget:
    """Records or changes a year's budget (the city's, or a district's): the city alone."""
    if by is not None and not scope_for(by).city:
        raise PermissionDenied(_("Only the city bureau sets budgets."))
    refuse_float(amount)
    amount = to_fen(Decimal(amount))
    problems = []
    if amount < 0:
        problems.append(Problem("budget_negative", _("A budget cannot be negative."), "amount"))
    if not 2000 <= int(year) <= 2100:
        problems.append(Problem("budget_year", _("Give a year between 2000 and 2100."), "year"))
    refuse_if(problems)
    with transaction.atomic():
        # Ordered by pk: the default ordering joins the district, and PostgreSQL locks no row
        # across an outer join.
        rows = Budget.objects.select_for_update().filter(year=year, district=district)
        budget = rows.order_by("pk").first()
        before = None
        if budget is None:
            budget = Budget(year=year, district=district, amount=amount)
        else:
            before = {"amount": str(budget.amount)}
            budget.amount = amount
        budget.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                budget.save()
        except IntegrityError:  # the same year recorded by someone else at the same moment
            raise Refused([CONFLICT]) from None
        action = "budget.update" if before else "budget.create"
        audit_record(
            by=by,
            action=action,
            obj=budget,
            before=before,
            after={"year": budget.year, "amount": str(budget.amount)},
        )
    return budget
