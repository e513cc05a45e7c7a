"""Access by role and relation inside an organisation (issue 6, findings 1, 2 and 4): each
test reproduces what a role could read before the access table, and holds what it reaches
now. The world: `mentor` mentors the apprentice 舒晓超 (`apprentice`) in one class of
Changan; a second apprentice of the same class (another user's record) was withdrawn with
a reason; the enterprise also has a draft class nobody mentors."""

from __future__ import annotations

import datetime as dt

import pytest

from xuetu.core.excel import read_rows
from xuetu.core.models import Job, Notice
from xuetu.programmes import services
from xuetu.programmes.choices import CohortStatus, EnrollmentEventKind, EnrollmentStatus
from xuetu.programmes.models import Appointment, EnrollmentEvent
from xuetu.programmes.tests.factories import (
    build_programme,
    make_agreement,
    make_cohort,
    make_enrollment,
    make_person,
)

pytestmark = pytest.mark.django_db

REASON = "个人原因：家中有事"


@pytest.fixture
def programme(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    other = make_person("王小二", organisation=world.enterprise, phone="13900001111")
    programme.other = make_enrollment(  # type: ignore[attr-defined]
        world,
        programme.cohort,
        person=other,
        enterprise_mentor=None,
        institution_mentor=None,
        status=EnrollmentStatus.WITHDRAWN,
        withdrawn_on=dt.date(2027, 5, 1),
    )
    EnrollmentEvent.objects.create(
        enrollment=programme.other,  # type: ignore[attr-defined]
        kind=EnrollmentEventKind.WITHDRAWN,
        effective_date=dt.date(2027, 5, 1),
        details={"reason": REASON},
        by=world.users["enterprise"],
    )
    programme.draft = make_cohort(world, name="未提交的草稿班")  # type: ignore[attr-defined]
    programme.letter = Appointment.objects.create(  # type: ignore[attr-defined]
        mentor=programme.teacher,
        cohort=programme.cohort,
        number="PS-ROLE-000001",
        term_start=programme.cohort.planned_start,
        term_end=programme.cohort.planned_end,
        issued_on=programme.cohort.planned_start,
    )
    return programme


def ids(response) -> set[int]:
    body = response.json()
    return {row["id"] for row in body.get("results", body)}


# Finding 1: role-blind visibility ----------------------------------------------------------
def test_an_apprentice_lists_only_their_own_person_record_with_their_own_full_id(world, programme):
    api = world.api("apprentice")
    response = api.get("/api/v1/people/")
    me = world.people["apprentice"]
    assert ids(response) == {me.pk}
    row = response.json()["results"][0]
    assert row["id_number"] == me.id_number  # their own number, in full
    assert "13900001111" not in response.content.decode()
    assert api.get(f"/api/v1/people/{programme.other.person.pk}/").status_code == 404
    page = world.client("apprentice").get("/registry/people/").content.decode()
    assert me.name in page and "王小二" not in page and "张三" not in page


def test_an_apprentice_exports_no_one_else(world, programme, django_capture_on_commit_callbacks):
    client = world.client("apprentice")
    for kind in ("person", "enrollment", "cohort"):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/export/{kind}/")
        job = Job.objects.filter(owner=world.users["apprentice"]).latest("pk")
        download = client.get(f"/jobs/{job.pk}/download/")
        rows = read_rows(b"".join(download.streaming_content))
        text = repr(rows)
        assert "王小二" not in text and "张三" not in text and "未提交的草稿班" not in text


def test_an_apprentice_sees_only_their_own_classes_not_the_enterprises_drafts(world, programme):
    api = world.api("apprentice")
    assert ids(api.get("/api/v1/cohorts/")) == {programme.cohort.pk}
    assert api.get(f"/api/v1/cohorts/{programme.draft.pk}/").status_code == 404
    page = world.client("apprentice").get(f"/programmes/cohorts/{programme.draft.pk}/")
    assert page.status_code == 404


def test_an_apprentice_sees_only_their_own_line_of_the_roster(world, programme):
    api = world.api("apprentice")
    assert ids(api.get("/api/v1/enrollments/")) == {programme.enrollment.pk}
    page = world.client("apprentice").get(programme.cohort.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert "舒晓超" in body and "王小二" not in body


def test_an_apprentice_cannot_read_another_apprentices_withdrawal_reason(world, programme):
    other = programme.other
    assert world.client("apprentice").get(other.get_absolute_url()).status_code == 404
    response = world.api("apprentice").get(f"/api/v1/enrollments/{other.pk}/history/")
    assert response.status_code == 404
    # The enterprise that withdrew them reads it.
    assert REASON in world.client("enterprise").get(other.get_absolute_url()).content.decode()


def test_an_apprentice_cannot_download_the_filing_form_or_a_teachers_letter(world, programme):
    client = world.client("apprentice")
    filing = f"/programmes/cohorts/{programme.cohort.pk}/filing-form/"
    assert client.get(filing).status_code == 403  # they see the class, not its filing
    assert client.get(f"/programmes/appointments/{programme.letter.pk}/pdf/").status_code == 404
    assert world.client("enterprise").get(filing).status_code == 200
    assert world.client("district").get(filing).status_code == 200


def test_a_mentor_cannot_export_the_whole_company_roster(
    world, programme, django_capture_on_commit_callbacks
):
    client = world.client("mentor")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/export/enrollment/")
    job = Job.objects.get(owner=world.users["mentor"])
    download = client.get(f"/jobs/{job.pk}/download/")
    header, *rows = read_rows(b"".join(download.streaming_content))
    names = [row[header.index("姓名")] for row in rows]
    assert names == ["舒晓超"]  # whom they mentor, not 王小二 nor the rest of Changan


def test_a_mentor_sees_the_class_of_their_apprentice_read_only(world, programme):
    client = world.client("mentor")
    assert client.get(programme.cohort.get_absolute_url()).status_code == 200
    assert client.get(f"/programmes/cohorts/{programme.cohort.pk}/edit/").status_code == 403
    assert client.get(f"/programmes/cohorts/{programme.draft.pk}/").status_code == 404
    api = world.api("mentor")
    assert api.patch(f"/api/v1/cohorts/{programme.cohort.pk}/", {}).status_code == 403


def test_a_teacher_with_a_letter_for_the_class_sees_its_roster_but_not_the_reasons(
    world, programme
):
    from xuetu.testing import make_user

    teacher_user = world.users["teacher"] = make_user("teacher", world.institution, "mentor")
    programme.teacher.person.user = teacher_user
    programme.teacher.person.save()
    api = world.api("teacher")
    assert ids(api.get("/api/v1/enrollments/")) == {programme.enrollment.pk, programme.other.pk}
    assert api.get(f"/api/v1/enrollments/{programme.other.pk}/history/").json() == []


def test_the_notice_of_a_returned_filing_reaches_the_managers_not_the_mentor(world):
    programme = build_programme(world, status=CohortStatus.SUBMITTED)
    services.cohort_return(
        by=world.users["district"], cohort=programme.cohort, comment="补充花名册"
    )
    assert Notice.objects.filter(recipient=world.users["enterprise"]).exists()
    assert not Notice.objects.filter(recipient=world.users["mentor"]).exists()
    assert not Notice.objects.filter(recipient=world.users["apprentice"]).exists()


def test_exporting_people_as_a_mentor_gives_only_their_apprentices_masked(
    world, programme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("mentor").post("/export/person/")
    assert response.status_code == 302
    job = Job.objects.get(owner=world.users["mentor"])
    download = world.client("mentor").get(f"/jobs/{job.pk}/download/")
    rows = read_rows(b"".join(download.streaming_content))
    apprentice = world.people["apprentice"]
    by_name = {row[0]: row[1] for row in rows[1:]}
    # Whom they mentor, and their own record (王劲松); nobody else of Changan.
    assert set(by_name) == {apprentice.name, "王劲松"}
    assert by_name[apprentice.name] == (
        apprentice.id_number[:4] + "*" * 10 + apprentice.id_number[-4:]
    )


def test_id_numbers_are_masked_for_roles_that_do_not_need_them(world, programme):
    person = world.people["apprentice"]
    masked = person.id_number[:4] + "*" * 10 + person.id_number[-4:]
    page = world.client("mentor").get(f"/registry/people/{person.pk}/").content.decode()
    assert masked in page and person.id_number not in page
    api = world.api("mentor").get(f"/api/v1/people/{person.pk}/").json()
    assert api["id_number"] == masked
    full = world.api("enterprise").get(f"/api/v1/people/{person.pk}/").json()
    assert full["id_number"] == person.id_number


# Finding 4: a one-sided draft agreement shares nothing --------------------------------------
def test_a_one_sided_draft_agreement_shows_the_drafter_nothing_of_the_institution(world, programme):
    draft = make_agreement(world, enterprise=world.enterprise2, confirmed=False)
    api = world.api("enterprise2")
    assert api.get(f"/api/v1/agreements/{draft.pk}/").status_code == 200  # their own draft
    assert programme.teacher.pk not in ids(api.get("/api/v1/mentors/"))
    assert api.get(f"/api/v1/mentors/{programme.teacher.pk}/").status_code == 404
    client = world.client("enterprise2")
    assert client.get(f"/programmes/appointments/{programme.letter.pk}/pdf/").status_code == 404
    body = client.get(f"/registry/institutions/{world.institution.pk}/").content.decode()
    assert programme.cohort.name not in body and programme.cohort.code not in body


def test_an_institution_sees_a_class_only_under_a_confirmed_agreement(world, programme):
    unconfirmed = make_agreement(world, confirmed=False)
    hidden = make_cohort(world, agreement=unconfirmed, name="单方草稿协议的班")
    api = world.api("school")
    visible = ids(api.get("/api/v1/cohorts/"))
    assert programme.cohort.pk in visible and hidden.pk not in visible
    assert api.get(f"/api/v1/cohorts/{hidden.pk}/").status_code == 404


def test_navigation_shows_each_role_only_the_lists_it_can_open(world, programme):
    def menu(username: str) -> set[str]:
        body = world.client(username).get("/").content.decode()
        links = {
            "/registry/people/",
            "/registry/enterprises/",
            "/programmes/cohorts/",
            "/programmes/agreements/",
            "/programmes/mentors/",
        }
        return {link for link in links if f'href="{link}"' in body}

    assert menu("apprentice") == set()
    assert menu("mentor") == {"/registry/people/", "/programmes/cohorts/"}
    assert menu("enterprise") == {
        "/registry/people/",
        "/registry/enterprises/",
        "/programmes/cohorts/",
        "/programmes/agreements/",
        "/programmes/mentors/",
    }


def test_a_change_to_an_enrollment_is_told_to_its_apprentice_and_mentors_not_the_company(
    world, programme
):
    from xuetu.core.notices import notice_text
    from xuetu.testing import make_user

    bystander = make_user("bystander", world.enterprise, "mentor")
    services.enrollment_pause(
        by=world.users["enterprise"], enrollment=programme.enrollment, on=dt.date(2027, 6, 1)
    )
    told = set(Notice.objects.values_list("recipient__username", flat=True))
    assert told == {"apprentice", "mentor"}  # not the manager who did it, not other members
    notice = Notice.objects.get(recipient=world.users["apprentice"])
    text = notice_text(notice.kind, notice.params)
    assert "舒晓超" in text and programme.cohort.code in text
    assert not Notice.objects.filter(recipient=bystander).exists()


def test_an_actions_pickers_offer_only_the_people_the_user_may_see(world):
    from xuetu.accounts.choices import OrganisationKind
    from xuetu.programmes.tests.factories import make_mentor
    from xuetu.registry.models import Institution

    other_school = Institution.objects.create(
        kind=OrganisationKind.INSTITUTION,
        name="未确认协议的学院",
        district=world.jiulongpo,
        institution_type="technician_college",
    )
    draft = make_agreement(world, institution=other_school, confirmed=False)
    cohort = make_cohort(
        world, status=CohortStatus.IN_TRAINING, institution=other_school, agreement=draft
    )
    hidden = make_mentor(
        world,
        organisation=other_school,
        person=make_person("未公开的老师", organisation=other_school),
    )
    enrollment = make_enrollment(world, cohort, institution_mentor=None)
    client = world.client("enterprise")
    url = f"/programmes/enrollments/{enrollment.pk}/change-mentor/"
    offered = client.get(url).context["form"].fields["mentor"].queryset
    assert hidden not in offered  # another institution's teacher, no confirmed agreement
    page = client.get(enrollment.get_absolute_url()).content.decode()
    assert "未公开的老师" not in page
