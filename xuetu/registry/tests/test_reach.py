"""The registry asks the apps above whom a scope also reaches; it never imports them."""

from __future__ import annotations

import pytest
from django.db.models import Q

from xuetu.registry.hooks import PERSON_REACH
from xuetu.registry.models import Person
from xuetu.testing import make_person

pytestmark = pytest.mark.django_db


def test_a_scope_reaches_whom_an_app_above_says_and_no_one_else(world):
    stranger = make_person("路人", world.enterprise2, seq=41)
    enterprise = world.users["enterprise"]
    assert stranger not in Person.objects.for_user(enterprise)

    def the_stranger(scope) -> Q:
        return Q(pk=stranger.pk) if world.enterprise.pk in scope.org_ids else Q(pk__in=[])

    with PERSON_REACH.providing(the_stranger):
        assert stranger in Person.objects.for_user(enterprise)
        assert stranger not in Person.objects.for_user(world.users["school"])
    assert stranger not in Person.objects.for_user(enterprise)


def test_without_the_apps_above_a_scope_reaches_whom_its_organisation_registered(world):
    providers = PERSON_REACH.providers
    for provider in providers:
        PERSON_REACH.unregister(provider)
    try:
        visible = set(Person.objects.for_user(world.users["enterprise"]))
    finally:
        for provider in providers:
            PERSON_REACH.register(provider)
    assert visible == {world.people["worker"], world.people["apprentice"]}
