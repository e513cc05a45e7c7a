"""Recorded departures from the default rules, each with its reason in the audit event: a
reviewer's exception to the mentor ratio of one class, and a person's original retirement age
when it is not the default for their gender."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.access import CHANGE, require
from xuetu.core.audit import audit_record
from xuetu.core.problems import say
from xuetu.core.services import lock, record_update
from xuetu.programmes import rules
from xuetu.programmes.models import MENTOR_RATIO_BOUNDS, Cohort
from xuetu.programmes.services.common import require_reviewer
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
