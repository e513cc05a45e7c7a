"""Reads: the subsidy policy version in force, and its values as the rules' facts."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from xuetu.programmes.models import ProgrammePolicy
from xuetu.subsidies.models import SubsidyPolicy
from xuetu.subsidies.rules import PolicyFacts, standards_of


def policy_for(district_id: int | None, on: dt.date) -> SubsidyPolicy | None:
    """The district's version in force on `on`, else the city's (None: no policy yet). A
    district's version overrides the city's from its date on, even when the city has a
    newer version since (the district decides when it follows)."""
    versions = SubsidyPolicy.objects.filter(effective_from__lte=on).prefetch_related("standards")
    if district_id is not None:
        own = versions.filter(district_id=district_id).order_by("-effective_from").first()
        if own is not None:
            return own
    return versions.filter(Q(district__isnull=True)).order_by("-effective_from").first()


def policy_facts(policy: SubsidyPolicy, programme: ProgrammePolicy) -> PolicyFacts:
    """What the rules read: the subsidy policy's money values and the programme policy's
    non-money ones (read there, never copied into the subsidy policy)."""
    return PolicyFacts(
        version=str(policy),
        standards=standards_of(
            (s.kind, s.level, s.amount_per_year) for s in policy.standards.all()
        ),
        max_years=policy.max_years,
        max_years_with_approval=policy.max_years_with_approval,
        certificate_window_months=policy.certificate_window_months,
        claim_window_months=policy.claim_window_months,
        trainings_per_year=policy.trainings_per_year,
        min_contract_months=programme.min_contract_months,
        min_age=programme.min_age,
        retirement_schedule=programme.retirement_schedule,
    )
