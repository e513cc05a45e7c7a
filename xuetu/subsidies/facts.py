"""The stored evidence a claim's rules judge, read in a fixed number of queries per batch of
enrollments (issue 10, items 2, 4 and 11): the enrollment and its person, their certificates,
the confirmed and disputed hours, and the earlier subsidies of the same people (paid here or
imported). The rules themselves (`rules.py`) see only these plain facts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db.models import Q, Sum

from xuetu.certification.models import Certificate
from xuetu.core.dates import duration_months
from xuetu.programmes.choices import EnrollmentEventKind
from xuetu.programmes.models import Cohort, Enrollment, EnrollmentEvent, ProgrammePolicy
from xuetu.programmes.selectors import current_policy
from xuetu.subsidies import rules
from xuetu.subsidies.models import Claim, SubsidyGrant, SubsidyPolicy
from xuetu.subsidies.selectors import policy_facts, policy_for
from xuetu.training.choices import HoursStatus
from xuetu.training.models import Hours

BATCH = 1000


def approval_date(cohort: Cohort) -> dt.date:
    """The day the class was approved (the policy version in force that day prices it)."""
    if cohort.reviewed_at is not None:
        return cohort.reviewed_at.date()
    return cohort.planned_start


def planned_months(cohort: Cohort) -> int:
    return duration_months(cohort.planned_start, cohort.planned_end)


def subsidy_policy_of(cohort: Cohort) -> SubsidyPolicy | None:
    return policy_for(cohort.enterprise.district_id, approval_date(cohort))


def programme_policy_of(cohort: Cohort) -> ProgrammePolicy:
    return current_policy(cohort.planned_start)


def claim_policy_facts(claim: Claim) -> rules.PolicyFacts:
    return policy_facts(claim.policy, programme_policy_of(claim.cohort))


def special_approval_of(claim: Claim) -> rules.SpecialApproval | None:
    if claim.special_approval_at is None:
        return None
    by = claim.special_approval_by
    return rules.SpecialApproval(
        by=(by.get_full_name() or by.get_username()) if by else "",
        on=claim.special_approval_at.date(),
        reason=claim.special_approval_reason,
    )


def roster_of(cohort: Cohort):
    """The enrollments a settlement judges: everyone ever on the class (a withdrawn apprentice
    gets a line that pays nothing, so the advance they were counted in is recovered)."""
    return (
        Enrollment.objects.filter(cohort=cohort)
        .select_related("person")
        .order_by("person__name", "pk")
    )


def enrollment_facts(
    claim: Claim,
    enrollments: Sequence[Enrollment],
    *,
    claim_date: dt.date,
    programme: ProgrammePolicy,
    as_of: dt.datetime | None = None,
) -> list[rules.EnrollmentFacts]:
    """The facts of a batch of enrollments of `claim`'s class, in four queries."""
    cohort = claim.cohort
    ids = [e.pk for e in enrollments]
    people = [e.person for e in enrollments]
    certificates = _certificates(p.pk for p in people)
    prior = _prior_payments({p.id_number for p in people}, exclude_claim=claim.pk, as_of=as_of)
    confirmed, disputes = _hours(ids)
    joined = _substitution_days(ids)
    months = planned_months(cohort)
    required = _required_hours(programme, months)
    approval = special_approval_of(claim)
    facts = []
    for enrollment in enrollments:
        person = enrollment.person
        facts.append(
            rules.EnrollmentFacts(
                status=enrollment.status,
                started_on=joined.get(enrollment.pk, cohort.planned_start),
                planned_start=cohort.planned_start,
                planned_end=cohort.planned_end,
                ended_on=enrollment.planned_end,
                planned_months=months,
                target_level=cohort.target_level,
                occupation_code=cohort.occupation.code,
                contract_start=enrollment.contract_start,
                contract_end=enrollment.contract_end,
                birth_date=person.birth_date,
                gender=person.gender,
                claim_date=claim_date,
                certificates=tuple(certificates.get(person.pk, ())),
                prior_payments=tuple(prior.get(person.id_number, ())),
                confirmed_hours=confirmed.get(enrollment.pk, Decimal("0")),
                required_hours=required,
                open_disputes=disputes.get(enrollment.pk, 0),
                special_approval=approval,
                retirement_track=person.retirement_track,
            )
        )
    return facts


def _required_hours(programme: ProgrammePolicy, months: int) -> Decimal | None:
    """The plan's minimum: the policy's hours a year over the planned years (None: no minimum)."""
    if not programme.min_hours_per_year:
        return None
    return (Decimal(programme.min_hours_per_year) * Decimal(months) / Decimal(12)).quantize(
        Decimal("0.01")
    )


def _certificates(person_ids: Iterable[int]) -> dict[int, list[rules.CertificateFacts]]:
    by_person: dict[int, list[rules.CertificateFacts]] = defaultdict(list)
    rows = Certificate.objects.filter(holder_id__in=list(person_ids)).values_list(
        "pk",
        "holder_id",
        "kind",
        "occupation__code",
        "level",
        "issued_on",
        "review_status",
        "number",
    )
    for pk, holder, kind, code, level, issued, status, number in rows.order_by("pk"):
        by_person[holder].append(
            rules.CertificateFacts(
                kind=kind,
                occupation_code=code or "",
                level=level,
                issued_on=issued,
                review_status=status,
                number=number,
                pk=pk,
            )
        )
    return by_person


def _prior_payments(
    id_numbers: set[str], *, exclude_claim: int | None, as_of: dt.datetime | None = None
) -> dict[str, list[rules.PaymentFacts]]:
    """Earlier subsidies of these people: granted by another claim, or imported history
    (those recorded by `as_of`, when a recomputation reproduces lines computed then)."""
    by_number: dict[str, list[rules.PaymentFacts]] = defaultdict(list)
    rows = SubsidyGrant.objects.filter(id_number__in=id_numbers)
    if exclude_claim is not None:
        rows = rows.exclude(line__claim_id=exclude_claim)
    if as_of is not None:
        rows = rows.filter(recorded_at__lte=as_of)
    for number, code, level, year in rows.values_list(
        "id_number", "occupation_code", "level", "year"
    ):
        by_number[number].append(rules.PaymentFacts(code, level, year))
    return by_number


def _hours(enrollment_ids: list[int]) -> tuple[dict[int, Decimal], dict[int, int]]:
    """Confirmed hours of presence per enrollment, and disputes nobody resolved yet."""
    confirmed: dict[int, Decimal] = {}
    disputes: dict[int, int] = defaultdict(int)
    rows = (
        Hours.objects.filter(enrollment_id__in=enrollment_ids)
        .filter(Q(status=HoursStatus.CONFIRMED, present=True) | Q(status=HoursStatus.DISPUTED))
        .values("enrollment_id", "status")
        .annotate(minutes=Sum("minutes"))
        .order_by()
    )
    for row in rows:
        if row["status"] == HoursStatus.CONFIRMED:
            confirmed[row["enrollment_id"]] = (Decimal(row["minutes"] or 0) / 60).quantize(
                Decimal("0.01")
            )
    open_rows = (
        Hours.objects.filter(
            enrollment_id__in=enrollment_ids, status=HoursStatus.DISPUTED, outcome=""
        )
        .values_list("enrollment_id", flat=True)
        .order_by()
    )
    for enrollment_id in open_rows:
        disputes[enrollment_id] += 1
    return confirmed, dict(disputes)


def _substitution_days(enrollment_ids: list[int]) -> dict[int, dt.date]:
    """A substitute's training starts the day they joined."""
    rows = EnrollmentEvent.objects.filter(
        enrollment_id__in=enrollment_ids, kind=EnrollmentEventKind.SUBSTITUTED
    ).values_list("enrollment_id", "effective_date")
    return dict(rows)


def batches(items: Sequence, size: int = BATCH) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
