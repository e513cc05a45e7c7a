"""What every programmes service shares: the role checks and who is told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import cast

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import Organisation, User
from xuetu.core.access import can, require, scope_for
from xuetu.core.links import HasPage
from xuetu.core.notices import notify as core_notify
from xuetu.core.notices import notify_organisations
from xuetu.programmes import selectors
from xuetu.programmes.access import REVIEW
from xuetu.programmes.models import Cohort, Enrollment, Mentor, ProgrammePolicy


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


def require_party(by: User | None, action: str, obj: HasPage) -> None:
    """The access table lets `by` take `action` on the object (programmes.access): the same
    table the pages and the API ask."""
    require(by, action, cast(Model, obj), _("Only a manager of the organisation can do this."))


def require_reviewer(by: User | None, cohort: Cohort) -> None:
    """A reviewer the access table gives the filing to (the enterprise's district, or the city
    bureau), who is not a member of either party and did not submit the filing: nobody
    approves their own class."""
    if by is None:
        return
    scope = scope_for(by)
    if not can(by, REVIEW, cohort):
        raise PermissionDenied(_("Only a reviewer of the enterprise's district can review."))
    if {cohort.enterprise_id, cohort.institution_id} & scope.org_ids:
        raise PermissionDenied(_("A party to the class cannot review it."))
    if cohort.submitted_by_id == by.pk:
        raise PermissionDenied(_("The person who submitted the filing cannot review it."))


# Notices ---------------------------------------------------------------------------------
def notify(
    organisations: Iterable[Organisation], kind: str, about: HasPage, **params: object
) -> None:
    """A notice to the people who act for each organisation (core.notices)."""
    notify_organisations(organisations, kind, about, **params)


def notify_enrollment(
    enrollment: Enrollment,
    kind: str,
    by: User | None,
    *,
    also: Iterable[Mentor | None] = (),
    **params: object,
) -> None:
    """A change to one enrollment: to its apprentice and their two mentors (and `also`, a
    mentor who is leaving) who have an account, not to the organisations; whoever made the
    change is not told of it."""
    mentors = (enrollment.enterprise_mentor, enrollment.institution_mentor, *also)
    people = [enrollment.person, *(m.person for m in mentors if m is not None)]
    user_ids = {p.user_id for p in people if p.user_id} - {getattr(by, "pk", None)}
    recipients = User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk")
    params.setdefault("code", enrollment.cohort.code)
    core_notify(
        kind=kind,
        recipients=recipients,
        url=enrollment.get_absolute_url(),
        params={"name": enrollment.person.name, **params},
        organisation=enrollment.cohort.enterprise,
    )
