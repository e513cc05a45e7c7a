"""Reads: the policy in force, and the plain facts the rules judge, gathered in a fixed number
of queries whatever the size of the roster."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.choices import OrganisationKind
from xuetu.accounts.models import Organisation, User
from xuetu.core.imports.bulk import in_slices
from xuetu.core.models import AuditEvent
from xuetu.programmes import choices, rules
from xuetu.programmes.choices import EnrollmentStatus
from xuetu.programmes.hooks import PRIOR_SUBSIDIES
from xuetu.programmes.models import (
    Cohort,
    CooperationAgreement,
    Enrollment,
    EnrollmentEvent,
    Mentor,
    ProgrammePolicy,
)
from xuetu.registry.models import Person


def current_policy(on: dt.date) -> ProgrammePolicy:
    """The policy in force on `on`; the model's defaults (unsaved) when none is recorded."""
    policy = ProgrammePolicy.objects.filter(effective_from__lte=on).first()
    return policy or ProgrammePolicy(name="default", effective_from=on)


def mentor_loads(mentor_ids: Iterable[int], *, exclude: Iterable[int] = ()) -> dict[int, int]:
    """Open enrollments per mentor, in either role, leaving out the enrollments `exclude`."""
    ids = list(mentor_ids)
    open_rows = (
        Enrollment.objects.filter(status__in=choices.OPEN_ENROLLMENT_STATUSES)
        .exclude(cohort__status__in=choices.ENDED_COHORT_STATUSES)
        .exclude(pk__in=list(exclude))
    )
    loads: dict[int, int] = defaultdict(int)
    for role in ("enterprise_mentor", "institution_mentor"):
        rows = (
            open_rows.filter(**{f"{role}__in": ids})
            .values(role)
            .annotate(n=Count("pk"))
            .values_list(role, "n")
        )
        for mentor_id, n in rows:
            loads[mentor_id] += n
    return {mentor_id: loads[mentor_id] for mentor_id in ids}


def mentor_facts(mentor: Mentor, *, load: int = 0) -> rules.MentorFacts:
    return rules.MentorFacts(
        key=str(mentor.pk),
        name=mentor.person.name,
        kind=mentor.kind,
        certificate_level=mentor.certificate_level,
        recognised=mentor.recognised,
        recognition_reason=mentor.recognition_reason,
        recognition_approved_by=mentor.recognition_approved_by,
        capacity=mentor.capacity,
        is_active=mentor.is_active,
        load=load,
    )


def live_classes(person_ids: Iterable[int], *, exclude_cohort: int | None) -> dict[int, list]:
    """Codes of the other live classes each person is on an open enrollment in."""
    rows = (
        Enrollment.objects.filter(
            person_id__in=list(person_ids),
            status__in=choices.OPEN_ENROLLMENT_STATUSES,
            cohort__status__in=choices.LIVE_COHORT_STATUSES,
        )
        .exclude(cohort_id=exclude_cohort)
        .values_list("person_id", "cohort__code")
    )
    found: dict[int, list] = defaultdict(list)
    for person_id, code in rows:
        found[person_id].append(code)
    return found


def prior_subsidies_of(people: Iterable[Any]) -> dict[str, list[tuple[str, int]]]:
    """ID number → (occupation code, level) pairs already subsidised, for all `people`
    at once (each with an `id_number`: a person, or a roster line not registered yet), as the
    apps above answer (the subsidies app, from its grants); none while nobody answers."""
    people = [p for p in people if p.id_number]
    found: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for answer in PRIOR_SUBSIDIES.answers(people):
        for number, pairs in answer.items():
            found[number].extend((code, level) for code, level in pairs)
    return {number: list(dict.fromkeys(pairs)) for number, pairs in found.items()}


def prior_subsidies(person: Person) -> list[tuple[str, int]]:
    """(occupation code, level) pairs already subsidised for `person`."""
    return prior_subsidies_of([person]).get(person.id_number, [])


def apprentice_facts(
    person: Person,
    *,
    contract_start: dt.date,
    contract_end: dt.date | None,
    social_insurance: bool,
    elsewhere: Iterable[str] = (),
    prior: Iterable[tuple[str, int]] | None = None,
) -> rules.Apprentice:
    """The apprentice's facts; `prior` (their earlier subsidies) when the caller read them
    for many people at once (`prior_subsidies_of`), else read here."""
    return rules.Apprentice(
        gender=person.gender,
        birth_date=person.birth_date,
        contract_start=contract_start,
        contract_end=contract_end,
        social_insurance=social_insurance,
        is_full_time_student=person.is_full_time_student,
        is_pensioner=person.is_pensioner,
        retirement_track=person.retirement_track,
        active_elsewhere=tuple(sorted(elsewhere)),
        prior_subsidies=tuple(prior_subsidies(person) if prior is None else prior),
    )


def agreement_facts(cohort: Cohort) -> rules.AgreementFacts | None:
    agreement: CooperationAgreement | None = cohort.agreement
    if agreement is None:
        return None
    return rules.AgreementFacts(
        confirmed=agreement.confirmed,
        valid_from=agreement.valid_from,
        valid_to=agreement.valid_to,
        same_parties=(
            agreement.enterprise_id == cohort.enterprise_id
            and agreement.institution_id == cohort.institution_id
        ),
    )


def roster(cohort: Cohort) -> QuerySet[Enrollment]:
    """The enrollments that count towards the class: everyone not withdrawn."""
    return (
        cohort.enrollments.exclude(status="withdrawn")
        .select_related("person", "enterprise_mentor__person", "institution_mentor__person")
        .order_by("person__name", "pk")
    )


def filing_for(cohort: Cohort) -> rules.Filing:
    """The facts of the whole filing, in five queries however long the roster."""
    enrollments = list(roster(cohort))
    mentors = {m.pk: m for e in enrollments for m in _mentors_of(e)}
    loads = mentor_loads(mentors)
    facts: dict[int | None, rules.MentorFacts] = {
        pk: mentor_facts(m, load=loads[pk]) for pk, m in mentors.items()
    }
    elsewhere = live_classes([e.person_id for e in enrollments], exclude_cohort=cohort.pk)
    prior = prior_subsidies_of(e.person for e in enrollments)
    lines = [
        _roster_line(e, facts, elsewhere[e.person_id], prior.get(e.person.id_number, []))
        for e in enrollments
    ]
    return rules.Filing(
        agreement=agreement_facts(cohort),
        has_plan=bool(cohort.plan_summary.strip()),
        planned_start=cohort.planned_start,
        planned_end=cohort.planned_end,
        special_approval=cohort.special_approval,
        planned_headcount=cohort.planned_headcount,
        occupation_code=cohort.occupation.code,
        target_level=cohort.target_level,
        roster=lines,
        mentor_ratio=cohort.mentor_ratio_exception,
    )


def _mentors_of(enrollment: Enrollment) -> list[Mentor]:
    return [m for m in (enrollment.enterprise_mentor, enrollment.institution_mentor) if m]


def _roster_line(
    enrollment: Enrollment,
    facts: dict[int | None, rules.MentorFacts],
    elsewhere: list[str],
    prior: list[tuple[str, int]],
) -> rules.RosterLine:
    apprentice = apprentice_facts(
        enrollment.person,
        contract_start=enrollment.contract_start,
        contract_end=enrollment.contract_end,
        social_insurance=enrollment.social_insurance,
        elsewhere=elsewhere,
        prior=prior,
    )
    return rules.RosterLine(
        key=str(enrollment.pk),
        name=enrollment.person.name,
        apprentice=apprentice,
        enterprise_mentor=facts.get(enrollment.enterprise_mentor_id),
        institution_mentor=facts.get(enrollment.institution_mentor_id),
    )


def reviewing_bureaus(cohort: Cohort) -> QuerySet[Organisation]:
    """The bureaus a filing goes to: the enterprise's district bureau(s) and the city."""
    return Organisation.objects.filter(is_active=True).filter(
        Q(kind=OrganisationKind.DISTRICT_BUREAU, district_id=cohort.enterprise.district_id)
        | Q(kind=OrganisationKind.CITY_BUREAU)
    )


def enrollment_history(enrollment: Enrollment, user) -> QuerySet[EnrollmentEvent]:
    """The enrollment's changes as `user` may read them (their reasons are the apprentice's
    own: a teacher who sees the class's roster does not read another apprentice's)."""
    return (
        EnrollmentEvent.objects.for_user(user)
        .filter(enrollment=enrollment)
        .select_related("by")
        .order_by("effective_date", "at", "pk")
    )


def my_enrollments(user) -> QuerySet[Enrollment]:
    """The classes the user is an apprentice in, for their home page."""
    return (
        Enrollment.objects.for_user(user)
        .filter(person__user=user)
        .select_related(
            "cohort__occupation", "enterprise_mentor__person", "institution_mentor__person"
        )
        .order_by("-cohort__planned_start")
    )


def my_apprentices(user) -> QuerySet[Enrollment]:
    """The open enrollments the user mentors (as enterprise mentor or institution teacher)."""
    mentored = Q(enterprise_mentor__person__user=user) | Q(institution_mentor__person__user=user)
    return (
        Enrollment.objects.for_user(user)
        .filter(mentored)
        .exclude(status__in=[EnrollmentStatus.WITHDRAWN, EnrollmentStatus.COMPLETED])
        .select_related("person", "cohort")
        .order_by("cohort__code", "person__name")
    )


# Whole-roster reads (the Excel import): each a fixed number of queries for any file size. ---
def people_by_id_number(numbers: Iterable[str]) -> dict[str, Person]:
    """The registered people among `numbers`, by ID number."""
    found: dict[str, Person] = {}
    for part in in_slices(sorted(set(numbers))):
        found.update((p.id_number, p) for p in Person.objects.filter(id_number__in=part))
    return found


def roster_id_numbers(cohort: Cohort, numbers: Iterable[str]) -> frozenset[str]:
    """Which of `numbers` are on the class's roster already (in any status). A roster is
    a class's size, so it is read whole rather than asked about 20,000 numbers."""
    on_roster = cohort.enrollments.values_list("person__id_number", flat=True)
    return frozenset(on_roster).intersection(numbers)


def active_mentors(organisation_ids: Iterable[int]) -> list[Mentor]:
    """The active mentors and teachers of the organisations, with their people."""
    mentors = Mentor.objects.filter(is_active=True, organisation_id__in=list(organisation_ids))
    return list(mentors.select_related("person").order_by("pk"))


def live_classes_of(person_ids: Iterable[int], *, exclude_cohort: int | None) -> dict[int, list]:
    """`live_classes()` for any number of people, asked in slices the database accepts."""
    found: dict[int, list] = defaultdict(list)
    for part in in_slices(sorted(set(person_ids))):
        for person_id, codes in live_classes(part, exclude_cohort=exclude_cohort).items():
            found[person_id] += codes
    return found


# The filing's steps as the audit log holds them (append-only: each with who, when and the
# comment), oldest first. A roster change under review ("reopen") is a step too.
FILING_STEPS = {
    "cohort.submit": _("Submitted for review"),
    "cohort.reopen": _("Made a draft again by a change"),
    "cohort.approve": _("Approved"),
    "cohort.return": _("Returned for changes"),
    "cohort.reject": _("Rejected"),
    "cohort.withdraw": _("Withdrawn"),
}


@dataclass(frozen=True)
class FilingStep:
    action: str  # the step's key in FILING_STEPS, without the model: "approve"
    label: str | Promise
    comment: str
    by: User | None
    at: dt.datetime


def filing_history(cohort: Cohort) -> list[FilingStep]:
    """Each submission and decision of the class's filing, with its comment, by whom and when:
    read from the audit log, which records every filing transition with its values."""
    events = (
        AuditEvent.objects.filter(
            object_type=Cohort._meta.label_lower,
            object_id=str(cohort.pk),
            action__in=FILING_STEPS,
        )
        .select_related("actor")
        .order_by("at", "pk")
    )
    return [
        FilingStep(
            action=event.action.partition(".")[2],
            label=FILING_STEPS[event.action],
            comment=str((event.after or {}).get("review_comment") or ""),
            by=event.actor,
            at=event.at,
        )
        for event in events
    ]


def roster_finished(cohort: Cohort) -> bool:
    """Every apprentice of the class has finished: at least one completed (e.g. on their
    assessment) and none still enrolled, active or paused; the class may then complete
    before its planned end (services.cohorts.complete_problems)."""
    statuses = set(cohort.enrollments.values_list("status", flat=True).distinct())
    return (
        EnrollmentStatus.COMPLETED in statuses and not statuses & choices.OPEN_ENROLLMENT_STATUSES
    )


def latest_completion(cohort: Cohort) -> dt.date | None:
    """The latest date an apprentice of the class completed on (its history's standing
    entries): the class's completion date once its roster is finished."""
    events = EnrollmentEvent.objects.filter(
        enrollment__cohort=cohort,
        kind=choices.EnrollmentEventKind.COMPLETED,
        reverses__isnull=True,
        reversal__isnull=True,
    )
    return events.order_by("-effective_date").values_list("effective_date", flat=True).first()
