"""The layers hold: no module, template or URL name reaches up or sideways, rules stay pure,
and no model points at a higher app. The table lives in xuetu/layers.py; run with -s to see
who imports whom (or `manage.py import_table`)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db.models import ForeignObjectRel

from xuetu import layers
from xuetu.layers import Import, import_violation, imports_in, reference_violation


def violations_of(source: str, module: str, path: str = "") -> list[str]:
    """What the checker says of one synthetic module."""
    path = path or module.replace(".", "/") + ".py"
    found = imports_in(source, module, path, known={"xuetu.programmes.models"})
    return [v.message for item in found if (v := import_violation(item))]


def test_no_import_goes_up_or_sideways():
    print("\n" + layers.report())
    assert [str(v) for v in layers.import_violations()] == []


def test_no_template_or_url_name_reaches_up_or_sideways():
    found = [*layers.url_name_violations(), *layers.template_violations()]
    assert [str(v) for v in found] == []


def test_every_module_has_its_place_in_the_table():
    assert layers.unplaced_modules() == []


def test_the_table_names_the_apps_still_to_come_in_their_place():
    rank = layers.RANK
    assert rank["project"] > rank["dashboard"] > rank["subsidies"] > rank["training"]
    assert rank["training"] == rank["certification"] > rank["programmes"]
    assert rank["programmes"] > rank["registry"] > rank["accounts"] > rank["core"]


def test_every_installed_app_of_the_project_is_in_the_table():
    labels = {c.label for c in apps.get_app_configs() if c.name.startswith("xuetu.")}
    assert labels <= layers.APPS | {layers.PROJECT}


# ---- the checker itself, on synthetic modules ------------------------------------------------
def test_it_catches_a_deliberate_upward_import():
    source = "from xuetu.programmes.models import Cohort\n"
    assert violations_of(source, "xuetu.core.deliberate") == [
        "xuetu.core.deliberate imports xuetu.programmes.models: core is below programmes (upward)"
    ]


@pytest.mark.parametrize(
    "source",
    [
        "def f():\n    from xuetu.programmes import models\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from xuetu.programmes import x\n",
        "import xuetu.programmes.models as m\n",
        "from importlib import import_module\nimport_module('xuetu.programmes.models')\n",
    ],
    ids=["in a function", "type checking", "import as", "import_module"],
)
def test_it_reads_imports_wherever_they_are(source):
    assert len(violations_of(source, "xuetu.registry.sneaky")) == 1


def test_it_resolves_relative_imports():
    assert violations_of("from ..models import Cohort\n", "xuetu.programmes.views.x") == []
    found = violations_of("from ..programmes import models\n", "xuetu.core.sneaky")
    assert found == [
        "xuetu.core.sneaky imports xuetu.programmes.models: core is below programmes (upward)"
    ]


def test_siblings_may_not_import_each_other():
    assert reference_violation("training", "certification") == (
        "training and certification are siblings (sideways)"
    )
    assert reference_violation("subsidies", "training") is None


def test_tests_import_at_or_below_their_app_and_the_helpers_only():
    here = "xuetu.registry.tests.test_x"
    assert violations_of("from xuetu.testing import World\n", here) == []
    assert violations_of("from xuetu.accounts.models import User\n", here) == []
    assert len(violations_of("from xuetu.programmes.tests import factories\n", here)) == 1
    assert violations_of("import xuetu.programmes.models\n", "xuetu.tests.test_site") == []


def test_only_tests_import_the_test_helpers():
    assert violations_of("from xuetu.testing import World\n", "xuetu.programmes.demo") == [
        "xuetu.programmes.demo imports xuetu.testing: only tests import the test helpers"
        " (xuetu.testing)"
    ]


def test_project_wiring_may_import_anything_and_a_leaf_nothing():
    assert violations_of("import xuetu.programmes.models\n", "xuetu.urls") == []
    assert violations_of("import xuetu.core.site\n", "xuetu.layers") == [
        "xuetu.layers imports xuetu.core.site: a leaf imports nothing of the project"
    ]


@pytest.mark.parametrize(
    "source",
    [
        "from django.db import models\n",
        "from django.db.models import Q\n",
        "from xuetu.registry.models import Person\n",
        "from xuetu.programmes import services\n",
        "from xuetu.programmes.selectors import roster\n",
    ],
)
def test_a_rules_module_imports_no_models_database_services_or_selectors(source, tmp_path):
    package = tmp_path / "xuetu" / "programmes"
    package.mkdir(parents=True)
    (package / "rules.py").write_text(source)
    (package / "services.py").write_text("")
    (package / "selectors.py").write_text("")
    found = layers.import_violations(tmp_path / "xuetu")
    assert len(found) == 1 and "rules are pure functions" in found[0].message


def test_a_template_may_not_name_a_higher_apps_url(tmp_path):
    root = tmp_path / "xuetu"
    (root / "programmes").mkdir(parents=True)
    (root / "programmes" / "urls.py").write_text('app_name = "programmes"\n')
    (root / "templates" / "core").mkdir(parents=True)
    page = root / "templates" / "core" / "page.html"
    page.write_text("{% url 'programmes:cohort_list' %}\n{% include \"programmes/x.html\" %}\n")
    found = [v.message for v in layers.template_violations(root)]
    assert found == [
        "a core template names the URL 'programmes:cohort_list': core is below programmes (upward)",
        "a core template names the template 'programmes/x.html': core is below programmes (upward)",
    ]


def test_a_module_may_not_name_a_higher_apps_url(tmp_path):
    root = tmp_path / "xuetu"
    (root / "programmes").mkdir(parents=True)
    (root / "programmes" / "urls.py").write_text('app_name = "programmes"\n')
    (root / "core").mkdir()
    (root / "core" / "context.py").write_text('MENU = [("Classes", "programmes:cohort_list")]\n')
    found = [v.message for v in layers.url_name_violations(root)]
    assert found == [
        "xuetu.core.context names the URL 'programmes:cohort_list': core is below programmes"
        " (upward)"
    ]


def test_the_import_table_counts_statements_and_marks_the_upward_ones():
    imports = [
        Import("xuetu.core.a", "xuetu.programmes.models", 1, "xuetu/core/a.py"),
        Import("xuetu.programmes.b", "xuetu.core.site", 1, "xuetu/programmes/b.py"),
        Import("xuetu.programmes.b", "xuetu.core.access", 2, "xuetu/programmes/b.py"),
    ]
    counts = layers.import_counts(imports, tests=False)
    assert counts == {("core", "programmes"): 1, ("programmes", "core"): 2}
    table = layers.render_table(counts, "t", tests=False)
    assert "1!" in table.splitlines()[3] and "2!" not in table


# ---- model relations -------------------------------------------------------------------------
def test_no_model_points_at_a_higher_app():
    """A relation is a dependency too (and a migration dependency): Organisation.district once
    pointed at the registry and made accounts and registry migrate in a cycle."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        source = model._meta.app_label
        if source not in layers.RANK:
            continue
        for field in model._meta.get_fields(include_hidden=True):
            target = field.related_model
            if isinstance(field, ForeignObjectRel) or target is None:
                continue  # the other end of a relation is checked from its own model
            assert not isinstance(target, str)  # "self" and names are resolved by now
            label = target._meta.label_lower
            if source == "core" and label in layers.TENANT_MODELS:
                continue
            if target._meta.app_label in layers.RANK and reference_violation(
                source, target._meta.app_label
            ):
                found.append(f"{model._meta.label}.{field.name} -> {target._meta.label}")
    assert found == []
