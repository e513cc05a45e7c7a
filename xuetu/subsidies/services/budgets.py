"""Budgets (issue 10, item 9): the money for a year, the city's and optionally a district's.
Approving commits a claim's payable against the year of its approval; paying spends it.
Approving past what remains is refused until the city administrator raises the budget
(audited: who, when, from what to what)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.db.models.functions import ExtractYear
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


def figures(budget: Budget) -> Figures:
    return figures_of([budget])[budget.pk]


def figures_of(budgets: Iterable[Budget]) -> dict[int, Figures]:
    """Each budget's figures, in two queries however many budgets (a page of them): the
    committed payables and the payments of their years, summed per year and district; a
    city budget counts every district of its year."""
    budgets = list(budgets)
    years = {b.year for b in budgets}
    committed = _sums(
        Claim.objects.filter(
            status__in=COMMITTED_CLAIM_STATUSES, payable__gt=0, approved_at__year__in=years
        )
        .annotate(year=ExtractYear("approved_at"))
        .values_list("year", "district_id")
        .annotate(total=Sum("payable"))
    )
    paid = _sums(
        LedgerEntry.objects.filter(kind=LedgerKind.PAYMENT, on__year__in=years)
        .annotate(year=ExtractYear("on"))
        .values_list("year", "claim__district_id")
        .annotate(total=Sum("amount"))
    )
    found = {}
    for budget in budgets:
        spent = _of(committed, budget)
        found[budget.pk] = Figures(budget, spent, _of(paid, budget), budget.amount - spent)
    return found


def _sums(rows: Iterable[tuple[int, int | None, Decimal | None]]) -> dict[tuple, Decimal]:
    return {(year, district): total or ZERO for year, district, total in rows}


def _of(sums: dict[tuple, Decimal], budget: Budget) -> Decimal:
    return sum(
        (
            total
            for (year, district), total in sums.items()
            if year == budget.year
            and (budget.district_id is None or district == budget.district_id)
        ),
        ZERO,
    )


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
