"""Plans and modules for tests: written directly (as a stored plan), so a class in any
status can have one."""

from __future__ import annotations

from typing import Any

from xuetu.programmes.models import Cohort, Mentor
from xuetu.programmes.tests.factories import Programme
from xuetu.training.models import Hours, Module, Session, TrainingPlan

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
    plan = plan_of(programme)
    session, hours = register_of(programme, plan)
    return {
        "training.trainingplan": plan,
        "training.module": plan.modules.first(),
        "training.session": session,
        "training.hours": hours,
    }


def register_of(programme: Programme, plan: TrainingPlan) -> tuple[Session, Hours]:
    """A register of the workplace module with the apprentice's line, written directly."""
    import datetime as dt

    module = plan.modules.get(place="workplace")
    cohort = programme.cohort
    session = Session.objects.create(
        cohort=cohort,
        module=module,
        date=cohort.planned_start,
        start_time=dt.time(8, 0),
        end_time=dt.time(12, 0),
        place=module.place,
        mentor=programme.mentor,
        recorded_by=programme.world.users["mentor"],
    )
    hours = Hours.objects.create(
        session=session,
        enrollment=programme.enrollment,
        cohort=cohort,
        date=session.date,
        minutes=240,
    )
    return session, hours
