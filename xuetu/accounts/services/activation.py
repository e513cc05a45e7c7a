"""Accounts opened by a manager and activated by their owner with a one-time code.

A manager opens an account (no usable password) and prints a letter with a code; the person
types the code on the public activation page and sets their own password. The code is 16
characters in 4 groups from an alphabet without 0/O/1/I (80 bits), typed in any case with or
without spaces and dashes. Only its keyed hash is stored; the audit events name the user,
never the code. A new code revokes the old one; a code is good once, for
`settings.ACTIVATION_CODE_DAYS` days."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import ActivationCode, Membership, Organisation, User
from xuetu.accounts.tokens import tokens_revoke_on_close
from xuetu.core.access import forget_scope
from xuetu.core.audit import audit_many, audit_record
from xuetu.core.problems import Problem, Refused

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, no 1/I
GROUPS, GROUP_LENGTH = 4, 4

CODE_UNKNOWN = Problem(
    "activation_code_unknown", _("This activation code is not right. Check it and type it again.")
)
CODE_USED = Problem(
    "activation_code_used",
    _("This activation code has already been used. Sign in with your password."),
)
CODE_EXPIRED = Problem(
    "activation_code_expired",
    _("This activation code has expired or was replaced. Ask your manager for a new letter."),
)
ACCOUNT_CLOSED = Problem(
    "account_inactive", _("This account is closed. Ask your manager if you still need it.")
)


@dataclass(frozen=True)
class Issued:
    """A code just issued: the only moment it exists in clear."""

    user: User
    code: str
    expires_at: dt.datetime


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(raw[i : i + GROUP_LENGTH] for i in range(0, len(raw), GROUP_LENGTH))


def normalise(typed: str) -> str:
    """What the person typed, as the code is hashed: upper case, without spaces or dashes."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def code_hash(typed: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"activation:" + normalise(typed).encode(), hashlib.sha256).hexdigest()


def activation_path(code: str) -> str:
    """The activation page with the code filled in (the QR code on the letter)."""
    return f"{reverse('activate')}?code={code}"


def activation_code_issue(*, by: User | None, user: User, now: dt.datetime | None = None) -> Issued:
    """A new code for `user`, revoking the live one. Audited without the code."""
    now = now or timezone.now()
    code = new_code()
    expires = now + dt.timedelta(days=settings.ACTIVATION_CODE_DAYS)
    with transaction.atomic():
        revoked = ActivationCode.objects.filter(
            user=user, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        ActivationCode.objects.create(
            user=user, code_hash=code_hash(code), created_by=by, expires_at=expires
        )
        audit_record(
            by=by,
            action="user.activation_code_issue",
            obj=user,
            after={"replaced": bool(revoked), "expires": expires.isoformat()},
        )
    return Issued(user, code, expires)


def account_activate(*, code: str, password: str, now: dt.datetime | None = None) -> User:
    """The person behind `code` sets their password; the code is spent. Refused with one of
    the problems above; the password with Django's validators (a ValidationError)."""
    now = now or timezone.now()
    with transaction.atomic():
        found = (
            ActivationCode.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(code_hash=code_hash(code))
            .first()
        )
        if found is None:
            raise Refused([CODE_UNKNOWN])
        if found.used_at is not None:
            raise Refused([CODE_USED])
        if found.revoked_at is not None or found.expires_at <= now:
            raise Refused([CODE_EXPIRED])
        user = found.user
        if not user.is_active:
            raise Refused([ACCOUNT_CLOSED])
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        found.used_at = now
        found.save(update_fields=["used_at"])
        audit_record(by=user, action="user.activate", obj=user, after={})
    return user


def free_username(base: str) -> str:
    """`base`, or `base-2`, `base-3`… if taken."""
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def account_open(
    *, by: User | None, organisation: Organisation, role: str, username: str, full_name: str
) -> User:
    """An account without a usable password, with its role in `organisation`. The caller
    checked who may; the code comes with `activation_code_issue`."""
    with transaction.atomic():
        user = User(username=free_username(username), first_name=full_name.strip()[:150])
        user.set_unusable_password()
        user.full_clean()
        user.save()
        Membership.objects.create(user=user, organisation=organisation, role=role)
        audit_record(
            by=by,
            action="user.account_open",
            obj=user,
            after={"username": user.username, "role": role},
            organisation=organisation,
        )
    return user


def membership_add(*, by: User | None, user: User, organisation: Organisation, role: str) -> None:
    """`user` also holds `role` in `organisation` (a mentor who becomes an apprentice…); a
    closed account opens again."""
    with transaction.atomic():
        Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        audit_record(
            by=by, action="user.role_add", obj=user, after={"role": role}, organisation=organisation
        )
    forget_scope(user)


def account_close(
    *, by: User | None, user: User, organisation: Organisation, roles: tuple[str, ...], reason: str
) -> bool:
    """`user` no longer holds `roles` in `organisation`; with no membership left the account
    is deactivated (no sign-in, no API token, no live code). Whether it was deactivated."""
    now = timezone.now()
    with transaction.atomic():
        removed = Membership.objects.filter(
            user=user, organisation=organisation, role__in=roles
        ).delete()[0]
        closed = user.is_active and not Membership.objects.filter(user=user).exists()
        if closed:
            user.is_active = False
            user.save(update_fields=["is_active"])
            ActivationCode.objects.filter(
                user=user, used_at__isnull=True, revoked_at__isnull=True
            ).update(revoked_at=now)
            tokens_revoke_on_close(user=user)
        if removed or closed:
            audit_record(
                by=by,
                action="user.account_close",
                obj=user,
                after={"reason": reason, "roles": list(roles), "deactivated": closed},
                organisation=organisation,
            )
    forget_scope(user)
    return closed


def accounts_open_many(
    *,
    by: User | None,
    organisation: Organisation,
    role: str,
    people: list[tuple[str, str]],
    now: dt.datetime | None = None,
) -> list[Issued]:
    """`account_open` and `activation_code_issue` for many (username base, full name) at
    once, in a fixed number of queries whatever their number (a whole class's roster)."""
    now = now or timezone.now()
    expires = now + dt.timedelta(days=settings.ACTIVATION_CODE_DAYS)
    taken = set(
        User.objects.filter(username__in=[u for u, _ in people]).values_list("username", flat=True)
    )
    users = []
    for base, full_name in people:
        name = base if base not in taken else free_username(base)
        taken.add(name)
        user = User(username=name, first_name=full_name.strip()[:150])
        user.set_unusable_password()
        users.append(user)
    with transaction.atomic():
        users = User.objects.bulk_create(users)
        Membership.objects.bulk_create(
            [Membership(user=u, organisation=organisation, role=role) for u in users]
        )
        codes = [new_code() for _ in users]
        ActivationCode.objects.bulk_create(
            [
                ActivationCode(user=u, code_hash=code_hash(c), created_by=by, expires_at=expires)
                for u, c in zip(users, codes, strict=True)
            ]
        )
        changes = [
            (u.pk, None, {"username": u.username, "role": role, "expires": expires.isoformat()})
            for u in users
        ]
        audit_many(
            by=by,
            action="user.account_open",
            model=User,
            changes=changes,
            organisation=organisation,
        )
    return [Issued(u, c, expires) for u, c in zip(users, codes, strict=True)]
