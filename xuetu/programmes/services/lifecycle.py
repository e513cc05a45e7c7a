"""The life of one enrollment: start, pause and resume, withdrawal and completion, each a
transition of its flow with its history entry; and the reversal of a mistaken last change, a
new entry pointing at it with its reason (the history is never edited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.access import CHANGE
from xuetu.core.audit import audit_record
from xuetu.core.models import AuditEvent
from xuetu.core.problems import Problem, Refused, refuse_if
from xuetu.core.services import actor, lock
from xuetu.core.transitions import transition
from xuetu.programmes import rules
from xuetu.programmes.access import RUN
from xuetu.programmes.choices import (
    ENROLLMENT_FLOW,
    REVERSAL_FLOW,
    CohortStatus,
    EnrollmentEventKind,
    EnrollmentStatus,
)
from xuetu.programmes.models import (
    Enrollment,
    EnrollmentEvent,
    Mentor,
)
from xuetu.programmes.notices import NOTICES
from xuetu.programmes.services.cohorts import reopen
from xuetu.programmes.services.common import notify_enrollment, require_party
from xuetu.programmes.services.enrollments import enrollment_event


def standing(events: QuerySet[EnrollmentEvent]) -> QuerySet[EnrollmentEvent]:
    """The changes that stand: neither a reversal nor reversed by one."""
    return events.filter(reverses__isnull=True, reversal__isnull=True).exclude(
        kind=EnrollmentEventKind.REVERSED
    )


def date_problems(
    enrollment: Enrollment, on: dt.date, field: str = "on", *, ends: bool = False
) -> list[Problem]:
    """A change's effective date lies within the enrollment and its class: not before the class
    starts or the enrollment's last recorded change (the history reads in order), and, unless
    the change `ends` the training (a completion may come late), not after its planned end.
    A mistaken change is corrected by another change, never by editing history."""
    cohort = enrollment.cohort
    last = (
        standing(EnrollmentEvent.objects.filter(enrollment=enrollment))
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
            details={
                "paused_from": paused_from,
                "paused_days": (on - paused_from).days,
                "planned_end_before": enrollment.planned_end,
            },
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


# Reversal of a mistaken change ------------------------------------------------------------
_K = EnrollmentEventKind
REVERSIBLE = frozenset({_K.PAUSED, _K.RESUMED, _K.WITHDRAWN, _K.COMPLETED, _K.MENTOR_CHANGED})
# The status an event of each kind left behind, for the status before a withdrawal.
_LEFT: dict[str, str] = {
    _K.ENROLLED: EnrollmentStatus.ENROLLED,
    _K.ACTIVATED: EnrollmentStatus.ACTIVE,
    _K.RESUMED: EnrollmentStatus.ACTIVE,
}


def reversible_event(enrollment: Enrollment) -> EnrollmentEvent | None:
    """The enrollment's last standing change, if it is of a kind that can be reversed."""
    last = standing(EnrollmentEvent.objects.filter(enrollment=enrollment)).last()
    return last if last is not None and last.kind in REVERSIBLE else None


def reversal_problems(enrollment: Enrollment, event: EnrollmentEvent) -> list[Problem]:
    """Only the last change that stands, of a kind that can be undone, in a class still open."""
    cohort = enrollment.cohort
    if cohort.status == CohortStatus.CLOSED:
        return [Problem("class_closed", _("The class is closed; its history is final."), "event")]
    if event.kind == _K.REVERSED:
        message = _("A reversal is not reversed; record the change again instead.")
        return [Problem("reversal_of_reversal", message, "event")]
    if EnrollmentEvent.objects.filter(reverses=event).exists():
        return [Problem("already_reversed", _("This change was already reversed."), "event")]
    last = standing(EnrollmentEvent.objects.filter(enrollment=enrollment)).last()
    if last is None or last.pk != event.pk:
        message = _("Only the last change can be reversed: a later change exists.")
        return [Problem("not_last_change", message, "event")]
    if event.kind not in REVERSIBLE:
        message = _("This kind of change is not reversed; record the opposite change.")
        return [Problem("not_reversible", message, "event")]
    if event.kind == _K.COMPLETED and cohort.status != CohortStatus.IN_TRAINING:
        return [Problem("class_not_in_training", _("The class is not in training."), "event")]
    if event.kind == _K.WITHDRAWN and Enrollment.objects.filter(substitute_for=enrollment).exists():
        message = _("A substitute took this apprentice's place.")
        return [Problem("already_substituted", message, "event")]
    return []


def enrollment_reverse(
    *, by: User | None, enrollment: Enrollment, event: EnrollmentEvent, reason: str
) -> Enrollment:
    """Corrects the enrollment's mistaken last change `event` by a reversing entry with the
    reason: the status (and the dates or mentor it changed) return to what they were before;
    both entries stay in the history. Told as the original change was."""
    require_party(by, CHANGE, enrollment)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    if event.enrollment_id != enrollment.pk:
        raise Refused(
            [Problem("not_last_change", _("Choose a change of this enrollment."), "event")]
        )
    with transaction.atomic():
        lock(enrollment)
        enrollment.refresh_from_db()
        refuse_if(reversal_problems(enrollment, event))
        leaving = _undo(by, enrollment, event, reason)
        EnrollmentEvent.objects.create(
            enrollment=enrollment,
            kind=_K.REVERSED,
            effective_date=event.effective_date,
            reverses=event,
            by=actor(by),
            details={"reason": reason, "reversed_kind": event.kind},
        )
        on = f"{event.effective_date:%Y-%m-%d}"
        notify_enrollment(enrollment, "enrollment.reversed", by, also=leaving, on=on, reason=reason)
    return enrollment


def _undo(
    by: User | None, enrollment: Enrollment, event: EnrollmentEvent, reason: str
) -> list[Mentor | None]:
    """Puts back what `event` changed; returns a mentor who leaves (to be told)."""
    if event.kind == _K.MENTOR_CHANGED:
        return _undo_mentor_change(by, enrollment, event, reason)
    old, values = _before(enrollment, event)
    transition(
        enrollment,
        to=old,
        flow=REVERSAL_FLOW,
        by=by,
        action=_K.REVERSED,
        values=values,
        organisation=enrollment.cohort.enterprise,
        clean=True,
    )
    if event.kind == _K.WITHDRAWN:
        reopen(by, enrollment.cohort)  # the roster changes again: a filing under review is a draft
    return []


def _before(enrollment: Enrollment, event: EnrollmentEvent) -> tuple[str, dict[str, Any]]:
    """The status before `event` and the values it had changed."""
    details = event.details or {}
    if event.kind == _K.PAUSED:
        return EnrollmentStatus.ACTIVE, {"paused_from": None}
    if event.kind == _K.RESUMED:
        paused_from = dt.date.fromisoformat(details["paused_from"])
        planned_end = details.get("planned_end_before")
        if planned_end is None:
            end = enrollment.planned_end or enrollment.cohort.planned_end
            before = end - dt.timedelta(days=details.get("paused_days", 0))
        else:
            before = dt.date.fromisoformat(planned_end)
        return EnrollmentStatus.PAUSED, {"paused_from": paused_from, "planned_end": before}
    if event.kind == _K.COMPLETED:
        return EnrollmentStatus.ACTIVE, {}
    cleared = {"withdrawn_on": None, "withdrawal_reason": "", "withdrawal_note": ""}
    return _status_before_withdrawal(enrollment, event), cleared


def _status_before_withdrawal(enrollment: Enrollment, event: EnrollmentEvent) -> str:
    """From the withdrawal's own audit event (a withdrawal may come from any open status);
    without it, from what the enrollment kept and the history before it."""
    recorded = (
        AuditEvent.objects.filter(
            object_type=enrollment._meta.label_lower,
            object_id=str(enrollment.pk),
            action=f"enrollment.{_K.WITHDRAWN}",
        )
        .order_by("-pk")
        .values_list("before", flat=True)
        .first()
    )
    status = (recorded or {}).get("status")
    if status in REVERSAL_FLOW.allowed[EnrollmentStatus.WITHDRAWN]:
        return str(status)
    if enrollment.paused_from is not None:
        return EnrollmentStatus.PAUSED
    earlier = standing(EnrollmentEvent.objects.filter(enrollment=enrollment, pk__lt=event.pk))
    kinds = [k for k in earlier.values_list("kind", flat=True) if k in _LEFT]
    return _LEFT[kinds[-1]] if kinds else EnrollmentStatus.ENROLLED


def _undo_mentor_change(
    by: User | None, enrollment: Enrollment, event: EnrollmentEvent, reason: str
) -> list[Mentor | None]:
    details = event.details or {}
    role = details["role"]
    current = getattr(enrollment, role)
    previous_pk = details.get("previous")
    previous = Mentor.objects.filter(pk=previous_pk).first() if previous_pk else None
    setattr(enrollment, role, previous)
    enrollment.full_clean(validate_unique=False, validate_constraints=False)
    enrollment.save(update_fields=[role])
    audit_record(
        by=by,
        action=f"enrollment.{_K.REVERSED}",
        obj=enrollment,
        before={f"{role}_id": current.pk if current else None},
        after={f"{role}_id": previous.pk if previous else None, "reason": reason},
        organisation=enrollment.cohort.enterprise,
    )
    return [current]
