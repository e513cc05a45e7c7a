"""Changes to a roster after approval: a new mentor, a substitute for a withdrawn
apprentice, a transfer to another class. Each has an effective date and is audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.access import CHANGE
from xuetu.core.audit import audit_record, snapshot
from xuetu.core.problems import Problem, Refused, refuse_if, say
from xuetu.core.services import (
    lock,
    record_create,
    stored_text,
)
from xuetu.programmes import rules
from xuetu.programmes.choices import (
    APPROVED_COHORT_STATUSES,
    ENROLLMENT_FLOW,
    OPEN_ENROLLMENT_STATUSES,
    TRANSFER_TARGET_STATUSES,
    CohortStatus,
    EnrollmentEventKind,
    EnrollmentStatus,
)
from xuetu.programmes.models import (
    Appointment,
    Cohort,
    Enrollment,
    Mentor,
)
from xuetu.programmes.services.cohorts import reopen
from xuetu.programmes.services.common import (
    current_policy,
    notify_enrollment,
    require_party,
)
from xuetu.programmes.services.enrollments import (
    ROLE_OF_KIND,
    Contract,
    admit,
    check_mentors,
    enrollment_event,
)
from xuetu.programmes.services.lifecycle import date_problems, move_enrollment
from xuetu.registry.models import Person


def enrollment_change_mentor(
    *,
    by: User | None,
    enrollment: Enrollment,
    kind: str,
    mentor: Mentor,
    effective_date: dt.date,
) -> Enrollment:
    """A new enterprise mentor or institution teacher from `effective_date`."""
    require_party(by, CHANGE, enrollment)
    role = ROLE_OF_KIND[kind]
    with transaction.atomic():
        lock(enrollment)
        if enrollment.status not in OPEN_ENROLLMENT_STATUSES:
            raise Refused([ENROLLMENT_FLOW.not_now(enrollment.status)])
        refuse_if(date_problems(enrollment, effective_date, "effective_date"))
        previous = getattr(enrollment, role)
        if previous == mentor:
            return enrollment
        check_mentors(enrollment.cohort, {role: mentor}, leaving=[enrollment.pk])
        setattr(enrollment, role, mentor)
        enrollment.full_clean(validate_unique=False, validate_constraints=False)
        enrollment.save(update_fields=[role])
        _record_mentor_change(by, enrollment, role, previous, mentor, effective_date)
    return enrollment


def _record_mentor_change(
    by: User | None,
    enrollment: Enrollment,
    role: str,
    previous: Mentor | None,
    mentor: Mentor,
    on: dt.date,
) -> None:
    enrollment_event(
        by,
        enrollment,
        EnrollmentEventKind.MENTOR_CHANGED,
        on,
        role=role,
        previous=previous.pk if previous else None,
        previous_name=previous.person.name if previous else "",
        mentor=mentor.pk,
        mentor_name=mentor.person.name,
    )
    audit_record(
        by=by,
        action="enrollment.change_mentor",
        obj=enrollment,
        before={f"{role}_id": previous.pk if previous else None},
        after={f"{role}_id": mentor.pk, "effective_date": on.isoformat()},
        organisation=enrollment.cohort.enterprise,
    )
    notify_enrollment(enrollment, "enrollment.mentor_changed", by, also=[previous], on=on)


def _joining_status(cohort: Cohort) -> str:
    training = cohort.status == CohortStatus.IN_TRAINING
    return EnrollmentStatus.ACTIVE if training else EnrollmentStatus.ENROLLED


def enrollment_substitute(
    *,
    by: User | None,
    withdrawn: Enrollment,
    person: Person,
    category: str,
    contract_start: dt.date,
    effective_date: dt.date,
    contract_end: dt.date | None = None,
    social_insurance: bool = True,
    enterprise_mentor: Mentor | None = None,
    institution_mentor: Mentor | None = None,
) -> Enrollment:
    """A new apprentice takes the place of a withdrawn one in an approved class, before the
    policy's cut-off. The mentors default to the withdrawn apprentice's."""
    cohort = withdrawn.cohort
    require_party(by, CHANGE, cohort)
    refuse_if(_substitution_problems(withdrawn, effective_date), _("No substitution is possible."))
    contract = Contract(category, contract_start, contract_end, social_insurance)
    mentors = {
        "enterprise_mentor": enterprise_mentor or withdrawn.enterprise_mentor,
        "institution_mentor": institution_mentor or withdrawn.institution_mentor,
    }
    start = max(cohort.planned_start, effective_date)
    with transaction.atomic():
        substitute = admit(
            cohort,
            person,
            contract,
            mentors,
            start=start,
            substitute_for=withdrawn,
            status=_joining_status(cohort),
        )
        record_create(
            by=by,
            instance=substitute,
            organisation=cohort.enterprise,
            action="enrollment.substitute",
        )
        replaced = {"substitute_for": withdrawn.pk, "substitute_for_name": withdrawn.person.name}
        enrollment_event(
            by, substitute, EnrollmentEventKind.SUBSTITUTED, effective_date, **replaced
        )
    return substitute


def _substitution_problems(withdrawn: Enrollment, effective_date: dt.date) -> list[Problem]:
    policy = current_policy(withdrawn.cohort.planned_start)
    problems = []
    if withdrawn.cohort.status not in APPROVED_COHORT_STATUSES:
        problems.append(
            Problem(
                "substitution_not_needed",
                _("Before approval, change the roster itself."),
                "status",
            )
        )
    if withdrawn.status != EnrollmentStatus.WITHDRAWN:
        problems.append(
            Problem("not_withdrawn", _("Only a withdrawn apprentice can be replaced."), "withdrawn")
        )
    elif Enrollment.objects.filter(substitute_for=withdrawn).exists():
        problems.append(
            Problem("already_substituted", _("This apprentice was already replaced."), "withdrawn")
        )
    problems += rules.substitution_problems(
        planned_start=withdrawn.cohort.planned_start, effective_date=effective_date, policy=policy
    )
    return problems


def enrollment_transfer(
    *,
    by: User | None,
    enrollment: Enrollment,
    to: Cohort,
    effective_date: dt.date,
    enterprise_mentor: Mentor | None = None,
    institution_mentor: Mentor | None = None,
) -> Enrollment:
    """Moves an apprentice to another approved or training class of the same enterprise, the
    same occupation and a target level not lower: the old enrollment ends (withdrawn, reason
    "other", naming the new class) and a new one starts, both in the history. The mentors are
    chosen again from the new class's own (those who hold its letter or mentor on its
    roster); none is carried over by default."""
    source = enrollment.cohort
    require_party(by, CHANGE, source)
    mentors = {"enterprise_mentor": enterprise_mentor, "institution_mentor": institution_mentor}
    refuse_if(
        _transfer_problems(enrollment, to)
        + _new_class_mentor_problems(to, mentors)
        + date_problems(enrollment, effective_date, "effective_date")
    )
    start = max(to.planned_start, effective_date)
    with transaction.atomic():
        reopen(by, source)  # the source roster changes: a filing under review is a draft again
        moved = admit(
            to,
            enrollment.person,
            Contract.of(enrollment),
            mentors,
            start=start,
            leaving=enrollment,
            status=_joining_status(to),
        )
        _end_for_transfer(by, enrollment, to, effective_date)
        moved.full_clean()
        moved.save()
        _record_transfer(by, enrollment, moved, effective_date)
    return moved


def _transfer_problems(enrollment: Enrollment, to: Cohort) -> list[Problem]:
    problems = []
    if to.enterprise_id != enrollment.cohort.enterprise_id or to.pk == enrollment.cohort_id:
        problems.append(
            Problem("wrong_class", _("Choose another class of the same enterprise."), "to")
        )
    if to.status not in TRANSFER_TARGET_STATUSES:
        problems.append(
            Problem("class_not_open", _("That class does not take apprentices now."), "to")
        )
    if to.occupation_id != enrollment.cohort.occupation_id:
        message = _("An apprentice moves only to a class of the same occupation.")
        problems.append(Problem("other_occupation", message, "to"))
    if to.target_level < enrollment.cohort.target_level:
        message = _("An apprentice moves only to a class of the same or a higher target level.")
        problems.append(Problem("lower_level", message, "to"))
    if enrollment.status not in OPEN_ENROLLMENT_STATUSES:
        problems.append(ENROLLMENT_FLOW.not_now(enrollment.status))
    return problems


def _new_class_mentor_problems(to: Cohort, mentors: dict[str, Mentor | None]) -> list[Problem]:
    """Each chosen mentor is one of the new class's: holds its letter or mentors on its roster."""
    problems = []
    for role, mentor in mentors.items():
        if mentor is None:
            continue
        of_class = (
            Appointment.objects.filter(mentor=mentor, cohort=to).exists()
            or Enrollment.objects.filter(cohort=to, **{role: mentor}).exists()
        )
        if not of_class:
            message = _("Choose a mentor of the new class.")
            problems.append(Problem("mentor_not_of_class", message, role))
    return problems


def _end_for_transfer(by: User | None, enrollment: Enrollment, to: Cohort, on: dt.date) -> None:
    note = stored_text(say(_("Transferred to class %(code)s."), code=to.code))
    values = {"withdrawn_on": on, "withdrawal_reason": "other", "withdrawal_note": note}
    move_enrollment(
        by=by,
        enrollment=enrollment,
        new=EnrollmentStatus.WITHDRAWN,
        kind=EnrollmentEventKind.TRANSFERRED_OUT,
        on=on,
        values=values,
        details={"to": to.pk, "to_code": to.code},
    )


def _record_transfer(by: User | None, old: Enrollment, moved: Enrollment, on: dt.date) -> None:
    source = old.cohort
    details = {"from": source.pk, "from_code": source.code}
    enrollment_event(by, moved, EnrollmentEventKind.TRANSFERRED_IN, on, **details)
    audit_record(
        by=by,
        action="enrollment.transfer",
        obj=moved,
        before={"enrollment": old.pk, "cohort": source.pk},
        after=snapshot(moved),
        organisation=moved.cohort.enterprise,
    )
