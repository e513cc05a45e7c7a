"""Recorded departures from the default rules, each with its reason in the audit event: a
reviewer's exception to the mentor ratio of one class, a reviewer's consent to an early start
or an early completion of one class, and a person's original retirement age when it is not the
default for their gender."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.access import CHANGE, require
from xuetu.core.audit import audit_record
from xuetu.core.problems import Problem, Refused, say
from xuetu.core.services import lock, record_update
from xuetu.programmes import rules
from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.models import MENTOR_RATIO_BOUNDS, Cohort
from xuetu.programmes.services.common import notify, require_reviewer
from xuetu.registry.models import Person


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    return reason


def cohort_mentor_ratio_set(
    *, by: User | None, cohort: Cohort, ratio: int | None, reason: str
) -> Cohort:
    """The reviewer of the class (its district's, or the city bureau, never a party to it)
    approves `ratio` apprentices per enterprise mentor for this class instead of the policy's,
    or withdraws the exception (`ratio=None`). The reason for the latest decision is stored
    with it, and the audit event holds each decision with its reason."""
    require_reviewer(by, cohort)
    reason = _reason(reason)
    low, high = MENTOR_RATIO_BOUNDS
    if ratio is not None and not low <= ratio <= high:
        message = say(
            _("Approve from %(low)s to %(high)s apprentices per mentor."), low=low, high=high
        )
        raise ValidationError({"ratio": message})
    cohort.mentor_ratio_exception = ratio
    cohort.mentor_ratio_reason = reason
    # Reads the stored values under a row lock, checks the fields, writes the event.
    return record_update(by=by, instance=cohort, action="cohort.mentor_ratio")


EARLY = {
    # kind: (its date and reason fields, the statuses it is recorded in, the notice)
    "start": (
        ("early_start_from", "early_start_reason"),
        frozenset({CohortStatus.APPROVED}),
        "cohort.early_start",
    ),
    "completion": (
        ("early_completion_from", "early_completion_reason"),
        frozenset({CohortStatus.APPROVED, CohortStatus.IN_TRAINING}),
        "cohort.early_completion",
    ),
}


def cohort_early_consent_set(
    *, by: User | None, cohort: Cohort, kind: str, allowed_from: dt.date | None, reason: str
) -> Cohort:
    """The reviewer of the class consents to its start (`kind="start"`) or its completion
    (`"completion"`) from `allowed_from`, earlier than the rules allow, or withdraws the
    consent (`allowed_from=None`); always with the reason. The parties are told."""
    require_reviewer(by, cohort)
    (date_field, reason_field), statuses, notice = EARLY[kind]
    reason = _reason(reason)
    if cohort.status not in statuses:
        message = _("This consent is no longer needed in the class's present status.")
        raise Refused([Problem("consent_not_now", message, "status")])
    if allowed_from is not None:
        _check_early(cohort, kind, allowed_from)
    setattr(cohort, date_field, allowed_from)
    setattr(cohort, reason_field, reason)
    with transaction.atomic():
        record_update(by=by, instance=cohort, action=f"cohort.early_{kind}")
        on = f"{allowed_from:%Y-%m-%d}" if allowed_from else "—"
        parties = [cohort.enterprise, cohort.institution]
        notify(parties, notice, cohort, code=cohort.code, on=on, reason=reason)
    return cohort


def _check_early(cohort: Cohort, kind: str, allowed_from: dt.date) -> None:
    """A consent is for a date the rules alone would refuse: before the planned start (for
    a start) or the planned end (for a completion), and not before the class could begin."""
    planned = cohort.planned_start if kind == "start" else cohort.planned_end
    if allowed_from >= planned:
        message = say(_("Give a date before %(date)s."), date=f"{planned:%Y-%m-%d}")
        raise ValidationError({"allowed_from": message})
    if kind == "completion" and allowed_from <= cohort.planned_start:
        message = _("The training must last beyond its planned start.")
        raise ValidationError({"allowed_from": message})


def person_retirement_track_set(
    *, by: User | None, person: Person, track: str, reason: str
) -> Person:
    """Records a person's original retirement track (e.g. a woman on a management post: 55),
    by whoever may change the person; blank goes back to the default for the gender. The
    reason is kept in the audit event."""
    require(by, CHANGE, person)
    reason = _reason(reason)
    if track and rules.TRACK_GENDER.get(track) != person.gender:
        raise ValidationError({"track": _("This retirement age does not apply to this gender.")})
    with transaction.atomic():
        lock(person)
        before = person.retirement_track
        if before == track:
            return person
        person.retirement_track = track
        person.save(update_fields=["retirement_track", "updated_at"])
        audit_record(
            by=by,
            action="person.retirement_track",
            obj=person,
            before={"retirement_track": before},
            after={"retirement_track": track, "reason": reason},
        )
    return person


def retirement_track_reason(person: Person) -> str:
    """The reason given with the person's present retirement track (kept in its audit event)."""
    from xuetu.core.models import AuditEvent

    after = (
        AuditEvent.objects.filter(
            object_type=person._meta.label_lower,
            object_id=str(person.pk),
            action="person.retirement_track",
        )
        .order_by("-pk")
        .values_list("after", flat=True)
        .first()
    )
    return str((after or {}).get("reason", ""))
