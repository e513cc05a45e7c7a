"""Every model has its page: `get_absolute_url` resolves for a row of each of our models,
so links are made from objects, never from hard-coded paths."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import resolve

from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.tests.factories import build_programme
from xuetu.testing.write_guard import OUR_APPS

pytestmark = pytest.mark.django_db


def our_models():
    return [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]


def test_every_model_declares_its_page():
    missing = [m._meta.label for m in our_models() if not hasattr(m, "get_absolute_url")]
    assert not missing


def test_every_stored_row_links_to_a_page_that_exists(world, django_capture_on_commit_callbacks):
    from xuetu.programmes import services

    programme = build_programme(world, status=CohortStatus.SUBMITTED)
    services.cohort_return(by=world.users["district"], cohort=programme.cohort, comment="x")
    checked = set()
    for model in our_models():
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        path = obj.get_absolute_url().split("?")[0]
        resolve(path)  # raises Resolver404 for a link to nowhere
        checked.add(model._meta.label)
    assert {"programmes.Cohort", "accounts.District", "core.Notice", "registry.Person"} <= checked
