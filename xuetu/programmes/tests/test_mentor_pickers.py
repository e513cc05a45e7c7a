"""Mentors who qualify, and pickers that say who is missing (issue 8 items 5, 13 and 14).

A mentor without a certificate or recognition may be recorded, and the page says plainly that
no picker offers them yet and why; a capacity above the policy's ratio is refused with the
limit named; every mentor picker (add an apprentice, change of mentor, substitution, transfer)
offers only mentors who qualify and have room and lists the others beneath it with the
reason; the services refuse an unqualified mentor whatever a form offered. The class form's
agreement picker names the institution and the period, and a sole enterprise is chosen."""

from __future__ import annotations

import datetime as dt
import re
from typing import cast

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.utils import translation

from xuetu.core.identifiers import make_resident_id
from xuetu.core.problems import Refused
from xuetu.programmes import forms, services
from xuetu.programmes.choices import ApprenticeCategory, CohortStatus, MentorKind
from xuetu.programmes.models import Mentor
from xuetu.programmes.tests.factories import (
    build_programme,
    make_cohort,
    make_enrollment,
    make_mentor,
    make_person,
)
from xuetu.programmes.tests.test_services import enrol

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff]")


def client_in(world, username: str, language: str):
    client = world.client(username)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def new_mentor_data(world, **values) -> dict:
    data = {
        "organisation": world.enterprise.pk,
        "id_number": make_resident_id("500113", dt.date(1981, 4, 4), 7, gender="M"),
        "person_name": "刘铁军",
        "years_experience": 8,
    }
    return {**data, **values}


def picker(form, name: str) -> forms.AssignableMentorField:
    return cast(forms.AssignableMentorField, form.fields[name])


def warnings_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


# Saving a mentor -------------------------------------------------------------------------------
def test_saving_an_unqualified_mentor_keeps_them_and_says_why_they_cannot_be_assigned(world):
    build_programme(world)
    response = client_in(world, "enterprise", "en").post(
        "/programmes/mentors/new/", new_mentor_data(world)
    )
    assert response.status_code == 302
    mentor = Mentor.objects.get(person__name="刘铁军")
    [warning] = warnings_of(response)
    assert warning.startswith("Saved, but 刘铁军 cannot be assigned to apprentices")
    assert "holds no certificate at level 3 or higher" in warning
    page = client_in(world, "enterprise", "zh-hans").get(mentor.get_absolute_url())
    assert "暂不能指派给学徒" in page.content.decode()


def test_saving_a_qualified_mentor_gives_no_warning(world):
    build_programme(world)
    data = new_mentor_data(world, certificate_level=3, certificate_number="S000002")
    response = world.client("enterprise").post("/programmes/mentors/new/", data)
    assert response.status_code == 302 and not warnings_of(response)
    page = world.client("enterprise").get(response["Location"])
    assert 'data-testid="not-assignable"' not in page.content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "at most 10 apprentices per enterprise mentor"), ("zh-hans", "最多带 10 名学徒")],
)
def test_a_capacity_above_the_policys_limit_is_a_field_error_naming_the_limit(
    world, language, words
):
    build_programme(world)
    data = new_mentor_data(world, certificate_level=3, capacity=15)
    response = client_in(world, "enterprise", language).post("/programmes/mentors/new/", data)
    assert response.status_code == 200
    [error] = response.context["form"].errors["capacity"]
    assert words in error
    assert not Mentor.objects.filter(person__name="刘铁军").exists()


def test_a_capacity_above_the_limit_is_refused_on_edit_and_in_the_api(world):
    programme = build_programme(world)
    with pytest.raises(ValidationError) as error:
        services.mentor_update(by=world.users["enterprise"], mentor=programme.mentor, capacity=15)
    assert "capacity" in error.value.message_dict
    url = f"/api/v1/mentors/{programme.mentor.pk}/"
    response = world.api("enterprise").patch(url, {"capacity": 15}, format="json")
    assert response.status_code == 400 and "capacity" in response.json()
    assert world.api("enterprise").patch(url, {"capacity": 8}, format="json").status_code == 200


def test_a_teachers_capacity_is_the_institutions_own(world):
    programme = build_programme(world)
    teacher = services.mentor_update(
        by=world.users["school"], mentor=programme.teacher, capacity=30
    )
    assert teacher.capacity == 30


# Pickers ---------------------------------------------------------------------------------------
def full_and_unqualified(programme):
    """A mentor with no certificate and one who already mentors ten apprentices."""
    world = programme.world
    novice = make_mentor(world, person=make_person("新手甲"), certificate_level=None)
    for _ in range(9):  # the programme's own apprentice is the tenth
        make_enrollment(world, programme.cohort, enterprise_mentor=programme.mentor)
    return novice, programme.mentor


def test_adding_an_apprentice_offers_only_mentors_with_room_and_says_why_others_are_missing(
    world,
):
    programme = build_programme(world)
    _novice, full = full_and_unqualified(programme)
    free = make_mentor(world, person=make_person("空闲乙"))
    url = f"/programmes/cohorts/{programme.cohort.pk}/roster/add/"
    response = client_in(world, "enterprise", "zh-hans").get(url)
    field = response.context["form"]["enterprise_mentor"]
    offered = {choice.data["value"] for choice in field.subwidgets if choice.data["value"]}
    assert offered == {free.pk}
    page = response.content.decode()
    assert "新手甲 · 没有职业资格证书或技能等级证书" in page
    assert f"{full.person.name} · 已带满 10 名学徒" in page


def test_a_posted_unqualified_mentor_is_not_a_valid_choice(world):
    programme = build_programme(world)
    novice, _full = full_and_unqualified(programme)
    form = forms.EnrollmentCreateForm(
        {
            "id_number": make_resident_id("500113", dt.date(2000, 1, 1), 3, gender="M"),
            "person_name": "钟海波",
            "category": ApprenticeCategory.NEW_HIRE,
            "contract_start": "2026-01-01",
            "enterprise_mentor": novice.pk,
        },
        cohort=programme.cohort,
    )
    assert not form.is_valid() and "enterprise_mentor" in form.errors


def test_the_change_of_mentor_picker_leaves_out_the_unqualified_and_the_full(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    novice, full = full_and_unqualified(programme)
    other = make_enrollment(world, programme.cohort, enterprise_mentor=make_mentor(world))
    free = make_mentor(world, person=make_person("空闲乙"))
    response = client_in(world, "enterprise", "en").get(
        f"/programmes/enrollments/{other.pk}/change-mentor/"
    )
    offered = list(picker(response.context["form"], "mentor").offered())
    assert free in offered and novice not in offered and full not in offered
    page = response.content.decode()
    assert "新手甲 · no vocational qualification or skill level certificate" in page
    assert f"{full.person.name} · already mentors 10 apprentices, the limit" in page


def test_the_enrollment_changed_does_not_count_against_its_own_mentor(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    _novice, full = full_and_unqualified(programme)
    form = forms.ChangeMentorForm(enrollment=programme.enrollment)
    assert full in picker(form, "mentor").offered()  # its tenth place is this enrollment's


def test_the_substitution_picker_leaves_out_an_unqualified_mentor(world):
    programme = build_programme(world, status=CohortStatus.APPROVED)
    novice = make_mentor(world, person=make_person("新手甲"), certificate_level=5)
    form = forms.SubstituteForm(enrollment=programme.enrollment)
    field = picker(form, "enterprise_mentor")
    assert programme.mentor in field.offered() and novice not in field.offered()
    with translation.override("zh-hans"):
        note = str(field.help_text)
    assert "新手甲 · 证书等级为5级，须为3级或以上" in note


def test_the_transfer_picker_leaves_out_an_unqualified_mentor_of_the_new_class(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    target = make_cohort(world, status=CohortStatus.APPROVED, occupation=programme.occupation)
    novice = make_mentor(world, person=make_person("新手甲"), certificate_level=None)
    qualified = make_mentor(world, person=make_person("合格丙"))
    make_enrollment(world, target, enterprise_mentor=novice)
    make_enrollment(world, target, enterprise_mentor=qualified)
    form = forms.TransferForm(enrollment=programme.enrollment)
    field = picker(form, "enterprise_mentor")
    assert list(field.offered()) == [qualified]
    with translation.override("en"):
        assert "新手甲 · no vocational qualification" in str(field.help_text)


def test_a_picker_judges_its_mentors_in_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    programme = build_programme(world)
    for n in range(12):
        make_mentor(world, person=make_person(f"导师{n}"), certificate_level=(3, None)[n % 2])
    form = forms.EnrollmentCreateForm(cohort=programme.cohort)
    with django_assert_max_num_queries(12):
        str(form["enterprise_mentor"]), str(form.fields["enterprise_mentor"].help_text)
        str(form["institution_mentor"]), str(form.fields["institution_mentor"].help_text)


def test_the_service_refuses_an_unqualified_mentor_whatever_the_form_offers(world):
    programme = build_programme(world)
    novice = make_mentor(world, certificate_level=None)
    person = make_person("钟海波", organisation=world.enterprise)
    with pytest.raises(Refused) as refused:
        enrol(programme, person, enterprise_mentor=novice)
    assert refused.value.codes == ["mentor_unqualified"]
    assert refused.value.problems[0].field == "enterprise_mentor"


# Labels ----------------------------------------------------------------------------------------
def test_a_mentor_choice_reads_name_and_role_in_the_readers_language_only(world):
    programme = build_programme(world)
    with translation.override("en"):
        english = str(programme.mentor)
    with translation.override("zh-hans"):
        chinese = str(programme.mentor)
    assert english == "王劲松 · enterprise mentor"
    assert not CJK.search(english.replace("王劲松", ""))
    assert chinese == "王劲松 · 企业导师"
    assert not re.search("[A-Za-z]", chinese)
    with translation.override("en"):
        assert str(programme.teacher) == "吴辉 · institution teacher"
        assert str(MentorKind.ENTERPRISE.label) == "Enterprise mentor"


def test_an_agreement_choice_reads_number_institution_and_period(world):
    programme = build_programme(world)
    page = world.client("enterprise").get("/programmes/cohorts/new/")
    agreement = programme.agreement
    label = f"{agreement.number} · {agreement.institution.name} · 2025-09-01–2029-08-31"
    assert label in page.content.decode()


def test_the_sole_enterprise_and_its_sole_agreement_are_preselected(world):
    programme = build_programme(world)
    form = world.client("enterprise").get("/programmes/cohorts/new/").context["form"]
    assert form["enterprise"].value() == world.enterprise.pk
    assert form["agreement"].value() == programme.agreement.pk
    data = {
        "name": "预选测试班",
        "agreement": programme.agreement.pk,
        "occupation": programme.occupation.pk,
        "target_level": 3,
        "planned_start": "2026-03-01",
        "planned_end": "2028-02-29",
        "planned_headcount": 1,
        "training_mode": "alternation",
    }
    response = world.client("enterprise").post("/programmes/cohorts/new/", data)
    assert response.status_code == 302, response.context["form"].errors


# The rules behind them ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("facts", "code"),
    [
        ({"certificate_level": 3}, None),
        ({"certificate_level": None}, "mentor_unqualified"),
        ({"certificate_level": 4}, "mentor_unqualified"),
        ({"certificate_level": 3, "load": 10}, "mentor_over_capacity"),
        ({"certificate_level": 3, "load": 5, "capacity": 5}, "mentor_over_capacity"),
        ({"certificate_level": 3, "is_active": False}, "mentor_unqualified"),
        ({"kind": MentorKind.INSTITUTION, "load": 40}, None),
    ],
)
def test_a_picker_leaves_a_mentor_out_for_the_first_rule_that_fails(facts, code):
    from xuetu.programmes import rules
    from xuetu.programmes.models import ProgrammePolicy

    mentor = rules.MentorFacts(key="1", name="王劲松", **{"kind": MentorKind.ENTERPRISE, **facts})
    reason = rules.unassignable_reason(mentor, ProgrammePolicy())
    assert (reason.code if reason else None) == code


@pytest.mark.parametrize(
    ("kind", "capacity", "refused"),
    [
        (MentorKind.ENTERPRISE, None, False),
        (MentorKind.ENTERPRISE, 10, False),
        (MentorKind.ENTERPRISE, 11, True),
        (MentorKind.INSTITUTION, 30, False),
    ],
)
def test_an_enterprise_mentors_capacity_may_lower_the_policys_ratio_never_raise_it(
    kind, capacity, refused
):
    from xuetu.programmes import rules
    from xuetu.programmes.models import ProgrammePolicy

    problems = rules.capacity_setting_problems(kind, capacity, ProgrammePolicy())
    assert [p.code for p in problems] == (["mentor_capacity_above_limit"] if refused else [])
