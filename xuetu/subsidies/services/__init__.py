"""Writes of subsidy policies (issue 10, item 1), for the city bureau: a new version from a
date with its standards, and changes to a version not yet in force. A version in force today
or earlier is never edited (`policy_in_use`): a change is a new version from a later date.
Each write runs in one transaction with one audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.access import scope_for
from xuetu.core.audit import audit_record, snapshot
from xuetu.core.problems import Problem, refuse_if
from xuetu.core.services import apply_changes, lock
from xuetu.registry.choices import CertificateType
from xuetu.subsidies.models import SubsidyPolicy, SubsidyStandard
from xuetu.subsidies.money import refuse_float

POLICY_FIELDS = (
    "name",
    "effective_from",
    "district",
    "advance_ratio",
    "max_years",
    "max_years_with_approval",
    "certificate_window_months",
    "claim_window_months",
    "notice_working_days",
    "refund_months",
    "trainings_per_year",
)
IN_USE = Problem(
    "policy_in_use",
    _(
        "This version is in force (from its date on) and can no longer be changed: record a "
        "new version from a later date."
    ),
    "effective_from",
)
PAST_DATE = Problem(
    "policy_backdated",
    _("A new version takes effect from a future date: the past was paid under the old one."),
    "effective_from",
)
LEVEL_OF_KIND = Problem(
    "standard_level",
    _("Skill level and qualification standards name a level; the other kinds have none."),
    "standards",
)
DUPLICATE = Problem("standard_duplicate", _("Each kind and level has one standard."), "standards")
YEARS_ORDER = Problem(
    "approval_years",
    _("The years with a special approval cannot be fewer than the years without."),
    "max_years_with_approval",
)

StandardRows = Iterable[tuple[str, int | None, Decimal]]


def require_city(by: User | None) -> None:
    """The city bureau changes policies (a call by the system, `by=None`, may)."""
    if by is not None and not scope_for(by).city:
        raise PermissionDenied(_("Only the city bureau changes subsidy policies."))


def standard_problems(rows: list[tuple[str, int | None, Decimal]]) -> list[Problem]:
    levelled = {CertificateType.SKILL_LEVEL, CertificateType.QUALIFICATION}
    problems = []
    for kind, level, amount in rows:
        refuse_float(amount)
        if (kind in levelled) != (level is not None):
            problems.append(LEVEL_OF_KIND)
    keys = [(kind, level) for kind, level, _amount in rows]
    if len(set(keys)) != len(keys):
        problems.append(DUPLICATE)
    return list(dict.fromkeys(problems))


def _set_standards(policy: SubsidyPolicy, rows: list[tuple[str, int | None, Decimal]]) -> None:
    SubsidyStandard.objects.filter(policy=policy).delete()
    for kind, level, amount in rows:
        standard = SubsidyStandard(policy=policy, kind=kind, level=level, amount_per_year=amount)
        standard.full_clean()
        standard.save()


def _standards_snapshot(policy: SubsidyPolicy) -> list[str]:
    """The standards as the audit log keeps them: `kind level: amount` (no level: `kind`)."""
    rows = SubsidyStandard.objects.filter(policy=policy).order_by("kind", "level")
    return [f"{s.kind}{f' {s.level}' if s.level else ''}: {s.amount_per_year}" for s in rows]


def policy_create(
    *,
    by: User | None,
    standards: StandardRows,
    today: dt.date | None = None,
    **values: Any,
) -> SubsidyPolicy:
    """A new version, in force from its `effective_from` (today or later), with its
    standards per year (kind, level or None, amount)."""
    require_city(by)
    rows = list(standards)
    for value in values.values():
        refuse_float(value)
    today = today or timezone.localdate()
    with transaction.atomic():
        policy = SubsidyPolicy()
        apply_changes(policy, values, editable=POLICY_FIELDS)
        problems = standard_problems(rows)
        if by is not None and policy.effective_from is not None and policy.effective_from < today:
            problems.append(PAST_DATE)
        if policy.max_years_with_approval < policy.max_years:
            problems.append(YEARS_ORDER)
        refuse_if(problems)
        policy.full_clean()
        policy.save()
        _set_standards(policy, rows)
        after = {**snapshot(policy), "standards": _standards_snapshot(policy)}
        audit_record(by=by, action="subsidypolicy.create", obj=policy, after=after)
    return policy


def policy_update(
    *,
    by: User | None,
    subsidypolicy: SubsidyPolicy,
    standards: StandardRows | None = None,
    today: dt.date | None = None,
    **changes: Any,
) -> SubsidyPolicy:
    """Changes a version that is not yet in force; one in force is refused (`policy_in_use`)."""
    require_city(by)
    policy = subsidypolicy
    today = today or timezone.localdate()
    for value in changes.values():
        refuse_float(value)
    with transaction.atomic():
        lock(policy)
        refuse_if([IN_USE] if policy.in_use(today) else [])
        before = {**snapshot(policy), "standards": _standards_snapshot(policy)}
        apply_changes(policy, changes, editable=POLICY_FIELDS)
        rows = list(standards) if standards is not None else None
        problems = standard_problems(rows) if rows is not None else []
        if policy.effective_from < today:
            problems.append(PAST_DATE)
        if policy.max_years_with_approval < policy.max_years:
            problems.append(YEARS_ORDER)
        refuse_if(problems)
        policy.full_clean()
        policy.save()
        if rows is not None:
            _set_standards(policy, rows)
        after = {**snapshot(policy), "standards": _standards_snapshot(policy)}
        audit_record(by=by, action="subsidypolicy.update", obj=policy, before=before, after=after)
    return policy


def standards_from(mapping: Mapping[tuple[str, int | None], Decimal]) -> StandardRows:
    return [(kind, level, amount) for (kind, level), amount in mapping.items()]
