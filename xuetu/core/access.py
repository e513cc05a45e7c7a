"""Tenancy that cannot be forgotten.

Every tenant-owned model's queryset is a `ScopedQuerySet`; pages, API viewsets, form choice
fields, exports and jobs start from `Model.objects.for_user(user)`. An object outside the
user's scope does not exist for them (404), and one they can see but not change is a 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from django.db import models

CITY_ADMIN = "city_admin"
DISTRICT_REVIEWER = "district_reviewer"
MANAGER_ROLES = frozenset({"enterprise_manager", "institution_manager"})

# Named URL patterns that answer without signing in. The URL-walk test holds every other
# route to "login required" and "another organisation's object is 404".
PUBLIC_URL_NAMES = frozenset(
    {
        "accounts:login",
        "set_language",
        "javascript-catalog",
        "api-schema",
        "api-docs",
        "public:verify",
        "public:verify_number",
        "healthz",
    }
)


@dataclass(frozen=True)
class Scope:
    """What a user reaches, computed once per request from their memberships."""

    user_id: int | None
    city: bool
    org_ids: frozenset[int]
    managed_org_ids: frozenset[int]
    district_ids: frozenset[int]
    roles: frozenset[str]
    memberships: tuple[tuple[int, str], ...]

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def has_role_in(self, organisation_id: int, *roles: str) -> bool:
        return any(org == organisation_id and role in roles for org, role in self.memberships)


EMPTY_SCOPE = Scope(None, False, frozenset(), frozenset(), frozenset(), frozenset(), ())


def scope_for(user) -> Scope:
    """The user's scope, cached on the user object for the length of the request."""
    if user is None or not user.is_authenticated:
        return EMPTY_SCOPE
    cached = getattr(user, "_xuetu_scope", None)
    if cached is not None:
        return cached
    rows = list(
        user.memberships.filter(organisation__is_active=True).values_list(
            "organisation_id", "role", "organisation__district_id"
        )
    )
    scope = Scope(
        user_id=user.pk,
        city=any(role == CITY_ADMIN for _, role, _ in rows),
        org_ids=frozenset(org for org, _, _ in rows),
        managed_org_ids=frozenset(org for org, role, _ in rows if role in MANAGER_ROLES),
        district_ids=frozenset(d for _, role, d in rows if role == DISTRICT_REVIEWER and d),
        roles=frozenset(role for _, role, _ in rows),
        memberships=tuple((org, role) for org, role, _ in rows),
    )
    user._xuetu_scope = scope
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after memberships change."""
    if hasattr(user, "_xuetu_scope"):
        del user._xuetu_scope


class ScopedQuerySet(models.QuerySet):
    """Base queryset of every tenant-owned model.

    Subclasses say which rows a scope reaches (`scope_q`) and which it may change
    (`manage_q`); the city bureau reaches and manages everything. `shared` querysets are
    read by every signed-in user (reference data, the list of training institutions).
    """

    shared = False

    def for_user(self, user) -> ScopedQuerySet:
        scope = scope_for(user)
        if scope.city:
            return self
        if scope.user_id is None:
            return self.none()
        return self.filter(self.scope_q(scope))

    def manageable_by(self, user) -> ScopedQuerySet:
        scope = scope_for(user)
        if scope.city:
            return self
        if scope.user_id is None:
            return self.none()
        return self.filter(self.manage_q(scope))

    def scope_q(self, scope: Scope) -> models.Q:
        raise NotImplementedError

    def manage_q(self, scope: Scope) -> models.Q:
        return models.Q(pk__in=[])


class ReferenceQuerySet(ScopedQuerySet):
    """Shared reference data (districts, occupations…): every signed-in user reads it, the
    city bureau changes it."""

    shared = True

    def scope_q(self, scope: Scope) -> models.Q:
        return models.Q()


def can_manage(user, obj: models.Model) -> bool:
    """Whether `user` may change `obj` (which they can already see)."""
    manager = cast(ScopedQuerySet, type(obj)._default_manager)  # the stubs only know Manager
    return manager.manageable_by(user).filter(pk=obj.pk).exists()


def restrict_choices(fields: Iterable, user) -> None:
    """Narrow every model-choice field to the rows the user may see."""
    for field in fields:
        queryset = getattr(field, "queryset", None)
        if queryset is not None and hasattr(queryset, "for_user"):
            field.queryset = queryset.for_user(user)
