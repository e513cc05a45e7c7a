"""The navigation and the home page show what the apps registered, in order, to the scopes
that may see it; core itself names no app."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from xuetu.core.access import Scope
from xuetu.core.site import Site, city, staff


def request_as(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def nobody(scope: Scope) -> bool:
    return False


@pytest.fixture
def registered() -> Site:
    site = Site()
    site.register_menu("Audit", "core:audit_list", order=90, visible=city)
    site.register_menu("Home", "home", order=0)
    site.register_menu("Hidden", "accounts:login", order=5, visible=nobody)
    site.register_menu_group("more", "More", order=100)
    site.register_menu_group("empty", "Empty", order=50)
    site.register_menu("Set language", "set_language", order=1, group="more", visible=staff)
    return site


@pytest.mark.django_db
def test_the_bar_lists_visible_entries_in_their_order_and_groups_after(world, registered):
    bar, groups = registered.menu(request_as(world.users["bureau"]))
    assert [(item.label, item.url) for item in bar] == [("Home", "/"), ("Audit", "/audit/")]
    assert [(g.label, [i.label for i in g.items]) for g in groups] == [("More", ["Set language"])]


@pytest.mark.django_db
def test_an_entry_hidden_from_a_scope_is_not_shown_and_an_empty_group_disappears(world, registered):
    bar, groups = registered.menu(request_as(world.users["apprentice"]))
    assert [item.label for item in bar] == ["Home"]
    assert groups == []


@pytest.mark.django_db
def test_a_badge_is_counted_only_for_an_entry_the_user_sees(world):
    site, asked = Site(), []

    def badge(request) -> int:
        asked.append(request.user.username)
        return 3

    site.register_menu("Audit", "core:audit_list", order=1, visible=city, badge=badge)
    assert site.menu(request_as(world.users["bureau"]))[0][0].badge == 3
    assert site.menu(request_as(world.users["enterprise"]))[0] == []
    assert asked == ["bureau"]


def test_registering_again_replaces_instead_of_repeating():
    site = Site()
    site.register_menu("Home", "home", order=0)
    site.register_menu("Start", "home", order=0)
    site.register_home_panel("a.html", order=1)
    site.register_home_panel("a.html", order=2)
    assert len(site._entries) == 1 and site._entries["home"].label == "Start"
    assert [p.order for p in site._panels.values()] == [2]


@pytest.mark.django_db
def test_home_panels_come_in_order_with_their_own_context_for_those_who_may_see_them(world):
    site = Site()
    site.register_home_panel("b.html", order=20, context=lambda r: {"who": r.user.username})
    site.register_home_panel("a.html", order=10)
    site.register_home_panel("city.html", order=5, visible=city)
    panels = site.home_panels(request_as(world.users["enterprise"]))
    assert [(p.template, p.context) for p in panels] == [
        ("a.html", {}),
        ("b.html", {"who": "enterprise"}),
    ]
    assert site.home_panels(request_as(world.users["bureau"]))[0].template == "city.html"


@pytest.mark.django_db
def test_the_home_page_renders_the_panels_the_apps_registered(world):
    page = world.client("enterprise").get("/").content.decode()
    welcome = page.index('data-testid="role"')
    counts = page.index('href="/registry/enterprises/"><div class="card-body">')
    assert welcome < counts  # accounts' welcome (order 10) before the registry's counts (20)


@pytest.mark.django_db
def test_core_names_only_its_own_pages_in_the_navigation(world):
    from xuetu.core.site import site

    core_entries = [e.url_name for e in site._entries.values() if e.url_name.startswith("core:")]
    assert core_entries == ["core:audit_list"]
    assert 'href="/audit/"' in world.client("bureau").get("/").content.decode()
    assert 'href="/audit/"' not in world.client("enterprise").get("/").content.decode()
