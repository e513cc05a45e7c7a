"""Who reaches which rows, by role and relation, in one table per model.

Every tenant-owned model's queryset is a `ScopedQuerySet`; pages, API viewsets, form choice
fields, exports, PDFs and jobs start from `Model.objects.for_user(user)` (rows to view) or
`manageable_by(user)` (rows to change). An object outside what the user reaches does not
exist for them (404), and one they can see but not change is a 403.

What a user reaches is read from the model's access table: for each action (`view`,
`change`, and any an app names, such as `review`) and each role, the ways (`Reach`) that role
reaches rows, each with a label for the generated table of who sees what. `ANYONE` rules
follow a relation whatever the role (one's own person record, one's own notices). The roles
are per organisation: a `Grant` holds the organisations where the user has the role, and
their districts. The city bureau reaches everything; anonymous users nothing. Core names no
role: the app that owns the roles registers their meaning, and each app declares its models'
tables (and adds rows to the tables of the apps below it) in its `access.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Set
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import reduce
from operator import or_
from typing import cast

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

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


def acting_roles() -> frozenset[str]:
    """The roles that act for an organisation (its managers, a bureau's reviewers): who
    receives what is addressed to the organisation."""
    city, district, managers = _role_names()
    return city | district | managers


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
    districts: tuple[tuple[int, int | None], ...] = ()  # (organisation, its district)

    def grant(self, role: str) -> Grant:
        """What `role` gives this user (ANYONE: the relations to the user alone)."""
        orgs = frozenset(org for org, held in self.memberships if held == role)
        districts = frozenset(d for org, d in self.districts if org in orgs and d is not None)
        return Grant(cast(int, self.user_id), orgs, districts)

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
        districts=tuple({org: d for org, _, d in rows}.items()),
    )
    user._xuetu_scope = scope
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after memberships change."""
    if hasattr(user, "_xuetu_scope"):
        del user._xuetu_scope


# The access tables ----------------------------------------------------------------------------
ANYONE = "*"  # the "role" of rules that follow a relation to the user, whatever their roles
VIEW = "view"
CHANGE = "change"


@dataclass(frozen=True)
class Grant:
    """What one role gives a user: the organisations where they hold it and their districts."""

    user_id: int
    org_ids: frozenset[int]
    district_ids: frozenset[int]


@dataclass(frozen=True)
class Reach:
    """One way a role reaches rows of a model: a label for the table of who sees what, and
    the condition over the model's rows for one grant."""

    label: str
    q: Callable[[Grant], models.Q]


@dataclass
class AccessTable:
    """For one model: action → role → the ways that role reaches rows."""

    label: str  # the model's label, "app.model"
    rules: dict[str, dict[str, list[Reach]]] = dataclass_field(default_factory=dict)

    def reaches(self, action: str, role: str) -> list[Reach]:
        return self.rules.get(action, {}).get(role, [])

    def actions(self) -> list[str]:
        return list(self.rules)


_TABLES: dict[str, AccessTable] = {}


def _label(model: type[models.Model] | str) -> str:
    return model if isinstance(model, str) else model._meta.label_lower


def allow(model: type[models.Model] | str, action: str, role: str, *reaches: Reach) -> None:
    """Adds rows to a model's table: `role` reaches, for `action`, the rows of each reach.
    Additive, so an app above may add the relations it owns to a lower app's table."""
    label = _label(model)
    table = _TABLES.setdefault(label, AccessTable(label))
    table.rules.setdefault(action, {}).setdefault(str(role), []).extend(reaches)


def access_table(model: type[models.Model] | str) -> AccessTable | None:
    return _TABLES.get(_label(model))


def access_tables() -> dict[str, AccessTable]:
    return dict(sorted(_TABLES.items()))


def access_q(model: type[models.Model], action: str, scope: Scope) -> models.Q:
    """The rows of `model` that `scope` reaches for `action`, as one condition (no rows when
    the table gives none of the user's roles anything)."""
    table = _TABLES.get(_label(model))
    if table is None:
        raise ImproperlyConfigured(f"{_label(model)} has no access table")
    conditions: list[models.Q] = []
    for role in (*sorted(scope.roles), ANYONE):
        reaches = table.reaches(action, role)
        if reaches and scope.user_id is not None:
            grant = scope.grant(role)
            conditions.extend(reach.q(grant) for reach in reaches)
    return reduce(or_, conditions) if conditions else models.Q(pk__in=[])


def role_reaches(scope: Scope, model: type[models.Model] | str, action: str = VIEW) -> bool:
    """Whether one of the scope's roles (not only relations to the user) reaches rows of the
    model for the action: navigation shows an entry only to the roles it is for."""
    if scope.city:
        return True
    table = _TABLES.get(_label(model))
    return table is not None and any(table.reaches(action, role) for role in scope.roles)


class ScopedQuerySet(models.QuerySet):
    """Base queryset of every tenant-owned model: what a user reaches comes from the model's
    access table (see the module's text); the city bureau reaches everything.
    `shared` querysets are read by every signed-in user (reference data, the list of
    training institutions) and changed by the city bureau and what the table says."""

    shared = False

    def for_user(self, user, action: str = VIEW) -> ScopedQuerySet:
        scope = scope_for(user)
        if scope.city:
            return self
        if scope.user_id is None:
            return self.none()
        if self.shared and (action == VIEW or access_table(self.model) is None):
            # Shared rows: read by all; changed by the city and whom a table names.
            return self if action == VIEW else self.none()
        return self.filter(access_q(self.model, action, scope))

    def manageable_by(self, user) -> ScopedQuerySet:
        return self.for_user(user, CHANGE)


class ReferenceQuerySet(ScopedQuerySet):
    """Shared reference data (districts, occupations…): every signed-in user reads it, the
    city bureau changes it."""

    shared = True


def can(user, action: str, obj: models.Model) -> bool:
    """Whether the table lets `user` take `action` on `obj`."""
    manager = cast(ScopedQuerySet, type(obj)._default_manager)  # the stubs only know Manager
    return manager.for_user(user, action).filter(pk=obj.pk).exists()


def require(by, action: str, obj: models.Model, message: object = None) -> None:
    """A service's own check, from the same table as the pages: `by` may take `action` on
    `obj` (a PermissionDenied otherwise). A call by the system (`by=None`) may."""
    if by is None or can(by, action, obj):
        return
    raise PermissionDenied(message or _("You may not do this."))


def can_manage(user, obj: models.Model) -> bool:
    """Whether `user` may change `obj` (which they can already see)."""
    return can(user, CHANGE, obj)


def restrict_choices(fields: Iterable, user) -> None:
    """Narrow every model-choice field to the rows the user may see."""
    for field in fields:
        queryset = getattr(field, "queryset", None)
        if queryset is not None and hasattr(queryset, "for_user"):
            field.queryset = queryset.for_user(user)


# Reaches that most tables are made of ----------------------------------------------------------
def in_organisations(path: str, label: str) -> Reach:
    """Rows whose `path` is one of the grant's organisations."""
    return Reach(label, lambda grant: models.Q(**{f"{path}__in": grant.org_ids}))


def in_districts(path: str, label: str) -> Reach:
    """Rows whose `path` is one of the districts of the grant's organisations."""
    return Reach(label, lambda grant: models.Q(**{f"{path}__in": grant.district_ids}))


def of_user(path: str, label: str) -> Reach:
    """Rows whose `path` is the user themself."""
    return Reach(label, lambda grant: models.Q(**{path: grant.user_id}))


def in_rows(path: str, label: str, rows: Callable[[Grant], models.QuerySet]) -> Reach:
    """Rows whose `path` is among `rows(grant)` (a subquery: no duplicate rows)."""
    return Reach(label, lambda grant: models.Q(**{f"{path}__in": rows(grant)}))


def declare(model: type[models.Model] | str) -> None:
    """A model whose table gives nobody but the city bureau anything (until rows are added)."""
    label = _label(model)
    _TABLES.setdefault(label, AccessTable(label))
