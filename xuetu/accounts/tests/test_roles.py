"""accounts owns the role names; core's scope learns them at start-up and names none."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from xuetu.accounts.choices import MANAGER_ROLES, Role
from xuetu.core import access

CORE = Path(access.__file__).resolve().parent


def core_strings() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(CORE.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append((path.name, node.lineno, node.value))
    return found


def test_core_names_no_role_of_its_own():
    roles = set(Role.values)
    assert [s for s in core_strings() if s[2] in roles] == []


def test_accounts_told_core_which_roles_reach_the_city_a_district_and_manage():
    assert set(access.CITY_ROLES) == {Role.CITY_ADMIN}
    assert set(access.DISTRICT_ROLES) == {Role.DISTRICT_REVIEWER}
    assert set(access.MANAGER_ROLES) == set(MANAGER_ROLES)
    assert "enterprise_manager" in access.MANAGER_ROLES and "mentor" not in access.MANAGER_ROLES


@pytest.mark.django_db
def test_a_scope_without_registered_roles_fails_loudly_instead_of_reaching_nothing(
    world, monkeypatch
):
    monkeypatch.setattr(access, "_REGISTERED", {})
    with pytest.raises(ImproperlyConfigured):
        access.scope_for(world.users["bureau"])


@pytest.mark.django_db
def test_the_registered_roles_give_the_same_scopes(world):
    assert access.scope_for(world.users["bureau"]).city
    district = access.scope_for(world.users["district"])
    assert district.district_ids == {world.jiangbei.pk} and not district.city
    assert access.scope_for(world.users["school"]).managed_org_ids == {world.institution.pk}
    assert access.scope_for(world.users["mentor"]).managed_org_ids == frozenset()
