"""What subsidies adds to the shared site: menu entries for claims, refunds, budgets and the
ledger (each for the roles its access table gives rows to), the class page's link to its
claims, and the home panel of claims waiting for the reader."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, Model, OuterRef
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.core import site
from xuetu.core.access import CHANGE, scope_for
from xuetu.core.links import ObjectLink, register_object_link
from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.models import Cohort
from xuetu.subsidies.access import CLAIM, REVIEW
from xuetu.subsidies.choices import EDITABLE_CLAIM_STATUSES, ClaimKind, ClaimStatus
from xuetu.subsidies.models import (
    Budget,
    Claim,
    LedgerEntry,
    Notice,
    RefundObligation,
    SubsidyGrant,
)
from xuetu.subsidies.services.refunds import overdue

S = ClaimStatus
PANEL_ROWS = 20


def register() -> None:
    site.register_menu_group("subsidies", _("Subsidies"), order=60)
    lists: list[tuple[Any, str, type[Model]]] = [
        (_("Subsidy claims"), "subsidies:claim_list", Claim),
        (_("Refund obligations"), "subsidies:refund_list", RefundObligation),
        (_("Budgets"), "subsidies:budget_list", Budget),
        (_("Ledger"), "subsidies:ledger_list", LedgerEntry),
        # The register of who was subsidised (ID numbers) and the year's settlement run:
        # the city's alone (SubsidyGrant's table gives no role a row).
        (_("Subsidies granted"), "subsidies:grant_list", SubsidyGrant),
        (_("Compute the settlements of a year"), "subsidies:settle_year", SubsidyGrant),
    ]
    for order, (label, name, model) in enumerate(lists, start=1):
        site.register_menu(label, name, order=order, group="subsidies", visible=site.reaches(model))
    register_object_link(
        "programmes.cohort",
        ObjectLink(_("Subsidy claims"), "subsidies:cohort_claims", CLAIM, testid="cohort-claims"),
    )
    site.register_home_panel("subsidies/_home_claims.html", order=38, context=claims_waiting)


def claims_waiting(request: HttpRequest) -> dict[str, Any]:
    """What waits for the reader: their drafts and returned claims and the classes that can
    claim (a manager); claims to review (a district reviewer); claims to approve or pay and
    overdue refunds (the city)."""
    user = request.user
    scope = scope_for(user)
    if scope.user_id is None:
        return {"subsidy_work": None}
    work: dict[str, list[Any]] = {}
    if scope.city:
        work.update(city_work())
    else:
        if scope.managed_org_ids:
            work.update(enterprise_work(user))
        if scope.district_ids:
            work["to_review"] = to_review(user)
    return {"subsidy_work": work if any(work.values()) else None}


def enterprise_work(user: Any) -> dict[str, list[Any]]:
    mine = (
        Claim.objects.for_user(user, CHANGE)
        .filter(status__in=EDITABLE_CLAIM_STATUSES)
        .select_related("cohort")
        .order_by("-pk")
    )
    live = Claim.objects.filter(cohort=OuterRef("pk")).exclude(status=S.REJECTED)
    advance = Cohort.objects.for_user(user, CLAIM).filter(
        status__in=(CohortStatus.APPROVED, CohortStatus.IN_TRAINING)
    )
    settle = Cohort.objects.for_user(user, CLAIM).filter(status=CohortStatus.COMPLETED)
    claimable = list(
        advance.exclude(Exists(live.filter(kind=ClaimKind.ADVANCE))).order_by("code")[:PANEL_ROWS]
    ) + list(
        settle.exclude(Exists(live.filter(kind=ClaimKind.SETTLEMENT))).order_by("code")[:PANEL_ROWS]
    )
    return {"drafts": list(mine[:PANEL_ROWS]), "claimable": claimable}


def to_review(user: Any) -> list[Claim]:
    rows = (
        Claim.objects.for_user(user, REVIEW)
        .filter(status__in=(S.SUBMITTED, S.UNDER_REVIEW))
        .exclude(submitted_by_id=user.pk)
        .select_related("cohort__enterprise")
        .order_by("submitted_at", "pk")
    )
    return list(rows[:PANEL_ROWS])


def city_work() -> dict[str, list[Any]]:
    today = timezone.localdate()
    ended = Notice.objects.filter(
        claim=OuterRef("pk"), withdrawn_at__isnull=True, ends_on__lt=today
    )
    related = ("cohort__enterprise",)
    to_approve = (
        Claim.objects.filter(Exists(ended), status=S.ON_NOTICE)
        .select_related(*related)
        .order_by("pk")
    )
    to_pay = (
        Claim.objects.filter(status=S.APPROVED, payable__gt=0)
        .select_related(*related)
        .order_by("approved_at", "pk")
    )
    late = overdue(today).select_related("claim__cohort__enterprise")
    return {
        "to_approve": list(to_approve[:PANEL_ROWS]),
        "to_pay": list(to_pay[:PANEL_ROWS]),
        "overdue": list(late[:PANEL_ROWS]),
        "to_review": list(
            Claim.objects.filter(status__in=(S.SUBMITTED, S.UNDER_REVIEW))
            .select_related(*related)
            .order_by("submitted_at", "pk")[:PANEL_ROWS]
        ),
    }
