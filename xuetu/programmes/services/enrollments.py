"""Who is on a class's roster: admission of an eligible apprentice with mentors who have
room, and corrections to a roster line before approval."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.access import CHANGE
from xuetu.core.audit import json_value
from xuetu.core.problems import Problem, refuse_if
from xuetu.core.services import (
    actor,
    apply_changes,
    lock,
    record_create,
    record_update,
)
from xuetu.programmes import rules, selectors
from xuetu.programmes.choices import (
    EnrollmentEventKind,
    MentorKind,
)
from xuetu.programmes.models import (
    Cohort,
    Enrollment,
    EnrollmentEvent,
    Mentor,
)
from xuetu.programmes.services.cohorts import editable_problems, reopen
from xuetu.programmes.services.common import current_policy, require_party
from xuetu.registry.models import Person

ROLE_OF_KIND: dict[str, str] = {
    MentorKind.ENTERPRISE: "enterprise_mentor",
    MentorKind.INSTITUTION: "institution_mentor",
}


def enrollment_event(
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


def check_mentors(
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
            facts, policy, adding=1, ratio=cohort.mentor_ratio_exception
        )
        problems += [p.on(role) for p in found]
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


def admit(
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
    check_mentors(cohort, mentors, leaving=[leaving.pk] if leaving else [])
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
    require_party(by, CHANGE, cohort)
    contract = Contract(category, contract_start, contract_end, social_insurance)
    mentors = {"enterprise_mentor": enterprise_mentor, "institution_mentor": institution_mentor}
    with transaction.atomic():
        lock(cohort)
        refuse_if(editable_problems(cohort))
        enrollment = admit(cohort, person, contract, mentors, start=cohort.planned_start)
        record_create(by=by, instance=enrollment, organisation=cohort.enterprise)
        enrollment_event(by, enrollment, EnrollmentEventKind.ENROLLED, cohort.planned_start)
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
    require_party(by, CHANGE, cohort)
    with transaction.atomic():
        lock(cohort)
        refuse_if(editable_problems(cohort))
        lock(enrollment)
        if not apply_changes(enrollment, fields, editable=ENROLLMENT_FIELDS):
            return enrollment
        mentors = {r: fields[r] for r in ROLE_OF_KIND.values() if fields.get(r) is not None}
        check_mentors(cohort, mentors, leaving=[enrollment.pk])
        refuse_if(_eligibility_of(enrollment), _("The apprentice cannot join this class."))
        record_update(by=by, instance=enrollment, organisation=cohort.enterprise)
        reopen(by, cohort)
    return enrollment


def _eligibility_of(enrollment: Enrollment) -> list[Problem]:
    cohort = enrollment.cohort
    return _eligibility(
        enrollment.person, cohort, Contract.of(enrollment), start=cohort.planned_start
    )
