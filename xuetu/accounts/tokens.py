"""API tokens: issued by their owner, good for `settings.API_TOKEN_DAYS` days, revoked by the
owner or the city administrator, and revoked whenever the owner's password changes.

A token is DRF's `authtoken.Token` (one per user, `created` when issued). The audit events
name the user, never the token: its key is the credential itself."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from xuetu.accounts.models import User
from xuetu.core.access import scope_for
from xuetu.core.audit import audit_record


def token_expires_at(token: Token) -> dt.datetime:
    return token.created + dt.timedelta(days=settings.API_TOKEN_DAYS)


def token_has_expired(token: Token, *, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) >= token_expires_at(token)


def token_issue(*, by: User) -> Token:
    """A new token for `by`, replacing the one they had (which stops working)."""
    with transaction.atomic():
        replaced = Token.objects.filter(user=by).delete()[0] > 0
        token = Token.objects.create(user=by)
        audit_record(
            by=by,
            action="user.token_issue",
            obj=by,
            after={"replaced": replaced, "expires": token_expires_at(token).isoformat()},
        )
    return token


def token_revoke(*, by: User, user: User) -> bool:
    """Revokes `user`'s token; whether there was one. Only the owner and the city
    administrator may."""
    if by.pk != user.pk and not scope_for(by).city:
        raise PermissionDenied(_("Only the owner or the city administrator revokes a token."))
    return _revoke(by=by, user=user, reason="revoked")


def tokens_revoke_on_password_change(*, user: User) -> bool:
    return _revoke(by=None, user=user, reason="password_changed")


def _revoke(*, by: User | None, user: User, reason: str) -> bool:
    with transaction.atomic():
        deleted = Token.objects.filter(user=user).delete()[0] > 0
        if deleted:
            audit_record(by=by, action="user.token_revoke", obj=user, after={"reason": reason})
    return deleted


def tokens_revoke_on_close(*, user: User) -> bool:
    """A deactivated account's token goes with it (DRF refuses an inactive user's anyway)."""
    return _revoke(by=None, user=user, reason="account_closed")
