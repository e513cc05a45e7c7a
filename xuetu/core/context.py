"""The navigation each role sees."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xuetu.core.access import scope_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    scope = scope_for(user)
    nav = [(_("Home"), reverse("home"), 0)]
    unread = unread_notices(user) if scope.org_ids else 0
    for label, name, show in _items(scope):
        if show:
            badge = unread if name == "programmes:notice_list" else 0
            nav.append((label, reverse(name), badge))
    registries = [(label, reverse(name)) for label, name, show in _registries(scope) if show]
    return {"nav": nav, "nav_registries": registries, "scope": scope}


def unread_notices(user) -> int:
    from xuetu.core.models import Notice

    return Notice.objects.for_user(user).filter(read_at__isnull=True).count()


def _items(scope) -> list[tuple[Any, str, bool]]:
    staff = scope.city or bool(scope.district_ids) or bool(scope.managed_org_ids)
    return [
        (_("Classes"), "programmes:cohort_list", staff),
        (_("Agreements"), "programmes:agreement_list", staff),
        (_("Mentors"), "programmes:mentor_list", staff),
        (_("Notices"), "programmes:notice_list", bool(scope.org_ids)),
        (_("Audit log"), "core:audit_list", scope.city),
    ]


def _registries(scope) -> list[tuple[Any, str, bool]]:
    """The registries, in one drop-down so the bar fits a laptop screen in either language."""
    staff = scope.city or bool(scope.district_ids) or bool(scope.managed_org_ids)
    return [
        (_("Enterprises"), "registry:enterprise_list", staff),
        (_("Institutions"), "registry:institution_list", True),
        (_("People"), "registry:person_list", staff),
        (_("Occupations"), "registry:occupation_list", True),
        (_("Industry chains"), "registry:industrychain_list", True),
        (_("Districts"), "registry:district_list", True),
    ]
