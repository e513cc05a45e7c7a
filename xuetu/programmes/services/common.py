"""What every programmes service shares: the role checks, notices, row locks and numbering."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import Organisation, User
from xuetu.core.access import scope_for
from xuetu.core.audit import audit_record, snapshot
from xuetu.core.models import Notice
from xuetu.programmes import selectors
from xuetu.programmes.models import Cohort, ProgrammePolicy

M = TypeVar("M", bound=models.Model)


def current_policy(on: dt.date) -> ProgrammePolicy:
    """The policy in force on `on` (unsaved defaults when none is recorded)."""
    return selectors.current_policy(on)


# Permissions -------------------------------------------------------------------------------
def require_manager(by: User | None, *organisation_ids: int | None) -> None:
    """`by` manages one of the organisations (or is the city bureau)."""
    if by is None:
        return
    scope = scope_for(by)
    if scope.city or scope.managed_org_ids.intersection(organisation_ids):
        return
    raise PermissionDenied(_("Only a manager of the organisation can do this."))


def require_reviewer(by: User | None, cohort: Cohort) -> None:
    """A district reviewer of the enterprise's district or the city bureau, who is not a
    member of either party and did not submit the filing: nobody approves their own class."""
    if by is None:
        return
    scope = scope_for(by)
    enterprise = cohort.enterprise
    if not (scope.city or enterprise.district_id in scope.district_ids):
        raise PermissionDenied(_("Only a reviewer of the enterprise's district can review."))
    if {cohort.enterprise_id, cohort.institution_id} & scope.org_ids:
        raise PermissionDenied(_("A party to the class cannot review it."))
    if cohort.submitted_by_id == by.pk:
        raise PermissionDenied(_("The person who submitted the filing cannot review it."))


# Shared pieces -----------------------------------------------------------------------------
def actor(by: User | None) -> User | None:
    return by if by is not None and by.is_authenticated else None


def stored_text(message: str | Promise, limit: int = 300) -> str:
    """A message kept as data (a notice, a note) is written in the site's default language:
    its reader may be another organisation, whose language we do not know here."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)[:limit]


def notify(organisations: Iterable[Organisation], message: str | Promise, url: str) -> None:
    """An in-app notice to each organisation (once each)."""
    text = stored_text(message)
    seen: set[int] = set()
    rows = []
    for organisation in organisations:
        if organisation.pk not in seen:
            seen.add(organisation.pk)
            rows.append(Notice(organisation=organisation, text=text, url=url))
    Notice.objects.bulk_create(rows)


def lock(instance: models.Model) -> None:
    """Lock the row for this transaction and reload `instance` from it, so a stale copy
    never writes old values back."""
    type(instance)._default_manager.select_for_update().filter(pk=instance.pk).exists()
    instance.refresh_from_db()


def create_numbered(
    *,
    by: User | None,
    instance: M,
    prefix: str,
    year: int,
    field: str = "number",
    organisation: Organisation | None = None,
) -> M:
    """Insert, then number the row from its id (`PS-2026-000123`): unique without a counter
    table, and two concurrent inserts can never take the same number."""
    setattr(instance, field, f"tmp-{uuid.uuid4().hex[:24]}")
    instance.full_clean()
    instance.save()
    setattr(instance, field, f"{prefix}-{year}-{instance.pk:06d}")
    instance.save(update_fields=[field])
    audit_record(
        by=by,
        action=f"{instance._meta.model_name}.create",
        obj=instance,
        after=snapshot(instance),
        organisation=organisation,
    )
    return instance
