"""A class's training plan: drawn up by the class's two parties while the filing is open, read
by everyone who sees the class, and judged by the filing check."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from xuetu.core.models import AuditEvent
from xuetu.core.problems import Refused
from xuetu.programmes import services as programmes
from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.models import ProgrammePolicy
from xuetu.programmes.tests.factories import build_programme, make_mentor
from xuetu.training import services
from xuetu.training.models import Module, PlanTemplate, TemplateModule
from xuetu.training.tests.factories import MODULES, make_plan, plan_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(world):
    return build_programme(world)


@pytest.fixture
def required(programme):
    """The policy in force asks for a plan of modules, 600 hours a year, 160 centralised,
    online at most half."""
    ProgrammePolicy.objects.filter(pk=programme.policy.pk).update(
        plan_modules_required=True,
        min_hours_per_year=600,
        min_centralised_hours_per_year=160,
        max_online_share=50,
    )


def codes(cohort):
    return [
        p.code
        for p in programmes.filing_problems(cohort)
        if p.code.startswith("plan") or p.code == "no_plan"
    ]


def test_the_enterprise_draws_up_the_plan_module_by_module(world, programme):
    by = world.users["enterprise"]
    plan = services.plan_create(by=by, cohort=programme.cohort, note="理论在院校，实训在车间")
    module = services.module_add(
        by=by,
        plan=plan,
        title="焊接工艺理论",
        kind="theory",
        hours=160,
        place="school",
        responsible=programme.teacher,
    )
    services.module_add(
        by=by,
        plan=plan,
        title="岗位实训",
        kind="practical",
        hours=440,
        place="workplace",
        responsible=programme.mentor,
    )
    assert [m.title for m in plan.modules.all()] == ["焊接工艺理论", "岗位实训"]
    assert module.order == 0
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"trainingplan.create", "module.create"} <= actions


def test_the_teaching_institution_changes_the_plan_too(world, programme):
    plan = services.plan_create(by=world.users["school"], cohort=programme.cohort)
    module = services.module_add(
        by=world.users["school"], plan=plan, title="安全", kind="safety", hours=24, place="school"
    )
    changed = services.module_change(by=world.users["school"], module=module, hours=32)
    assert Module.objects.get(pk=changed.pk).hours == 32


@pytest.mark.parametrize("persona", ["mentor", "apprentice", "district", "enterprise2"])
def test_no_one_else_draws_up_or_changes_the_plan(world, programme, persona):
    with pytest.raises(PermissionDenied):
        services.plan_create(by=world.users[persona], cohort=programme.cohort)
    plan = make_plan(programme.cohort)
    with pytest.raises(PermissionDenied):
        services.module_change(
            by=world.users[persona], module=plan.modules.earliest("order"), hours=1
        )


def test_an_approved_class_keeps_its_plan_refused_with_plan_not_editable(world):
    programme = build_programme(world, status=CohortStatus.APPROVED)
    plan = make_plan(programme.cohort)
    with pytest.raises(Refused) as refused:
        services.module_add(
            by=world.users["enterprise"],
            plan=plan,
            title="加课",
            kind="theory",
            hours=8,
            place="school",
        )
    assert [p.code for p in refused.value.problems] == ["plan_not_editable"]
    with pytest.raises(Refused):
        services.module_remove(by=world.users["enterprise"], module=plan.modules.earliest("order"))
    assert plan.modules.count() == len(MODULES)


def test_a_class_has_one_plan(world, programme):
    make_plan(programme.cohort)
    with pytest.raises(Refused) as refused:
        services.plan_create(by=world.users["enterprise"], cohort=programme.cohort)
    assert [p.code for p in refused.value.problems] == ["plan_exists"]


def test_a_plan_starts_from_the_occupations_template_pro_rata(world, programme):
    template = PlanTemplate.objects.create(occupation=programme.occupation, name="焊工范本")
    for order, (title, kind, hours, place) in enumerate(MODULES):
        TemplateModule.objects.create(
            template=template, order=order, title=title, kind=kind, hours=hours, place=place
        )
    plan = services.plan_create(
        by=world.users["enterprise"], cohort=programme.cohort, template=template
    )
    # a year's hours in the template, over the class's two years
    assert [(m.title, m.hours) for m in plan.modules.all()] == [
        (t, 2 * h) for t, _, h, _ in MODULES
    ]
    assert plan.template == template


def test_a_template_of_another_occupation_is_refused(world, programme):
    from xuetu.programmes.tests.factories import make_occupation

    other = PlanTemplate.objects.create(
        occupation=make_occupation("6-22-02-01", "汽车装调工"), name="装调范本"
    )
    with pytest.raises(Refused) as refused:
        services.plan_create(by=world.users["enterprise"], cohort=programme.cohort, template=other)
    assert [p.code for p in refused.value.problems] == ["template_other_occupation"]


def test_the_responsible_person_is_the_class_teacher_or_mentor_of_the_right_kind(world, programme):
    plan = make_plan(programme.cohort, modules=[])
    by = world.users["enterprise"]
    with pytest.raises(ValidationError) as wrong_kind:
        services.module_add(
            by=by,
            plan=plan,
            title="实训",
            kind="practical",
            hours=40,
            place="workplace",
            responsible=programme.teacher,
        )
    assert "responsible" in wrong_kind.value.message_dict
    outsider = make_mentor(world, organisation=world.enterprise2)
    with pytest.raises(ValidationError) as elsewhere:
        services.module_add(
            by=by,
            plan=plan,
            title="实训",
            kind="practical",
            hours=40,
            place="workplace",
            responsible=outsider,
        )
    assert "responsible" in elsewhere.value.message_dict
    assert not plan.modules.exists()


@pytest.mark.parametrize("hours", [0, 2001])
def test_module_hours_are_positive_and_bounded(world, programme, hours):
    plan = make_plan(programme.cohort, modules=[])
    with pytest.raises(ValidationError) as error:
        services.module_add(
            by=world.users["enterprise"],
            plan=plan,
            title="理论",
            kind="theory",
            hours=hours,
            place="school",
        )
    assert "hours" in error.value.message_dict


def test_reordering_lists_every_module_once(world, programme):
    plan = make_plan(programme.cohort)
    ids = list(plan.modules.values_list("pk", flat=True))
    services.plan_reorder(by=world.users["enterprise"], plan=plan, modules=ids[::-1])
    assert list(plan.modules.values_list("pk", flat=True)) == ids[::-1]
    with pytest.raises(Refused) as refused:
        services.plan_reorder(by=world.users["enterprise"], plan=plan, modules=ids[:2])
    assert [p.code for p in refused.value.problems] == ["order_mismatch"]


def test_changing_the_plan_of_a_submitted_filing_makes_it_a_draft_again(world):
    programme = build_programme(world, status=CohortStatus.SUBMITTED)
    plan = make_plan(programme.cohort)
    services.module_change(
        by=world.users["enterprise"], module=plan.modules.earliest("order"), hours=30
    )
    programme.cohort.refresh_from_db()
    assert programme.cohort.status == CohortStatus.DRAFT


# The filing check -----------------------------------------------------------------------------
def test_without_the_policy_switch_the_free_text_summary_still_stands_for_the_plan(programme):
    assert codes(programme.cohort) == []  # the factory's class has a plan summary, no plan


def test_the_filing_check_asks_for_a_plan_of_modules(programme, required):
    assert codes(programme.cohort) == ["no_plan"]
    make_plan(programme.cohort, modules=[])
    assert codes(programme.cohort) == ["plan_hours_mismatch"]


def test_a_plan_that_meets_the_policy_passes_and_the_class_can_be_submitted(
    world, programme, required
):
    plan_of(programme)  # 1,200 hours over the factory's two-year class
    assert codes(programme.cohort) == []
    programmes.cohort_submit(by=world.users["enterprise"], cohort=programme.cohort)
    programme.cohort.refresh_from_db()
    assert programme.cohort.status == CohortStatus.SUBMITTED


def test_a_short_plan_and_too_much_online_are_refused_at_submit(world, programme, required):
    make_plan(
        programme.cohort,
        modules=[("线上理论", "theory", 400, "online"), ("实训", "practical", 100, "workplace")],
    )
    with pytest.raises(Refused) as refused:
        programmes.cohort_submit(by=world.users["enterprise"], cohort=programme.cohort)
    found = {p.code: p for p in refused.value.problems}
    assert {"plan_below_minimum", "plan_online_over_share"} <= set(found)
    with translation.override("en"):
        assert "online" in str(found["plan_online_over_share"].message)
    with translation.override("zh-hans"):
        assert "线上" in str(found["plan_online_over_share"].message)


def test_a_policy_asks_for_a_plan_of_modules_unless_it_says_otherwise(world, programme):
    """The plan replaces the free-text summary: a policy made with the defaults (as a city's
    first one is) refuses a filing without a plan of modules; one that switches it off (the
    demo's 2022 rules) takes the summary."""
    from xuetu.programmes.models import ProgrammePolicy as Policy

    assert Policy().plan_modules_required is True
    Policy.objects.all().delete()
    Policy.objects.create(name="默认规则", effective_from=programme.cohort.planned_start)
    assert codes(programme.cohort) == ["no_plan"]
    Policy.objects.update(plan_modules_required=False)
    assert codes(programme.cohort) == []
