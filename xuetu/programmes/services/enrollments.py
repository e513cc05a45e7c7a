"""The roster: who is in a class, and every change to that after it is filed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.audit import audit_record, json_value, snapshot
from xuetu.core.problems import Problem, Refused, refuse_if, say
from xuetu.core.services import record_create, record_update
from xuetu.core.transitions import transition
from xuetu.programmes import rules, selectors
from xuetu.programmes.choices import (
    APPROVED_COHORT_STATUSES,
    ENROLLMENT_FLOW,
    OPEN_ENROLLMENT_STATUSES,
    TRANSFER_TARGET_STATUSES,
    CohortStatus,
    EnrollmentEventKind,
    EnrollmentStatus,
    MentorKind,
)
from xuetu.programmes.models import (
    Cohort,
    Enrollment,
    EnrollmentEvent,
    Mentor,
)
from xuetu.programmes.services.cohorts import editable_problems, reopen
from xuetu.programmes.services.common import (
    actor,
    current_policy,
    lock,
    require_manager,
    stored_text,
)
from xuetu.registry.models import Person

ROLE_OF_KIND: dict[str, str] = {
    MentorKind.ENTERPRISE: "enterprise_mentor",
    MentorKind.INSTITUTION: "institution_mentor",
}


def _event(
    by: User | None, enrollment: Enrollment, kind: str, on: dt.date, **details: Any
) -> EnrollmentEvent:
    return EnrollmentEvent.objects.create(
        enrollment=enrollment,
        kind=kind,
        effective_date=on,
        by=actor(by),
        details={k: json_value(v) for k, v in details.items()},
    )


WRONG_MENTOR = {
    "enterprise_mentor": _("Choose a mentor of this class's enterprise."),
    "institution_mentor": _("Choose a teacher of this class's institution."),
}


def _check_mentors(
    cohort: Cohort, mentors: dict[str, Mentor | None], *, leaving: Iterable[int] = ()
) -> None:
    """Each mentor is active, belongs to the right party of the class and has room for one
    more, not counting the enrollments `leaving` (a mentor change or a transfer frees one)."""
    owners = {
        "enterprise_mentor": cohort.enterprise_id,
        "institution_mentor": cohort.institution_id,
    }
    chosen = {role: m for role, m in mentors.items() if m is not None}
    for role, mentor in chosen.items():
        if mentor.organisation_id != owners[role] or ROLE_OF_KIND[mentor.kind] != role:
            raise ValidationError({role: WRONG_MENTOR[role]})
        if not mentor.is_active:
            raise ValidationError({role: _("This mentor is no longer active.")})
    # Lock the mentors so two assignments at once cannot both take the last place.
    list(Mentor.objects.select_for_update().filter(pk__in=[m.pk for m in chosen.values()]))
    loads = selectors.mentor_loads([m.pk for m in chosen.values()], exclude=leaving)
    policy = current_policy(cohort.planned_start)
    problems: list[Problem] = []
    for role, mentor in chosen.items():
        facts = selectors.mentor_facts(mentor, load=loads[mentor.pk])
        # Qualification too, not only at submission: a change after approval is checked alike.
        found = rules.mentor_problems(facts, policy) + rules.capacity_problems(
            facts, policy, adding=1
        )
        problems += [Problem(p.code, p.message, role) for p in found]
    refuse_if(problems, _("This mentor cannot take the apprentice."))


@dataclass(frozen=True)
class Contract:
    """The labour contract facts an enrollment carries."""

    category: str
    contract_start: dt.date
    contract_end: dt.date | None = None
    social_insurance: bool = True

    @classmethod
    def of(cls, enrollment: Enrollment) -> Contract:
        return cls(*(getattr(enrollment, f.name) for f in fields(cls)))


def _eligibility(
    person: Person,
    cohort: Cohort,
    contract: Contract,
    *,
    start: dt.date,
    leaving: Cohort | None = None,
) -> list[Problem]:
    """The apprentice's problems in joining `cohort` on `start`; a transfer is not "training
    elsewhere" in the class it is `leaving`."""
    elsewhere = selectors.live_classes([person.pk], exclude_cohort=cohort.pk)[person.pk]
    if leaving is not None:
        elsewhere = [code for code in elsewhere if code != leaving.code]
    facts = selectors.apprentice_facts(
        person,
        contract_start=contract.contract_start,
        contract_end=contract.contract_end,
        social_insurance=contract.social_insurance,
        elsewhere=elsewhere,
    )
    return rules.apprentice_problems(
        facts,
        start=start,
        occupation_code=cohort.occupation.code,
        target_level=cohort.target_level,
        policy=current_policy(cohort.planned_start),
    )


def _admit(
    cohort: Cohort,
    person: Person,
    contract: Contract,
    mentors: dict[str, Mentor | None],
    *,
    start: dt.date,
    leaving: Enrollment | None = None,
    **values: Any,
) -> Enrollment:
    """An unsaved enrollment of `person` in `cohort` from `start`, once the mentors have room
    and the apprentice is eligible; refused with every problem otherwise."""
    _check_mentors(cohort, mentors, leaving=[leaving.pk] if leaving else [])
    problems = _eligibility(
        person, cohort, contract, start=start, leaving=leaving.cohort if leaving else None
    )
    refuse_if(problems, _("The apprentice cannot join this class."))
    return Enrollment(
        cohort=cohort,
        person=person,
        planned_end=cohort.planned_end,
        **asdict(contract),
        **mentors,
        **values,
    )


def enrollment_create(
    *,
    by: User | None,
    cohort: Cohort,
    person: Person,
    category: str,
    contract_start: dt.date,
    contract_end: dt.date | None = None,
    social_insurance: bool = True,
    enterprise_mentor: Mentor | None = None,
    institution_mentor: Mentor | None = None,
) -> Enrollment:
    """Puts an eligible apprentice on the roster of a class not yet approved (after approval,
    use substitution). A filing under review becomes a draft again."""
    require_manager(by, cohort.enterprise_id)
    contract = Contract(category, contract_start, contract_end, social_insurance)
    mentors = {"enterprise_mentor": enterprise_mentor, "institution_mentor": institution_mentor}
    with transaction.atomic():
        lock(cohort)
        refuse_if(editable_problems(cohort))
        enrollment = _admit(cohort, person, contract, mentors, start=cohort.planned_start)
        record_create(by=by, instance=enrollment, organisation=cohort.enterprise)
        _event(by, enrollment, EnrollmentEventKind.ENROLLED, cohort.planned_start)
        reopen(by, cohort)
    return enrollment


ENROLLMENT_FIELDS = (
    "category",
    "contract_start",
    "contract_end",
    "social_insurance",
    "enterprise_mentor",
    "institution_mentor",
)


def enrollment_update(*, by: User | None, enrollment: Enrollment, **fields: Any) -> Enrollment:
    """Corrects a roster line before approval (after it, changes are dated actions). The
    apprentice is checked again, and a filing under review becomes a draft again."""
    cohort = enrollment.cohort
    require_manager(by, cohort.enterprise_id)
    unknown = set(fields) - set(ENROLLMENT_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    with transaction.atomic():
        lock(cohort)
        refuse_if(editable_problems(cohort))
        lock(enrollment)
        before = snapshot(enrollment, list(fields))
        for name, value in fields.items():
            setattr(enrollment, name, value)
        if snapshot(enrollment, list(fields)) == before:
            return enrollment
        mentors = {r: fields[r] for r in ROLE_OF_KIND.values() if fields.get(r) is not None}
        _check_mentors(cohort, mentors, leaving=[enrollment.pk])
        refuse_if(_eligibility_of(enrollment), _("The apprentice cannot join this class."))
        record_update(by=by, instance=enrollment, organisation=cohort.enterprise)
        reopen(by, cohort)
    return enrollment


def _eligibility_of(enrollment: Enrollment) -> list[Problem]:
    cohort = enrollment.cohort
    return _eligibility(
        enrollment.person, cohort, Contract.of(enrollment), start=cohort.planned_start
    )


def _move_enrollment(
    *,
    by: User | None,
    enrollment: Enrollment,
    new: str,
    kind: str,
    on: dt.date,
    values: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> Enrollment:
    """An enrollment's status change, with its history entry."""
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
    _event(by, enrollment, kind, on, **(details or {}))
    return enrollment


def _require_training(enrollment: Enrollment) -> None:
    if enrollment.cohort.status != CohortStatus.IN_TRAINING:
        problem = Problem("class_not_in_training", _("The class is not in training."), "status")
        raise Refused([problem])


def enrollment_activate(*, by: User | None, enrollment: Enrollment, on: dt.date) -> Enrollment:
    """An apprentice starts training in a class already in training (e.g. a substitute)."""
    require_manager(by, enrollment.cohort.enterprise_id, enrollment.cohort.institution_id)
    _require_training(enrollment)
    with transaction.atomic():
        return _move_enrollment(
            by=by,
            enrollment=enrollment,
            new=EnrollmentStatus.ACTIVE,
            kind=EnrollmentEventKind.ACTIVATED,
            on=on,
        )


def enrollment_withdraw(
    *, by: User | None, enrollment: Enrollment, on: dt.date, reason: str, note: str = ""
) -> Enrollment:
    require_manager(by, enrollment.cohort.enterprise_id)
    with transaction.atomic():
        # A roster that changes under review is a new filing: back to draft, like any edit.
        reopen(by, enrollment.cohort)
        return _move_enrollment(
            by=by,
            enrollment=enrollment,
            new=EnrollmentStatus.WITHDRAWN,
            kind=EnrollmentEventKind.WITHDRAWN,
            on=on,
            values={"withdrawn_on": on, "withdrawal_reason": reason, "withdrawal_note": note},
            details={"reason": reason, "note": note},
        )


def enrollment_pause(*, by: User | None, enrollment: Enrollment, on: dt.date) -> Enrollment:
    require_manager(by, enrollment.cohort.enterprise_id)
    with transaction.atomic():
        return _move_enrollment(
            by=by,
            enrollment=enrollment,
            new=EnrollmentStatus.PAUSED,
            kind=EnrollmentEventKind.PAUSED,
            on=on,
            values={"paused_from": on},
        )


def enrollment_resume(*, by: User | None, enrollment: Enrollment, on: dt.date) -> Enrollment:
    """Back to training; the planned end moves by the length of the pause."""
    require_manager(by, enrollment.cohort.enterprise_id)
    paused_from = enrollment.paused_from
    if paused_from is None or on < paused_from:
        raise ValidationError({"on": _("The resumption must not be before the pause began.")})
    planned_end = rules.resumed_planned_end(
        enrollment.planned_end or enrollment.cohort.planned_end,
        paused_from=paused_from,
        resumed_on=on,
    )
    with transaction.atomic():
        return _move_enrollment(
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
    require_manager(by, enrollment.cohort.enterprise_id, enrollment.cohort.institution_id)
    with transaction.atomic():
        return _move_enrollment(
            by=by,
            enrollment=enrollment,
            new=EnrollmentStatus.COMPLETED,
            kind=EnrollmentEventKind.COMPLETED,
            on=on,
        )


def enrollment_change_mentor(
    *,
    by: User | None,
    enrollment: Enrollment,
    kind: str,
    mentor: Mentor,
    effective_date: dt.date,
) -> Enrollment:
    """A new enterprise mentor or institution teacher from `effective_date`."""
    require_manager(by, enrollment.cohort.enterprise_id)
    role = ROLE_OF_KIND[kind]
    with transaction.atomic():
        lock(enrollment)
        if enrollment.status not in OPEN_ENROLLMENT_STATUSES:
            raise Refused([ENROLLMENT_FLOW.not_now(enrollment.status)])
        previous = getattr(enrollment, role)
        if previous == mentor:
            return enrollment
        _check_mentors(enrollment.cohort, {role: mentor}, leaving=[enrollment.pk])
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
    _event(
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
    require_manager(by, cohort.enterprise_id)
    refuse_if(_substitution_problems(withdrawn, effective_date), _("No substitution is possible."))
    contract = Contract(category, contract_start, contract_end, social_insurance)
    mentors = {
        "enterprise_mentor": enterprise_mentor or withdrawn.enterprise_mentor,
        "institution_mentor": institution_mentor or withdrawn.institution_mentor,
    }
    start = max(cohort.planned_start, effective_date)
    with transaction.atomic():
        substitute = _admit(
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
        _event(by, substitute, EnrollmentEventKind.SUBSTITUTED, effective_date, **replaced)
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
    *, by: User | None, enrollment: Enrollment, to: Cohort, effective_date: dt.date
) -> Enrollment:
    """Moves an apprentice to another class of the same enterprise: the old enrollment ends
    (withdrawn, reason "other", naming the new class) and a new one starts, both in the
    history. The enterprise mentor stays; the teacher stays only at the same institution."""
    source = enrollment.cohort
    require_manager(by, source.enterprise_id)
    refuse_if(_transfer_problems(enrollment, to))
    same_school = to.institution_id == source.institution_id
    mentors = {
        "enterprise_mentor": enrollment.enterprise_mentor,
        "institution_mentor": enrollment.institution_mentor if same_school else None,
    }
    start = max(to.planned_start, effective_date)
    with transaction.atomic():
        reopen(by, source)  # the source roster changes: a filing under review is a draft again
        moved = _admit(
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
    if enrollment.status not in OPEN_ENROLLMENT_STATUSES:
        problems.append(ENROLLMENT_FLOW.not_now(enrollment.status))
    return problems


def _end_for_transfer(by: User | None, enrollment: Enrollment, to: Cohort, on: dt.date) -> None:
    note = stored_text(say(_("Transferred to class %(code)s."), code=to.code))
    values = {"withdrawn_on": on, "withdrawal_reason": "other", "withdrawal_note": note}
    _move_enrollment(
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
    _event(by, moved, EnrollmentEventKind.TRANSFERRED_IN, on, **details)
    audit_record(
        by=by,
        action="enrollment.transfer",
        obj=moved,
        before={"enrollment": old.pk, "cohort": source.pk},
        after=snapshot(moved),
        organisation=moved.cohort.enterprise,
    )
