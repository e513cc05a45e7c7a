"""Writes to organisations and memberships, for the operator's commands."""

from __future__ import annotations

from django.db import transaction

from xuetu.accounts.models import Membership, Organisation, User
from xuetu.core.access import forget_scope
from xuetu.core.services import record_create


def organisation_create(*, by: User | None, kind: str, name: str, district=None) -> Organisation:
    """A bureau (city or district). Enterprises and institutions have their own services."""
    organisation = Organisation(kind=kind, name=name.strip(), district=district)
    return record_create(by=by, instance=organisation, organisation=organisation)


def user_create(*, by: User | None, username: str, password: str, full_name: str = "") -> User:
    """A person's sign-in; their roles come with memberships."""
    user = User(username=username, first_name=full_name.strip())
    user.set_password(password)
    return record_create(by=by, instance=user)


def membership_create(
    *, by: User | None, user: User, organisation: Organisation, role: str
) -> Membership:
    with transaction.atomic():
        membership = record_create(
            by=by,
            instance=Membership(user=user, organisation=organisation, role=role),
            organisation=organisation,
        )
    forget_scope(user)
    return membership
