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
    nav = [(_("Home"), reverse("home"))]
    for label, name, show in _items(scope):
        if show:
            nav.append((label, reverse(name)))
    return {"nav": nav, "scope": scope}


def _items(scope) -> list[tuple[Any, str, bool]]:
    staff = scope.city or bool(scope.district_ids) or bool(scope.managed_org_ids)
    return [
        (_("Classes"), "programmes:cohort_list", staff),
        (_("Agreements"), "programmes:agreement_list", staff),
        (_("Mentors"), "programmes:mentor_list", staff),
        (_("Notices"), "programmes:notice_list", bool(scope.org_ids)),
        (_("Enterprises"), "registry:enterprise_list", staff),
        (_("Institutions"), "registry:institution_list", True),
        (_("People"), "registry:person_list", staff),
        (_("Occupations"), "registry:occupation_list", True),
        (_("Industry chains"), "registry:industrychain_list", True),
        (_("Districts"), "registry:district_list", True),
        (_("Audit log"), "core:audit_list", scope.city),
    ]
