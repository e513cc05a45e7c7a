"""The shared site: the navigation and the home page, filled by the apps.

`core` knows no app, so it cannot list their pages. Each app registers its menu entries and
home-page panels in its `AppConfig.ready()`; the navigation context processor and
`HomePanelsView` render whatever is registered and visible to the user's scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.views.generic import TemplateView

from xuetu.core.access import VIEW, Scope, role_reaches, scope_for

Label = str | Promise
Visible = Callable[[Scope], bool]


def always(scope: Scope) -> bool:
    return True


def staff(scope: Scope) -> bool:
    """The city bureau, a district reviewer or an organisation's manager."""
    return scope.city or bool(scope.district_ids) or bool(scope.managed_org_ids)


def city(scope: Scope) -> bool:
    return scope.city


def reaches(model: type[Model] | str, action: str = VIEW) -> Visible:
    """Shown to the roles the model's access table gives rows to (core.access): the menu
    entry of a list follows who may open it."""

    def visible(scope: Scope) -> bool:
        return role_reaches(scope, model, action)

    return visible


def member(scope: Scope) -> bool:
    """Anyone who belongs to an organisation."""
    return bool(scope.org_ids)


@dataclass(frozen=True)
class MenuEntry:
    label: Label
    url_name: str
    order: int
    group: str  # the drop-down it sits in; "" for the bar itself
    visible: Visible
    badge: Callable[[HttpRequest], int] | None


@dataclass(frozen=True)
class MenuGroup:
    name: str
    label: Label
    order: int
    in_user_menu: bool = False  # under the user's own menu (their account), not on the bar


@dataclass(frozen=True)
class HomePanel:
    template: str
    order: int
    context: Callable[[HttpRequest], dict[str, Any]]
    visible: Visible


class NavItem(NamedTuple):
    label: Label
    url: str
    badge: int


class NavGroup(NamedTuple):
    label: Label
    items: list[NavItem]
    in_user_menu: bool = False


class Panel(NamedTuple):
    """A panel ready to render: its template and the context it adds."""

    template: str
    context: dict[str, Any]


def _no_context(request: HttpRequest) -> dict[str, Any]:
    return {}


class Site:
    """What the apps registered. Entries are keyed by URL name and panels by template, so
    registering again (a second `ready()`) replaces instead of repeating."""

    def __init__(self) -> None:
        self._entries: dict[str, MenuEntry] = {}
        self._groups: dict[str, MenuGroup] = {}
        self._panels: dict[str, HomePanel] = {}

    def register_menu(
        self,
        label: Label,
        url_name: str,
        *,
        order: int,
        group: str = "",
        visible: Visible = always,
        badge: Callable[[HttpRequest], int] | None = None,
    ) -> None:
        self._entries[url_name] = MenuEntry(label, url_name, order, group, visible, badge)

    def register_menu_group(
        self, name: str, label: Label, *, order: int, in_user_menu: bool = False
    ) -> None:
        """A drop-down of entries on the bar, or a section of the user's own menu (what
        concerns their account: the bar keeps its room for the work)."""
        self._groups[name] = MenuGroup(name, label, order, in_user_menu)

    def register_home_panel(
        self,
        template: str,
        *,
        order: int,
        context: Callable[[HttpRequest], dict[str, Any]] = _no_context,
        visible: Visible = always,
    ) -> None:
        self._panels[template] = HomePanel(template, order, context, visible)

    def menu(self, request: HttpRequest) -> tuple[list[NavItem], list[NavGroup]]:
        """The bar's entries and its drop-downs (empty ones left out) for this request."""
        scope = scope_for(request.user)
        shown = sorted(
            (e for e in self._entries.values() if e.visible(scope)), key=lambda e: e.order
        )
        bar = [_item(e, request) for e in shown if not e.group]
        groups = []
        for group in sorted(self._groups.values(), key=lambda g: g.order):
            items = [_item(e, request) for e in shown if e.group == group.name]
            if items:
                groups.append(NavGroup(group.label, items, group.in_user_menu))
        return bar, groups

    def home_panels(self, request: HttpRequest) -> list[Panel]:
        scope = scope_for(request.user)
        panels = sorted(self._panels.values(), key=lambda p: p.order)
        return [Panel(p.template, p.context(request)) for p in panels if p.visible(scope)]


def _item(entry: MenuEntry, request: HttpRequest) -> NavItem:
    badge = entry.badge(request) if entry.badge else 0
    return NavItem(entry.label, reverse(entry.url_name), badge)


site = Site()
register_menu = site.register_menu
register_menu_group = site.register_menu_group
register_home_panel = site.register_home_panel


class HomePanelsView(TemplateView):
    """A page made of the registered home panels; the project's home page is one."""

    site: Site = site

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["panels"] = self.site.home_panels(self.request)
        return context
