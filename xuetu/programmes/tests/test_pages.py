"""The programmes pages through the Django test client, with the named personas of
`build_world()`: every page answers its owner, is a 404 to another enterprise and sends a
signed-out visitor to sign in; the filing goes from draft to approval with an audit event per
step; a refused submit lists every problem and changes nothing; lists and rosters run the same
number of queries with 10 rows as with 1,000."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from xuetu.core.identifiers import make_resident_id
from xuetu.core.models import AuditEvent, Job, JobState, Notice
from xuetu.programmes.choices import (
    ApprenticeCategory,
    CohortStatus,
    EnrollmentEventKind,
    EnrollmentStatus,
    MentorKind,
)
from xuetu.programmes.models import (
    Appointment,
    Cohort,
    CooperationAgreement,
    Enrollment,
    EnrollmentEvent,
    Mentor,
)
from xuetu.programmes.tests.factories import (
    build_programme,
    make_cohort,
    make_mentor,
    owned_programme_objects,
)
from xuetu.registry.models import Person
from xuetu.testing import confirmed

pytestmark = pytest.mark.django_db

# Pages with an object, by URL name and the label of the object they take.
OBJECT_PAGES = {
    "agreement_detail": "programmes.cooperationagreement",
    "agreement_edit": "programmes.cooperationagreement",
    "mentor_detail": "programmes.mentor",
    "mentor_edit": "programmes.mentor",
    "mentor_appoint": "programmes.mentor",
    "cohort_detail": "programmes.cohort",
    "cohort_edit": "programmes.cohort",
    "cohort_roster_import": "programmes.cohort",
    "cohort_roster_template": "programmes.cohort",
    "enrollment_create": "programmes.cohort",
    "enrollment_detail": "programmes.enrollment",
}
SLOW_PAGES = {  # PDFs: rendered by WeasyPrint, checked once each
    "appointment_pdf": "programmes.appointment",
    "cohort_filing_pdf": "programmes.cohort",
}
LIST_PAGES = [
    "agreement_list",
    "agreement_create",
    "mentor_list",
    "mentor_create",
    "cohort_list",
    "cohort_create",
    "notice_list",
]


@pytest.fixture
def programme(world):
    return build_programme(world)


@pytest.fixture
def owned(programme):
    return owned_programme_objects(programme)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def url(name: str, obj=None) -> str:
    from django.urls import reverse

    return reverse(f"programmes:{name}", args=[obj.pk] if obj is not None else [])


def cohort_url(cohort: Cohort, action: str = "") -> str:
    return f"/programmes/cohorts/{cohort.pk}/{action + '/' if action else ''}"


def events(obj) -> list[str]:
    rows = AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("at", "pk")
    return list(rows.values_list("action", flat=True))


def reload(obj):
    obj.refresh_from_db()
    return obj


# Who sees which page ----------------------------------------------------------------------
@pytest.mark.parametrize("name", list(OBJECT_PAGES))
def test_each_object_page_answers_its_owner(world, owned, name):
    response = world.client("enterprise").get(url(name, owned[OBJECT_PAGES[name]]))
    assert response.status_code == 200


@pytest.mark.parametrize("name", list(SLOW_PAGES))
def test_each_document_downloads_for_its_owner_as_a_pdf(world, owned, name):
    response = world.client("enterprise").get(url(name, owned[SLOW_PAGES[name]]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("name", LIST_PAGES)
def test_each_list_and_new_page_answers_an_enterprise_manager(world, owned, name):
    assert world.client("enterprise").get(url(name)).status_code == 200


@pytest.mark.parametrize("name", [*OBJECT_PAGES, *SLOW_PAGES])
def test_another_enterprise_gets_404_for_every_object_page(world, owned, name):
    label = {**OBJECT_PAGES, **SLOW_PAGES}[name]
    response = world.client("enterprise2").get(url(name, owned[label]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", [*OBJECT_PAGES, *SLOW_PAGES])
def test_a_signed_out_visitor_is_sent_to_sign_in(client, owned, name):
    label = {**OBJECT_PAGES, **SLOW_PAGES}[name]
    response = client.get(url(name, owned[label]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_a_signed_out_visitor_is_sent_to_sign_in_from_lists(client, name):
    response = client.get(url(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_lists_show_another_enterprise_nothing_of_ours(world, owned):
    client = world.client("enterprise2")
    for name in ("agreement_list", "mentor_list", "cohort_list", "notice_list"):
        body = client.get(url(name)).content.decode()
        assert world.enterprise.name not in body, name
        assert owned["programmes.cohort"].code not in body, name


def test_the_reviewer_and_the_institution_see_the_class_but_may_not_edit_it(world, programme):
    cohort = programme.cohort
    for username in ("district", "school"):
        client = world.client(username)
        assert client.get(cohort_url(cohort)).status_code == 200
        assert client.get(cohort_url(cohort, "edit")).status_code == 403
        assert client.get(url("cohort_roster_import", cohort)).status_code == 403


def test_the_roster_shows_masked_ids_to_those_who_need_no_more(world, programme):
    person = programme.enrollment.person
    school = world.client("school").get(cohort_url(programme.cohort)).content.decode()
    district = world.client("district").get(cohort_url(programme.cohort)).content.decode()
    assert person.name in school and person.id_number not in school
    assert person.id_number in district


# Buttons follow permissions ---------------------------------------------------------------
def test_buttons_are_shown_only_to_who_may_press_them(world, programme):
    cohort = programme.cohort
    page = world.client("enterprise").get(cohort_url(cohort)).content.decode()
    assert 'data-testid="submit"' in page and 'data-testid="approve"' not in page
    Cohort.objects.filter(pk=cohort.pk).update(status=CohortStatus.SUBMITTED)
    page = world.client("district").get(cohort_url(cohort)).content.decode()
    assert 'data-testid="approve"' in page and 'data-testid="submit"' not in page
    page = world.client("enterprise").get(cohort_url(cohort)).content.decode()
    assert 'data-testid="approve"' not in page and 'data-testid="withdraw"' in page


# The filing ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "培训班没有培训计划"), ("en", "The class has no training plan")],
)
def test_a_refused_submit_lists_every_problem_in_the_users_language(
    world, programme, language, expected
):
    cohort = programme.cohort
    Cohort.objects.filter(pk=cohort.pk).update(plan_summary="", planned_headcount=3)
    client = world.client("enterprise")
    client.cookies["django_language"] = language
    response = client.post(cohort_url(cohort, "submit"), confirmed())
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-testid="problems"' in body and expected in body
    codes = {p.code for p in response.context["refused"].problems}
    assert {"no_plan", "headcount_mismatch"} <= codes
    assert reload(cohort).status == CohortStatus.DRAFT
    assert events(cohort) == []


def test_checking_the_filing_shows_the_problems_without_submitting(world, programme):
    Cohort.objects.filter(pk=programme.cohort.pk).update(plan_summary="")
    response = world.client("enterprise").get(cohort_url(programme.cohort) + "?check=1")
    assert [p.code for p in response.context["checked"]] == ["no_plan"]
    assert reload(programme.cohort).status == CohortStatus.DRAFT


def cohort_form(cohort: Cohort, **changes) -> dict:
    data = {
        "name": cohort.name,
        "institution": cohort.institution_id,
        "agreement": cohort.agreement_id or "",
        "occupation": cohort.occupation_id,
        "target_level": cohort.target_level,
        "planned_start": cohort.planned_start.isoformat(),
        "planned_end": cohort.planned_end.isoformat(),
        "special_approval": cohort.special_approval,
        "planned_headcount": cohort.planned_headcount,
        "training_mode": cohort.training_mode,
        "plan_summary": cohort.plan_summary,
    }
    return data | changes


def test_the_filing_goes_from_draft_to_approval_with_an_audit_event_per_step(world, programme):
    cohort = programme.cohort
    enterprise, district = world.client("enterprise"), world.client("district")

    assert enterprise.post(cohort_url(cohort, "submit"), confirmed()).status_code == 302
    assert reload(cohort).status == CohortStatus.SUBMITTED

    comment = "请补充考核方式。"
    assert (
        district.post(cohort_url(cohort, "return"), confirmed({"comment": comment})).status_code
        == 302
    )
    assert reload(cohort).status == CohortStatus.RETURNED
    page = enterprise.get(cohort_url(cohort)).content.decode()
    assert comment in page

    edit = enterprise.get(cohort_url(cohort, "edit")).content.decode()
    assert 'data-testid="reopen-warning"' in edit and comment in edit
    fixed = cohort_form(cohort, plan_summary=cohort.plan_summary + " 考核：理论+实操。")
    assert enterprise.post(cohort_url(cohort, "edit"), fixed).status_code == 302
    assert reload(cohort).status == CohortStatus.DRAFT

    assert enterprise.post(cohort_url(cohort, "submit"), confirmed()).status_code == 302
    assert (
        district.post(cohort_url(cohort, "approve"), confirmed({"comment": ""})).status_code == 302
    )
    assert reload(cohort).status == CohortStatus.APPROVED
    assert events(cohort) == [
        "cohort.submit",
        "cohort.return",
        "cohort.update",
        "cohort.submit",
        "cohort.approve",
    ]


def test_the_enterprise_cannot_approve_its_own_filing(world, programme):
    cohort = programme.cohort
    world.client("enterprise").post(cohort_url(cohort, "submit"), confirmed())
    for username in ("enterprise", "school"):
        response = world.client(username).post(cohort_url(cohort, "approve"), confirmed())
        assert response.status_code == 403, username
    assert (
        world.client("enterprise2").post(cohort_url(cohort, "approve"), confirmed()).status_code
        == 404
    )
    assert reload(cohort).status == CohortStatus.SUBMITTED
    assert events(cohort) == ["cohort.submit"]


def test_a_return_without_a_comment_is_refused_on_the_page(world, programme):
    cohort = programme.cohort
    world.client("enterprise").post(cohort_url(cohort, "submit"), confirmed())
    response = world.client("district").post(
        cohort_url(cohort, "return"), confirmed({"comment": " "})
    )
    assert response.status_code == 200
    assert response.context["review_form"].errors["comment"]
    assert reload(cohort).status == CohortStatus.SUBMITTED


def test_a_second_approval_is_refused_with_the_reason(world, programme):
    cohort = make_cohort(world, status=CohortStatus.APPROVED)
    response = world.client("district").post(cohort_url(cohort, "approve"), confirmed())
    assert response.status_code == 409
    assert "transition_not_allowed" in response.content.decode()
    assert events(cohort) == []


def test_each_party_gets_a_notice_and_reading_marks_it_read(world, programme):
    cohort = programme.cohort
    world.client("enterprise").post(cohort_url(cohort, "submit"), confirmed())
    world.client("district").post(cohort_url(cohort, "return"), confirmed({"comment": "补充材料"}))
    notices = Notice.objects.filter(organisation=world.enterprise)
    assert notices.filter(read_at__isnull=True).exists()
    client = world.client("enterprise")
    page = client.get(url("notice_list"))
    body = page.content.decode()
    assert cohort.code in body and "补充材料" in body
    assert notices.filter(read_at__isnull=True).exists()  # reading the page writes nothing
    shown = sorted(page.context["unread"])
    world.client("enterprise2").post(url("notice_list"), {"read": shown})
    assert notices.filter(read_at__isnull=True).exists()  # nobody else marks them
    read = client.post(url("notice_list"), {"read": shown})
    assert read.status_code == 302
    assert not notices.filter(read_at__isnull=True).exists()
    assert cohort.code not in world.client("enterprise2").get(url("notice_list")).content.decode()


def test_an_approved_class_starts_and_completes_from_its_page_on_its_actual_dates(world):
    programme = build_programme(world, status=CohortStatus.APPROVED)
    cohort, client = programme.cohort, world.client("enterprise")
    # Without its actual date, nothing starts: the form asks for it.
    assert client.post(cohort_url(cohort, "start"), confirmed()).status_code == 200
    assert reload(cohort).status == CohortStatus.APPROVED
    assert (
        client.post(cohort_url(cohort, "start"), confirmed({"on": "2026-03-02"})).status_code == 302
    )
    assert reload(cohort).status == CohortStatus.IN_TRAINING
    assert reload(programme.enrollment).status == EnrollmentStatus.ACTIVE
    Cohort.objects.filter(pk=cohort.pk).update(planned_end=dt.date(2026, 11, 30))
    assert (
        client.post(cohort_url(cohort, "complete"), confirmed({"on": "2026-11-30"})).status_code
        == 302
    )
    assert reload(cohort).status == CohortStatus.COMPLETED
    assert events(cohort) == ["cohort.start", "cohort.complete"]


def test_the_enterprise_withdraws_a_submitted_filing_but_not_a_draft_never_submitted(
    world, programme
):
    client = world.client("enterprise")
    cohort = programme.cohort
    assert not client.get(cohort_url(cohort)).context["actions"]["withdraw"]
    assert client.post(cohort_url(cohort, "submit"), confirmed()).status_code == 302
    assert client.get(cohort_url(cohort)).context["actions"]["withdraw"]
    assert client.post(cohort_url(cohort, "withdraw"), confirmed()).status_code == 302
    assert reload(cohort).status == CohortStatus.WITHDRAWN


def test_a_new_class_is_created_as_a_draft_of_the_users_enterprise(world, programme):
    data = cohort_form(programme.cohort, name="新焊工班")
    data.pop("institution")
    response = world.client("enterprise").post(url("cohort_create"), data)
    assert response.status_code == 302
    cohort = Cohort.objects.get(name="新焊工班")
    assert cohort.enterprise_id == world.enterprise.pk
    assert cohort.institution_id == programme.agreement.institution_id
    assert cohort.status == CohortStatus.DRAFT and cohort.code.startswith("BJ-")
    assert response["Location"] == cohort_url(cohort)
    assert events(cohort) == ["cohort.create"]


def test_a_class_with_bad_dates_is_refused_on_the_form(world, programme):
    data = cohort_form(programme.cohort, name="坏日期", planned_end="2020-01-01")
    response = world.client("enterprise").post(url("cohort_create"), data)
    assert response.status_code == 200 and response.context["form"].errors
    assert not Cohort.objects.filter(name="坏日期").exists()


def test_only_an_enterprise_or_the_city_drafts_classes_and_agreements(world):
    for username in ("district", "school", "mentor"):
        client = world.client(username)
        assert client.get(url("cohort_create")).status_code == 403, username
        assert client.get(url("agreement_create")).status_code == 403, username
    assert world.client("bureau").get(url("cohort_create")).status_code == 200


# The roster -----------------------------------------------------------------------------
ROSTER_HEADERS = ["姓名", "身份证号", "手机号", "学徒类别", "劳动合同开始日期", "劳动合同结束日期"]


def roster_file(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([*ROSTER_HEADERS, "是否缴纳社保", "企业导师", "院校导师"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


NAMES = "零甲乙丙丁戊己庚辛壬癸"


def roster_row(programme, n: int) -> list:
    number = make_resident_id("500112", dt.date(1999, 4, 1), n, gender="M")
    mentor, teacher = programme.mentor.person, programme.teacher.person
    return [
        f"学徒{NAMES[n]}",
        number,
        "",
        "新入职",
        "2026-01-01",
        "",
        "是",
        mentor.name,
        teacher.name,
    ]


def test_a_roster_upload_runs_as_a_job_and_imports_the_rows(
    world, programme, django_capture_on_commit_callbacks
):
    cohort = programme.cohort
    data = roster_file([roster_row(programme, n) for n in (1, 2)])
    upload = SimpleUploadedFile("名册.xlsx", data)
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("enterprise").post(
            url("cohort_roster_import", cohort), {"file": upload}
        )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.result is not None
    assert job.state == JobState.DONE and job.result["ok"], job.result["problems"]
    assert cohort.enrollments.count() == 3
    page = world.client("enterprise").get(url("cohort_roster_import", cohort))
    assert page.context["last_job"] == job


def test_a_roster_with_errors_imports_nothing_and_the_page_reports_row_and_column(
    world, programme, django_capture_on_commit_callbacks
):
    cohort = programme.cohort
    bad = roster_row(programme, 3)
    bad[3] = "临时工"
    data = roster_file([roster_row(programme, 4), bad])
    with django_capture_on_commit_callbacks(execute=True):
        world.client("enterprise").post(
            url("cohort_roster_import", cohort), {"file": SimpleUploadedFile("r.xlsx", data)}
        )
    assert cohort.enrollments.count() == 1
    page = world.client("enterprise").get(url("cohort_roster_import", cohort)).content.decode()
    assert 'data-testid="last-import"' in page and "临时工" in page and "学徒类别" in page


def test_a_roster_upload_that_is_not_xlsx_is_refused_on_the_form(world, programme):
    upload = SimpleUploadedFile("roster.csv", b"a,b\n")
    response = world.client("enterprise").post(
        url("cohort_roster_import", programme.cohort), {"file": upload}
    )
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not Job.objects.exists()


def test_the_roster_template_downloads_as_xlsx(world, programme):
    response = world.client("enterprise").get(url("cohort_roster_template", programme.cohort))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_an_apprentice_is_added_by_id_number(world, programme):
    number = make_resident_id("500112", dt.date(2000, 6, 1), 7, gender="F")
    data = {
        "id_number": number,
        "person_name": "陈红",
        "category": ApprenticeCategory.IN_POST,
        "contract_start": "2026-01-01",
        "contract_end": "",
        "social_insurance": "on",
        "enterprise_mentor": programme.mentor.pk,
        "institution_mentor": programme.teacher.pk,
    }
    response = world.client("enterprise").post(url("enrollment_create", programme.cohort), data)
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(person__id_number=number)
    assert enrollment.cohort == programme.cohort and enrollment.person.name == "陈红"


def test_someone_registered_under_another_name_is_not_added(world, programme):
    worker = world.people["worker2"]
    data = {
        "id_number": worker.id_number,
        "person_name": "别人",
        "category": ApprenticeCategory.NEW_HIRE,
        "contract_start": "2026-01-01",
    }
    response = world.client("enterprise").post(url("enrollment_create", programme.cohort), data)
    assert response.status_code == 200 and response.context["form"].errors["person_name"]
    assert worker.name not in response.content.decode()
    assert not Enrollment.objects.filter(person=worker).exists()


def test_an_ineligible_apprentice_is_refused_with_the_reason_and_not_registered(world, programme):
    number = make_resident_id("500112", dt.date(1950, 6, 1), 8, gender="M")
    data = {
        "id_number": number,
        "person_name": "老王",
        "category": ApprenticeCategory.NEW_HIRE,
        "contract_start": "2026-01-01",
    }
    response = world.client("enterprise").post(url("enrollment_create", programme.cohort), data)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Person.objects.filter(id_number=number).exists()


# Enrollments: changes after approval ---------------------------------------------------------
def test_pause_resume_change_of_mentor_and_withdrawal_make_the_history(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    enrollment, client = programme.enrollment, world.client("enterprise")
    base = f"/programmes/enrollments/{enrollment.pk}/"
    other = make_mentor(world)
    steps: list[tuple[str, dict[str, object]]] = [
        ("pause", {"pause-on": "2026-06-01"}),
        ("resume", {"resume-on": "2026-07-01"}),
        (
            "change-mentor",
            {
                "change_mentor-kind": MentorKind.ENTERPRISE,
                "change_mentor-mentor": other.pk,
                "change_mentor-effective_date": "2026-07-02",
            },
        ),
        (
            "withdraw",
            {"withdraw-on": "2026-08-01", "withdraw-reason": "left", "withdraw-note": "离职"},
        ),
    ]
    for action, data in steps:
        response = client.post(base + action + "/", confirmed(data))
        assert response.status_code == 302, (action, response.content.decode()[:500])
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.WITHDRAWN
    assert enrollment.enterprise_mentor == other
    page = client.get(base)
    kinds = [event.kind for event in page.context["history"]]
    assert kinds[-4:] == [
        EnrollmentEventKind.PAUSED,
        EnrollmentEventKind.RESUMED,
        EnrollmentEventKind.MENTOR_CHANGED,
        EnrollmentEventKind.WITHDRAWN,
    ]
    assert "离职" in page.content.decode()
    assert events(enrollment)[-4:] == [
        "enrollment.paused",
        "enrollment.resumed",
        "enrollment.change_mentor",
        "enrollment.withdrawn",
    ]


def test_a_refused_enrollment_change_shows_why_and_changes_nothing(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    enrollment = programme.enrollment
    response = world.client("enterprise").post(
        f"/programmes/enrollments/{enrollment.pk}/resume/", confirmed({"resume-on": "2026-07-01"})
    )
    assert response.status_code == 200
    assert response.context["action_forms"]
    assert reload(enrollment).status == EnrollmentStatus.ACTIVE


def test_only_the_enterprise_changes_an_enrollment(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    base = f"/programmes/enrollments/{programme.enrollment.pk}/pause/"
    assert (
        world.client("district").post(base, confirmed({"pause-on": "2026-06-01"})).status_code
        == 403
    )
    assert (
        world.client("enterprise2").post(base, confirmed({"pause-on": "2026-06-01"})).status_code
        == 404
    )
    assert reload(programme.enrollment).status == EnrollmentStatus.ACTIVE


# Agreements -------------------------------------------------------------------------------
def test_an_agreement_with_its_scan_is_drafted_confirmed_and_downloaded(world):
    scan = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    data = {
        "enterprise": world.enterprise.pk,
        "institution": world.institution.pk,
        "valid_from": "2026-01-01",
        "valid_to": "2028-12-31",
        "training_mode": "alternation",
        "fee_per_apprentice": "3000.00",
        "duties": "企业负责岗位实训。",
        "scan": scan,
    }
    response = world.client("enterprise").post(url("agreement_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    agreement = CooperationAgreement.objects.get()
    assert not agreement.confirmed
    assert (
        world.client("enterprise")
        .post(url("agreement_confirm", agreement), confirmed())
        .status_code
        == 403
    )
    school = world.client("school")
    assert (
        'data-testid="confirm"' in school.get(url("agreement_detail", agreement)).content.decode()
    )
    assert school.post(url("agreement_confirm", agreement), confirmed()).status_code == 302
    assert reload(agreement).confirmed
    download = world.client("enterprise").get(url("agreement_scan", agreement))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 signed"
    assert world.client("enterprise2").get(url("agreement_scan", agreement)).status_code == 404
    assert events(agreement) == ["cooperationagreement.create", "cooperationagreement.confirm"]


def test_a_scan_of_the_wrong_type_is_refused(world):
    data = {
        "enterprise": world.enterprise.pk,
        "institution": world.institution.pk,
        "valid_from": "2026-01-01",
        "valid_to": "2028-12-31",
        "training_mode": "alternation",
        "fee_per_apprentice": "0",
        "scan": SimpleUploadedFile("virus.exe", b"MZ"),
    }
    response = world.client("enterprise").post(url("agreement_create"), data)
    assert response.status_code == 200 and response.context["form"].errors["scan"]
    assert not CooperationAgreement.objects.exists()


def test_the_agreement_list_filters_by_confirmation(world, programme):
    from xuetu.programmes.tests.factories import make_agreement

    pending = make_agreement(world, confirmed=False)
    client = world.client("enterprise")
    confirmed = client.get(url("agreement_list") + "?confirmation=confirmed").context
    unconfirmed = client.get(url("agreement_list") + "?confirmation=unconfirmed").context
    assert list(confirmed["object_list"]) == [programme.agreement]
    assert list(unconfirmed["object_list"]) == [pending]


# Mentors and appointment letters ---------------------------------------------------------------
def test_a_mentor_is_appointed_and_gets_a_letter(world):
    number = make_resident_id("500112", dt.date(1980, 3, 3), 9, gender="M")
    data = {
        "organisation": world.enterprise.pk,
        "id_number": number,
        "person_name": "刘师傅",
        "certificate_level": 3,
        "certificate_number": "S000001",
        "years_experience": 15,
    }
    response = world.client("enterprise").post(url("mentor_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    mentor = Mentor.objects.get(person__id_number=number)
    assert mentor.kind == MentorKind.ENTERPRISE
    letter = {"term_start": "2026-03-01", "term_end": "2028-02-29"}
    assert world.client("enterprise").post(url("mentor_appoint", mentor), letter).status_code == 302
    appointment = Appointment.objects.get(mentor=mentor)
    page = world.client("enterprise").get(url("mentor_detail", mentor)).content.decode()
    assert appointment.number in page
    assert world.client("district").get(url("mentor_appoint", mentor)).status_code == 403
    assert world.client("enterprise2").get(url("appointment_pdf", appointment)).status_code == 404


def test_the_mentor_page_shows_load_against_the_limit(world, programme):
    page = world.client("enterprise").get(url("mentor_detail", programme.mentor))
    assert page.context["object"].load == 1 and page.context["object"].limit == 10


def test_an_ended_classs_apprentice_is_not_counted_on_the_mentors_page(world, programme):
    from xuetu.programmes.tests.factories import make_enrollment

    ended = make_cohort(world, status=CohortStatus.COMPLETED)
    still_open = make_enrollment(
        world, ended, enterprise_mentor=programme.mentor, status=EnrollmentStatus.PAUSED
    )
    assert still_open.status in ("enrolled", "active", "paused")  # open, but the class ended
    client = world.client("enterprise")
    detail = client.get(url("mentor_detail", programme.mentor)).context["object"]
    listed = client.get(url("mentor_list")).context["object_list"]
    assert detail.load == 1
    assert next(m for m in listed if m.pk == programme.mentor.pk).load == 1


# Constant queries ------------------------------------------------------------------------
def add_cohorts(world, count: int, *, prefix: str) -> None:
    template = make_cohort(world)
    Cohort.objects.bulk_create(
        Cohort(
            code=f"BJ-{prefix}-{n:05d}",
            name=f"批量班 {n}",
            enterprise=world.enterprise,
            institution=world.institution,
            agreement=template.agreement,
            occupation=template.occupation,
            target_level=3,
            planned_start=template.planned_start,
            planned_end=template.planned_end,
            planned_headcount=1,
        )
        for n in range(count - 1)
    )


def add_roster(world, cohort: Cohort, count: int, *, area: str) -> None:
    people = Person.objects.bulk_create(
        Person(
            name=f"学徒{n}",
            id_number=make_resident_id(
                area, dt.date(1995, 1, 1) + dt.timedelta(days=n // 100), n % 100, gender="M"
            ),
            gender="M",
            birth_date=dt.date(1995, 1, 1) + dt.timedelta(days=n // 100),
            registered_by=world.enterprise,
        )
        for n in range(count)
    )
    mentor = make_mentor(world)
    Enrollment.objects.bulk_create(
        Enrollment(
            cohort=cohort,
            person=person,
            category=ApprenticeCategory.NEW_HIRE,
            contract_start=dt.date(2026, 1, 1),
            enterprise_mentor=mentor,
        )
        for person in Person.objects.filter(pk__in=[p.pk for p in people])
    )


def queries_for(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("username", ["enterprise", "district", "bureau"])
def test_the_class_list_runs_the_same_queries_for_10_and_1000_classes(world, username):
    client = world.client(username)
    add_cohorts(world, 10, prefix="A")
    few = queries_for(client, url("cohort_list"))
    add_cohorts(world, 990, prefix="B")
    assert Cohort.objects.count() == 1000
    assert queries_for(client, url("cohort_list")) == few


@pytest.mark.parametrize("username", ["enterprise", "district"])
def test_a_class_page_runs_the_same_queries_for_10_and_1000_apprentices(world, username):
    client = world.client(username)
    small, large = make_cohort(world), make_cohort(world)
    add_roster(world, small, 10, area="500114")
    add_roster(world, large, 1000, area="500115")
    assert large.enrollments.count() == 1000
    assert queries_for(client, cohort_url(large)) == queries_for(client, cohort_url(small))


def test_an_enrollment_page_runs_the_same_queries_whatever_its_history(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    enrollment, client = programme.enrollment, world.client("enterprise")
    path = f"/programmes/enrollments/{enrollment.pk}/"
    few = queries_for(client, path)
    EnrollmentEvent.objects.bulk_create(
        EnrollmentEvent(
            enrollment=enrollment,
            kind=EnrollmentEventKind.PAUSED,
            effective_date=dt.date(2026, 4, 1),
            by=world.users["enterprise"],
        )
        for _ in range(50)
    )
    assert queries_for(client, path) == few


def test_editing_a_confirmed_agreement_asks_the_other_side_again(world, programme):
    agreement = programme.agreement
    data = {
        "valid_from": "2025-09-01",
        "valid_to": "2030-08-31",
        "training_mode": "alternation",
        "fee_per_apprentice": "4000.00",
        "duties": agreement.duties,
    }
    response = world.client("enterprise").post(url("agreement_edit", agreement), data)
    assert response.status_code == 302
    assert not reload(agreement).confirmed
    page = world.client("school").get(url("agreement_detail", agreement)).content.decode()
    assert 'data-testid="confirm"' in page
    assert events(agreement) == ["cooperationagreement.update"]


def test_an_approved_class_offers_no_roster_upload(world):
    cohort = make_cohort(world, status=CohortStatus.APPROVED)
    page = world.client("enterprise").get(url("cohort_roster_import", cohort)).content.decode()
    assert 'data-testid="roster-closed"' in page and 'data-testid="roster-upload"' not in page


@pytest.mark.django_db
def test_an_apprentice_and_a_mentor_find_their_classes_on_the_home_page(world):
    from xuetu.programmes.tests.factories import build_programme

    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    home = world.client("apprentice").get("/").content.decode()
    assert programme.cohort.name in home
    assert f"/programmes/enrollments/{programme.enrollment.pk}/" in home
    mentor_home = world.client("mentor").get("/").content.decode()
    assert 'data-testid="my-apprentices"' in mentor_home
    assert programme.enrollment.person.name in mentor_home
    assert 'data-testid="my-classes"' not in world.client("enterprise2").get("/").content.decode()


def test_a_withdrawn_apprentice_is_replaced_before_the_cut_off(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    enrollment, client = programme.enrollment, world.client("enterprise")
    base = f"/programmes/enrollments/{enrollment.pk}/"
    client.post(
        base + "withdraw/", confirmed({"withdraw-on": "2026-03-20", "withdraw-reason": "left"})
    )
    page = client.get(base)
    assert "substitute" in [action["name"] for action in page.context["action_forms"]]
    number = make_resident_id("500105", dt.date(2002, 4, 4), 31, gender="M")
    data = {
        "substitute-id_number": number,
        "substitute-person_name": "顶岗",
        "substitute-category": ApprenticeCategory.NEW_HIRE,
        "substitute-contract_start": "2026-03-25",
        "substitute-contract_end": "2028-03-24",
        "substitute-social_insurance": "on",
        "substitute-effective_date": "2026-04-01",
    }
    response = client.post(base + "substitute/", confirmed(data))
    assert response.status_code == 302, response.content.decode()[:800]
    substitute = Enrollment.objects.get(person__id_number=number)
    assert substitute.substitute_for == enrollment and substitute.cohort == enrollment.cohort
    assert response["Location"] == f"/programmes/enrollments/{substitute.pk}/"
    again = client.post(base + "substitute/", confirmed({**data, "substitute-id_number": number}))
    assert again.status_code in (200, 409)
    assert Enrollment.objects.filter(substitute_for=enrollment).count() == 1


def test_a_substitution_after_the_cut_off_is_refused_with_its_reason(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    enrollment, client = programme.enrollment, world.client("enterprise")
    base = f"/programmes/enrollments/{enrollment.pk}/"
    client.post(
        base + "withdraw/", confirmed({"withdraw-on": "2026-07-20", "withdraw-reason": "left"})
    )
    number = make_resident_id("500105", dt.date(2002, 4, 4), 32, gender="F")
    response = client.post(
        base + "substitute/",
        confirmed(
            {
                "substitute-id_number": number,
                "substitute-person_name": "迟到",
                "substitute-category": ApprenticeCategory.NEW_HIRE,
                "substitute-contract_start": "2026-07-01",
                "substitute-social_insurance": "on",
                "substitute-effective_date": "2026-08-01",
            }
        ),
    )
    assert response.status_code == 409
    assert [p.code for p in response.context["refused"].problems]
    assert not Enrollment.objects.filter(person__id_number=number).exists()
    assert not Person.objects.filter(id_number=number).exists()


def test_an_apprentice_moves_to_another_class_of_the_same_enterprise(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    target = make_cohort(world, status=CohortStatus.IN_TRAINING)
    other = make_cohort(world, status=CohortStatus.IN_TRAINING, enterprise=world.enterprise2)
    base = f"/programmes/enrollments/{programme.enrollment.pk}/"
    client = world.client("enterprise")
    choices = client.get(base).context["action_forms"]
    transfer = next(a for a in choices if a["name"] == "transfer")["form"]
    assert target in transfer.fields["to"].queryset and other not in transfer.fields["to"].queryset
    refused = client.post(
        base + "transfer/",
        confirmed({"transfer-to": other.pk, "transfer-effective_date": "2026-05-01"}),
    )
    failed = next(a for a in refused.context["action_forms"] if a["name"] == "transfer")
    assert refused.status_code == 200 and "to" in failed["form"].errors
    response = client.post(
        base + "transfer/",
        confirmed({"transfer-to": target.pk, "transfer-effective_date": "2026-05-01"}),
    )
    assert response.status_code == 302, response.content.decode()[:800]
    assert reload(programme.enrollment).status == EnrollmentStatus.WITHDRAWN
    moved = Enrollment.objects.get(cohort=target, person=programme.enrollment.person)
    assert response["Location"] == f"/programmes/enrollments/{moved.pk}/"


def test_the_class_list_and_the_rosters_export_to_excel_for_what_the_user_sees(
    world, django_capture_on_commit_callbacks
):
    from xuetu.core.excel import read_rows

    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    make_cohort(world, enterprise=world.enterprise2)
    client = world.client("enterprise")
    for kind, expected in (("cohort", programme.cohort.code), ("enrollment", "舒晓超")):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/export/{kind}/")
        job = Job.objects.get(pk=response["Location"].strip("/").split("/")[-1])
        assert job.state == JobState.DONE, job.message
        rows = read_rows(b"".join(client.get(f"/jobs/{job.pk}/download/").streaming_content))
        assert len(rows) == 2 and expected in rows[1]


def test_unread_notices_show_in_the_navigation_until_read(world):
    Notice.objects.create(
        recipient=world.users["district"],
        organisation=world.district_bureau,
        kind="plain",
        params={"text": "开班申请已提交"},
        url="/",
    )
    client = world.client("district")
    assert 'data-testid="unread-notices">1<' in client.get("/").content.decode()
    assert (
        'data-testid="unread-notices"' not in world.client("enterprise").get("/").content.decode()
    )
    page = client.get("/programmes/notices/")
    assert "开班申请已提交" in page.content.decode()
    assert 'data-testid="unread-notices">1<' in client.get("/").content.decode()
    client.post("/programmes/notices/", {"read": sorted(page.context["unread"])})
    assert 'data-testid="unread-notices"' not in client.get("/").content.decode()


def test_one_apprentice_completes_on_their_own_date(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    base = f"/programmes/enrollments/{programme.enrollment.pk}/"
    client = world.client("enterprise")
    names = [action["name"] for action in client.get(base).context["action_forms"]]
    assert "complete" in names
    response = client.post(base + "complete/", confirmed({"complete-on": "2028-03-15"}))
    assert response.status_code == 302
    assert reload(programme.enrollment).status == EnrollmentStatus.COMPLETED
    history = client.get(base).context["history"]
    assert history[-1].kind == EnrollmentEventKind.COMPLETED
    assert world.client("enterprise2").post(base + "complete/", confirmed({})).status_code == 404


def test_an_enterprise_sees_its_apprentice_registered_by_another_employer(world):
    from xuetu.programmes.tests.factories import make_enrollment, make_person

    cohort = make_cohort(world, status=CohortStatus.IN_TRAINING)
    newcomer = make_person("转来的", organisation=world.enterprise2)
    make_enrollment(world, cohort, person=newcomer)
    assert world.client("enterprise").get(f"/registry/people/{newcomer.pk}/").status_code == 200
    assert world.client("school").get(f"/registry/people/{newcomer.pk}/").status_code == 200
    stranger = make_person("路人", organisation=world.enterprise2)
    assert world.client("enterprise").get(f"/registry/people/{stranger.pk}/").status_code == 404
    people = world.client("enterprise").get("/registry/people/").context["object_list"]
    assert len(people) == len(set(people))
