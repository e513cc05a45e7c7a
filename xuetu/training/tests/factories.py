"""Plans and modules for tests: written directly (as a stored plan), so a class in any
status can have one."""

from __future__ import annotations

from typing import Any

from xuetu.programmes.models import Cohort, Mentor
from xuetu.programmes.tests.factories import Programme
from xuetu.training.models import Module, TrainingPlan

# title, kind, hours, place: 1,200 hours for the factory's two-year class (600 a year), 368
# at the institution, 32 online
MODULES = [
    ("焊接安全与职业健康", "safety", 48, "school"),
    ("焊接工艺与材料理论", "theory", 320, "school"),
    ("职业道德与工匠精神", "ethics", 32, "online"),
    ("车身焊装岗位实训", "practical", 800, "workplace"),
]


def make_plan(cohort: Cohort, *, modules: list[tuple] | None = None, **values: Any) -> TrainingPlan:
    plan = TrainingPlan.objects.create(cohort=cohort, **values)
    for order, (title, kind, hours, place) in enumerate(MODULES if modules is None else modules):
        Module.objects.create(
            plan=plan, order=order, title=title, kind=kind, hours=hours, place=place
        )
    return plan


def plan_of(programme: Programme, **values: Any) -> TrainingPlan:
    """The programme's class with the standard plan, the teacher and the mentor responsible."""
    plan = make_plan(programme.cohort, **values)
    for module in plan.modules.exclude(kind="ethics"):  # the ethics module: nobody yet
        who: Mentor = programme.mentor if module.place == "workplace" else programme.teacher
        module.responsible = who
        module.save(update_fields=["responsible"])
    return plan


def owned_training_objects(programme: Programme) -> dict[str, Any]:
    from xuetu.training.tests.factories_assess import owned_assessment_objects
    from xuetu.training.tests.factories_regpages import owned_register_objects

    plan = plan_of(programme)
    from xuetu.training.tests.factories_calreview import calreview_objects

    return {
        "training.trainingplan": plan,
        "training.module": plan.modules.first(),
        **owned_register_objects(programme, plan),
        **owned_assessment_objects(programme),
        **calreview_objects(programme),
    }
