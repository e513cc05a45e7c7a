"""Writes to organisations, memberships and passwords; accounts opened by managers and their
activation codes are in `activation`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from xuetu.accounts.models import Membership, Organisation, User
from xuetu.core.access import forget_scope
from xuetu.core.audit import audit_record
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


def user_password_change(*, by: User, user: User, password: str) -> User:
    """A user's new password (already checked by Django's validators in the form); their API
    token goes with the old one (accounts.auth.RevokeTokensOnPasswordChange)."""
    if by.pk != user.pk:
        raise PermissionDenied(_("Only the owner changes their password here."))
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(by=by, action="user.password_change", obj=user, after={})
    return user
