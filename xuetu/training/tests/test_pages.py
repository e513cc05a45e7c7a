"""The class's plan page: its modules and hours by place against the policy's minimums, the
forms that change it for the parties, the link from the class page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xuetu.programmes.models import ProgrammePolicy
from xuetu.programmes.tests.factories import build_programme
from xuetu.training.models import Module, PlanTemplate, TemplateModule, TrainingPlan
from xuetu.training.tests.factories import MODULES, plan_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(world):
    return build_programme(world)


def plan_url(cohort):
    return reverse("training:cohort_plan", args=[cohort.pk])


def test_the_class_page_links_to_its_training_plan(world, programme):
    page = world.client("apprentice").get(
        reverse("programmes:cohort_detail", args=[programme.cohort.pk])
    )
    assert plan_url(programme.cohort) in page.content.decode()


def test_the_apprentice_sees_the_plan_and_its_hours_but_no_buttons(world, programme):
    plan_of(programme)
    page = world.client("apprentice").get(plan_url(programme.cohort))
    body = page.content.decode()
    assert page.status_code == 200
    assert all(title in body for title, *_ in MODULES)
    assert 'data-testid="plan-total">1200<' in body
    assert 'data-testid="module-add"' not in body


def test_the_hours_by_place_show_the_policys_minimums(world, programme):
    ProgrammePolicy.objects.filter(pk=programme.policy.pk).update(
        plan_modules_required=True, min_hours_per_year=600, min_centralised_hours_per_year=200
    )
    plan_of(programme)
    client = world.client("enterprise")
    client.cookies["django_language"] = "en"
    page = client.get(plan_url(programme.cohort))
    body = page.content.decode()
    assert "at least 400" in body  # 200 a year, two years; 368 planned: short
    assert "at least 1200" in body
    assert "centralised" in body  # the filing check's problem, on the page


def test_another_enterprise_gets_404_for_the_plan(world, programme):
    plan = plan_of(programme)
    client = world.client("enterprise2")
    assert client.get(plan_url(programme.cohort)).status_code == 404
    assert (
        client.get(
            reverse("training:module_detail", args=[plan.modules.earliest("order").pk])
        ).status_code
        == 404
    )


def test_the_enterprise_starts_the_plan_from_the_template_and_adds_a_module(world, programme):
    template = PlanTemplate.objects.create(occupation=programme.occupation, name="焊工范本")
    TemplateModule.objects.create(
        template=template, title="焊接理论", kind="theory", hours=320, place="school"
    )
    client = world.client("enterprise")
    page = client.get(plan_url(programme.cohort)).content.decode()
    assert 'data-testid="plan-start"' in page
    start = reverse("training:plan_start", args=[programme.cohort.pk])
    response = client.post(start, {"template": template.pk, "note": ""})
    assert response.status_code == 302
    plan = TrainingPlan.objects.get(cohort=programme.cohort)
    assert [m.title for m in plan.modules.all()] == ["焊接理论"]
    add = reverse("training:module_add", args=[plan.pk])
    response = client.post(
        add,
        {
            "title": "车间实训",
            "kind": "practical",
            "hours": 880,
            "place": "workplace",
            "responsible": programme.mentor.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert plan.modules.get(title="车间实训").responsible == programme.mentor


def test_a_teacher_for_a_workplace_module_is_a_form_error(world, programme):
    plan = plan_of(programme)
    add = reverse("training:module_add", args=[plan.pk])
    response = world.client("school").post(
        add,
        {
            "title": "车间实训",
            "kind": "practical",
            "hours": 40,
            "place": "workplace",
            "responsible": programme.teacher.pk,
        },
    )
    assert response.status_code == 200
    assert not plan.modules.filter(title="车间实训").exists()


def test_moving_and_removing_modules_from_the_plan_page(world, programme):
    plan = plan_of(programme)
    client = world.client("enterprise")
    first, second, *_ = plan.modules.all()
    client.post(reverse("training:module_down", args=[first.pk]), {"confirmed": "1"})
    assert list(plan.modules.values_list("pk", flat=True))[:2] == [second.pk, first.pk]
    client.post(reverse("training:module_remove", args=[first.pk]), {"confirmed": "1"})
    assert not Module.objects.filter(pk=first.pk).exists()


def test_the_plan_page_runs_the_same_queries_for_few_and_many_modules(world, programme):
    plan = plan_of(programme)
    client = world.client("enterprise")
    client.get(plan_url(programme.cohort))
    with CaptureQueriesContext(connection) as few:
        client.get(plan_url(programme.cohort))
    for n in range(25):
        Module.objects.create(
            plan=plan,
            order=10 + n,
            title=f"实训{n}",
            kind="practical",
            hours=8,
            place="workplace",
            responsible=programme.mentor,
        )
    with CaptureQueriesContext(connection) as many:
        client.get(plan_url(programme.cohort))
    assert len(many) == len(few)
