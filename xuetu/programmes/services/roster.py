"""A whole roster at once (the Excel import): every line judged by the rules of
`person_create` and `enrollment_create`, as if they ran one line after the other, with the
facts for all lines read in a fixed number of queries; then everything stored with bulk
inserts in one transaction, one audit event per created object.

    facts = roster_facts(by=user, cohort=cohort, id_numbers=[...])   # locks the class
    plan = roster_plan(by=user, cohort=cohort, applicants=[Applicant(...), ...], facts=facts)
    plan.problems[i]          # the problems of the i-th applicant, [] when it may join
    roster_enroll(by=user, plan=plan)   # only a plan without problems, in the same transaction
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.access import CHANGE
from xuetu.core.identifiers import ResidentId
from xuetu.core.imports.bulk import create_audited, insert_rows
from xuetu.core.imports.objects import FieldChecks, Maker, collector_paused
from xuetu.core.imports.rows import validation_problems
from xuetu.core.problems import CONFLICT, Problem, Refused, refuse_if
from xuetu.core.services import actor, lock
from xuetu.programmes import rules, selectors
from xuetu.programmes.choices import EnrollmentEventKind
from xuetu.programmes.models import Cohort, Enrollment, EnrollmentEvent, Mentor
from xuetu.programmes.services.cohorts import editable_problems, reopen
from xuetu.programmes.services.common import current_policy, require_party
from xuetu.programmes.services.enrollments import ROLE_OF_KIND, WRONG_MENTOR
from xuetu.registry.models import Person
from xuetu.registry.services import BUILT_FIELDS, people_create_bulk, person_build

# What a roster line sets on its enrollment, checked in memory (the relations are this
# module's set-based lookups, not a query per line).
LINE_FIELDS = (
    "category",
    "contract_start",
    "contract_end",
    "social_insurance",
    "status",
    "planned_end",
)


@dataclass(frozen=True)
class Applicant:
    """One roster line: who (registered already or to be registered) and their contract."""

    id_number: str  # 18 characters
    name: str
    category: str
    contract_start: dt.date
    contract_end: dt.date | None = None
    social_insurance: bool = True
    phone: str = ""
    enterprise_mentor: Mentor | None = None
    institution_mentor: Mentor | None = None
    resident: ResidentId | None = None  # the number as parse_resident_id read it, if it was

    @property
    def mentors(self) -> dict[str, Mentor | None]:
        return {
            "enterprise_mentor": self.enterprise_mentor,
            "institution_mentor": self.institution_mentor,
        }


@dataclass
class RosterPlan:
    """What `roster_enroll` would store, and every applicant's problems (in order)."""

    cohort: Cohort
    problems: list[list[Problem]] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)  # to register
    enrollments: list[Enrollment] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(self.problems)


@dataclass(frozen=True)
class RosterStored:
    enrollments: list[Enrollment]
    people: list[Person]


@dataclass(frozen=True)
class RosterFacts:
    """What is stored about a class and the people a roster names, read under the class's
    lock: the registered people among the numbers, and those already on this roster."""

    cohort: Cohort
    people: dict[str, Person]
    enrolled: frozenset[str]


def roster_facts(*, by: User | None, cohort: Cohort, id_numbers: Sequence[str]) -> RosterFacts:
    """Locks the class for the rest of the caller's transaction, refuses one whose roster
    is closed, and reads the people behind `id_numbers` in a fixed number of queries."""
    require_party(by, CHANGE, cohort)
    with transaction.atomic(), collector_paused():
        lock(cohort)
        refuse_if(editable_problems(cohort))
        people = selectors.people_by_id_number(id_numbers)
        enrolled = selectors.roster_id_numbers(cohort, id_numbers)
    return RosterFacts(cohort, people, enrolled)


def roster_plan(
    *,
    by: User | None,
    cohort: Cohort,
    applicants: Sequence[Applicant],
    facts: RosterFacts | None = None,
) -> RosterPlan:
    """Judges each applicant as `enrollment_create` would, one after the other: the same
    problems in the same order, and earlier lines taking a mentor's places first. `facts`
    (from `roster_facts` in this transaction, for every applicant) are read when not given.
    Locks the class and the mentors named; store the plan in the same transaction."""
    with transaction.atomic(), collector_paused():
        if facts is None or facts.cohort is not cohort:
            numbers = [applicant.id_number for applicant in applicants]
            facts = roster_facts(by=by, cohort=cohort, id_numbers=numbers)
        judge = _Judge(facts, applicants)
        plan = RosterPlan(cohort)
        for applicant in applicants:
            judge.admit(applicant, plan)
    return plan


def roster_enroll(*, by: User | None, plan: RosterPlan) -> RosterStored:
    """Stores a plan without problems: the new people, the enrollments, their history, one
    audit event per created object; a filing under review becomes a draft again."""
    cohort = plan.cohort
    require_party(by, CHANGE, cohort)
    refuse_if([p for found in plan.problems for p in found], _("The roster has problems."))
    try:
        with transaction.atomic(), collector_paused():
            people = people_create_bulk(by=by, people=plan.people, organisation=cohort.enterprise)
            enrollments = create_audited(
                by=by,
                objects=plan.enrollments,
                key="person_id",
                within={"cohort_id": cohort.pk},
                organisation=cohort.enterprise,
            )
            _history(by, cohort, enrollments)
            if enrollments:
                reopen(by, cohort)
    except IntegrityError:  # someone registered or enrolled one of them since the plan
        raise Refused([CONFLICT]) from None
    return RosterStored(enrollments=enrollments, people=people)


def _history(by: User | None, cohort: Cohort, enrollments: list[Enrollment]) -> None:
    """The ENROLLED entry of each enrollment's history, as `enrollment_create` writes it."""
    same: dict[str, Any] = {
        "kind": EnrollmentEventKind.ENROLLED,
        "effective_date": cohort.planned_start,
        "by_id": actor(by).pk if actor(by) is not None else None,
        "details": {},
    }
    insert_rows(EnrollmentEvent, ({"enrollment_id": e.pk} for e in enrollments), same=same)


class _Judge:
    """The facts of every applicant, read at once; then each line judged in memory."""

    def __init__(self, facts: RosterFacts, applicants: Sequence[Applicant]) -> None:
        cohort = self.cohort = facts.cohort
        self.policy = current_policy(cohort.planned_start)
        self.occupation = cohort.occupation.code
        self.enterprise = cohort.enterprise
        self.people = dict(facts.people)
        self.enrolled = set(facts.enrolled)
        known = [p.pk for p in self.people.values()]
        self.elsewhere = selectors.live_classes_of(known, exclude_cohort=cohort.pk)
        # Earlier subsidies by ID number: newcomers (not yet registered) have history too.
        self.prior = selectors.prior_subsidies_of([*self.people.values(), *applicants])
        mentor_ids = {m.pk for a in applicants for m in a.mentors.values() if m is not None}
        # Locked so that two imports at once cannot both take a mentor's last place.
        list(Mentor.objects.select_for_update().filter(pk__in=sorted(mentor_ids)))
        self.loads = Counter(selectors.mentor_loads(mentor_ids))
        self.person_checks = FieldChecks(Person, BUILT_FIELDS)
        self.line_checks = FieldChecks(Enrollment, LINE_FIELDS)
        self.make_enrollment = Maker(Enrollment, cached=("cohort", "person"))
        self.mentor_facts: dict[int, rules.MentorFacts] = {}
        self.qualified: dict[int, list[Problem]] = {}
        self.owners = {
            "enterprise_mentor": cohort.enterprise_id,
            "institution_mentor": cohort.institution_id,
        }

    def admit(self, applicant: Applicant, plan: RosterPlan) -> None:
        """Judges one line; a line without problems takes its mentors' places."""
        mentors = {role: m for role, m in applicant.mentors.items() if m is not None}
        person, problems = self._person(applicant)
        problems = problems or self._mentor_problems(mentors)
        problems = problems or self._eligibility(person, applicant)
        enrollment = None
        if not problems:
            enrollment, problems = self._enrollment(person, applicant)
        plan.problems.append(problems)
        if enrollment is None:
            return
        if person.pk is None:
            plan.people.append(person)
        plan.enrollments.append(enrollment)
        self.enrolled.add(person.id_number)
        self.loads.update(mentor.pk for mentor in mentors.values())

    def _person(self, applicant: Applicant) -> tuple[Person, list[Problem]]:
        if applicant.id_number in self.enrolled:
            message = _("This person is already on this class's roster.")
            return Person(), [Problem("already_enrolled", message, "person")]
        person = self.people.get(applicant.id_number)
        if person is not None:
            # Someone already registered joins as registered: an import does not quietly
            # change the registry (their phone is edited on their own page).
            return person, []
        try:
            person = person_build(
                organisation=self.enterprise,
                name=applicant.name,
                id_number=applicant.resident or applicant.id_number,
                checks=self.person_checks,
                phone=applicant.phone,
            )
        except ValidationError as error:
            return Person(), validation_problems(error)
        return person, []

    def _mentor_problems(self, chosen: dict[str, Mentor]) -> list[Problem]:
        """`_check_mentors` of enrollment_create, with the places earlier lines took."""
        for role, mentor in chosen.items():
            if mentor.organisation_id != self.owners[role] or ROLE_OF_KIND[mentor.kind] != role:
                return [Problem("invalid", WRONG_MENTOR[role], role)]
            if not mentor.is_active:
                return [Problem("invalid", _("This mentor is no longer active."), role)]
        problems: list[Problem] = []
        for role, mentor in chosen.items():
            facts = self._mentor_facts(mentor)  # load 0: the places taken count as adding
            found = self._qualification(mentor, facts)
            taken = self.loads[mentor.pk]
            found += rules.capacity_problems(
                facts, self.policy, adding=taken + 1, ratio=self.cohort.mentor_ratio_exception
            )
            problems += [problem.on(role) for problem in found]
        return problems

    def _mentor_facts(self, mentor: Mentor) -> rules.MentorFacts:
        if mentor.pk not in self.mentor_facts:
            self.mentor_facts[mentor.pk] = selectors.mentor_facts(mentor)
        return self.mentor_facts[mentor.pk]

    def _qualification(self, mentor: Mentor, facts: rules.MentorFacts) -> list[Problem]:
        # Whether a mentor is qualified does not change with the places taken: judged once.
        if mentor.pk not in self.qualified:
            self.qualified[mentor.pk] = rules.mentor_problems(facts, self.policy)
        return list(self.qualified[mentor.pk])

    def _eligibility(self, person: Person, applicant: Applicant) -> list[Problem]:
        facts = selectors.apprentice_facts(
            person,
            contract_start=applicant.contract_start,
            contract_end=applicant.contract_end,
            social_insurance=applicant.social_insurance,
            elsewhere=self.elsewhere.get(person.pk, ()) if person.pk else (),
            prior=self.prior.get(person.id_number, []),
        )
        return rules.apprentice_problems(
            facts,
            start=self.cohort.planned_start,
            occupation_code=self.occupation,
            target_level=self.cohort.target_level,
            policy=self.policy,
        )

    def _enrollment(
        self, person: Person, applicant: Applicant
    ) -> tuple[Enrollment | None, list[Problem]]:
        enrollment = self.make_enrollment(
            cohort=self.cohort,  # kept cached with the person, for str() and their ids
            person=person,
            planned_end=self.cohort.planned_end,
            category=applicant.category,
            contract_start=applicant.contract_start,
            contract_end=applicant.contract_end,
            social_insurance=applicant.social_insurance,
            # By id: the mentors were read and locked already; str() needs the class only.
            enterprise_mentor_id=_id(applicant.enterprise_mentor),
            institution_mentor_id=_id(applicant.institution_mentor),
        )
        try:
            self.line_checks.check(enrollment)
        except ValidationError as error:
            return None, validation_problems(error)
        return enrollment, []


def _id(mentor: Mentor | None) -> int | None:
    return mentor.pk if mentor is not None else None
