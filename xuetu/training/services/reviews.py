"""Three-party progress reviews (issue 9 item 4): due every N months of the policy from the
enrollment's start until its end; started by the enterprise mentor and signed by the mentor,
the teacher and the apprentice in that order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.access import CHANGE, VIEW, require
from xuetu.core.dates import add_days, add_months
from xuetu.core.problems import Problem, refuse_if
from xuetu.core.services import apply_changes, lock, record_create, record_update
from xuetu.programmes.choices import EnrollmentEventKind, EnrollmentStatus
from xuetu.programmes.models import Enrollment, EnrollmentEvent
from xuetu.programmes.selectors import current_policy
from xuetu.programmes.services.lifecycle import standing
from xuetu.training.models import Review

MENTOR, TEACHER, APPRENTICE = "mentor", "teacher", "apprentice"
ORDER = (MENTOR, TEACHER, APPRENTICE)
SIGNER_NAMES = {
    MENTOR: _("the enterprise mentor"),
    TEACHER: _("the teacher"),
    APPRENTICE: _("the apprentice"),
}
NOT_MENTOR = Problem(
    "not_mentor", _("Only the apprentice's enterprise mentor starts a review."), None
)
SIGNED = Problem(
    "review_signed", _("The mentor has signed the review: it no longer changes."), None
)
ALREADY_SIGNED = Problem("already_signed", _("You have already signed this review."), None)
NOT_SIGNATORY = Problem(
    "not_signatory",
    _("Only the enterprise mentor, the teacher and the apprentice sign a review."),
    None,
)
NOT_DUE = Problem("review_not_due", _("The period of this review has not begun yet."), "number")
EXISTS = Problem("review_exists", _("This period's review is already started."), "number")


def sign_order(next_signer: str) -> Problem:
    return Problem(
        "sign_order",
        _("The review is signed in order: %(who)s signs next.")
        % {"who": SIGNER_NAMES[next_signer]},
        None,
    )


@dataclass(frozen=True)
class Period:
    number: int
    start: dt.date
    due_on: dt.date  # the period's last day (or the enrollment's end)


def periods(start: dt.date, end: dt.date, months: int) -> list[Period]:
    """Review k covers [start + (k-1)·N months, start + k·N months) and is due on its last
    day; periods run until `end` (the last one is due on `end` if that comes first). Months
    counted from `start` each time, so a 31 January start does not drift."""
    months = max(1, months)
    found: list[Period] = []
    k = 1
    while True:
        begins = add_months(start, (k - 1) * months)
        if begins > end or begins == dt.date.max or k > 1200:
            return found
        due = min(add_days(add_months(start, k * months), -1), end)
        found.append(Period(k, begins, max(due, begins)))
        k += 1


def enrollment_spans(enrollments: list[Enrollment]) -> dict[int, tuple[dt.date, dt.date]]:
    """Each enrollment's start (its training-started change, else the class's planned start)
    and end (withdrawal, completion, else the planned end): one query for them all."""
    rows = (
        standing(EnrollmentEvent.objects.filter(enrollment__in=[e.pk for e in enrollments]))
        .filter(kind__in=(EnrollmentEventKind.ACTIVATED, EnrollmentEventKind.COMPLETED))
        .order_by("effective_date", "pk")
        .values_list("enrollment_id", "kind", "effective_date")
    )
    found: dict[int, dict[str, dt.date]] = {}
    for pk, kind, on in rows:
        found.setdefault(pk, {}).setdefault(kind, on)  # the first of each kind
    spans = {}
    for e in enrollments:
        events = found.get(e.pk, {})
        cohort = e.cohort
        start = events.get(EnrollmentEventKind.ACTIVATED) or cohort.planned_start
        end = (
            e.withdrawn_on
            or events.get(EnrollmentEventKind.COMPLETED)
            or e.planned_end
            or cohort.planned_end
        )
        spans[e.pk] = (start, end)
    return spans


def enrollment_span(enrollment: Enrollment) -> tuple[dt.date, dt.date]:
    return enrollment_spans([enrollment])[enrollment.pk]


def periods_of(enrollments: list[Enrollment]) -> dict[int, list[Period]]:
    """Each enrollment's review periods under the policy in force at its start: a query for
    the events and one per distinct start date's policy (a class's apprentices share one)."""
    policies: dict[dt.date, int] = {}
    found = {}
    for pk, (start, end) in enrollment_spans(enrollments).items():
        if start not in policies:
            policies[start] = current_policy(start).review_interval_months
        found[pk] = periods(start, end, policies[start])
    return found


def review_periods(enrollment: Enrollment) -> list[Period]:
    return periods_of([enrollment])[enrollment.pk]


def due_reviews(enrollment: Enrollment, today: dt.date) -> list[Period]:
    """The periods due by `today` with no fully signed review."""
    signed = set(
        Review.objects.filter(
            enrollment=enrollment, apprentice_signed_at__isnull=False
        ).values_list("number", flat=True)
    )
    return [p for p in review_periods(enrollment) if p.due_on <= today and p.number not in signed]


def overdue(review_or_period: Review | Period, today: dt.date, signed: bool = False) -> bool:
    return review_or_period.due_on < today and not signed


# ---- Who signs -------------------------------------------------------------------------------


def roles_of(user: User, review: Review) -> set[str]:
    enrollment = review.enrollment
    roles = set()
    em, im = enrollment.enterprise_mentor, enrollment.institution_mentor
    if em is not None and em.person.user_id == user.pk:
        roles.add(MENTOR)
    if im is not None and im.person.user_id == user.pk:
        roles.add(TEACHER)
    if enrollment.person.user_id == user.pk:
        roles.add(APPRENTICE)
    return roles


def next_signer(review: Review) -> str | None:
    for role in ORDER:
        if getattr(review, f"{role}_signed_at") is None:
            return role
    return None


def sign_problems(user: User, review: Review) -> tuple[str | None, list[Problem]]:
    """The role `user` signs in now, or the problems."""
    roles = roles_of(user, review)
    if not roles:
        return None, [NOT_SIGNATORY]
    waiting = next_signer(review)
    if waiting in roles:
        return waiting, []
    if all(getattr(review, f"{r}_signed_at") is not None for r in roles):
        return None, [ALREADY_SIGNED]
    assert waiting is not None  # some role of the user's is unsigned, so someone is next
    return None, [sign_order(waiting)]


def is_mentor(user: User | None, enrollment: Enrollment) -> bool:
    mentor = enrollment.enterprise_mentor
    return user is not None and mentor is not None and mentor.person.user_id == user.pk


# ---- Writes ----------------------------------------------------------------------------------


def _visible(by: User | None, obj) -> None:
    if by is not None and not type(obj).objects.for_user(by).filter(pk=obj.pk).exists():
        raise PermissionDenied(_("You may not do this."))


def review_start(
    *,
    by: User | None,
    enrollment: Enrollment,
    number: int | None = None,
    progress: str = "",
    next_goals: str = "",
    today: dt.date | None = None,
) -> Review:
    """The review of period `number` (default: the earliest begun period without one)."""
    _visible(by, enrollment)
    today = today or timezone.localdate()
    with transaction.atomic():
        lock(enrollment)
        if by is not None and not is_mentor(by, enrollment):
            refuse_if([NOT_MENTOR])
        all_periods = review_periods(enrollment)
        taken = set(Review.objects.filter(enrollment=enrollment).values_list("number", flat=True))
        if number is None:
            open_ = [p for p in all_periods if p.start <= today and p.number not in taken]
            if not open_:
                refuse_if([NOT_DUE])
            period = open_[0]
        else:
            found = next((p for p in all_periods if p.number == number), None)
            if found is None or found.start > today:
                refuse_if([NOT_DUE])
            assert found is not None
            period = found
            if period.number in taken:
                refuse_if([EXISTS])
        review = Review(
            enrollment=enrollment,
            number=period.number,
            period_start=period.start,
            due_on=period.due_on,
            progress=progress.strip(),
            next_goals=next_goals.strip(),
        )
        return record_create(by=by, instance=review, organisation=enrollment.cohort.enterprise)


def review_update(
    *, by: User | None, review: Review, progress: str | None = None, next_goals: str | None = None
) -> Review:
    require(by, CHANGE, review)
    with transaction.atomic():
        stored = Review.objects.select_related("enrollment__cohort").get(pk=review.pk)
        lock(stored)
        refuse_if([SIGNED] if stored.mentor_signed_at is not None else [])
        changes = {
            k: v for k, v in (("progress", progress), ("next_goals", next_goals)) if v is not None
        }
        if apply_changes(stored, changes, editable=("progress", "next_goals")):
            record_update(by=by, instance=stored, organisation=stored.enrollment.cohort.enterprise)
    return stored


def review_sign(*, by: User | None, review: Review) -> Review:
    """`by` signs in their turn: the mentor, then the teacher, then the apprentice."""
    require(by, VIEW, review)
    with transaction.atomic():
        stored = with_people(Review.objects.all()).get(pk=review.pk)
        lock(stored)
        if by is None:
            raise PermissionDenied(_("A review is signed by people."))
        role, problems = sign_problems(by, stored)
        refuse_if(problems)
        setattr(stored, f"{role}_signed_by", by)
        setattr(stored, f"{role}_signed_at", timezone.now())
        record_update(by=by, instance=stored, organisation=stored.enrollment.cohort.enterprise)
    return stored


# ---- Reads -----------------------------------------------------------------------------------


def with_people(reviews: QuerySet[Review]) -> QuerySet[Review]:
    return reviews.select_related(
        "enrollment__cohort",
        "enrollment__person",
        "enrollment__enterprise_mentor__person",
        "enrollment__institution_mentor__person",
    )


def unsigned() -> Q:
    return Q(apprentice_signed_at__isnull=True)


@dataclass(frozen=True)
class Overdue:
    """A review period past its due date without all three signatures: its review, if one
    was started, or none (nobody began it)."""

    enrollment: Enrollment
    period: Period
    review: Review | None

    @property
    def due_on(self) -> dt.date:
        return self.period.due_on

    def get_absolute_url(self) -> str:
        if self.review is not None:
            return self.review.get_absolute_url()
        return reverse("training:cohort_reviews", args=[self.enrollment.cohort_id])


def overdue_reviews(user: User, today: dt.date) -> list[Overdue]:
    """What is past due without all three signatures, the longest overdue first: every started
    review the user sees, and every period of an apprentice in training nobody began. A fixed
    number of queries whatever the number of apprentices."""
    started = with_people(Review.objects.for_user(user).filter(unsigned(), due_on__lt=today))
    found = [Overdue(r.enrollment, Period(r.number, r.period_start, r.due_on), r) for r in started]
    training = Enrollment.objects.for_user(user).filter(status=EnrollmentStatus.ACTIVE)
    enrollments = list(training.select_related("cohort", "person", "enterprise_mentor__person"))
    begun = set(
        Review.objects.filter(enrollment__in=training.values("pk")).values_list(
            "enrollment_id", "number"
        )
    )
    by_pk = {e.pk: e for e in enrollments}
    for enrollment_id, periods_due in (periods_of(enrollments) if enrollments else {}).items():
        for period in periods_due:
            if period.due_on < today and (enrollment_id, period.number) not in begun:
                found.append(Overdue(by_pk[enrollment_id], period, None))
    return sorted(found, key=lambda o: (o.due_on, o.enrollment.person.name, o.enrollment.pk))


def to_sign(user: User) -> QuerySet[Review]:
    """The reviews waiting for the user's signature (as mentor, teacher or apprentice)."""
    return Review.objects.for_user(user).filter(
        Q(
            mentor_signed_at__isnull=True,
            enrollment__enterprise_mentor__person__user_id=user.pk,
        )
        | Q(
            mentor_signed_at__isnull=False,
            teacher_signed_at__isnull=True,
            enrollment__institution_mentor__person__user_id=user.pk,
        )
        | Q(
            teacher_signed_at__isnull=False,
            apprentice_signed_at__isnull=True,
            enrollment__person__user_id=user.pk,
        )
    )


@dataclass
class Row:
    enrollment: Enrollment
    last_signed: Review | None
    next_due: Period | None
    overdue: bool

    @property
    def enrollment_id(self) -> int:
        return self.enrollment.pk


def class_rows(enrollments: list[Enrollment], today: dt.date) -> list[Row]:
    """One row per apprentice: the last signed review, the next due period, overdue."""
    ids = [e.pk for e in enrollments]
    by_enrollment: dict[int, list[Review]] = {}
    for r in Review.objects.filter(enrollment_id__in=ids).order_by("number"):
        by_enrollment.setdefault(r.enrollment_id, []).append(r)
    all_periods = periods_of(enrollments)
    rows = []
    for e in enrollments:
        reviews = by_enrollment.get(e.pk, [])
        signed = {r.number for r in reviews if r.signed}
        last = next((r for r in reversed(reviews) if r.signed), None)
        pending = [p for p in all_periods[e.pk] if p.number not in signed]
        next_due = pending[0] if pending else None
        rows.append(Row(e, last, next_due, next_due is not None and next_due.due_on < today))
    return rows
