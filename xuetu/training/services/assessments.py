"""Final assessments (issue 9 item 5): recording one completes the enrollment on the
assessment's own date, in the same transaction, and tells the enterprise (which claims the
subsidy, and never records an assessment). A correction keeps the enrollment completed and
says what changed and why. No deletion. Rules: docs/rules/assessments.md."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.access import CHANGE, can, require
from xuetu.core.notices import notify_organisations
from xuetu.core.problems import Problem, refuse_if
from xuetu.core.services import apply_changes, lock, record_create, record_update
from xuetu.programmes.choices import CohortStatus, EnrollmentEventKind, EnrollmentStatus
from xuetu.programmes.models import Cohort, Enrollment
from xuetu.programmes.services.lifecycle import date_problems, move_enrollment
from xuetu.training.access import ASSESS
from xuetu.training.choices import AssessmentOutcome
from xuetu.training.models import Assessment

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise  # the stubs' name for a lazy str

CORRECTABLE = ("theory_score", "practical_score", "outcome", "assessor")

NOT_ACTIVE: dict[str, StrPromise] = {
    EnrollmentStatus.ENROLLED: _("The apprentice has not started training yet."),
    EnrollmentStatus.PAUSED: _("The apprentice's training is paused."),
    EnrollmentStatus.WITHDRAWN: _("The apprentice has withdrawn from the class."),
    EnrollmentStatus.COMPLETED: _("The apprentice has already completed the training."),
}
ALREADY_ASSESSED = Problem(
    "already_assessed", _("The apprentice's assessment is already recorded."), "enrollment"
)
FUTURE_DATE = Problem(
    "future_date", _("An assessment cannot be dated in the future."), "assessed_on"
)
CLASS_CLOSED = Problem(
    "class_closed", _("The class is closed: its assessments can no longer be corrected."), None
)


def not_active_problem(enrollment: Enrollment) -> list[Problem]:
    if enrollment.status == EnrollmentStatus.ACTIVE:
        return []
    message = NOT_ACTIVE.get(enrollment.status, _("The apprentice is not in training."))
    return [Problem("not_active", message, "enrollment")]


def record_problems(enrollment: Enrollment, assessed_on: dt.date, today: dt.date) -> list[Problem]:
    """Why this enrollment cannot be assessed on `assessed_on` (none: it can)."""
    if Assessment.objects.filter(enrollment=enrollment).exists():
        return [ALREADY_ASSESSED]
    problems = not_active_problem(enrollment)
    if problems:
        return problems
    if assessed_on > today:
        return [FUTURE_DATE]
    return date_problems(enrollment, assessed_on, "assessed_on", ends=True)


def assessment_record(
    *,
    by: User | None,
    enrollment: Enrollment,
    theory_score: Decimal,
    practical_score: Decimal,
    outcome: str,
    assessed_on: dt.date,
    assessor: str,
) -> Assessment:
    """The apprentice's final assessment; the enrollment completes on `assessed_on`."""
    require(by, ASSESS, enrollment.cohort)
    with transaction.atomic():
        lock(enrollment)
        refuse_if(record_problems(enrollment, assessed_on, timezone.localdate()))
        assessment = Assessment(
            enrollment=enrollment,
            theory_score=theory_score,
            practical_score=practical_score,
            outcome=outcome,
            assessed_on=assessed_on,
            assessor=assessor.strip() if isinstance(assessor, str) else assessor,
            recorded_by=by,
        )
        cohort = enrollment.cohort
        record_create(by=by, instance=assessment, organisation=cohort.enterprise)
        move_enrollment(
            by=by,
            enrollment=enrollment,
            new=EnrollmentStatus.COMPLETED,
            kind=EnrollmentEventKind.COMPLETED,
            on=assessed_on,
        )
        notify_organisations(
            [cohort.enterprise],
            "assessment.recorded",
            assessment,
            name=enrollment.person.name,
            code=cohort.code,
            outcome=AssessmentOutcome(outcome).label,
            on=f"{assessed_on:%Y-%m-%d}",
        )
    return assessment


def assessment_record_in(
    *, by: User | None, cohort: Cohort, enrollment: Enrollment, **values: Any
) -> Assessment:
    """The class sheet's form: an apprentice of that class only."""
    if enrollment.cohort_id != cohort.pk:
        raise ValidationError({"enrollment": [_("The apprentice is not in this class.")]})
    return assessment_record(by=by, enrollment=enrollment, **values)


def assessment_correct(
    *, by: User | None, assessment: Assessment, reason: str, **fields: Any
) -> Assessment:
    """A correction of the scores, outcome or assessor, with a reason; the enrollment stays
    completed on its date."""
    require(by, CHANGE, assessment)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the assessment is corrected.")]})
    with transaction.atomic():
        stored = Assessment.objects.select_related("enrollment__cohort").get(pk=assessment.pk)
        cohort = stored.enrollment.cohort
        refuse_if([CLASS_CLOSED] if cohort.status == CohortStatus.CLOSED else [])
        if not apply_changes(stored, fields, editable=CORRECTABLE):
            return stored
        # One event: what changed, before and after, and the reason given.
        record_update(
            by=by,
            instance=stored,
            action="assessment.correct",
            organisation=cohort.enterprise,
            reason=reason,
        )
    return stored


# Selectors ---------------------------------------------------------------------------------
@dataclass
class SheetRow:
    enrollment: Enrollment
    assessment: Assessment | None

    @property
    def assessable(self) -> bool:
        return self.assessment is None and self.enrollment.status == EnrollmentStatus.ACTIVE


def sheet(cohort: Cohort) -> list[SheetRow]:
    """Every enrollment of the class with its assessment, if any: one query."""
    enrollments = cohort.enrollments.select_related("person", "assessment").order_by(
        "person__name", "pk"
    )
    rows = []
    for enrollment in enrollments:
        try:
            assessment = enrollment.assessment
        except Assessment.DoesNotExist:
            assessment = None
        rows.append(SheetRow(enrollment, assessment))
    return rows


def may_assess(user: Any, cohort: Cohort) -> bool:
    return can(user, ASSESS, cohort)


def with_relations(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    return assessments.select_related("enrollment__person", "enrollment__cohort", "recorded_by")
