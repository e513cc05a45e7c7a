"""Printable programme documents: appointment letters (聘书) and filing forms (开班申请表).

These are formal Chinese documents, so their text is Chinese whatever the reader's interface
language; the labels below are the official wording, not translations of the UI strings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone, translation

from xuetu.core.dates import duration_months
from xuetu.core.identifiers import mask_id_number
from xuetu.core.pdf import absolute_url, qr_svg, render_pdf
from xuetu.core.verify import verify_url
from xuetu.programmes.choices import (
    ApprenticeCategory,
    CohortStatus,
    EnrollmentStatus,
    MentorKind,
    TrainingMode,
)
from xuetu.programmes.models import Appointment, Cohort, Enrollment
from xuetu.registry.choices import Gender, InstitutionType, SkillLevel

LEVEL_ZH: dict[int, str] = {
    SkillLevel.SENIOR_TECHNICIAN: "一级／高级技师",
    SkillLevel.TECHNICIAN: "二级／技师",
    SkillLevel.SENIOR: "三级／高级工",
    SkillLevel.INTERMEDIATE: "四级／中级工",
    SkillLevel.ELEMENTARY: "五级／初级工",
}
MENTOR_KIND_ZH: dict[str, str] = {
    MentorKind.ENTERPRISE: "企业导师",
    MentorKind.INSTITUTION: "院校导师",
}
CATEGORY_ZH: dict[str, str] = {
    ApprenticeCategory.NEW_HIRE: "新入职",
    ApprenticeCategory.IN_POST: "在岗",
    ApprenticeCategory.TRANSFERRED: "转岗",
}
TRAINING_MODE_ZH: dict[str, str] = {
    TrainingMode.ALTERNATION: "工学交替",
    TrainingMode.ON_SITE: "送教上门",
    TrainingMode.AT_SCHOOL: "集中脱产",
    TrainingMode.MIXED: "混合式",
}
COHORT_STATUS_ZH: dict[str, str] = {
    CohortStatus.DRAFT: "草稿（未提交）",
    CohortStatus.SUBMITTED: "已提交，待审核",
    CohortStatus.APPROVED: "已同意开班",
    CohortStatus.RETURNED: "已退回修改",
    CohortStatus.REJECTED: "不予同意",
    CohortStatus.WITHDRAWN: "已撤回",
    CohortStatus.IN_TRAINING: "培训中",
    CohortStatus.COMPLETED: "已结业",
    CohortStatus.CLOSED: "已结项",
}
INSTITUTION_TYPE_ZH: dict[str, str] = {
    InstitutionType.TECHNICIAN_COLLEGE: "技工院校",
    InstitutionType.VOCATIONAL_COLLEGE: "职业院校",
    InstitutionType.TRAINING_PROVIDER: "职业培训机构",
    InstitutionType.ENTERPRISE_CENTRE: "企业培训中心",
    InstitutionType.PUBLIC_BASE: "公共实训基地",
}
GENDER_ZH: dict[str, str] = {Gender.MALE: "男", Gender.FEMALE: "女"}
DIGITS_ZH = "〇一二三四五六七八九"


def chinese_date(day: dt.date) -> str:
    """The date as written on a seal line: 二〇二四年三月一日."""
    year = "".join(DIGITS_ZH[int(d)] for d in str(day.year))
    return f"{year}年{_chinese_number(day.month)}月{_chinese_number(day.day)}日"


def _chinese_number(n: int) -> str:
    tens, ones = divmod(n, 10)
    if tens == 0:
        return DIGITS_ZH[ones]
    head = "" if tens == 1 else DIGITS_ZH[tens]
    return head + "十" + (DIGITS_ZH[ones] if ones else "")


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to the inclusive `end` (2024-03-01 to 2026-02-28 is 24):
    the rules' own count (core.dates), which does not overflow at the calendar's end."""
    return duration_months(start, end)


# Appointment letters ------------------------------------------------------------------------


def appointment_verify_url(appointment: Appointment) -> str:
    """The absolute URL its QR code encodes: the public page that confirms this letter."""
    return absolute_url(verify_url(appointment.number, appointment.code))


def appointment_pdf(appointment: Appointment) -> bytes:
    """The appointment letter (聘书) as PDF."""
    appointment = Appointment.objects.select_related(
        "mentor__person",
        "mentor__organisation",
        "mentor__occupation",
        "cohort__occupation",
    ).get(pk=appointment.pk)
    with translation.override("zh-hans"):
        return render_pdf("pdf/appointment.html", _appointment_context(appointment))


def _appointment_context(appointment: Appointment) -> dict[str, Any]:
    mentor = appointment.mentor
    cohort = appointment.cohort
    url = appointment_verify_url(appointment)
    return {
        "appointment": appointment,
        "mentor": mentor,
        "cohort": cohort,
        "occupation": cohort.occupation if cohort else mentor.occupation,
        "kind_zh": MENTOR_KIND_ZH.get(mentor.kind, ""),
        "is_enterprise": mentor.kind == MentorKind.ENTERPRISE,
        "issued_zh": chinese_date(appointment.issued_on),
        "verify_url": url,
        # Printed with a break opportunity before the query, where a long URL wraps best.
        "verify_path": url.partition("?")[0],
        "verify_query": "?" + url.partition("?")[2],
        "verify_page": absolute_url(reverse("public:verify")),
        "qr": qr_svg(url),
    }


# Filing forms -------------------------------------------------------------------------------


def filing_form_pdf(cohort: Cohort) -> bytes:
    """The filing form (开班申请表) of a class, with its roster, as PDF. Two queries."""
    cohort = Cohort.objects.select_related(
        "enterprise__district",
        "institution",
        "agreement",
        "occupation",
        "submitted_by",
        "reviewed_by",
    ).get(pk=cohort.pk)
    enrollments = (
        Enrollment.objects.filter(cohort=cohort)
        .select_related("person", "enterprise_mentor__person", "institution_mentor__person")
        .order_by("created_at", "pk")
    )
    with translation.override("zh-hans"):
        return render_pdf("pdf/filing_form.html", _filing_context(cohort, list(enrollments)))


def _filing_context(cohort: Cohort, enrollments: list[Enrollment]) -> dict[str, Any]:
    return {
        "cohort": cohort,
        "enterprise": cohort.enterprise,
        "institution": cohort.institution,
        "agreement": cohort.agreement,
        "institution_type_zh": INSTITUTION_TYPE_ZH.get(cohort.institution.institution_type, ""),
        "level_zh": LEVEL_ZH.get(cohort.target_level, ""),
        "mode_zh": TRAINING_MODE_ZH.get(cohort.training_mode, ""),
        "status_zh": COHORT_STATUS_ZH.get(cohort.status, cohort.status),
        "months": months_between(cohort.planned_start, cohort.planned_end),
        "submitted_by": _user_name(cohort.submitted_by),
        "reviewed_by": _user_name(cohort.reviewed_by),
        "rows": [_roster_row(e) for e in enrollments],
        "printed_on": timezone.localdate(),
    }


def _roster_row(enrollment: Enrollment) -> dict[str, Any]:
    person = enrollment.person
    mentors = (enrollment.enterprise_mentor, enrollment.institution_mentor)
    return {
        "name": person.name,
        "gender": GENDER_ZH.get(person.gender, ""),
        "id_number": mask_id_number(person.id_number),
        "category": CATEGORY_ZH.get(enrollment.category, ""),
        "contract_start": enrollment.contract_start,
        "contract_end": enrollment.contract_end,
        "social_insurance": "是" if enrollment.social_insurance else "否",
        "enterprise_mentor": mentors[0].person.name if mentors[0] else "",
        "institution_mentor": mentors[1].person.name if mentors[1] else "",
        "withdrawn": enrollment.status == EnrollmentStatus.WITHDRAWN,
    }


def _user_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username
