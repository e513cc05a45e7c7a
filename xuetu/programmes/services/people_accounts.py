"""Accounts for the people in the programme: a manager opens them for the organisation's
mentors and apprentices, one at a time or for a class's whole roster, reissues a code, closes
one; an account closes by itself when the person leaves the organisation.

This sits in programmes because who is a mentor or an apprentice of an organisation is
programmes' fact; the accounts, codes and letters themselves are accounts' (accounts.activation),
which may not look up here (docs/architecture.md).

When a person leaves (docs/operations.md, "Accounts for mentors and apprentices"):
- a mentor: their last active appointment as mentor of the organisation ends (`is_active`
  false) — the mentor role there goes;
- an apprentice: withdrawn from their last open or completed enrollment in the enterprise —
  the apprentice role there goes. A completed apprentice keeps the account: they still read
  their record, certificates and subsidy result; the manager closes it when they leave.
An account with no role left is deactivated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.choices import MANAGER_ROLES, Role
from xuetu.accounts.models import Organisation, User
from xuetu.accounts.services import activation
from xuetu.core.access import CHANGE, can, require, scope_for
from xuetu.core.problems import Problem, Refused
from xuetu.programmes.choices import OPEN_ENROLLMENT_STATUSES, EnrollmentEventKind, EnrollmentStatus
from xuetu.programmes.models import Cohort, Enrollment, EnrollmentEvent, Mentor
from xuetu.registry.models import Person

KEEPS_ACCOUNT = OPEN_ENROLLMENT_STATUSES | {EnrollmentStatus.COMPLETED}

NOT_YOURS = Problem(
    "account_not_your_person",
    _("This person is neither a mentor nor an apprentice of your organisation."),
)
HAS_ACCOUNT = Problem("account_exists", _("This person already has an account."))
ENTERPRISE_ONLY = Problem(
    "account_enterprise_only",
    _("Apprentices' accounts are opened by a manager of their enterprise."),
)
NO_ACCOUNT = Problem("account_missing", _("This person has no account yet."))


@dataclass(frozen=True)
class AccountRow:
    """One person of the organisation on the accounts page."""

    person: Person
    role: str
    user: User | None
    live_code: bool

    @property
    def status(self) -> str:
        if self.user is None:
            return "none"
        if not self.user.is_active:
            return "closed"
        return "active" if self.user.has_usable_password() else "pending"


def require_manager(by: User | None, organisation: Organisation) -> None:
    if by is None:
        return
    scope = scope_for(by)
    if not (scope.city or scope.has_role_in(organisation.pk, *MANAGER_ROLES)):
        raise PermissionDenied(_("Only a manager of the organisation can do this."))


def _mentor_people(organisation: Organisation) -> set[int]:
    return set(
        Mentor.objects.filter(organisation=organisation, is_active=True).values_list(
            "person_id", flat=True
        )
    )


def _apprentice_people(organisation: Organisation) -> set[int]:
    return set(
        Enrollment.objects.filter(
            cohort__enterprise_id=organisation.pk, status__in=KEEPS_ACCOUNT
        ).values_list("person_id", flat=True)
    )


def role_of(person: Person, organisation: Organisation) -> str | None:
    if person.pk in _mentor_people(organisation):
        return Role.MENTOR
    if person.pk in _apprentice_people(organisation):
        return Role.APPRENTICE
    return None


def account_rows(*, by: User, organisation: Organisation) -> list[AccountRow]:
    """The organisation's mentors and apprentices with their accounts, in 3 queries."""
    require_manager(by, organisation)
    roles: dict[int, str] = {pk: Role.APPRENTICE for pk in _apprentice_people(organisation)}
    roles.update({pk: Role.MENTOR for pk in _mentor_people(organisation)})
    people = Person.objects.filter(pk__in=roles).select_related("user").order_by("name", "pk")
    live = set(
        activation.ActivationCode.objects.filter(
            user__person__in=people, used_at__isnull=True, revoked_at__isnull=True
        ).values_list("user_id", flat=True)
    )
    return [AccountRow(p, roles[p.pk], p.user, p.user_id in live) for p in people]


def username_for(person: Person) -> str:
    """Short, typed from a letter, and nothing personal (never the ID number)."""
    return f"xt{person.pk:06d}"


def person_account_create(
    *, by: User | None, person: Person, organisation: Organisation
) -> activation.Issued | None:
    """An account for a mentor or apprentice of `organisation`, with its first code. A person
    who has an account already (another organisation opened it) gets the role added; a code
    only if the account was never activated or had closed (None otherwise)."""
    require_manager(by, organisation)
    role = role_of(person, organisation)
    if role is None:
        raise Refused([NOT_YOURS])
    with transaction.atomic():
        person = (
            Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
        )
        if person.user is not None:
            return _role_for_existing(by, person.user, organisation, role)
        user = activation.account_open(
            by=by,
            organisation=organisation,
            role=role,
            username=username_for(person),
            full_name=person.name,
        )
        person.user = user
        person.save(update_fields=["user"])
        return activation.activation_code_issue(by=by, user=user)


def _role_for_existing(
    by: User | None, user: User, organisation: Organisation, role: str
) -> activation.Issued | None:
    if user.is_active and user.memberships.filter(organisation=organisation, role=role).exists():
        raise Refused([HAS_ACCOUNT])
    needs_code = not user.is_active or not user.has_usable_password()
    activation.membership_add(by=by, user=user, organisation=organisation, role=role)
    return activation.activation_code_issue(by=by, user=user) if needs_code else None


def cohort_accounts_create(*, by: User | None, cohort: Cohort) -> list[activation.Issued]:
    """Accounts for every apprentice on the class's roster who has none; the codes to print.
    A fixed number of queries whatever the size of the class."""
    enterprise = cohort.enterprise
    require(by, CHANGE, cohort, _("Only a manager of the organisation can do this."))
    if by is not None and not can(by, CHANGE, enterprise):
        raise Refused([ENTERPRISE_ONLY])
    with transaction.atomic():
        # The class's people without an account, locked (PostgreSQL locks no DISTINCT rows:
        # the subquery picks them, the outer query locks them).
        on_roster = Enrollment.objects.filter(cohort=cohort, status__in=KEEPS_ACCOUNT).values(
            "person_id"
        )
        people = list(
            Person.objects.select_for_update(of=("self",))
            .filter(pk__in=on_roster, user__isnull=True)
            .order_by("name", "pk")
        )
        issued = activation.accounts_open_many(
            by=by,
            organisation=enterprise,
            role=Role.APPRENTICE,
            people=[(username_for(p), p.name) for p in people],
        )
        for person, done in zip(people, issued, strict=True):
            person.user = done.user
        Person.objects.bulk_update(people, ["user"])
    return issued


def person_code_reissue(
    *, by: User | None, person: Person, organisation: Organisation
) -> activation.Issued:
    require_manager(by, organisation)
    if role_of(person, organisation) is None:
        raise Refused([NOT_YOURS])
    if person.user is None:
        raise Refused([NO_ACCOUNT])
    if not person.user.is_active:
        raise Refused([activation.ACCOUNT_CLOSED])
    return activation.activation_code_issue(by=by, user=person.user)


def person_account_deactivate(
    *, by: User | None, person: Person, organisation: Organisation, reason: str = "manager"
) -> bool:
    """The person's roles in `organisation` go; the account closes when none is left."""
    require_manager(by, organisation)
    if role_of(person, organisation) is None and not _has_role(person, organisation):
        raise Refused([NOT_YOURS])
    if person.user is None:
        raise Refused([NO_ACCOUNT])
    return activation.account_close(
        by=by,
        user=person.user,
        organisation=organisation,
        roles=(Role.MENTOR, Role.APPRENTICE),
        reason=reason,
    )


def _has_role(person: Person, organisation: Organisation) -> bool:
    return (
        person.user is not None
        and person.user.memberships.filter(
            organisation=organisation, role__in=(Role.MENTOR, Role.APPRENTICE)
        ).exists()
    )


# Leaving the organisation ---------------------------------------------------------------------
def on_enrollment_event(sender: Any, instance: EnrollmentEvent, created: bool, **kw: Any) -> None:
    if created and instance.kind == EnrollmentEventKind.REVERSED:
        _withdrawal_reversed(instance)
    if not created or instance.kind != EnrollmentEventKind.WITHDRAWN:
        return
    enrollment = instance.enrollment
    enterprise = enrollment.cohort.enterprise
    # Read afresh: the enrollment's person may be an older copy, from before the account.
    user = User.objects.filter(person__pk=enrollment.person_id).first()
    if user is None:
        return
    stays = Enrollment.objects.filter(
        person_id=enrollment.person_id, cohort__enterprise=enterprise, status__in=KEEPS_ACCOUNT
    ).exists()
    if not stays:
        activation.account_close(
            by=instance.by,
            user=user,
            organisation=enterprise,
            roles=(Role.APPRENTICE,),
            reason="withdrawn",
        )


def _withdrawal_reversed(reversal: EnrollmentEvent) -> None:
    """A withdrawal recorded by mistake and reversed gives back the account it closed."""
    reversed_event = reversal.reverses
    if reversed_event is None or reversed_event.kind != EnrollmentEventKind.WITHDRAWN:
        return
    enrollment = Enrollment.objects.select_related("cohort__enterprise").get(
        pk=reversal.enrollment_id
    )
    user = User.objects.filter(person__pk=enrollment.person_id).first()
    if user is None or enrollment.status not in KEEPS_ACCOUNT:
        return
    enterprise = enrollment.cohort.enterprise
    if not user.memberships.filter(organisation=enterprise, role=Role.APPRENTICE).exists():
        activation.membership_add(
            by=reversal.by, user=user, organisation=enterprise, role=Role.APPRENTICE
        )


def on_mentor_saved(sender: Any, instance: Mentor, created: bool, **kw: Any) -> None:
    if created or instance.is_active:
        return
    user = User.objects.filter(person__pk=instance.person_id).first()
    if user is None or instance.organisation_id in _still_mentor(instance.person_id):
        return
    activation.account_close(
        by=None,
        user=user,
        organisation=instance.organisation,
        roles=(Role.MENTOR,),
        reason="mentor_ended",
    )


def _still_mentor(person_id: int) -> set[int]:
    return set(
        Mentor.objects.filter(person_id=person_id, is_active=True).values_list(
            "organisation_id", flat=True
        )
    )


def connect() -> None:
    post_save.connect(on_enrollment_event, sender=EnrollmentEvent, dispatch_uid="accounts.left")
    post_save.connect(on_mentor_saved, sender=Mentor, dispatch_uid="accounts.mentor_ended")
