"""Classes (cohorts): the filing, its review, and the life of an approved class."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import Organisation, User
from xuetu.core.access import CHANGE, scope_for
from xuetu.core.audit import snapshot
from xuetu.core.problems import Problem, refuse_if
from xuetu.core.services import (
    actor,
    apply_changes,
    create_numbered,
    lock,
    record_create,
    record_update,
    records_update,
)
from xuetu.core.transitions import transition, transition_all
from xuetu.programmes import rules, selectors
from xuetu.programmes.access import RUN
from xuetu.programmes.choices import (
    COHORT_FLOW,
    EDITABLE_COHORT_STATUSES,
    ENROLLMENT_FLOW,
    CohortStatus,
    EnrollmentEventKind,
    EnrollmentStatus,
    TrainingMode,
)
from xuetu.programmes.hooks import PLAN_PROBLEMS
from xuetu.programmes.models import (
    Cohort,
    CooperationAgreement,
    Enrollment,
    EnrollmentEvent,
)
from xuetu.programmes.services.common import (
    current_policy,
    notify,
    require_manager,
    require_party,
    require_reviewer,
)
from xuetu.programmes.services.numbers import keep_number
from xuetu.registry.models import Enterprise, Institution, Occupation

COHORT_FIELDS = (
    "name",
    "institution",
    "agreement",
    "occupation",
    "target_level",
    "planned_start",
    "planned_end",
    "special_approval",
    "planned_headcount",
    "training_mode",
    "plan_summary",
)


def cohort_create(
    *,
    by: User | None,
    enterprise: Enterprise,
    occupation: Occupation,
    target_level: int,
    planned_start: dt.date,
    planned_end: dt.date,
    planned_headcount: int,
    name: str,
    institution: Institution | None = None,
    agreement: CooperationAgreement | None = None,
    code: str = "",
    special_approval: str = "",
    training_mode: str = TrainingMode.ALTERNATION,
    plan_summary: str = "",
) -> Cohort:
    """A draft class. The institution defaults to the agreement's."""
    require_manager(by, enterprise.pk)
    if institution is None and agreement is not None:
        institution = agreement.institution
    cohort = Cohort(
        enterprise=enterprise,
        institution=institution,
        agreement=agreement,
        occupation=occupation,
        target_level=target_level,
        planned_start=planned_start,
        planned_end=planned_end,
        planned_headcount=planned_headcount,
        name=name.strip(),
        special_approval=special_approval.strip(),
        training_mode=training_mode,
        plan_summary=plan_summary,
    )
    _check_cohort(cohort)
    with transaction.atomic():
        if code.strip():
            cohort.code = code.strip()
            return record_create(by=by, instance=cohort, organisation=enterprise)
        return create_numbered(
            by=by,
            instance=cohort,
            field="code",
            prefix="BJ",
            year=planned_start.year,
            organisation=enterprise,
        )


def _check_cohort(cohort: Cohort) -> None:
    """What can be said at once about a class's own fields; the filing rules (duration,
    agreement in force, roster) are for the submit check, which lists them all."""
    errors: dict[str, Any] = {}
    if cohort.institution_id is None:
        errors["institution"] = _("Choose the training institution.")
    agreement = cohort.agreement
    if agreement is not None and (
        agreement.enterprise_id != cohort.enterprise_id
        or agreement.institution_id != cohort.institution_id
    ):
        errors["agreement"] = _("The agreement is not between this enterprise and institution.")
    if cohort.target_level not in cohort.occupation.level_list:
        errors["target_level"] = _("The occupation has no certificate at this level.")
    if cohort.planned_end <= cohort.planned_start:
        errors["planned_end"] = _("The class must end after it starts.")
    largest = current_policy(cohort.planned_start).max_class_size
    if cohort.planned_headcount > largest:
        errors["planned_headcount"] = _(
            "A class takes at most %(count)d apprentices under the programme's policy."
        ) % {"count": largest}
    if errors:
        raise ValidationError(errors)


def cohort_update(*, by: User | None, cohort: Cohort, **fields: Any) -> Cohort:
    """Edits a filing before approval. Editing a submitted or returned filing returns it to
    draft: a reviewer never approves something other than what was submitted."""
    require_party(by, CHANGE, cohort)
    with transaction.atomic():
        lock(cohort)
        keep_number(cohort, fields, "code")
        refuse_if(editable_problems(cohort))
        before = snapshot(cohort, list(fields))
        if not apply_changes(cohort, fields, editable=COHORT_FIELDS):
            return cohort
        _check_cohort(cohort)
        reopened = cohort.status != CohortStatus.DRAFT
        cohort.status = CohortStatus.DRAFT
        record_update(by=by, instance=cohort, organisation=cohort.enterprise)
        _roster_follows(by, cohort, before)
        if reopened:
            notify_reopened(cohort)
    return cohort


def _roster_follows(by: User | None, cohort: Cohort, before: dict[str, Any]) -> None:
    """The roster of a filing follows its class: another institution means its teachers must
    be named again (the filing check then asks for them), a new end date is everyone's."""
    roster = Enrollment.objects.filter(cohort=cohort)
    changes: dict[str, dict[str, Any]] = {}
    if "institution_id" in before and before["institution_id"] != cohort.institution_id:
        changes["enrollment.follow_institution"] = {"institution_mentor": None}
    if "planned_end" in before and before["planned_end"] != cohort.planned_end.isoformat():
        changes["enrollment.follow_end"] = {"planned_end": cohort.planned_end}
    for action, values in changes.items():
        records_update(
            by=by, queryset=roster, values=values, action=action, organisation=cohort.enterprise
        )


def editable_problems(cohort: Cohort) -> list[Problem]:
    if cohort.status in EDITABLE_COHORT_STATUSES:
        return []
    return [
        Problem(
            "not_editable",
            _("An approved class is changed through its roster actions, not edited."),
            "status",
        )
    ]


def notify_reopened(cohort: Cohort) -> None:
    notify(
        selectors.reviewing_bureaus(cohort),
        "cohort.reopened",
        cohort,
        code=cohort.code,
    )


def _move_cohort(
    *,
    by: User | None,
    cohort: Cohort,
    new: str,
    action: str,
    values: dict[str, Any] | None = None,
) -> Cohort:
    return transition(
        cohort,
        to=new,
        flow=COHORT_FLOW,
        by=by,
        action=action,
        values=values,
        organisation=cohort.enterprise,
    )


def reopen(by: User | None, cohort: Cohort) -> None:
    """A roster change to a filing under or after review makes it a draft again."""
    if cohort.status in (CohortStatus.SUBMITTED, CohortStatus.RETURNED):
        _move_cohort(by=by, cohort=cohort, new=CohortStatus.DRAFT, action="reopen")
        notify_reopened(cohort)


def filing_problems(cohort: Cohort) -> list[Problem]:
    """Everything that stops the class from being submitted (empty: it may be)."""
    policy = current_policy(cohort.planned_start)
    filing = selectors.filing_for(cohort)
    if policy.plan_modules_required and PLAN_PROBLEMS.providers:  # the training app judges
        answers = PLAN_PROBLEMS.answers(cohort, policy)
        filing = replace(filing, plan_problems=[p for answer in answers for p in answer])
    return rules.filing_problems(filing, policy)


def cohort_submit(*, by: User | None, cohort: Cohort) -> Cohort:
    require_party(by, CHANGE, cohort)
    with transaction.atomic():
        refuse_if(COHORT_FLOW.problems(cohort.status, CohortStatus.SUBMITTED))
        refuse_if(filing_problems(cohort), _("The filing has problems; fix them and submit."))
        # A new submission awaits a new decision: the last one (a return) stays in the
        # filing history, not on the class as if it were current.
        values = {
            "submitted_at": timezone.now(),
            "submitted_by": actor(by),
            "reviewed_at": None,
            "reviewed_by": None,
            "review_comment": "",
        }
        _move_cohort(
            by=by, cohort=cohort, new=CohortStatus.SUBMITTED, action="submit", values=values
        )
        notify(
            selectors.reviewing_bureaus(cohort),
            "cohort.submitted",
            cohort,
            code=cohort.code,
        )
    return cohort


# A return or a rejection says why (the page asks it before its confirmation).
COMMENT_NEEDED = _("Say what the enterprise should change or why.")


def _review(
    *, by: User | None, cohort: Cohort, new: str, action: str, comment: str, needs_comment: bool
) -> Cohort:
    require_reviewer(by, cohort)
    comment = comment.strip()
    if needs_comment and not comment:
        raise ValidationError({"comment": COMMENT_NEEDED})
    values = {"reviewed_at": timezone.now(), "reviewed_by": actor(by), "review_comment": comment}
    with transaction.atomic():
        if new == CohortStatus.APPROVED:
            # What was true at submission may not be now (an agreement edited since, say).
            refuse_if(COHORT_FLOW.problems(cohort.status, new))
            stored = Cohort.objects.get(pk=cohort.pk)
            if stored.status == cohort.status:  # else the move says "changed meanwhile"
                refuse_if(filing_problems(stored), _("The filing no longer passes its checks."))
        _move_cohort(by=by, cohort=cohort, new=new, action=action, values=values)
        parties = [cohort.enterprise, cohort.institution]
        notify(parties, f"cohort.{new}", cohort, code=cohort.code, comment=comment)
    return cohort


def cohort_approve(*, by: User | None, cohort: Cohort, comment: str = "") -> Cohort:
    return _review(
        by=by,
        cohort=cohort,
        new=CohortStatus.APPROVED,
        action="approve",
        comment=comment,
        needs_comment=False,
    )


def cohort_return(*, by: User | None, cohort: Cohort, comment: str) -> Cohort:
    return _review(
        by=by,
        cohort=cohort,
        new=CohortStatus.RETURNED,
        action="return",
        comment=comment,
        needs_comment=True,
    )


def cohort_reject(*, by: User | None, cohort: Cohort, comment: str) -> Cohort:
    return _review(
        by=by,
        cohort=cohort,
        new=CohortStatus.REJECTED,
        action="reject",
        comment=comment,
        needs_comment=True,
    )


def cohort_withdraw(*, by: User | None, cohort: Cohort) -> Cohort:
    """The enterprise takes back a draft or a filing awaiting review."""
    require_party(by, CHANGE, cohort)
    was_submitted = cohort.status == CohortStatus.SUBMITTED
    with transaction.atomic():
        _move_cohort(by=by, cohort=cohort, new=CohortStatus.WITHDRAWN, action="withdraw")
        if was_submitted:
            bureaus = selectors.reviewing_bureaus(cohort)
            notify(bureaus, "cohort.withdrawn", cohort, code=cohort.code)
    return cohort


def start_problems(cohort: Cohort, on: dt.date, today: dt.date) -> list[Problem]:
    """The actual start: not in the future, and not earlier than the planned start less the
    policy's tolerance, unless the district reviewer consented to a start from that date."""
    if on > today:
        return [Problem("future_date", _("The training cannot start on a future date."), "on")]
    earliest = cohort.planned_start - dt.timedelta(
        days=current_policy(cohort.planned_start).start_tolerance_days
    )
    if cohort.early_start_from is not None:
        earliest = min(earliest, cohort.early_start_from)
    if on < earliest:
        message = _(
            "The class may start on %(date)s at the earliest (its planned start less the "
            "policy's tolerance, or the date the district reviewer allowed); an earlier start "
            "needs the district reviewer's consent."
        ) % {"date": f"{earliest:%Y-%m-%d}"}
        return [Problem("start_too_early", message, "on")]
    return []


def complete_problems(cohort: Cohort, on: dt.date, today: dt.date) -> list[Problem]:
    """The actual end: not in the future, not before the training started, and not before the
    planned end, unless the district reviewer consented, with a reason, to a completion from
    that date, or every apprentice has finished (completed, e.g. assessed, or withdrawn)."""
    if on > today:
        return [Problem("future_date", _("The training cannot end on a future date."), "on")]
    earliest = cohort.planned_end
    if cohort.early_completion_from is not None:
        earliest = min(earliest, cohort.early_completion_from)
    if on < earliest and not selectors.roster_finished(cohort):
        message = _(
            "The class may complete on %(date)s at the earliest (its planned end, or the date "
            "the district reviewer allowed): completing earlier needs a reason and the "
            "district reviewer's consent."
        ) % {"date": f"{earliest:%Y-%m-%d}"}
        return [Problem("early_completion", message, "on")]
    return []


def _tell_parties_and_reviewer(by: User | None, cohort: Cohort, kind: str) -> None:
    """The other party and the district that reviews the class (the acting side knows)."""
    recipients = [*_other_parties(by, cohort), *selectors.reviewing_bureaus(cohort)]
    notify(recipients, kind, cohort, code=cohort.code)


def cohort_start(*, by: User | None, cohort: Cohort, on: dt.date) -> Cohort:
    """Training begins on its actual start date `on`: everyone enrolled becomes active then."""
    require_party(by, RUN, cohort)
    refuse_if(start_problems(cohort, on, timezone.localdate()))
    with transaction.atomic():
        _move_cohort(by=by, cohort=cohort, new=CohortStatus.IN_TRAINING, action="start")
        move_roster(
            by,
            cohort,
            EnrollmentStatus.ENROLLED,
            EnrollmentStatus.ACTIVE,
            on,
            EnrollmentEventKind.ACTIVATED,
        )
        _tell_parties_and_reviewer(by, cohort, "cohort.started")
    return cohort


def cohort_complete(*, by: User | None, cohort: Cohort, on: dt.date) -> Cohort:
    """Training ends on its actual end date `on`: everyone active completes then (one who
    completed earlier keeps their own date). Paused apprentices stay paused until they resume
    and complete, or withdraw."""
    require_party(by, RUN, cohort)
    refuse_if(complete_problems(cohort, on, timezone.localdate()))
    with transaction.atomic():
        _move_cohort(by=by, cohort=cohort, new=CohortStatus.COMPLETED, action="complete")
        move_roster(
            by,
            cohort,
            EnrollmentStatus.ACTIVE,
            EnrollmentStatus.COMPLETED,
            on,
            EnrollmentEventKind.COMPLETED,
        )
        _tell_parties_and_reviewer(by, cohort, "cohort.completed")
    return cohort


def cohort_close(*, by: User | None, cohort: Cohort) -> Cohort:
    """The bureau closes the file of a completed class."""
    require_reviewer(by, cohort)
    with transaction.atomic():
        _move_cohort(by=by, cohort=cohort, new=CohortStatus.CLOSED, action="close")
        parties = [cohort.enterprise, cohort.institution]
        notify(parties, "cohort.closed", cohort, code=cohort.code)
    return cohort


def _other_parties(by: User | None, cohort: Cohort) -> list[Organisation]:
    mine = scope_for(by).org_ids if by is not None else frozenset()
    return [o for o in (cohort.enterprise, cohort.institution) if o.pk not in mine]


def move_roster(
    by: User | None, cohort: Cohort, old: str, new: str, on: dt.date, kind: str
) -> None:
    """Moves every enrollment of the class in `old` to `new`, each with its history entry
    and audit event."""
    moving = list(cohort.enrollments.filter(status=old).values_list("pk", flat=True))
    transition_all(
        Enrollment,
        pks=moving,
        old=old,
        to=new,
        flow=ENROLLMENT_FLOW,
        by=by,
        action=kind,
        organisation=cohort.enterprise,
    )
    EnrollmentEvent.objects.bulk_create(
        EnrollmentEvent(enrollment_id=pk, kind=kind, effective_date=on, by=actor(by))
        for pk in moving
    )
