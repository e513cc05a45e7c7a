"""The apprentice's training on their home page (issue 9 item 8): for each class they are in,
its status, their hours against the plan (confirmed and awaiting confirmation) and the way to
their plan, calendar, hours and reviews. Read-only; a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Sum
from django.http import HttpRequest

from xuetu.programmes.choices import EnrollmentStatus
from xuetu.programmes.models import Enrollment
from xuetu.training.choices import HoursStatus
from xuetu.training.models import Hours, Module

SHOWN = (EnrollmentStatus.ENROLLED, EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED)


@dataclass(frozen=True)
class MyTraining:
    enrollment: Enrollment
    planned_hours: int
    confirmed_hours: float
    pending_hours: float

    @property
    def enrollment_id(self) -> int:
        return self.enrollment.pk

    @property
    def cohort_id(self) -> int:
        return self.enrollment.cohort_id

    @property
    def percent(self) -> int:
        if not self.planned_hours:
            return 0
        return min(100, round(100 * self.confirmed_hours / self.planned_hours))


def my_training(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    enrollments = list(
        Enrollment.objects.for_user(user)
        .filter(person__user_id=user.pk or 0, status__in=SHOWN)
        .select_related("cohort", "person")
        .order_by("-cohort__planned_start")[:3]
    )
    if not enrollments:
        return {"my_training": []}
    planned = dict(
        Module.objects.for_user(user)
        .filter(plan__cohort__in=[e.cohort_id for e in enrollments])
        .values_list("plan__cohort_id")
        .annotate(total=Sum("hours"))
    )
    minutes: dict[tuple[int, str], int] = {}
    rows = (
        Hours.objects.for_user(user)
        .filter(enrollment__in=enrollments, present=True)
        .exclude(status=HoursStatus.CANCELLED)
        .values_list("enrollment_id", "status")
        .annotate(total=Sum("minutes"))
    )
    for enrollment_id, status, total in rows:
        minutes[(enrollment_id, status)] = total or 0
    return {
        "my_training": [
            MyTraining(
                enrollment=e,
                planned_hours=planned.get(e.cohort_id, 0) or 0,
                confirmed_hours=minutes.get((e.pk, HoursStatus.CONFIRMED), 0) / 60,
                pending_hours=(
                    minutes.get((e.pk, HoursStatus.PENDING), 0)
                    + minutes.get((e.pk, HoursStatus.DISPUTED), 0)
                )
                / 60,
            )
            for e in enrollments
        ]
    }
