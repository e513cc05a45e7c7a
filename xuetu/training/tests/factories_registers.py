"""A running class with a plan, its teacher and mentor able to sign in, and as many
apprentices as a test needs, for the register tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from xuetu.accounts.choices import Role
from xuetu.accounts.models import User
from xuetu.programmes.choices import CohortStatus, EnrollmentEventKind
from xuetu.programmes.models import Enrollment, EnrollmentEvent
from xuetu.programmes.tests.factories import (
    Programme,
    build_programme,
    make_enrollment,
    make_person,
)
from xuetu.testing import World, make_user
from xuetu.training.models import Module, TrainingPlan
from xuetu.training.services.registers import Mark
from xuetu.training.tests.factories import plan_of

DAY = dt.date(2026, 9, 15)  # a Tuesday within the factory class's dates (2026-03 to 2028-02)
TODAY = dt.date(2026, 9, 30)


@dataclass
class Class:
    programme: Programme
    plan: TrainingPlan
    teacher_user: User
    enrollments: list[Enrollment] = field(default_factory=list)

    @property
    def cohort(self):
        return self.programme.cohort

    def module(self, place: str) -> Module:
        return self.plan.modules.get(place=place, kind__in=("theory", "practical", "safety"))

    @property
    def workplace(self) -> Module:
        return self.plan.modules.get(place="workplace")

    @property
    def theory(self) -> Module:
        return self.plan.modules.get(kind="theory")

    def marks(self, absent: int = 0) -> list[Mark]:
        return [Mark(e.pk, i >= absent) for i, e in enumerate(self.enrollments)]


def running_class(world: World, size: int = 3) -> Class:
    """A class in training since its planned start; the `mentor` user is the enterprise mentor
    of every apprentice and responsible for the workplace module; `teacher` (a new user) the
    institution teacher responsible for the school modules."""
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    teacher_user = make_user("teacher", world.institution, Role.MENTOR)
    person = programme.teacher.person
    person.user = teacher_user
    person.save(update_fields=["user"])
    plan = plan_of(programme)
    enrollments = [programme.enrollment]
    for n in range(size - 1):
        enrollments.append(
            make_enrollment(
                world,
                programme.cohort,
                person=make_person(f"学徒{n:03d}", organisation=world.enterprise),
                enterprise_mentor=programme.mentor,
                institution_mentor=programme.teacher,
            )
        )
    for enrollment in enrollments:
        EnrollmentEvent.objects.create(
            enrollment=enrollment,
            kind=EnrollmentEventKind.ACTIVATED,
            effective_date=programme.cohort.planned_start,
        )
    return Class(programme, plan, teacher_user, enrollments)
