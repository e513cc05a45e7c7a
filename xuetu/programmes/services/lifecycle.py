"""The life of one enrollment: start, pause and resume, withdrawal and completion, each a
transition of its flow with its history entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.access import CHANGE
from xuetu.core.problems import Problem, Refused, refuse_if
from xuetu.core.transitions import transition
from xuetu.programmes import rules
from xuetu.programmes.access import RUN
from xuetu.programmes.choices import (
    ENROLLMENT_FLOW,
    CohortStatus,
    EnrollmentEventKind,
    EnrollmentStatus,
)
from xuetu.programmes.models import (
    Enrollment,
    EnrollmentEvent,
)
from xuetu.programmes.notices import NOTICES
from xuetu.programmes.services.cohorts import reopen
from xuetu.programmes.services.common import notify_enrollment, require_party
from xuetu.programmes.services.enrollments import enrollment_event


def date_problems(
    enrollment: Enrollment, on: dt.date, field: str = "on", *, ends: bool = False
) -> list[Problem]:
    """A change's effective date lies within the enrollment and its class: not before the class
    starts or the enrollment's last recorded change (the history reads in order), and, unless
    the change `ends` the training (a completion may come late), not after its planned end.
    A mistaken change is corrected by another change, never by editing history."""
    cohort = enrollment.cohort
    last = (
        EnrollmentEvent.objects.filter(enrollment=enrollment)
        .order_by("-effective_date")
        .values_list("effective_date", flat=True)
        .first()
    )
    earliest = max(d for d in (cohort.planned_start, last) if d is not None)
    latest = enrollment.planned_end or cohort.planned_end
    if on < earliest:
        message = _("The date must not be before %(date)s (the class's start or the last change).")
        return [Problem("before_enrollment", message % {"date": f"{earliest:%Y-%m-%d}"}, field)]
    if on > latest and not ends:
        message = _("The date must not be after the planned end, %(date)s.")
        return [Problem("after_enrollment", message % {"date": f"{latest:%Y-%m-%d}"}, field)]
    return []


def move_enrollment(
    *,
    by: User | None,
    enrollment: Enrollment,
    new: str,
    kind: str,
    on: dt.date,
    values: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> Enrollment:
    """An enrollment's status change, with its history entry, on a date within it."""
    refuse_if(date_problems(enrollment, on, ends=kind == EnrollmentEventKind.COMPLETED))
    transition(
        enrollment,
        to=new,
        flow=ENROLLMENT_FLOW,
        by=by,
        action=kind,
        values=values,
        organisation=enrollment.cohort.enterprise,
        clean=True,
    )
    enrollment_event(by, enrollment, kind, on, **(details or {}))
    if f"enrollment.{kind}" in NOTICES:
        notify_enrollment(enrollment, f"enrollment.{kind}", by, on=on)
    return enrollment


def _require_training(enrollment: Enrollment) -> None:
    if enrollment.cohort.status != CohortStatus.IN_TRAINING:
        problem = Problem("class_not_in_training", _("The class is not in training."), "status")
        raise Refused([problem])


def enrollment_activate(*, by: User | None, enrollment: Enrollment, on: dt.date) -> Enrollment:
    """An apprentice starts training in a class already in training (e.g. a substitute)."""
    require_party(by, RUN, enrollment.cohort)
    _require_training(enrollment)
    with transaction.atomic():
        return move_enrollment(
            by=by,
            enrollment=enrollment,
            new=EnrollmentStatus.ACTIVE,
            kind=EnrollmentEventKind.ACTIVATED,
            on=on,
        )


def enrollment_withdraw(
    *, by: User | None, enrollment: Enrollment, on: dt.date, reason: str, note: str = ""
) -> Enrollment:
    require_party(by, CHANGE, enrollment)
    with transaction.atomic():
        # A roster that changes under review is a new filing: back to draft, like any edit.
        reopen(by, enrollment.cohort)
        return move_enrollment(
            by=by,
            enrollment=enrollment,
            new=EnrollmentStatus.WITHDRAWN,
            kind=EnrollmentEventKind.WITHDRAWN,
            on=on,
            values={"withdrawn_on": on, "withdrawal_reason": reason, "withdrawal_note": note},
            details={"reason": reason, "note": note},
        )


def enrollment_pause(*, by: User | None, enrollment: Enrollment, on: dt.date) -> Enrollment:
    require_party(by, CHANGE, enrollment)
    with transaction.atomic():
        return move_enrollment(
            by=by,
            enrollment=enrollment,
            new=EnrollmentStatus.PAUSED,
            kind=EnrollmentEventKind.PAUSED,
            on=on,
            values={"paused_from": on},
        )


def enrollment_resume(*, by: User | None, enrollment: Enrollment, on: dt.date) -> Enrollment:
    """Back to training; the planned end moves by the length of the pause."""
    require_party(by, CHANGE, enrollment)
    paused_from = enrollment.paused_from
    if paused_from is None or on < paused_from:
        raise ValidationError({"on": _("The resumption must not be before the pause began.")})
    planned_end = rules.resumed_planned_end(
        enrollment.planned_end or enrollment.cohort.planned_end,
        paused_from=paused_from,
        resumed_on=on,
    )
    with transaction.atomic():
        return move_enrollment(
            by=by,
            enrollment=enrollment,
            new=EnrollmentStatus.ACTIVE,
            kind=EnrollmentEventKind.RESUMED,
            on=on,
            values={"paused_from": None, "planned_end": planned_end},
            details={"paused_from": paused_from, "paused_days": (on - paused_from).days},
        )


def enrollment_complete(*, by: User | None, enrollment: Enrollment, on: dt.date) -> Enrollment:
    """Completion of one apprentice (the rest of the class completes with `cohort_complete`)."""
    require_party(by, RUN, enrollment.cohort)
    with transaction.atomic():
        return move_enrollment(
            by=by,
            enrollment=enrollment,
            new=EnrollmentStatus.COMPLETED,
            kind=EnrollmentEventKind.COMPLETED,
            on=on,
        )
