"""The programmes API as its users meet it: the enterprise files a class, the district reviews
it, the school confirms the agreement; outsiders get 404, the wrong role 403, a refused
change 409 with every problem."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xuetu.accounts.choices import OrganisationKind, Role
from xuetu.accounts.models import Organisation
from xuetu.core.identifiers import make_resident_id
from xuetu.core.models import AuditEvent
from xuetu.programmes.choices import CohortStatus, EnrollmentStatus
from xuetu.programmes.models import Cohort, CooperationAgreement, Enrollment
from xuetu.programmes.tests.factories import (
    END,
    START,
    build_programme,
    fast_passwords,  # noqa: F401  (autouse)
    make_cohort,
    make_person,
    owned_programme_objects,
)
from xuetu.registry.models import Person
from xuetu.testing import assert_hidden_from, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(world):
    return build_programme(world)


def cohort_url(cohort: Cohort, action: str = "") -> str:
    return f"/api/v1/cohorts/{cohort.pk}/" + (f"{action}/" if action else "")


def enrollment_url(enrollment: Enrollment, action: str = "") -> str:
    return f"/api/v1/enrollments/{enrollment.pk}/" + (f"{action}/" if action else "")


# Tenancy -----------------------------------------------------------------------------------
def every_programme_url(programme) -> list[tuple[str, str]]:
    owned = owned_programme_objects(programme)
    agreement, mentor = owned["programmes.cooperationagreement"], owned["programmes.mentor"]
    cohort, enrollment = programme.cohort, programme.enrollment
    return [
        ("get", f"/api/v1/agreements/{agreement.pk}/"),
        ("patch", f"/api/v1/agreements/{agreement.pk}/"),
        ("post", f"/api/v1/agreements/{agreement.pk}/confirm/"),
        ("get", f"/api/v1/mentors/{mentor.pk}/"),
        ("patch", f"/api/v1/mentors/{mentor.pk}/"),
        ("get", cohort_url(cohort)),
        ("get", cohort_url(cohort, "check")),
        *[("post", cohort_url(cohort, a)) for a in ("submit", "approve", "return", "reject")],
        ("get", enrollment_url(enrollment)),
        ("get", enrollment_url(enrollment, "history")),
        *[("post", enrollment_url(enrollment, a)) for a in ("withdraw", "pause", "resume")],
    ]


def test_another_enterprise_gets_404_on_every_programme_object(programme):
    client = programme.world.api("enterprise2")
    for method, url in every_programme_url(programme):
        assert_hidden_from(client, url, method=method, data={})


def test_a_reviewer_of_another_district_gets_404(programme):
    bureau = Organisation.objects.create(
        kind=OrganisationKind.DISTRICT_BUREAU,
        name="九龙坡区人社局",
        district=programme.world.jiulongpo,
    )
    make_user("jlp", bureau, Role.DISTRICT_REVIEWER)
    programme.world.users["jlp"] = type(programme.world.users["district"]).objects.get(
        username="jlp"
    )
    client = programme.world.api("jlp")
    for method, url in every_programme_url(programme):
        assert_hidden_from(client, url, method=method, data={})


def test_lists_show_only_the_users_own_objects(programme):
    world = programme.world
    theirs = make_cohort(world, enterprise=world.enterprise2)
    owned = owned_programme_objects(programme)
    routes = {
        "agreements": owned["programmes.cooperationagreement"],
        "mentors": owned["programmes.mentor"],
        "cohorts": programme.cohort,
        "enrollments": programme.enrollment,
    }
    for route, mine in routes.items():
        seen_by_owner = ids(world.api("enterprise").get(f"/api/v1/{route}/"))
        seen_by_other = ids(world.api("enterprise2").get(f"/api/v1/{route}/"))
        assert mine.pk in seen_by_owner, route
        assert mine.pk not in seen_by_other, route
    assert ids(world.api("enterprise2").get("/api/v1/cohorts/")) == {theirs.pk}


def ids(response) -> set[int]:
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_the_apprentice_sees_their_own_enrollment_with_their_full_id(programme):
    rows = programme.world.api("apprentice").get("/api/v1/enrollments/").json()["results"]
    assert [r["id"] for r in rows] == [programme.enrollment.pk]
    assert rows[0]["id_number"] == programme.world.people["apprentice"].id_number


def test_an_enterprise_manager_sees_masked_id_numbers_unless_the_setting_allows(
    programme, settings
):
    settings.XUETU_FULL_ID_ROLES = []
    row = programme.world.api("enterprise").get(enrollment_url(programme.enrollment)).json()
    assert "*" in row["id_number"]


# Filing through the API --------------------------------------------------------------------
def test_the_enterprise_submits_and_the_district_approves(programme):
    world = programme.world
    response = world.api("enterprise").post(cohort_url(programme.cohort, "submit"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == CohortStatus.SUBMITTED
    response = world.api("district").post(cohort_url(programme.cohort, "approve"), {})
    assert response.status_code == 200
    assert Cohort.objects.get(pk=programme.cohort.pk).status == CohortStatus.APPROVED


def test_a_refused_submit_is_409_with_every_problem(programme):
    Cohort.objects.filter(pk=programme.cohort.pk).update(plan_summary="", planned_headcount=2)
    response = programme.world.api("enterprise").post(
        cohort_url(programme.cohort, "submit"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409
    body = response.json()
    assert [p["code"] for p in body["problems"]] == ["no_plan", "headcount_mismatch"]
    assert body["problems"][0] == {
        "code": "no_plan",
        "message": "The class has no training plan.",
        "field": "plan_summary",
    }
    assert body["detail"]


def test_the_check_lists_the_problems_without_submitting(programme):
    Cohort.objects.filter(pk=programme.cohort.pk).update(plan_summary="")
    response = programme.world.api("enterprise").get(cohort_url(programme.cohort, "check"))
    assert [p["code"] for p in response.json()["problems"]] == ["no_plan"]
    assert Cohort.objects.get(pk=programme.cohort.pk).status == CohortStatus.DRAFT


@pytest.mark.parametrize("username", ["enterprise", "school", "mentor"])
def test_a_party_to_the_class_cannot_approve_it_403(programme, username):
    world = programme.world
    world.api("enterprise").post(cohort_url(programme.cohort, "submit"))
    response = world.api(username).post(cohort_url(programme.cohort, "approve"), {})
    assert response.status_code == 403
    assert Cohort.objects.get(pk=programme.cohort.pk).status == CohortStatus.SUBMITTED


def test_the_district_cannot_submit_an_enterprises_filing_403(programme):
    response = programme.world.api("district").post(cohort_url(programme.cohort, "submit"))
    assert response.status_code == 403


def test_returning_needs_a_comment_and_tells_the_enterprise(programme):
    world = programme.world
    world.api("enterprise").post(cohort_url(programme.cohort, "submit"))
    url = cohort_url(programme.cohort, "return")
    assert world.api("district").post(url, {}).status_code == 400
    response = world.api("district").post(url, {"comment": "请补充导师资质"}, format="json")
    assert response.status_code == 200
    assert response.json()["review_comment"] == "请补充导师资质"
    assert response.json()["status"] == CohortStatus.RETURNED


def test_a_double_approval_applies_once_and_the_second_is_409(programme):
    world = programme.world
    world.api("enterprise").post(cohort_url(programme.cohort, "submit"))
    first = world.api("district").post(cohort_url(programme.cohort, "approve"), {})
    second = world.api("bureau").post(cohort_url(programme.cohort, "approve"), {})
    assert (first.status_code, second.status_code) == (200, 409)
    assert second.json()["problems"][0]["code"] == "transition_not_allowed"
    assert AuditEvent.objects.filter(action="cohort.approve").count() == 1


def test_an_enterprise_creates_and_edits_a_class(programme):
    world = programme.world
    data = {
        "name": "汽车装调工高级工班",
        "enterprise": world.enterprise.pk,
        "agreement": programme.agreement.pk,
        "occupation": programme.occupation.pk,
        "target_level": 3,
        "planned_start": START.isoformat(),
        "planned_end": END.isoformat(),
        "planned_headcount": 30,
        "plan_summary": "工学交替",
    }
    response = world.api("enterprise").post("/api/v1/cohorts/", data, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["institution"] == world.institution.pk
    assert created["code"].startswith("BJ-2026-")
    url = f"/api/v1/cohorts/{created['id']}/"
    response = world.api("enterprise").patch(url, {"planned_headcount": 25}, format="json")
    assert response.status_code == 200
    assert Cohort.objects.get(pk=created["id"]).planned_headcount == 25


def test_another_enterprise_cannot_create_a_class_for_it(programme):
    world = programme.world
    data = {
        "name": "冒名班",
        "enterprise": world.enterprise.pk,
        "institution": world.institution.pk,
        "occupation": programme.occupation.pk,
        "target_level": 3,
        "planned_start": START.isoformat(),
        "planned_end": END.isoformat(),
        "planned_headcount": 1,
    }
    response = world.api("enterprise2").post("/api/v1/cohorts/", data, format="json")
    assert response.status_code == 400  # the enterprise is "not found" for them
    assert "enterprise" in response.json()
    assert not Cohort.objects.filter(name="冒名班").exists()


# Agreements and mentors --------------------------------------------------------------------
def test_the_enterprise_drafts_and_the_school_confirms_an_agreement(world):
    data = {
        "enterprise": world.enterprise.pk,
        "institution": world.institution.pk,
        "valid_from": "2025-09-01",
        "valid_to": "2029-08-31",
        "fee_per_apprentice": "3000.00",
        "duties": "学院负责理论教学",
    }
    response = world.api("enterprise").post("/api/v1/agreements/", data, format="json")
    assert response.status_code == 201, response.content
    url = f"/api/v1/agreements/{response.json()['id']}/confirm/"
    assert world.api("enterprise").post(url).status_code == 403
    response = world.api("school").post(url)
    assert response.status_code == 200
    assert response.json()["confirmed"] is True
    again = world.api("school").post(url)
    assert again.status_code == 409
    assert again.json()["problems"][0]["code"] == "already_confirmed"


def test_an_agreement_between_two_other_parties_is_forbidden(world):
    data = {
        "enterprise": world.enterprise2.pk,
        "institution": world.institution.pk,
        "valid_from": "2025-09-01",
        "valid_to": "2029-08-31",
    }
    response = world.api("enterprise").post("/api/v1/agreements/", data, format="json")
    assert response.status_code == 403
    assert not CooperationAgreement.objects.exists()


def test_an_enterprise_appoints_a_mentor_through_the_api(world):
    person = world.people["worker"]
    data = {"person": person.pk, "organisation": world.enterprise.pk, "certificate_level": 2}
    response = world.api("enterprise").post("/api/v1/mentors/", data, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "enterprise"
    assert response.json()["person_name"] == person.name


def test_a_mentor_cannot_be_appointed_from_another_organisations_people(world):
    data = {"person": world.people["worker2"].pk, "organisation": world.enterprise.pk}
    response = world.api("enterprise").post("/api/v1/mentors/", data, format="json")
    assert response.status_code == 400
    assert "person" in response.json()


# The roster --------------------------------------------------------------------------------
def test_the_enterprise_enrols_an_apprentice_with_the_schools_teacher(programme):
    world = programme.world
    person = make_person("周光明", organisation=world.enterprise)
    data = {
        "cohort": programme.cohort.pk,
        "person": person.pk,
        "category": "new_hire",
        "contract_start": "2026-01-01",
        "enterprise_mentor": programme.mentor.pk,
        "institution_mentor": programme.teacher.pk,
    }
    response = world.api("enterprise").post("/api/v1/enrollments/", data, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["institution_mentor_name"] == "吴辉"


def test_enrolling_an_ineligible_apprentice_is_409(programme):
    world = programme.world
    person = make_person("学生", organisation=world.enterprise, is_pensioner=True)
    data = {
        "cohort": programme.cohort.pk,
        "person": person.pk,
        "category": "new_hire",
        "contract_start": "2026-01-01",
    }
    response = world.api("enterprise").post("/api/v1/enrollments/", data, format="json")
    assert response.status_code == 409
    assert [p["code"] for p in response.json()["problems"]] == ["pensioner"]


def test_pause_resume_and_withdraw_through_the_api(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    client = world.api("enterprise")
    url = enrollment_url(programme.enrollment, "pause")
    assert client.post(url, {"on": "2026-07-01"}, format="json").status_code == 200
    response = client.post(
        enrollment_url(programme.enrollment, "resume"), {"on": "2026-07-11"}, format="json"
    )
    assert response.json()["planned_end"] == (END + dt.timedelta(days=10)).isoformat()
    response = client.post(
        enrollment_url(programme.enrollment, "withdraw"),
        {"on": "2026-09-01", "reason": "dismissed", "note": "违纪"},
        format="json",
    )
    assert response.json()["status"] == EnrollmentStatus.WITHDRAWN
    again = client.post(enrollment_url(programme.enrollment, "pause"), {"on": "2026-09-02"})
    assert again.status_code == 409
    history = client.get(enrollment_url(programme.enrollment, "history")).json()
    assert [e["kind"] for e in history] == ["paused", "resumed", "withdrawn"]


def test_a_withdrawal_without_a_reason_is_400(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    url = enrollment_url(programme.enrollment, "withdraw")
    response = world.api("enterprise").post(url, {"on": "2026-09-01"}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()


def test_the_mentor_cannot_withdraw_an_apprentice_403(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    url = enrollment_url(programme.enrollment, "withdraw")
    data = {"on": "2026-09-01", "reason": "left"}
    assert world.api("mentor").post(url, data, format="json").status_code == 403


# Constant queries --------------------------------------------------------------------------
def grow(programme, total: int) -> None:
    """Adds classes, each with one apprentice, until there are `total` enrollments."""
    have = Enrollment.objects.count()
    template = {
        f.attname: getattr(programme.cohort, f.attname)
        for f in Cohort._meta.concrete_fields
        if not f.primary_key
    }
    cohorts = Cohort.objects.bulk_create(
        Cohort(**{**template, "code": f"BJ-BULK-{n:05d}"}) for n in range(have, total)
    )
    people = Person.objects.bulk_create(bulk_person(programme, n) for n in range(have, total))
    Enrollment.objects.bulk_create(
        Enrollment(
            cohort=cohort,
            person=person,
            category="new_hire",
            contract_start=START,
            enterprise_mentor=programme.mentor,
            institution_mentor=programme.teacher,
        )
        for cohort, person in zip(cohorts, people, strict=True)
    )


def bulk_person(programme, n: int) -> Person:
    birth = dt.date(1980, 1, 1) + dt.timedelta(days=n)
    return Person(
        name=f"学徒{n}",
        id_number=make_resident_id("500114", birth, n % 100, gender="M"),
        gender="M",
        birth_date=birth,
        registered_by=programme.world.enterprise,
    )


@pytest.mark.parametrize("route", ["cohorts", "enrollments"])
@pytest.mark.parametrize("username", ["enterprise", "district", "bureau"])
def test_lists_run_the_same_number_of_queries_for_10_and_1000_rows(programme, route, username):
    client = programme.world.api(username)
    grow(programme, 10)
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/api/v1/{route}/").status_code == 200
    grow(programme, 1000)
    assert Enrollment.objects.count() == 1000
    with CaptureQueriesContext(connection) as large:
        response = client.get(f"/api/v1/{route}/")
    assert response.json()["count"] == 1000
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


# Schema ------------------------------------------------------------------------------------
def test_the_openapi_schema_describes_the_actions_and_the_409(client):
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    paths = schema["paths"]
    for action in ("submit", "approve", "return", "reject"):
        post = paths[f"/api/v1/cohorts/{{id}}/{action}/"]["post"]
        assert "409" in post["responses"], action
    body = paths["/api/v1/cohorts/{id}/return/"]["post"]["requestBody"]
    assert body["required"] is True
    assert "/api/v1/enrollments/{id}/withdraw/" in paths
    assert client.get("/api/schema/").status_code == 200
