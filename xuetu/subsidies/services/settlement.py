"""The yearly settlement (issue 10, item 11): the city bureau computes, in one job, a draft
settlement claim for every class completed in a year that has no live settlement yet; the
enterprise's managers are told, give the payee account and submit it themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.notices import notify_organisations
from xuetu.core.problems import Refused
from xuetu.programmes.choices import CohortStatus, EnrollmentStatus
from xuetu.programmes.models import Cohort
from xuetu.subsidies.choices import LIVE_CLAIM_STATUSES, ClaimKind
from xuetu.subsidies.models import Claim
from xuetu.subsidies.services.claims import claim_create, require_city

FIRST_YEAR = 2000
CITY_ONLY = _("Only the city bureau computes the settlements of a year.")


def completed_in(year: int) -> QuerySet[Cohort]:
    """The classes completed in `year` (the latest completion of an apprentice, else the
    planned end) with no live settlement claim, in a stable order."""
    live = Claim.objects.filter(
        cohort=OuterRef("pk"), kind=ClaimKind.SETTLEMENT, status__in=LIVE_CLAIM_STATUSES
    )
    return (
        Cohort.objects.filter(status__in=(CohortStatus.COMPLETED, CohortStatus.CLOSED))
        .annotate(
            completed=Coalesce(
                Max(
                    "enrollments__planned_end",
                    filter=Q(enrollments__status=EnrollmentStatus.COMPLETED),
                ),
                "planned_end",
            )
        )
        .filter(completed__year=year)
        .exclude(Exists(live))
        .select_related("enterprise", "occupation")
        .order_by("pk")
    )


def settle_year(
    *,
    by: User | None,
    year: int,
    today: dt.date,
    advance: Callable[[int], None] | None = None,
    start: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """A draft settlement for each class completed in `year` (the payee left empty), and a
    notice to each enterprise's managers; each claim is audited as drafted by the system (the
    job records who launched it). A class refused by the claim rules (an advance still open,
    no policy in force) is counted as skipped. Returns the counts."""
    require_city(by, CITY_ONLY)
    if by is not None and not by.is_authenticated:
        raise PermissionDenied(CITY_ONLY)
    cohorts = list(completed_in(year))
    if start is not None:
        start(len(cohorts))
    created = skipped = 0
    for cohort in cohorts:
        try:
            claim = claim_create(by=None, cohort=cohort, kind=ClaimKind.SETTLEMENT, today=today)
        except Refused:
            skipped += 1
        else:
            created += 1
            notify_organisations(
                [cohort.enterprise],
                "claim.drafted",
                claim,
                code=cohort.code,
                year=str(year),
                amount=f"{claim.entitled:,.2f}",
            )
        if advance is not None:
            advance(1)
    return {"year": year, "created": created, "skipped": skipped, "classes": len(cohorts)}
