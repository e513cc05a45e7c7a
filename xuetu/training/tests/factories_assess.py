"""Assessments for tests: a running class dated around today (so an assessment can be dated
within it and not in the future), and an assessment written directly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.models import Cohort, Enrollment
from xuetu.programmes.tests.factories import Programme, build_programme, make_enrollment
from xuetu.training.models import Assessment


def running_programme(world) -> Programme:
    """The factory's programme in training, started 200 days ago, ending in 300 days."""
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=200), today + dt.timedelta(days=300)
    Cohort.objects.filter(pk=programme.cohort.pk).update(planned_start=start, planned_end=end)
    Enrollment.objects.filter(cohort=programme.cohort).update(planned_end=end)
    programme.cohort.refresh_from_db()
    programme.enrollment.refresh_from_db()
    return programme


def more_apprentices(world, programme: Programme, count: int) -> list[Enrollment]:
    return [
        make_enrollment(
            world,
            programme.cohort,
            enterprise_mentor=programme.mentor,
            institution_mentor=programme.teacher,
        )
        for _ in range(count)
    ]


def scores(**values: Any) -> dict[str, Any]:
    """A valid assessment's values, dated a week ago."""
    return {
        "theory_score": Decimal("86.5"),
        "practical_score": Decimal("91.0"),
        "outcome": "pass",
        "assessed_on": timezone.localdate() - dt.timedelta(days=7),
        "assessor": "重庆市职业技能鉴定指导中心",
        **values,
    }


def make_assessment(world, enrollment: Enrollment, **values: Any) -> Assessment:
    """A stored assessment (no service: the enrollment's status is left as it is)."""
    fields = scores(**values)
    fields.setdefault("recorded_by", world.users["school"])
    return Assessment.objects.create(enrollment=enrollment, **fields)


def owned_assessment_objects(programme: Programme) -> dict[str, Any]:
    """One assessment of the programme's apprentice, for the global walks."""
    return {"training.assessment": make_assessment(programme.world, programme.enrollment)}
