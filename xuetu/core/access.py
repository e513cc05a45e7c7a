"""Tenancy that cannot be forgotten.

Every tenant-owned model's queryset is a `ScopedQuerySet`; pages, API viewsets, form choice
fields, exports and jobs start from `Model.objects.for_user(user)`. An object outside the
user's scope does not exist for them (404), and one they can see but not change is a 403.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass
from typing import cast

from django.core.exceptions import ImproperlyConfigured
from django.db import models

# core knows no domain, so the app that owns the roles (accounts) tells it at start-up which
# role reaches the whole city, which one a district, and which ones manage an organisation.
_REGISTERED: dict[str, frozenset[str]] = {}


class _Registered(Set[str]):
    """A read-only set of names the apps register at start-up, read at request time."""

    def __init__(self, kind: str) -> None:
        self._kind = kind

    def _names(self) -> frozenset[str]:
        return _REGISTERED.get(self._kind, frozenset())

    def __contains__(self, name: object) -> bool:
        return name in self._names()

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._names()))

    def __len__(self) -> int:
        return len(self._names())

    def __repr__(self) -> str:
        return f"{self._kind}{{{', '.join(self)}}}"


CITY_ROLES = _Registered("city")
DISTRICT_ROLES = _Registered("district")
MANAGER_ROLES = _Registered("managers")

# Named URL patterns that answer without signing in, each registered by the app that serves
# it. The URL-walk test holds every other route to "login required" and "another
# organisation's object is 404".
PUBLIC_URL_NAMES = _Registered("public_urls")


def register_roles(
    *, city: Iterable[str], district: Iterable[str], managers: Iterable[str]
) -> None:
    """Called once by the app that owns the roles, in its AppConfig.ready()."""
    _REGISTERED["city"] = frozenset(map(str, city))
    _REGISTERED["district"] = frozenset(map(str, district))
    _REGISTERED["managers"] = frozenset(map(str, managers))


def register_public_urls(*names: str) -> None:
    """Declares routes that answer without signing in (each app its own)."""
    _REGISTERED["public_urls"] = _REGISTERED.get("public_urls", frozenset()) | set(names)


def _role_names() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    if "city" not in _REGISTERED:
        # Failing loudly beats a scope that silently reaches nothing.
        raise ImproperlyConfigured("No app has told core.access its role names")
    return _REGISTERED["city"], _REGISTERED["district"], _REGISTERED["managers"]


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
    city_roles, district_roles, manager_roles = _role_names()
    rows = list(
        user.memberships.filter(organisation__is_active=True).values_list(
            "organisation_id", "role", "organisation__district_id"
        )
    )
    scope = Scope(
        user_id=user.pk,
        city=any(role in city_roles for _, role, _ in rows),
        org_ids=frozenset(org for org, _, _ in rows),
        managed_org_ids=frozenset(org for org, role, _ in rows if role in manager_roles),
        district_ids=frozenset(d for _, role, d in rows if role in district_roles and d),
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
