"""Demo programmes for Chongqing: the 2022-style policy, school–enterprise agreements, mentors
with appointment letters, and classes in every status — among them Wuyi Technician College
training Changan Automobile's welders and vehicle assemblers.

Everything goes through the services, so the audit log and the enrollment histories read as
if people had done it; the demo users act where they exist. Idempotent: a class, agreement or
mentor already there is left as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TextIO, TypeVar, cast

from django.db import transaction

from xuetu.accounts.choices import Role
from xuetu.accounts.models import Organisation, User
from xuetu.programmes import services
from xuetu.programmes.choices import (
    AgreementSide,
    ApprenticeCategory,
    CohortStatus,
    TrainingMode,
    WithdrawalReason,
)
from xuetu.programmes.models import (
    Appointment,
    Cohort,
    CooperationAgreement,
    Enrollment,
    Mentor,
    ProgrammePolicy,
)
from xuetu.registry.demo import demo_organisations, demo_people
from xuetu.registry.models import Enterprise, Institution, Occupation, Person

Org = TypeVar("Org", bound=Organisation)

D = dt.date
POLICY_NAME = "重庆市企业新型学徒制实施办法（2022年版）"

# occupation key: (code, name fragment to find it by, fallback name, English name)
OCCUPATIONS = {
    "welder": ("6-18-02-04", "焊工", "焊工", "Welder"),
    "assembler": ("6-22-02-01", "汽车装调", "汽车装调工", "Vehicle assembler and tester"),
    "appliance": ("6-24-05-04", "小型家用电器", "小型家用电器制造工", "Small appliance maker"),
    "rolling": ("6-17-09-02", "金属轧制", "金属轧制工", "Metal rolling worker"),
}

# number, enterprise, institution, valid from, valid to, confirmed by the institution
AGREEMENTS = [
    ("XY-2022-CA-WY", "changan", "wuyi", D(2022, 1, 1), D(2030, 12, 31), True),
    ("XY-2023-HE-CQCET", "haier", "cqcet", D(2023, 1, 1), D(2029, 12, 31), True),
    ("XY-2024-SWA-GM", "swa", "gongmao", D(2024, 1, 1), D(2029, 12, 31), True),
    ("XY-2026-CA-GM", "changan", "gongmao", D(2026, 9, 1), D(2030, 8, 31), False),
]

# person, organisation, certificate level (None: recognised by the enterprise)
MENTORS = [
    ("王劲松", "changan", 2),
    ("金帆", "changan", 3),
    ("马建华", "changan", None),
    ("吴辉", "wuyi", None),
    ("蔡颖", "wuyi", None),
    ("田泽宇", "haier", 3),
    ("熊悦", "cqcet", None),
    ("肖文博", "swa", 3),
    ("曹建华", "gongmao", None),
]


@dataclass
class Plan:
    """One demo class: who trains whom in what, and how far its filing has gone."""

    code: str
    name: str
    enterprise: str
    institution: str
    agreement: str
    occupation: str
    start: dt.date
    end: dt.date
    status: str
    mentor: str
    teacher: str
    roster: list[str]
    level: int = 3
    headcount: int | None = None
    comment: str = ""
    letters: bool = False
    extras: list[str] = field(default_factory=list)


PLANS = [
    Plan(
        "BJ-2022-CA-WY-01", "长安汽车焊工高级工学徒班（2022级）", "changan", "wuyi",
        "XY-2022-CA-WY", "welder", D(2022, 3, 1), D(2024, 2, 29), CohortStatus.CLOSED,
        "王劲松", "吴辉", ["钟海波", "肖帆"], letters=True,
    ),
    Plan(
        "BJ-2023-CA-WY-02", "长安汽车汽车装调工中级工学徒班（2023级）", "changan", "wuyi",
        "XY-2022-CA-WY", "assembler", D(2023, 9, 1), D(2025, 8, 31), CohortStatus.COMPLETED,
        "金帆", "蔡颖", ["程明"], level=4,
    ),
    Plan(
        "BJ-2025-CA-WY-03", "长安汽车焊工高级工学徒班（2025级）", "changan", "wuyi",
        "XY-2022-CA-WY", "welder", D(2025, 3, 1), D(2027, 2, 28), CohortStatus.IN_TRAINING,
        "王劲松", "吴辉", ["舒晓超", "严雪", "周光明", "韩国华"], letters=True,
        extras=["pause_and_resume", "withdraw_and_substitute"],
    ),
    Plan(
        "BJ-2027-CA-WY-04", "长安汽车汽车装调工高级工学徒班（2027级）", "changan", "wuyi",
        "XY-2022-CA-WY", "assembler", D(2027, 3, 1), D(2029, 2, 28), CohortStatus.APPROVED,
        "金帆", "蔡颖", ["曾小琴", "范浩", "钟海波"], letters=True,
    ),
    Plan(
        "BJ-2027-CA-WY-05", "长安汽车汽车装调工高级工学徒班（2027秋）", "changan", "wuyi",
        "XY-2022-CA-WY", "assembler", D(2027, 9, 1), D(2029, 8, 31), CohortStatus.DRAFT,
        "马建华", "蔡颖", ["肖帆", "程明"], headcount=5,
    ),
    Plan(
        "BJ-2027-HE-CQ-01", "海尔热水器小家电制造工学徒班", "haier", "cqcet",
        "XY-2023-HE-CQCET", "appliance", D(2027, 3, 1), D(2028, 2, 29), CohortStatus.SUBMITTED,
        "田泽宇", "熊悦", ["任欣", "付文博"], level=4,
    ),
    Plan(
        "BJ-2026-HE-CQ-02", "海尔热水器小家电制造工学徒班（秋季）", "haier", "cqcet",
        "XY-2023-HE-CQCET", "appliance", D(2026, 9, 1), D(2027, 8, 31), CohortStatus.REJECTED,
        "田泽宇", "熊悦", ["曹玲"], level=4,
        comment="同一批学员已在其他培训项目中，不予重复开班。",
    ),
    Plan(
        "BJ-2027-SWA-GM-01", "西南铝业金属轧制工高级工学徒班", "swa", "gongmao",
        "XY-2024-SWA-GM", "rolling", D(2027, 3, 1), D(2029, 2, 28), CohortStatus.RETURNED,
        "肖文博", "曹建华", ["崔春梅", "秦帆"],
        comment="请补充企业导师的技能等级证书编号，并细化岗位实训模块。",
    ),
    Plan(
        "BJ-2026-SWA-GM-02", "西南铝业金属轧制工中级工学徒班", "swa", "gongmao",
        "XY-2024-SWA-GM", "rolling", D(2026, 9, 1), D(2027, 8, 31), CohortStatus.WITHDRAWN,
        "肖文博", "曹建华", ["梁天宇"], level=4,
    ),
]  # fmt: skip

PLAN_SUMMARY = (
    "一班一方案：理论教学在院校集中进行，岗位实训由企业导师带教，工学交替；"
    "理论 {theory} 学时，岗位实训 {practice} 学时；结业参加职业技能等级认定。"
)


def seed(out: TextIO) -> None:
    """The demo programmes, for the registry's demo organisations and people."""
    seed_programmes(demo_organisations(), demo_people())


def seed_programmes(organisations: dict[str, Organisation], people: dict[str, Person]) -> None:
    with transaction.atomic():
        seed_policy()
        occupations = {key: occupation(key) for key in OCCUPATIONS}
        agreements = {row[0]: seed_agreement(row, organisations) for row in AGREEMENTS}
        mentors = {
            name: seed_mentor(name, organisations[org], people[name], level)
            for name, org, level in MENTORS
            if name in people and org in organisations
        }
        for plan in PLANS:
            if plan.enterprise in organisations and plan.institution in organisations:
                seed_cohort(plan, organisations, people, agreements, mentors, occupations)


def seed_policy() -> ProgrammePolicy:
    # Chongqing's values are the model defaults: ten apprentices per mentor, senior-worker
    # mentors, one-year contracts, one to two years of training, substitution within 3 months.
    # The 2022 rules took the plan as free text; the 2027 revision (training.demo) asks for a
    # plan of modules, as the model's default does.
    policy, _ = ProgrammePolicy.objects.get_or_create(
        effective_from=D(2022, 1, 1),
        defaults={"name": POLICY_NAME, "plan_modules_required": False},
    )
    return policy


def occupation(key: str) -> Occupation:
    code, fragment, name, name_en = OCCUPATIONS[key]
    found = Occupation.objects.filter(code=code).first()
    found = found or Occupation.objects.filter(name__contains=fragment).order_by("code").first()
    if found is None:
        found, _ = Occupation.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en}
        )
    return found


def as_kind(model: type[Org], organisation: Organisation) -> Org:
    """The enterprise or institution row of an organisation, whichever the caller passed."""
    if isinstance(organisation, model):
        return organisation
    return cast(Org, model.objects.get(pk=organisation.pk))  # the stubs read Organisation's


def member(organisation: Organisation, *roles: str) -> User | None:
    """The first demo user holding one of `roles` in `organisation`, if there is one."""
    return (
        User.objects.filter(memberships__organisation=organisation, memberships__role__in=roles)
        .order_by("pk")
        .first()
    )


def reviewer_for(enterprise: Organisation) -> User | None:
    district = User.objects.filter(
        memberships__role=Role.DISTRICT_REVIEWER,
        # A nullable district: the stubs accept only a set value in a lookup across relations.
        memberships__organisation__district_id=enterprise.district_id,  # type: ignore[misc]  # a nullable id
    )
    city = User.objects.filter(memberships__role=Role.CITY_ADMIN)
    return district.order_by("pk").first() or city.order_by("pk").first()


def seed_agreement(row: tuple, organisations: dict[str, Organisation]) -> CooperationAgreement:
    number, enterprise_key, institution_key, valid_from, valid_to, confirmed = row
    existing = CooperationAgreement.objects.filter(number=number).first()
    if existing is not None:
        return existing
    enterprise = organisations[enterprise_key]
    institution = organisations[institution_key]
    agreement = services.agreement_create(
        by=member(enterprise, Role.ENTERPRISE_MANAGER),
        enterprise=as_kind(Enterprise, enterprise),
        institution=as_kind(Institution, institution),
        valid_from=valid_from,
        valid_to=valid_to,
        number=number,
        training_mode=TrainingMode.ALTERNATION,
        fee_per_apprentice=Decimal("3000.00"),
        duties="企业提供实训岗位与企业导师；学院负责理论教学、院校导师和技能等级认定组织。",
        drafted_by=AgreementSide.ENTERPRISE,
    )
    if confirmed:
        by = member(institution, Role.INSTITUTION_MANAGER)
        services.agreement_confirm(by=by, agreement=agreement)
    return agreement


def seed_mentor(name: str, organisation: Organisation, person: Person, level: int | None) -> Mentor:
    existing = Mentor.objects.filter(person=person, organisation=organisation).first()
    if existing is not None:
        return existing
    is_enterprise = organisation.kind == "enterprise"
    recognised = is_enterprise and level is None
    return services.mentor_create(
        by=member(organisation, Role.ENTERPRISE_MANAGER, Role.INSTITUTION_MANAGER),
        organisation=organisation,
        person=person,
        certificate_level=level,
        certificate_number=f"S{person.id_number[-8:]}" if level else "",
        recognised=recognised,
        recognition_reason="全国技术能手，带徒经验丰富" if recognised else "",
        recognition_approved_by="企业技能人才评价委员会" if recognised else "",
        years_experience=25 if level == 2 else 15,
    )


def seed_cohort(
    plan: Plan,
    organisations: dict[str, Organisation],
    people: dict[str, Person],
    agreements: dict[str, CooperationAgreement],
    mentors: dict[str, Mentor],
    occupations: dict[str, Occupation],
) -> Cohort:
    existing = Cohort.objects.filter(code=plan.code).first()
    if existing is not None:
        return existing
    enterprise = organisations[plan.enterprise]
    manager = member(enterprise, Role.ENTERPRISE_MANAGER)
    roster = [people[name] for name in plan.roster if name in people]
    cohort = services.cohort_create(
        by=manager,
        enterprise=as_kind(Enterprise, enterprise),
        agreement=agreements[plan.agreement],
        occupation=occupations[plan.occupation],
        target_level=plan.level,
        planned_start=plan.start,
        planned_end=plan.end,
        planned_headcount=plan.headcount or len(roster),
        name=plan.name,
        code=plan.code,
        plan_summary=PLAN_SUMMARY.format(theory=400, practice=1200),
    )
    for person in roster:
        enrol(manager, cohort, person, mentors.get(plan.mentor), mentors.get(plan.teacher))
    drive(plan, cohort, manager, reviewer_for(enterprise))
    if plan.letters:
        issue_letters(cohort, [mentors.get(plan.mentor), mentors.get(plan.teacher)])
    for extra in plan.extras:
        EXTRAS[extra](manager, cohort, people, plan)
    return cohort


def enrol(
    by: User | None,
    cohort: Cohort,
    person: Person,
    mentor: Mentor | None,
    teacher: Mentor | None,
) -> Enrollment:
    return services.enrollment_create(
        by=by,
        cohort=cohort,
        person=person,
        category=ApprenticeCategory.NEW_HIRE,
        contract_start=cohort.planned_start - dt.timedelta(days=30),
        contract_end=None,
        enterprise_mentor=mentor,
        institution_mentor=teacher,
    )


# How far each status goes along DESIGN.md §4.
STEPS: dict[str, list[str]] = {
    CohortStatus.DRAFT: [],
    CohortStatus.SUBMITTED: ["submit"],
    CohortStatus.RETURNED: ["submit", "return"],
    CohortStatus.REJECTED: ["submit", "reject"],
    CohortStatus.WITHDRAWN: ["submit", "withdraw"],
    CohortStatus.APPROVED: ["submit", "approve"],
    CohortStatus.IN_TRAINING: ["submit", "approve", "start"],
    CohortStatus.COMPLETED: ["submit", "approve", "start", "complete"],
    CohortStatus.CLOSED: ["submit", "approve", "start", "complete", "close"],
}


def drive(plan: Plan, cohort: Cohort, manager: User | None, reviewer: User | None) -> None:
    for step in STEPS[plan.status]:
        if step == "start":  # on the days the training really began and ended
            services.cohort_start(by=manager, cohort=cohort, on=cohort.planned_start)
        elif step == "complete":
            services.cohort_complete(by=manager, cohort=cohort, on=cohort.planned_end)
        elif step in ("submit", "withdraw"):
            getattr(services, f"cohort_{step}")(by=manager, cohort=cohort)
        elif step in ("return", "reject"):
            getattr(services, f"cohort_{step}")(by=reviewer, cohort=cohort, comment=plan.comment)
        else:
            getattr(services, f"cohort_{step}")(by=reviewer, cohort=cohort)


def issue_letters(cohort: Cohort, mentors: list[Mentor | None]) -> None:
    """Each organisation signs its own mentors' letters."""
    for mentor in mentors:
        if mentor is None or Appointment.objects.filter(mentor=mentor, cohort=cohort).exists():
            continue
        services.appointment_issue(
            by=member(mentor.organisation, Role.ENTERPRISE_MANAGER, Role.INSTITUTION_MANAGER),
            mentor=mentor,
            cohort=cohort,
            term_start=cohort.planned_start,
            term_end=cohort.planned_end,
            issued_on=cohort.planned_start,  # handed over at the apprentice ceremony
        )


def pause_and_resume(by: User | None, cohort: Cohort, people: dict, plan: Plan) -> None:
    enrollment = cohort.enrollments.filter(person__name="周光明").first()
    if enrollment is None:
        return
    services.enrollment_pause(by=by, enrollment=enrollment, on=D(2025, 10, 1))
    services.enrollment_resume(by=by, enrollment=enrollment, on=D(2025, 11, 15))


def withdraw_and_substitute(by: User | None, cohort: Cohort, people: dict, plan: Plan) -> None:
    leaving = cohort.enrollments.filter(person__name="韩国华").first()
    if leaving is None or "郑勇" not in people:
        return
    services.enrollment_withdraw(
        by=by,
        enrollment=leaving,
        on=D(2025, 4, 15),
        reason=WithdrawalReason.LEFT,
        note="个人原因离职",
    )
    services.enrollment_substitute(
        by=by,
        withdrawn=leaving,
        person=people["郑勇"],
        category=ApprenticeCategory.IN_POST,
        contract_start=D(2024, 7, 1),
        effective_date=D(2025, 5, 6),
    )


EXTRAS = {"pause_and_resume": pause_and_resume, "withdraw_and_substitute": withdraw_and_substitute}
