"""Demo training plans: a plan template for the welder and the vehicle assembler, the 2027
version of the programme policy (plans of modules required; 600 hours a year, of which 160
centralised at the institution; online at most 50%), and a plan for every demo class that was
filed, as it stood when filed (the draft class has none yet: start it from the template);
two assessments in the running class (a pass and a fail). Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from xuetu.accounts.choices import Role
from xuetu.core.dates import duration_months
from xuetu.programmes.choices import CohortStatus, EnrollmentStatus, MentorKind
from xuetu.programmes.demo import member, occupation
from xuetu.programmes.models import Cohort, Mentor, ProgrammePolicy
from xuetu.programmes.services.lifecycle import date_problems
from xuetu.training.choices import ModuleKind, ModulePlace
from xuetu.training.models import Module, PlanTemplate, TemplateModule, TrainingPlan
from xuetu.training.services.assessments import assessment_record

K, P = ModuleKind, ModulePlace
# title, kind, hours a year, place
MODULES = {
    "welder": [
        ("焊接安全与职业健康", K.SAFETY, 24, P.SCHOOL),
        ("焊接工艺与材料理论", K.THEORY, 160, P.SCHOOL),
        ("职业道德与工匠精神", K.ETHICS, 16, P.ONLINE),
        ("车身焊装岗位实训", K.PRACTICAL, 400, P.WORKPLACE),
    ],
    "assembler": [
        ("汽车装调安全规范", K.SAFETY, 24, P.SCHOOL),
        ("汽车构造与装调工艺理论", K.THEORY, 160, P.SCHOOL),
        ("职业道德与工匠精神", K.ETHICS, 16, P.ONLINE),
        ("总装线装调岗位实训", K.PRACTICAL, 400, P.WORKPLACE),
    ],
    "appliance": [
        ("电器装配安全操作", K.SAFETY, 24, P.SCHOOL),
        ("小家电结构与制造工艺理论", K.THEORY, 160, P.SCHOOL),
        ("职业道德与工匠精神", K.ETHICS, 16, P.ONLINE),
        ("热水器生产线岗位实训", K.PRACTICAL, 400, P.WORKPLACE),
    ],
    "rolling": [
        ("轧制安全与设备点检", K.SAFETY, 24, P.SCHOOL),
        ("金属轧制工艺理论", K.THEORY, 160, P.SCHOOL),
        ("职业道德与工匠精神", K.ETHICS, 16, P.ONLINE),
        ("铝板带轧制岗位实训", K.PRACTICAL, 400, P.WORKPLACE),
    ],
}
TEMPLATES = {"welder": "焊工（高级工）一班一方案范本", "assembler": "汽车装调工一班一方案范本"}
NOTE = "理论教学在院校集中进行，岗位实训由企业导师带教，工学交替；结业参加职业技能等级认定。"
POLICY_2027 = "重庆市企业新型学徒制实施办法（2027年修订）"


def seed(out: TextIO) -> None:
    with transaction.atomic():
        seed_templates()
        seed_policy()
        seed_plans()
        seed_calendar_and_reviews()
        seed_assessments()
        seed_registers()  # on the workplace days of the calendar, of those still training


def seed_templates() -> None:
    for key, name in TEMPLATES.items():
        template, created = PlanTemplate.objects.get_or_create(
            occupation=occupation(key), name=name
        )
        if created:
            TemplateModule.objects.bulk_create(
                TemplateModule(template=template, order=i, title=t, kind=k, hours=h, place=p)
                for i, (t, k, h, p) in enumerate(MODULES[key])
            )


def seed_policy() -> None:
    """From 2027 the filing check judges the plan's modules (a new version of the policy,
    as a change of policy always is)."""
    ProgrammePolicy.objects.get_or_create(
        effective_from=dt.date(2027, 1, 1),
        defaults={
            "name": POLICY_2027,
            "plan_modules_required": True,
            "min_hours_per_year": 600,
            "min_centralised_hours_per_year": 160,
            "max_online_share": 50,
        },
    )


def key_of(cohort: Cohort) -> str | None:
    return next((k for k in MODULES if occupation(k).pk == cohort.occupation_id), None)


def responsible(cohort: Cohort) -> dict[str, Mentor | None]:
    """The class's teacher and enterprise mentor, as its roster names them."""
    enrollment = cohort.enrollments.select_related(
        "enterprise_mentor", "institution_mentor"
    ).first()
    if enrollment is None:
        return {MentorKind.ENTERPRISE: None, MentorKind.INSTITUTION: None}
    return {
        MentorKind.ENTERPRISE: enrollment.enterprise_mentor,
        MentorKind.INSTITUTION: enrollment.institution_mentor,
    }


def seed_plans() -> None:
    filed = Cohort.objects.exclude(status=CohortStatus.DRAFT).filter(training_plan__isnull=True)
    for cohort in filed.filter(code__startswith="BJ-"):
        key = key_of(cohort)
        if key is not None:
            seed_plan(cohort, key)


def seed_plan(cohort: Cohort, key: str) -> TrainingPlan:
    """The plan as it stood when the class was filed (written here directly: the services
    change only a class that is still being filed)."""
    years = duration_months(cohort.planned_start, cohort.planned_end) / 12
    people = responsible(cohort)
    template = PlanTemplate.objects.filter(occupation_id=cohort.occupation_id).first()
    plan = TrainingPlan(cohort=cohort, template=template, note=NOTE)
    plan.full_clean()
    plan.save()
    for order, (title, kind, hours, place) in enumerate(MODULES[key]):
        who = MentorKind.ENTERPRISE if place == P.WORKPLACE else MentorKind.INSTITUTION
        module = Module(
            plan=plan,
            order=order,
            title=title,
            kind=kind,
            hours=round(hours * years),
            place=place,
            responsible=people[who],
        )
        module.full_clean()
        module.save()
    return plan


# ---- Registers -----------------------------------------------------------------------------
# The running class's workplace registers on its workplace days (its calendar's blocks) of the
# ten weeks before today, recorded by the enterprise mentor (the demo `mentor` login) through
# the services: mornings and afternoons on weekdays, a few absences. The demo apprentice
# (`apprentice`) confirmed all but the last week's and disputes one afternoon; the others, who
# have no login, confirmed on paper (marked confirmed here). Idempotent: a class that has
# registers is left alone.
REGISTER_WEEKS = 10
SLOTS = ((dt.time(8, 30), dt.time(12, 0)), (dt.time(13, 30), dt.time(17, 0)))


def seed_registers() -> None:
    from xuetu.programmes.choices import EnrollmentStatus
    from xuetu.training.choices import HoursStatus
    from xuetu.training.models import Hours, Session
    from xuetu.training.services.registers import (
        Mark,
        hours_confirm_many,
        hours_dispute,
        register_roster,
        session_record,
    )

    today = timezone.localdate()
    for cohort in Cohort.objects.filter(status=CohortStatus.IN_TRAINING, code__startswith="BJ-"):
        plan = getattr(cohort, "training_plan", None)
        module = plan and plan.modules.filter(place=P.WORKPLACE, responsible__isnull=False).first()
        if module is None or Session.objects.filter(cohort=cohort).exists():
            continue
        user = module.responsible.person.user
        if user is None:
            continue
        last = min(today - dt.timedelta(days=1), cohort.planned_end)
        day = last - dt.timedelta(weeks=REGISTER_WEEKS)
        n = 0
        workplace = [(b.starts_on, b.ends_on) for b in cohort.blocks.filter(place=P.WORKPLACE)] or [
            (day, last)
        ]
        while day <= last:
            if day.weekday() < 5 and any(a <= day <= b for a, b in workplace):
                roster = register_roster(cohort, day)
                for start, end in SLOTS if roster else ():
                    n += 1
                    marks = [Mark(e.pk, (n + i) % 17 != 0) for i, e in enumerate(roster)]
                    session_record(
                        by=user,
                        cohort=cohort,
                        module=module,
                        date=day,
                        start_time=start,
                        end_time=end,
                        attendance=marks,
                        today=today,
                    )
            day += dt.timedelta(days=1)
        week_ago = today - dt.timedelta(days=7)
        hours = Hours.objects.filter(cohort=cohort, date__lt=week_ago)
        own = cohort.enrollments.filter(person__user__isnull=False).select_related("person__user")
        for enrollment in own:
            hours_confirm_many(by=enrollment.person.user, hours=hours.filter(enrollment=enrollment))
            recent = (
                Hours.objects.filter(enrollment=enrollment, date__gte=week_ago, present=True)
                .order_by("date", "pk")
                .first()
            )
            if recent is not None:
                hours_dispute(
                    by=enrollment.person.user,
                    hours=recent,
                    reason="那天下午我在院校参加安全考试，没有在车间实训。",
                )
        on_paper = hours.filter(status=HoursStatus.PENDING).exclude(enrollment__in=own)
        on_paper.exclude(enrollment__status=EnrollmentStatus.WITHDRAWN).update(
            status=HoursStatus.CONFIRMED, confirmed_at=timezone.now()
        )


# Assessments (training.assessments): in the running class, a pass and a fail, recorded by the
# school's manager a fortnight ago (or at the class's end, if that is sooner). The demo
# apprentice (舒晓超, the `apprentice` user) keeps training: her portal shows a running class.
ASSESSED = [
    ("严雪", "pass", "82.5", "88.0"),
    ("周光明", "fail", "54.0", "58.5"),
]
ASSESSOR = "重庆市职业技能鉴定指导中心"


def seed_assessments() -> None:
    running = Cohort.objects.filter(status=CohortStatus.IN_TRAINING, code__startswith="BJ-")
    for cohort in running.select_related("institution"):
        by = member(cohort.institution, Role.INSTITUTION_MANAGER)
        if by is None:
            continue
        on = min(timezone.localdate() - dt.timedelta(days=14), cohort.planned_end)
        for name, outcome, theory, practical in ASSESSED:
            enrollment = cohort.enrollments.filter(
                person__name=name, status=EnrollmentStatus.ACTIVE, assessment__isnull=True
            ).first()
            if enrollment is None or date_problems(enrollment, on, "assessed_on", ends=True):
                continue
            assessment_record(
                by=by,
                enrollment=enrollment,
                theory_score=Decimal(theory),
                practical_score=Decimal(practical),
                outcome=outcome,
                assessed_on=on,
                assessor=ASSESSOR,
            )


# ---- Work–study calendar and three-party reviews (calreview) ---------------------------------


def seed_calendar_and_reviews(today: dt.date | None = None) -> None:
    """Blocks alternating a month at the institution and two at the workplace for the classes
    approved or in training; for the running class, its apprentices' reviews: signed for the
    past periods, the last due one waiting for the teacher for one apprentice and unsigned
    (overdue) for another. Written directly, as the rest of the demo; idempotent."""
    from django.utils import timezone

    from xuetu.core.dates import add_days, add_months
    from xuetu.training.choices import BlockPlace
    from xuetu.training.models import Block, Review
    from xuetu.training.services import reviews

    today = today or timezone.localdate()
    classes = Cohort.objects.filter(
        status__in=(CohortStatus.IN_TRAINING, CohortStatus.APPROVED), blocks__isnull=True
    )
    for cohort in classes.filter(code__startswith="BJ-"):
        start, k = cohort.planned_start, 0
        while start <= cohort.planned_end:
            school = k % 2 == 0
            ends = min(add_days(add_months(start, 1 if school else 2), -1), cohort.planned_end)
            place = BlockPlace.SCHOOL if school else BlockPlace.WORKPLACE
            Block.objects.create(cohort=cohort, place=place, starts_on=start, ends_on=ends)
            start, k = add_days(ends, 1), k + 1
    running = Cohort.objects.filter(status=CohortStatus.IN_TRAINING, code__startswith="BJ-")
    for cohort in running:
        enrollments = list(
            cohort.enrollments.select_related(
                "cohort", "person", "enterprise_mentor__person", "institution_mentor__person"
            ).filter(reviews__isnull=True)
        )
        now = timezone.now()
        for index, enrollment in enumerate(enrollments):
            due = [p for p in reviews.review_periods(enrollment) if p.due_on < today]
            em, im = enrollment.enterprise_mentor, enrollment.institution_mentor
            for period in due:
                last = period is due[-1]
                signs = 3
                if last and index == 0:
                    signs = 1  # waiting for the teacher
                elif last and index == 1:
                    signs = 0  # overdue, not yet signed
                Review.objects.create(
                    enrollment=enrollment,
                    number=period.number,
                    period_start=period.start,
                    due_on=period.due_on,
                    progress="按计划完成本期理论学习与岗位实训，操作规范，进步明显。",
                    next_goals="巩固焊接工艺，提升独立完成工件的能力。",
                    mentor_signed_by=em.person.user if em and signs >= 1 else None,
                    mentor_signed_at=now if signs >= 1 else None,
                    teacher_signed_by=im.person.user if im and signs >= 2 else None,
                    teacher_signed_at=now if signs >= 2 else None,
                    apprentice_signed_by=enrollment.person.user if signs >= 3 else None,
                    apprentice_signed_at=now if signs >= 3 else None,
                )
