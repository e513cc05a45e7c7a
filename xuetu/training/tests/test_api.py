"""Plans through the API: `/api/v1/plans/` with nested `modules`, `/api/v1/modules/`; field
errors are 400, refusals by a rule 409 with `problems`; lists in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.tests.factories import build_programme, make_cohort, make_mentor
from xuetu.training.models import Module, TrainingPlan
from xuetu.training.tests.factories import make_plan, plan_of

pytestmark = pytest.mark.django_db
PLANS, MODULES = "/api/v1/plans/", "/api/v1/modules/"


@pytest.fixture
def programme(world):
    return build_programme(world)


def module_body(plan, **values):
    return {
        "plan": plan.pk,
        "title": "焊接工艺理论",
        "kind": "theory",
        "hours": 160,
        "place": "school",
        **values,
    }


def test_the_enterprise_starts_a_plan_and_adds_modules_through_the_api(world, programme):
    api = world.api("enterprise")
    response = api.post(PLANS, {"cohort": programme.cohort.pk, "note": "一班一方案"}, format="json")
    assert response.status_code == 201, response.json()
    plan = TrainingPlan.objects.get(pk=response.json()["id"])
    added = api.post(MODULES, module_body(plan, responsible=programme.teacher.pk), format="json")
    assert added.status_code == 201, added.json()
    shown = api.get(f"{PLANS}{plan.pk}/").json()
    assert shown["total_hours"] == 160
    [module] = shown["modules"]
    assert (module["title"], module["responsible_name"]) == ("焊接工艺理论", "吴辉")


def test_the_apprentice_and_the_mentor_read_their_class_plan(world, programme):
    plan = plan_of(programme)
    for persona in ("apprentice", "mentor", "school", "district"):
        response = world.api(persona).get(f"{PLANS}{plan.pk}/")
        assert response.status_code == 200, persona
        assert len(response.json()["modules"]) == 4


def test_another_enterprise_neither_sees_nor_changes_the_plan(world, programme):
    plan = plan_of(programme)
    api = world.api("enterprise2")
    assert api.get(PLANS).json()["count"] == 0
    assert api.get(f"{PLANS}{plan.pk}/").status_code == 404
    module = plan.modules.earliest("order")
    assert api.patch(f"{MODULES}{module.pk}/", {"hours": 1}, format="json").status_code == 404
    assert api.post(MODULES, module_body(plan), format="json").status_code == 400  # not found


def test_the_apprentice_may_read_but_not_change_the_plan(world, programme):
    plan = plan_of(programme)
    module = plan.modules.earliest("order")
    response = world.api("apprentice").patch(f"{MODULES}{module.pk}/", {"hours": 1}, format="json")
    assert response.status_code in (403, 404)
    assert Module.objects.get(pk=module.pk).hours != 1


def test_malformed_module_is_400_with_field_errors(world, programme):
    plan = make_plan(programme.cohort, modules=[])
    response = world.api("enterprise").post(
        MODULES, module_body(plan, hours=0, kind="lecture"), format="json"
    )
    assert response.status_code == 400
    assert {"hours", "kind"} <= set(response.json())


def test_a_responsible_person_outside_the_class_is_not_found(world, programme):
    plan = make_plan(programme.cohort, modules=[])
    outsider = make_mentor(world, organisation=world.enterprise2)
    response = world.api("enterprise").post(
        MODULES, module_body(plan, place="workplace", responsible=outsider.pk), format="json"
    )
    assert response.status_code == 400
    assert "responsible" in response.json()


def test_changing_an_approved_class_plan_is_409_with_problems(world):
    programme = build_programme(world, status=CohortStatus.APPROVED)
    plan = plan_of(programme)
    module = plan.modules.earliest("order")
    response = world.api("enterprise").patch(f"{MODULES}{module.pk}/", {"hours": 10}, format="json")
    assert response.status_code == 409
    assert [p["code"] for p in response.json()["problems"]] == ["plan_not_editable"]


def test_a_module_is_removed_and_the_plan_reordered(world, programme):
    plan = plan_of(programme)
    api = world.api("school")
    first, *rest = plan.modules.values_list("pk", flat=True)
    removed = api.post(f"{MODULES}{first}/remove/")
    assert removed.status_code == 200
    assert [m["id"] for m in removed.json()["modules"]] == rest
    reordered = api.post(f"{PLANS}{plan.pk}/reorder/", {"modules": rest[::-1]}, format="json")
    assert reordered.status_code == 200
    assert [m["id"] for m in reordered.json()["modules"]] == rest[::-1]
    bad = api.post(f"{PLANS}{plan.pk}/reorder/", {"modules": rest[:1]}, format="json")
    assert bad.status_code == 409
    assert bad.json()["problems"][0]["code"] == "order_mismatch"


def test_the_plan_list_runs_the_same_queries_for_few_and_many_modules(world, programme):
    plan = plan_of(programme)
    api = world.api("enterprise")
    api.get(PLANS)  # warm the session and the scope
    with CaptureQueriesContext(connection) as few:
        assert api.get(PLANS).status_code == 200
    for n in range(30):
        Module.objects.create(
            plan=plan,
            order=10 + n,
            title=f"实训{n}",
            kind="practical",
            hours=8,
            place="workplace",
            responsible=programme.mentor,
        )
    make_plan(make_cohort(world))
    with CaptureQueriesContext(connection) as many:
        response = api.get(PLANS)
    assert response.json()["count"] == 2
    assert len(many) == len(few)
