"""The navigation each role sees: the menu entries the apps registered (core.site)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from xuetu.core.access import scope_for
from xuetu.core.site import site


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    nav, groups = site.menu(request)
    return {
        "nav": nav,
        "nav_groups": [g for g in groups if not g.in_user_menu],
        "user_menu_groups": [g for g in groups if g.in_user_menu],
        "scope": scope_for(user),
    }


def unread_notices(request: HttpRequest) -> int:
    """The badge on the notices entry: what the user's organisations have not read yet."""
    from xuetu.core.models import Notice

    return Notice.objects.for_user(request.user).filter(read_at__isnull=True).count()
