"""Class registers and hours (issue 9 item 3): the writes and the reads built on them.

A register (`Session`) is recorded for the whole class at once by the module's teacher or
mentor, or for one apprentice by their own mentor: one hours entry per apprentice, present
or absent. The apprentice or the other mentor confirms an entry; the apprentice may dispute it
with a reason, and the module's responsible person or a manager of the class resolves the
dispute (kept or cancelled) with a reason. An entry is never edited: a correction is a new
entry that cancels it, with a reason. Each write is one transaction with one audit event and
a fixed number of queries, whatever the size of the class (register_rules says what is
refused and why).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.access import require
from xuetu.core.audit import audit_record
from xuetu.core.problems import Problem, refuse_if, say
from xuetu.core.services import actor, lock
from xuetu.core.uploads import JPEG, MP4, PDF, PNG, check_upload
from xuetu.programmes.choices import EnrollmentEventKind, EnrollmentStatus
from xuetu.programmes.models import Cohort, Enrollment, EnrollmentEvent, Mentor
from xuetu.programmes.selectors import current_policy
from xuetu.programmes.services.lifecycle import standing
from xuetu.training import register_rules as rules
from xuetu.training.access import CONFIRM, CORRECT, DISPUTE, REGISTER, RESOLVE
from xuetu.training.choices import (
    STANDING_HOURS,
    DisputeOutcome,
    EvidenceKind,
    HoursStatus,
)
from xuetu.training.models import Evidence, Hours, Module, Session

_K = EnrollmentEventKind
START_KINDS = (_K.ACTIVATED, _K.SUBSTITUTED, _K.TRANSFERRED_IN)
END_KINDS = (_K.COMPLETED, _K.TRANSFERRED_OUT)
_S = EnrollmentStatus
STARTED_STATUSES = (_S.ACTIVE, _S.PAUSED, _S.COMPLETED)

# Evidence a register may carry: what each kind accepts and up to what size.
EVIDENCE_KINDS = {
    EvidenceKind.PHOTO: ((JPEG, PNG), 10 * 1024 * 1024),
    EvidenceKind.SHEET: ((PDF, JPEG, PNG), 10 * 1024 * 1024),
    EvidenceKind.VIDEO: ((MP4,), 100 * 1024 * 1024),
}
MAX_EVIDENCE_PER_REGISTER = 20

NOT_PENDING = Problem(
    "not_pending", _("Only hours awaiting confirmation can be confirmed or disputed."), "status"
)
NOT_DISPUTED = Problem("not_disputed", _("Only disputed hours can be resolved."), "status")
OWN_REGISTER = Problem(
    "own_register",
    _("You recorded these hours: the apprentice or the other mentor confirms them."),
    None,
)
ALREADY_CANCELLED = Problem(
    "already_cancelled", _("These hours were already cancelled or corrected."), "status"
)
TOO_MUCH_EVIDENCE = Problem(
    "too_much_evidence",
    say(_("A register keeps at most %(count)s files."), count=MAX_EVIDENCE_PER_REGISTER),
    "file",
)


@dataclass(frozen=True)
class Mark:
    """One apprentice on a register: present or absent."""

    enrollment: int
    present: bool


# ---- Recording -------------------------------------------------------------------------------


def session_record(
    *,
    by: User,
    cohort: Cohort,
    module: Module,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    attendance: Sequence[Mark],
    place: str = "",
    note: str = "",
    today: dt.date | None = None,
) -> Session:
    """A register for the class (or for one apprentice): every rule of register_rules, then
    the session and one hours entry per apprentice in one insert."""
    require(by, REGISTER, cohort)
    _check_input(cohort, module, start_time, end_time, attendance)
    today = today or timezone.localdate()
    with transaction.atomic():
        lock(cohort)  # registers of one class are recorded one at a time (overlaps, limits)
        enrollments = _roster(cohort, attendance)
        slot = rules.Slot(rules.minutes_of(start_time), rules.minutes_of(end_time))
        class_start = min(d for d in (cohort.planned_start, cohort.early_start_from) if d)
        facts = _facts(by, enrollments, attendance, date, class_start)
        responsible = module.responsible is not None and module.responsible.person.user_id == by.pk
        policy = current_policy(date)
        register = rules.Register(
            date=date,
            slot=slot,
            today=today,
            class_start=class_start,
            class_end=cohort.planned_end,
            responsible=responsible,
            max_minutes_per_day=(policy.max_hours_per_day * 60)
            if policy.max_hours_per_day
            else None,
            lines=facts,
        )
        refuse_if(rules.register_problems(register))
        mentor = module.responsible if responsible else _own_mentor(by, enrollments)
        session = Session(
            cohort=cohort,
            module=module,
            date=date,
            start_time=start_time,
            end_time=end_time,
            place=place or module.place,
            mentor=mentor,
            recorded_by=by,
            note=note.strip(),
        )
        session.full_clean(exclude=["cohort", "module", "mentor", "recorded_by"])
        session.save()
        Hours.objects.bulk_create(
            Hours(
                session=session,
                enrollment_id=mark.enrollment,
                cohort=cohort,
                date=date,
                present=mark.present,
                minutes=slot.minutes if mark.present else 0,
            )
            for mark in attendance
        )
        present = sum(1 for mark in attendance if mark.present)
        audit_record(
            by=by,
            action="session.create",
            obj=session,
            after={
                "date": date.isoformat(),
                "start_time": rules.clock(slot.start),
                "end_time": rules.clock(slot.end),
                "module": module.pk,
                "present": present,
                "absent": len(attendance) - present,
            },
            organisation=cohort.enterprise,
        )
    return session


def _check_input(
    cohort: Cohort,
    module: Module,
    start_time: dt.time,
    end_time: dt.time,
    attendance: Sequence[Mark],
) -> None:
    """Malformed input: field errors (400), before any rule is asked."""
    errors: dict[str, Any] = {}
    if module.plan.cohort_id != cohort.pk:
        errors["module"] = _("Choose a module of this class's training plan.")
    if end_time <= start_time:
        errors["end_time"] = _("The end time must be after the start time.")
    ids = [mark.enrollment for mark in attendance]
    if not ids:
        errors["attendance"] = _("Mark at least one apprentice present or absent.")
    elif len(set(ids)) != len(ids):
        errors["attendance"] = _("Each apprentice appears once on a register.")
    if errors:
        raise ValidationError(errors)


def _roster(cohort: Cohort, attendance: Sequence[Mark]) -> dict[int, Enrollment]:
    ids = [mark.enrollment for mark in attendance]
    enrollments = {
        e.pk: e
        for e in Enrollment.objects.filter(cohort=cohort, pk__in=ids).select_related(
            "person", "enterprise_mentor__person", "institution_mentor__person"
        )
    }
    if len(enrollments) != len(ids):
        raise ValidationError({"attendance": _("Every apprentice must be on the class's roster.")})
    return enrollments


def _facts(
    by: User,
    enrollments: dict[int, Enrollment],
    attendance: Sequence[Mark],
    date: dt.date,
    class_start: dt.date,
) -> list[rules.Line]:
    """What the rules read of each apprentice, in three queries whatever the class's size."""
    events: dict[int, list[EnrollmentEvent]] = defaultdict(list)
    rows = standing(
        EnrollmentEvent.objects.filter(
            enrollment_id__in=enrollments,
            kind__in=(*START_KINDS, *END_KINDS, _K.PAUSED, _K.RESUMED),
        )
    ).order_by("effective_date", "at", "pk")
    for event in rows:
        events[event.enrollment_id].append(event)
    people = {e.person_id for e in enrollments.values()}
    same_day: dict[int, list[rules.Slot]] = defaultdict(list)
    minutes: dict[int, int] = defaultdict(int)
    for person, count, start, end in Hours.objects.filter(
        enrollment__person_id__in=people, date=date, present=True, status__in=STANDING_HOURS
    ).values_list("enrollment__person_id", "minutes", "session__start_time", "session__end_time"):
        same_day[person].append(rules.Slot(rules.minutes_of(start), rules.minutes_of(end)))
        minutes[person] += count
    lines = []
    for mark in attendance:
        enrollment = enrollments[mark.enrollment]
        started, completed, pauses = _span(enrollment, events[enrollment.pk], class_start)
        lines.append(
            rules.Line(
                name=enrollment.person.name,
                present=mark.present,
                started_on=started,
                completed_on=completed,
                withdrawn_on=enrollment.withdrawn_on,
                pauses=pauses,
                own_mentor=by.pk in _mentor_users(enrollment),
                same_day=same_day[enrollment.person_id],
                minutes_that_day=minutes[enrollment.person_id],
            )
        )
    return lines


def _span(
    enrollment: Enrollment, events: Iterable[EnrollmentEvent], class_start: dt.date
) -> tuple[dt.date | None, dt.date | None, list[tuple[dt.date, dt.date | None]]]:
    """When the apprentice's training started and ended, and its pauses, from its history."""
    started: dt.date | None = None
    completed: dt.date | None = None
    pauses: list[tuple[dt.date, dt.date | None]] = []
    for event in events:
        if event.kind in START_KINDS and started is None:
            started = event.effective_date
        elif event.kind in END_KINDS:
            completed = event.effective_date
        elif event.kind == _K.PAUSED:
            pauses.append((event.effective_date, None))
        elif event.kind == _K.RESUMED and pauses and pauses[-1][1] is None:
            pauses[-1] = (pauses[-1][0], event.effective_date)
    if started is None and enrollment.status in STARTED_STATUSES:
        # Rows made before the history was kept: the class's start stands for the event.
        started = class_start
    still_paused = bool(pauses) and pauses[-1][1] is None
    if enrollment.status == EnrollmentStatus.PAUSED and enrollment.paused_from and not still_paused:
        pauses.append((enrollment.paused_from, None))
    return started, completed, pauses


def _mentor_users(enrollment: Enrollment) -> set[int]:
    return {
        mentor.person.user_id
        for mentor in (enrollment.enterprise_mentor, enrollment.institution_mentor)
        if mentor is not None and mentor.person.user_id is not None
    }


def _own_mentor(by: User, enrollments: dict[int, Enrollment]) -> Mentor:
    for enrollment in enrollments.values():
        for mentor in (enrollment.enterprise_mentor, enrollment.institution_mentor):
            if mentor is not None and mentor.person.user_id == by.pk:
                return mentor
    raise AssertionError("the rules let only a responsible person or a mentor record")


# ---- Confirmation, disputes, corrections -----------------------------------------------------


def _locked(hours: Hours) -> Hours:
    stored = Hours.objects.select_for_update(of=("self",)).select_related(
        "session__mentor__person", "session__module__responsible__person", "cohort"
    )
    return stored.get(pk=hours.pk)


def hours_confirm(*, by: User, hours: Hours) -> Hours:
    """The apprentice, or the mentor who did not record them, confirms the hours."""
    require(by, CONFIRM, hours)
    with transaction.atomic():
        stored = _locked(hours)
        refuse_if(_confirm_problems(by, stored))
        stored.status = HoursStatus.CONFIRMED
        stored.confirmed_by = actor(by)
        stored.confirmed_at = timezone.now()
        stored.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        audit_record(
            by=by, action="hours.confirm", obj=stored, organisation=stored.cohort.enterprise
        )
    return stored


def _confirm_problems(by: User, hours: Hours) -> list[Problem]:
    if hours.status != HoursStatus.PENDING:
        return [NOT_PENDING]
    if hours.session.mentor.person.user_id == by.pk:
        return [OWN_REGISTER]
    return []


def hours_confirm_many(*, by: User, hours: QuerySet[Hours]) -> int:
    """Every pending entry of `hours` the user may confirm, confirmed at once (the
    apprentice's "confirm all"); the others are left as they are. Answers how many."""
    with transaction.atomic():
        mine = (
            hours.model.objects.for_user(by, CONFIRM)
            .filter(pk__in=hours.values("pk"), status=HoursStatus.PENDING)
            .exclude(session__mentor__person__user_id=by.pk)
        )
        ids = list(mine.values_list("pk", flat=True))
        count = Hours.objects.filter(pk__in=ids, status=HoursStatus.PENDING).update(
            status=HoursStatus.CONFIRMED, confirmed_by=actor(by), confirmed_at=timezone.now()
        )
        if count:
            first = Hours.objects.select_related("cohort__enterprise").get(pk=ids[0])
            audit_record(
                by=by,
                action="hours.confirm_many",
                obj=first,
                after={"hours": ids},
                organisation=first.cohort.enterprise,
            )
    return count


def hours_dispute(*, by: User, hours: Hours, reason: str) -> Hours:
    """The apprentice disputes hours awaiting confirmation, with a reason."""
    require(by, DISPUTE, hours)
    reason = _reason(reason, "reason")
    with transaction.atomic():
        stored = _locked(hours)
        refuse_if([] if stored.status == HoursStatus.PENDING else [NOT_PENDING])
        stored.status = HoursStatus.DISPUTED
        stored.dispute_reason = reason
        stored.disputed_at = timezone.now()
        stored.save(update_fields=["status", "dispute_reason", "disputed_at"])
        audit_record(
            by=by,
            action="hours.dispute",
            obj=stored,
            after={"reason": reason},
            organisation=stored.cohort.enterprise,
        )
    return stored


def hours_resolve(*, by: User, hours: Hours, outcome: str, reason: str) -> Hours:
    """The module's responsible person or a manager of the class keeps or cancels disputed
    hours, with a reason."""
    require(by, RESOLVE, hours)
    reason = _reason(reason, "reason")
    if outcome not in DisputeOutcome.values:
        raise ValidationError({"outcome": _("Choose whether the hours are kept or cancelled.")})
    with transaction.atomic():
        stored = _locked(hours)
        refuse_if([] if stored.status == HoursStatus.DISPUTED else [NOT_DISPUTED])
        stored.status = (
            HoursStatus.CONFIRMED if outcome == DisputeOutcome.KEPT else HoursStatus.CANCELLED
        )
        stored.outcome = outcome
        stored.outcome_reason = reason
        stored.resolved_by = actor(by)
        stored.resolved_at = timezone.now()
        stored.save(
            update_fields=["status", "outcome", "outcome_reason", "resolved_by", "resolved_at"]
        )
        audit_record(
            by=by,
            action="hours.resolve",
            obj=stored,
            after={"outcome": outcome, "reason": reason},
            organisation=stored.cohort.enterprise,
        )
    return stored


def hours_correct(
    *, by: User, hours: Hours, present: bool, minutes: int | None = None, reason: str
) -> Hours:
    """A new entry that cancels `hours` (present or absent, for at most the register's
    length), with a reason; it awaits confirmation again. The old entry stays, cancelled."""
    require(by, CORRECT, hours)
    reason = _reason(reason, "reason")
    with transaction.atomic():
        stored = _locked(hours)
        session = stored.session
        length = session.minutes
        new_minutes = (length if minutes is None else minutes) if present else 0
        if not 0 <= new_minutes <= length:
            raise ValidationError(
                {"minutes": say(_("Enter between 0 and %(most)s minutes."), most=length)}
            )
        if stored.status == HoursStatus.CANCELLED or Hours.objects.filter(cancels=stored).exists():
            refuse_if([ALREADY_CANCELLED])
        if present and new_minutes:
            refuse_if(_limit_problems(stored, new_minutes))
        stored.status = HoursStatus.CANCELLED
        stored.save(update_fields=["status"])
        new = Hours.objects.create(
            session=session,
            enrollment_id=stored.enrollment_id,
            cohort_id=stored.cohort_id,
            date=stored.date,
            present=present,
            minutes=new_minutes,
            cancels=stored,
            correction_reason=reason,
        )
        audit_record(
            by=by,
            action="hours.correct",
            obj=new,
            before={"hours": stored.pk, "present": stored.present, "minutes": stored.minutes},
            after={"present": present, "minutes": new_minutes, "reason": reason},
            organisation=stored.cohort.enterprise,
        )
    return new


def _limit_problems(old: Hours, minutes: int) -> list[Problem]:
    """The daily limit for a corrected entry (the entry it replaces no longer counts)."""
    policy = current_policy(old.date)
    if not policy.max_hours_per_day:
        return []
    enrollment = Enrollment.objects.select_related("person").get(pk=old.enrollment_id)
    others = (
        Hours.objects.filter(
            enrollment__person_id=enrollment.person_id,
            date=old.date,
            present=True,
            status__in=STANDING_HOURS,
        )
        .exclude(pk=old.pk)
        .aggregate(total=Sum("minutes"))["total"]
        or 0
    )
    limit = policy.max_hours_per_day * 60
    if others + minutes <= limit:
        return []
    message = say(
        rules.OVER_LIMIT,
        name=enrollment.person.name,
        hours=f"{(others + minutes) / 60:g}",
        limit=f"{limit / 60:g}",
    )
    return [Problem("over_daily_limit", message, "minutes")]


def _reason(text: str, field: str) -> str:
    from xuetu.core.validators import validate_line

    text = (text or "").strip()
    if not text:
        raise ValidationError({field: _("Give a reason.")})
    if len(text) > 500:
        raise ValidationError({field: _("Keep the reason under 500 characters.")})
    try:
        validate_line(text)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error
    return text


# ---- Evidence --------------------------------------------------------------------------------


def evidence_kinds(kind: str):
    return EVIDENCE_KINDS[EvidenceKind(kind)]


def evidence_add(*, by: User, session: Session, kind: str, upload: UploadedFile) -> Evidence:
    """A photo, signed sheet or video of the register, by whoever may record the class's
    registers; the content is sniffed, the size bounded, the name random."""
    require(by, REGISTER, session.cohort)
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": _("Choose a photo, a signed sheet or a video.")})
    kinds, most = evidence_kinds(kind)
    try:
        found = check_upload(upload, kinds=kinds, max_bytes=most)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    with transaction.atomic():
        lock(session)
        if session.evidence.count() >= MAX_EVIDENCE_PER_REGISTER:
            refuse_if([TOO_MUCH_EVIDENCE])
        evidence = Evidence(
            session=session,
            kind=kind,
            original_name=(upload.name or "")[-200:],
            size=upload.size or 0,
            content_type=found.content_type,
            uploaded_by=by,
        )
        evidence.file.save(upload.name or "evidence", upload, save=False)
        evidence.save()
        audit_record(
            by=by,
            action="evidence.create",
            obj=evidence,
            after={"kind": kind, "size": evidence.size},
            organisation=session.cohort.enterprise,
        )
    return evidence


# ---- Reads -----------------------------------------------------------------------------------


def register_roster(cohort: Cohort, date: dt.date) -> list[Enrollment]:
    """The apprentices a register of `date` lists: those whose training is under way in the
    class that day (started, not completed, not withdrawn, not paused), by name."""
    enrollments = list(
        Enrollment.objects.filter(cohort=cohort)
        .exclude(status=EnrollmentStatus.ENROLLED)
        .select_related(
            "person", "cohort", "enterprise_mentor__person", "institution_mentor__person"
        )
        .order_by("person__name", "pk")
    )
    events: dict[int, list[EnrollmentEvent]] = defaultdict(list)
    for event in standing(
        EnrollmentEvent.objects.filter(
            enrollment__cohort=cohort, kind__in=(*START_KINDS, *END_KINDS, _K.PAUSED, _K.RESUMED)
        )
    ).order_by("effective_date", "at", "pk"):
        events[event.enrollment_id].append(event)
    listed = []
    for enrollment in enrollments:
        started, completed, pauses = _span(enrollment, events[enrollment.pk], cohort.planned_start)
        if started is None or date < started:
            continue
        if completed is not None and date > completed:
            continue
        if enrollment.withdrawn_on is not None and date >= enrollment.withdrawn_on:
            continue
        if any(s <= date and (e is None or date < e) for s, e in pauses):
            continue
        listed.append(enrollment)
    return listed


def recordable_modules(by: User, cohort: Cohort) -> QuerySet[Module]:
    """The modules of the class's plan the user may record a whole register for (those they
    are responsible for), or every module when they mentor an apprentice of the class (their
    own apprentices' hours)."""
    modules = Module.objects.filter(plan__cohort=cohort).select_related("responsible__person")
    mentors = Enrollment.objects.filter(cohort=cohort).filter(
        Q(enterprise_mentor__person__user_id=by.pk) | Q(institution_mentor__person__user_id=by.pk)
    )
    if mentors.exists():
        return modules.order_by("order", "pk")
    return modules.filter(responsible__person__user_id=by.pk).order_by("order", "pk")


@dataclass(frozen=True)
class Progress:
    """One apprentice's hours against the plan: per module, confirmed and awaiting."""

    enrollment: Enrollment
    confirmed: dict[int, int]  # module id -> minutes
    pending: dict[int, int]

    def confirmed_hours(self, module_id: int | None = None) -> float:
        values = (
            self.confirmed.values() if module_id is None else [self.confirmed.get(module_id, 0)]
        )
        return sum(values) / 60

    def pending_hours(self, module_id: int | None = None) -> float:
        values = self.pending.values() if module_id is None else [self.pending.get(module_id, 0)]
        return sum(values) / 60


def progress(cohort: Cohort, enrollments: Iterable[Enrollment]) -> list[Progress]:
    """Each apprentice's hours per module, in one query for the whole class."""
    chosen = list(enrollments)
    confirmed: dict[int, dict[int, int]] = defaultdict(dict)
    pending: dict[int, dict[int, int]] = defaultdict(dict)
    rows = (
        Hours.objects.filter(
            cohort=cohort,
            enrollment__in=[e.pk for e in chosen],
            present=True,
            status__in=STANDING_HOURS,
        )
        .values("enrollment_id", "session__module_id", "status")
        .annotate(minutes=Sum("minutes"), entries=Count("pk"))
    )
    for row in rows:
        into = confirmed if row["status"] == HoursStatus.CONFIRMED else pending
        module = row["session__module_id"]
        into[row["enrollment_id"]][module] = (
            into[row["enrollment_id"]].get(module, 0) + row["minutes"]
        )
    return [Progress(e, confirmed[e.pk], pending[e.pk]) for e in chosen]
