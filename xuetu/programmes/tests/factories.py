"""Agreements, mentors, cohorts and enrollments on top of `build_world()`, for any app's tests.

The helpers write rows directly (no services, no audit events) so a test about hours, claims
or certificates can stand a cohort in any status in one line. The defaults make a filing that
passes every submit check: a confirmed agreement covering the dates, a plan, one eligible
apprentice (舒晓超) with a qualified enterprise mentor and an institution teacher.

    world = build_world()
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    programme.cohort, programme.enrollment, programme.mentor, programme.teacher
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import models
from django.utils import timezone

from xuetu.accounts.choices import OrganisationKind
from xuetu.accounts.models import Organisation
from xuetu.core.identifiers import make_resident_id
from xuetu.programmes.choices import (
    AgreementSide,
    ApprenticeCategory,
    CohortStatus,
    EnrollmentStatus,
    MentorKind,
)
from xuetu.programmes.models import (
    Cohort,
    CooperationAgreement,
    Enrollment,
    Mentor,
    ProgrammePolicy,
)
from xuetu.registry.models import Enterprise, Institution, Occupation, Person
from xuetu.testing import World

START = dt.date(2026, 3, 1)
END = dt.date(2028, 2, 29)  # 24 months, the longest ordinary class
AGREEMENT_FROM = dt.date(2025, 9, 1)
AGREEMENT_TO = dt.date(2029, 8, 31)
CONTRACT_START = dt.date(2026, 1, 1)

AUTO: Any = object()  # "choose a sensible default", distinct from an explicit None

_serial = itertools.count(1)

# Which enrollment status fits a cohort in each status.
ENROLLMENT_STATUS_FOR: dict[str, str] = {
    CohortStatus.IN_TRAINING: EnrollmentStatus.ACTIVE,
    CohortStatus.COMPLETED: EnrollmentStatus.COMPLETED,
    CohortStatus.CLOSED: EnrollmentStatus.COMPLETED,
}
SUBMITTED_STATUSES = {
    CohortStatus.SUBMITTED,
    CohortStatus.APPROVED,
    CohortStatus.RETURNED,
    CohortStatus.REJECTED,
    CohortStatus.IN_TRAINING,
    CohortStatus.COMPLETED,
    CohortStatus.CLOSED,
}
REVIEWED_STATUSES = SUBMITTED_STATUSES - {CohortStatus.SUBMITTED}


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:
    """build_world() makes eight users; the production hasher takes most of a test's time.
    Import this fixture into a test module to use it there."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def serial() -> int:
    return next(_serial)


def make_policy(**values: Any) -> ProgrammePolicy:
    """Chongqing's rules (the model defaults but the plan of modules), in force since 2020."""
    values.setdefault("name", "重庆市企业新型学徒制实施办法")
    values.setdefault("effective_from", dt.date(2020, 1, 1))
    # The free-text plan summary, as these factories file it; the training app's tests ask for
    # a plan of modules (the model's default) where they judge one.
    values.setdefault("plan_modules_required", False)
    return ProgrammePolicy.objects.create(**values)


def make_occupation(
    code: str = "6-18-02-04", name: str = "焊工", name_en: str = "Welder"
) -> Occupation:
    occupation, _ = Occupation.objects.get_or_create(
        code=code, defaults={"name": name, "name_en": name_en}
    )
    return occupation


def make_person(
    name: str = "学徒",
    *,
    organisation: Organisation | None = None,
    gender: str = "M",
    birth_date: dt.date | None = None,
    **extra: Any,
) -> Person:
    """A person with a fresh valid ID number (area 500113, so never one of build_world's)."""
    n = serial()
    birth = birth_date or dt.date(1990, 1, 1) + dt.timedelta(days=n // 100)
    number = make_resident_id("500113", birth, n % 100, gender=gender)
    return Person.objects.create(
        name=name,
        id_number=number,
        gender=gender,
        birth_date=birth,
        registered_by=organisation,
        **extra,
    )


def make_agreement(
    world: World,
    *,
    enterprise: Enterprise | None = None,
    institution: Institution | None = None,
    confirmed: bool = True,
    **values: Any,
) -> CooperationAgreement:
    now = timezone.now()
    values.setdefault("number", f"XY-TEST-{serial():06d}")
    values.setdefault("drafted_by", AgreementSide.ENTERPRISE)
    values.setdefault("valid_from", AGREEMENT_FROM)
    values.setdefault("valid_to", AGREEMENT_TO)
    values.setdefault("duties", "企业负责岗位实训，学院负责理论教学。")
    return CooperationAgreement.objects.create(
        enterprise=enterprise or world.enterprise,
        institution=institution or world.institution,
        enterprise_confirmed_at=now if confirmed else None,
        institution_confirmed_at=now if confirmed else None,
        **values,
    )


def make_mentor(
    world: World,
    *,
    organisation: Organisation | None = None,
    person: Person | None = None,
    **values: Any,
) -> Mentor:
    """An enterprise mentor at senior-worker level by default; a teacher when `organisation`
    is an institution."""
    organisation = organisation or world.enterprise
    is_institution = organisation.kind == OrganisationKind.INSTITUTION
    values.setdefault("kind", MentorKind.INSTITUTION if is_institution else MentorKind.ENTERPRISE)
    if values["kind"] == MentorKind.ENTERPRISE:
        values.setdefault("certificate_level", 3)
        values.setdefault("years_experience", 12)
    if person is None:
        person = make_person("导师", organisation=organisation, birth_date=dt.date(1978, 9, 14))
    return Mentor.objects.create(person=person, organisation=organisation, **values)


def make_teacher(world: World, **values: Any) -> Mentor:
    return make_mentor(world, organisation=world.institution, **values)


def make_cohort(
    world: World,
    *,
    status: str = CohortStatus.DRAFT,
    agreement: CooperationAgreement | None = AUTO,
    **values: Any,
) -> Cohort:
    """A cohort in `status`, with the submit and review stamps that status implies."""
    values.setdefault("enterprise", world.enterprise)
    values.setdefault("institution", world.institution)
    if agreement is AUTO:
        agreement = make_agreement(
            world, enterprise=values["enterprise"], institution=values["institution"]
        )
    n = serial()
    values.setdefault("code", f"BJ-TEST-{n:05d}")
    values.setdefault("name", f"焊工高级工学徒班 {n}")
    values.setdefault("occupation", make_occupation())
    values.setdefault("target_level", 3)
    values.setdefault("planned_start", START)
    values.setdefault("planned_end", END)
    values.setdefault("planned_headcount", 1)
    values.setdefault("plan_summary", "理论教学 400 学时，岗位实训 1200 学时。")
    values.update(_stamps(world, status))
    return Cohort.objects.create(agreement=agreement, status=status, **values)


def _stamps(world: World, status: str) -> dict[str, Any]:
    stamps: dict[str, Any] = {}
    now = timezone.now()
    if status in SUBMITTED_STATUSES:
        stamps.update(submitted_at=now, submitted_by=world.users["enterprise"])
    if status in REVIEWED_STATUSES:
        stamps.update(reviewed_at=now, reviewed_by=world.users["district"])
    return stamps


def make_enrollment(
    world: World,
    cohort: Cohort,
    *,
    person: Person | None = None,
    enterprise_mentor: Mentor | None = AUTO,
    institution_mentor: Mentor | None = AUTO,
    **values: Any,
) -> Enrollment:
    """An eligible apprentice on the cohort's roster, with both mentors unless told."""
    if enterprise_mentor is AUTO:
        enterprise_mentor = make_mentor(world, organisation=cohort.enterprise)
    if institution_mentor is AUTO:
        institution_mentor = make_mentor(world, organisation=cohort.institution)
    if person is None:
        person = make_person(organisation=cohort.enterprise)
    values.setdefault("category", ApprenticeCategory.NEW_HIRE)
    values.setdefault("contract_start", min(CONTRACT_START, cohort.planned_start))
    values.setdefault("contract_end", None)
    values.setdefault("status", ENROLLMENT_STATUS_FOR.get(cohort.status, "enrolled"))
    values.setdefault("planned_end", cohort.planned_end)
    return Enrollment.objects.create(
        cohort=cohort,
        person=person,
        enterprise_mentor=enterprise_mentor,
        institution_mentor=institution_mentor,
        **values,
    )


@dataclass
class Programme:
    """One filing-ready class of `world.enterprise` at `world.institution`."""

    world: World
    policy: ProgrammePolicy
    occupation: Occupation
    agreement: CooperationAgreement
    mentor: Mentor
    teacher: Mentor
    cohort: Cohort
    enrollment: Enrollment


def build_programme(world: World, *, status: str = CohortStatus.DRAFT) -> Programme:
    """The `mentor` user is the enterprise mentor (王劲松) and the `apprentice` user's person
    (舒晓超) is enrolled; the `school` user's institution teaches the class."""
    policy = ProgrammePolicy.objects.first() or make_policy()
    occupation = make_occupation()
    agreement = make_agreement(world)
    mentor_person = make_person(
        "王劲松",
        organisation=world.enterprise,
        birth_date=dt.date(1978, 9, 14),
        user=world.users["mentor"],
    )
    mentor = make_mentor(world, person=mentor_person)
    teacher_person = make_person("吴辉", organisation=world.institution)
    teacher = make_teacher(world, person=teacher_person)
    cohort = make_cohort(world, status=status, agreement=agreement, occupation=occupation)
    enrollment = make_enrollment(
        world,
        cohort,
        person=world.people["apprentice"],
        enterprise_mentor=mentor,
        institution_mentor=teacher,
    )
    return Programme(world, policy, occupation, agreement, mentor, teacher, cohort, enrollment)


def owned_programme_objects(programme: Programme) -> dict[str, models.Model]:
    """One object of every programmes model, owned by `world.enterprise`, keyed by model
    label: for tests that walk every route as another organisation."""
    from xuetu.programmes.models import Appointment

    appointment = Appointment.objects.create(
        mentor=programme.mentor,
        cohort=programme.cohort,
        number=f"PS-TEST-{serial():06d}",
        term_start=programme.cohort.planned_start,
        term_end=programme.cohort.planned_end,
        issued_on=programme.cohort.planned_start,
    )
    return {
        "programmes.cooperationagreement": programme.agreement,
        "programmes.mentor": programme.mentor,
        "programmes.appointment": appointment,
        "programmes.cohort": programme.cohort,
        "programmes.enrollment": programme.enrollment,
        **supporting_objects(programme),
    }


def supporting_objects(programme: Programme) -> dict[str, models.Model]:
    """A reviewer's request and a document attached to the class (services.supporting)."""
    from django.core.files.base import ContentFile

    from xuetu.programmes.choices import DocumentType
    from xuetu.programmes.models import DocumentRequest, SupportingDocument

    cohort = programme.cohort
    request = DocumentRequest.objects.create(
        cohort=cohort, document_type=DocumentType.TRANSFER_CERTIFICATE
    )
    document = SupportingDocument(
        cohort=cohort,
        document_type=DocumentType.LABOUR_CONTRACT,
        original_name="contract.pdf",
        size=15,
        content_type="application/pdf",
    )
    document.file.save("document.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return {"programmes.documentrequest": request, "programmes.supportingdocument": document}
