"""Certificates through the API: create, list, verify and reject, and refusals as 409."""

from __future__ import annotations

import pytest

from xuetu.certification.choices import ReviewStatus
from xuetu.certification.models import Certificate
from xuetu.certification.tests.factories import make_certificate, skill_number
from xuetu.programmes.tests.factories import build_programme, make_enrollment, make_person

pytestmark = pytest.mark.django_db
URL = "/api/v1/certificates/"


@pytest.fixture
def programme(world):
    return build_programme(world)


def body(world, programme, **values):
    return {
        "person": world.people["apprentice"].pk,
        "kind": "skill_level",
        "occupation": programme.occupation.pk,
        "level": 3,
        "number": skill_number(level=3),
        "issuer": "重庆市职业技能鉴定指导中心",
        "issued_on": "2024-06-28",
        **values,
    }


def test_the_institution_records_a_certificate_through_the_api(world, programme):
    response = world.api("school").post(URL, body(world, programme), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["review_status"] == "accepted"
    assert Certificate.objects.get().organisation_id == world.institution.pk


def test_an_unknown_layout_is_created_into_the_review_queue(world, programme):
    response = world.api("school").post(
        URL, body(world, programme, number="CQ-2019-0042"), format="json"
    )
    assert response.status_code == 201
    assert response.json()["review_status"] == "pending_review"
    assert response.json()["review_reason"]


def test_a_level_mismatch_is_409_with_problems_naming_number(world, programme):
    response = world.api("school").post(
        URL, body(world, programme, level=2, number=skill_number(level=3)), format="json"
    )
    assert response.status_code == 409
    [problem] = response.json()["problems"]
    assert problem["code"] == "number_level_mismatch"
    assert problem["field"] == "number"


def test_the_enterprise_is_refused_with_recorder_is_claimant(world, programme):
    response = world.api("enterprise").post(URL, body(world, programme), format="json")
    assert response.status_code == 409
    assert [p["code"] for p in response.json()["problems"]] == ["recorder_is_claimant"]


def test_review_status_cannot_be_set_by_the_recorder(world, programme):
    response = world.api("school").post(
        URL, body(world, programme, review_status="verified"), format="json"
    )
    assert response.status_code == 201
    assert response.json()["review_status"] == "accepted"


def test_the_bureau_verifies_and_rejects_through_the_api(world, programme):
    queued = make_certificate(world, programme, number="CQ-2019-0042")
    accepted = make_certificate(world, programme)
    school = world.api("school")
    assert school.post(f"{URL}{queued.pk}/verify/", {}, format="json").status_code == 403
    bureau = world.api("bureau")
    verified = bureau.post(f"{URL}{queued.pk}/verify/", {"comment": "已核对"}, format="json")
    assert verified.status_code == 200
    assert verified.json()["review_status"] == ReviewStatus.VERIFIED
    missing = bureau.post(f"{URL}{accepted.pk}/reject/", {}, format="json")
    assert missing.status_code == 400
    rejected = bureau.post(f"{URL}{accepted.pk}/reject/", {"reason": "查无此证"}, format="json")
    assert rejected.status_code == 200
    assert rejected.json()["review_status"] == ReviewStatus.REJECTED
    again = bureau.post(f"{URL}{accepted.pk}/verify/", {}, format="json")
    assert again.status_code == 409


def test_the_list_shows_the_holder_their_own_and_the_other_enterprise_nothing(world, programme):
    certificate = make_certificate(world, programme)
    own = world.api("apprentice").get(URL).json()["results"]
    assert [row["id"] for row in own] == [certificate.pk]
    assert world.api("enterprise2").get(URL).json()["results"] == []
    assert world.api("enterprise2").get(f"{URL}{certificate.pk}/").status_code == 404


def test_the_list_filters_the_review_queue(world, programme):
    queued = make_certificate(world, programme, number="CQ-2019-0042")
    make_certificate(world, programme)
    rows = world.api("bureau").get(URL, {"review_status": "pending_review"}).json()["results"]
    assert [row["id"] for row in rows] == [queued.pk]


def many_certificates(world, programme, n: int) -> None:
    for i in range(n):
        person = make_person(f"学徒{i}", organisation=world.enterprise)
        make_enrollment(
            world,
            programme.cohort,
            person=person,
            enterprise_mentor=programme.mentor,
            institution_mentor=programme.teacher,
        )
        make_certificate(world, programme, person=person)


@pytest.mark.parametrize("rows", [5, 50])
def test_the_api_list_keeps_its_query_count_as_rows_grow(
    world, programme, rows, django_assert_max_num_queries
):
    many_certificates(world, programme, rows)
    client = world.api("school")
    client.get(URL)  # the token and the session, once
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"page_size": 100})
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_the_page_list_keeps_its_query_count_as_rows_grow(
    world, programme, rows, django_assert_max_num_queries
):
    many_certificates(world, programme, rows)
    client = world.client("school")
    client.get("/certification/certificates/")
    with django_assert_max_num_queries(14):
        response = client.get("/certification/certificates/")
    assert response.status_code == 200
