"""Blocks and reviews for tests, written directly."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from xuetu.programmes.models import Cohort, Enrollment
from xuetu.programmes.tests.factories import Programme
from xuetu.training.models import Block, Review


def make_block(
    cohort: Cohort, starts_on: dt.date, ends_on: dt.date, place: str = "school"
) -> Block:
    return Block.objects.create(cohort=cohort, place=place, starts_on=starts_on, ends_on=ends_on)


def make_review(
    enrollment: Enrollment, number: int = 1, *, signed: tuple[str, ...] = (), **values: Any
) -> Review:
    values.setdefault("period_start", dt.date(2026, 3, 1))
    values.setdefault("due_on", dt.date(2026, 5, 31))
    review = Review(enrollment=enrollment, number=number, **values)
    people = {
        "mentor": enrollment.enterprise_mentor.person.user
        if enrollment.enterprise_mentor
        else None,
        "teacher": enrollment.institution_mentor.person.user
        if enrollment.institution_mentor
        else None,
        "apprentice": enrollment.person.user,
    }
    for role in signed:
        setattr(review, f"{role}_signed_by", people[role])
        setattr(review, f"{role}_signed_at", timezone.now())
    review.save()
    return review


def calreview_objects(programme: Programme) -> dict[str, Any]:
    cohort = programme.cohort
    block = make_block(cohort, cohort.planned_start, cohort.planned_start + dt.timedelta(days=30))
    review = make_review(programme.enrollment)
    return {"training.block": block, "training.review": review}
