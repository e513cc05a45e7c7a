"""What accounts tells the shared site at start-up: the meaning of its roles (core.access
knows no role by name), its public sign-in page and the home page's welcome."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.auth import signed_in
from xuetu.accounts.choices import MANAGER_ROLES, Role
from xuetu.core import site
from xuetu.core.access import register_public_urls, register_roles


def register() -> None:
    register_roles(
        city=[Role.CITY_ADMIN], district=[Role.DISTRICT_REVIEWER], managers=MANAGER_ROLES
    )
    register_public_urls("accounts:login", "activate")
    site.register_home_panel("accounts/_home_welcome.html", order=10, context=welcome)
    site.register_menu_group(SECURITY, _("Sign-in and tokens"), order=120, in_user_menu=True)
    site.register_menu(_("My API token"), "accounts:token", order=1, group=SECURITY)
    site.register_menu(
        _("Sign-in locks"), "accounts:lockout_list", order=2, group=SECURITY, visible=site.city
    )
    site.register_menu(
        _("Everyone's API tokens"),
        "accounts:token_list",
        order=3,
        group=SECURITY,
        visible=site.city,
    )


SECURITY = "security"


def welcome(request: HttpRequest) -> dict[str, Any]:
    """Who the user is here: each membership (role and organisation) and the set of roles."""
    user = signed_in(request)  # the home page is for signed-in users
    memberships = list(user.memberships.select_related("organisation__district"))
    return {"memberships": memberships, "roles": {m.role for m in memberships}}
