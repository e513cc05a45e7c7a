"""Project wiring: the commands that span every app, and the public routes the apps declare."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from xuetu.core.access import PUBLIC_URL_NAMES
from xuetu.programmes.models import Cohort, Enrollment
from xuetu.project.management.commands.seed_demo import demo_modules


def test_seed_demo_seeds_each_apps_demo_from_the_lowest_layer_up():
    assert [m.__name__ for m in demo_modules()] == [
        "xuetu.registry.demo",
        "xuetu.programmes.demo",
        "xuetu.certification.demo",
        "xuetu.training.demo",
        "xuetu.subsidies.demo",
    ]
    assert all(callable(m.seed) for m in demo_modules())


@pytest.mark.django_db
def test_seed_demo_prints_the_logins_and_a_second_run_changes_nothing():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    counts = Cohort.objects.count(), Enrollment.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    text = out.getvalue()
    assert text.startswith("districts: ") and "Demo logins (password: xuetu-demo)" in text
    assert "  apprentice   " in text and counts[0] == 10
    assert (Cohort.objects.count(), Enrollment.objects.count()) == counts


def test_import_table_prints_who_imports_whom_and_passes_its_check():
    out = io.StringIO()
    call_command("import_table", "--check", stdout=out)
    text = out.getvalue()
    assert "Import statements between apps" in text and "programmes" in text
    assert text.rstrip().endswith("No import goes up or sideways.")


def test_the_documented_table_of_who_sees_what_is_the_one_the_code_enforces():
    call_command("access_table", "--check")  # docs/access.md, generated from the tables
    from xuetu.project.access_table import render

    text = render()
    assert "## Apprentice" in text and "their own person record" in text
    assert "the classes they teach under a confirmed agreement" in text


def test_each_app_declared_the_routes_it_serves_without_signing_in():
    assert set(PUBLIC_URL_NAMES) == {
        "accounts:login",
        "activate",
        "set_language",
        "javascript-catalog",
        "api-schema",
        "api-docs",
        "public:verify",
        "public:verify_number",
        "healthz",
        "notices:list",
        "notices:detail",
        "notices:pdf",
        "notices:xlsx",
    }
