"""`/api/v1/assessments/`: list (filters `cohort`, `enrollment`), create (201, 400 field
errors, 409 problems), retrieve; scoped; the enterprise gets 403 on create."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from xuetu.programmes.models import Enrollment
from xuetu.training.models import Assessment
from xuetu.training.tests.factories_assess import (
    make_assessment,
    more_apprentices,
    running_programme,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/assessments/"


@pytest.fixture
def programme(world):
    return running_programme(world)


def body(enrollment, **values):
    on = timezone.localdate() - dt.timedelta(days=5)
    return {
        "enrollment": enrollment.pk,
        "theory_score": "78.5",
        "practical_score": "88.0",
        "outcome": "pass",
        "assessed_on": f"{on:%Y-%m-%d}",
        "assessor": "重庆市职业技能鉴定指导中心",
        **values,
    }


def test_the_school_records_an_assessment(world, programme):
    response = world.api("school").post(URL, body(programme.enrollment), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["cohort"] == programme.cohort.pk
    assert Enrollment.objects.get(pk=programme.enrollment.pk).status == "completed"
    again = world.api("school").post(URL, body(programme.enrollment), format="json")
    assert again.status_code == 409
    assert [p["code"] for p in again.json()["problems"]] == ["already_assessed"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("theory_score", "100.5"), ("practical_score", "-3"), ("theory_score", "77.25")],
)
def test_bad_scores_are_400_with_the_field(world, programme, field, value):
    response = world.api("school").post(
        URL, body(programme.enrollment, **{field: value}), format="json"
    )
    assert response.status_code == 400 and field in response.json()


def test_a_future_date_is_409(world, programme):
    later = timezone.localdate() + dt.timedelta(days=3)
    response = world.api("school").post(
        URL, body(programme.enrollment, assessed_on=f"{later:%Y-%m-%d}"), format="json"
    )
    assert response.status_code == 409
    [problem] = response.json()["problems"]
    assert (problem["code"], problem["field"]) == ("future_date", "assessed_on")


def test_a_date_in_year_9999_and_a_huge_id_never_answer_500(world, programme):
    api = world.api("school")
    response = api.post(URL, body(programme.enrollment, assessed_on="9999-12-31"), format="json")
    assert response.status_code in (400, 409)
    huge = {**body(programme.enrollment), "enrollment": 2**64}
    assert api.post(URL, huge, format="json").status_code == 400
    assert api.get(f"{URL}{2**64}/").status_code == 404
    assert api.get(f"{URL}?cohort={2**64}").status_code == 200


def test_the_enterprise_gets_403_on_create(world, programme):
    response = world.api("enterprise").post(URL, body(programme.enrollment), format="json")
    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_another_organisation_neither_sees_nor_records(world, programme):
    assessment = make_assessment(world, programme.enrollment)
    api = world.api("enterprise2")
    assert api.get(URL).json()["count"] == 0
    assert api.get(f"{URL}{assessment.pk}/").status_code == 404
    [other] = more_apprentices(world, programme, 1)
    assert api.post(URL, body(other), format="json").status_code in (400, 403)


def test_the_apprentice_reads_only_their_own(world, programme):
    [other] = more_apprentices(world, programme, 1)
    make_assessment(world, other)
    mine = make_assessment(world, programme.enrollment)
    listed = world.api("apprentice").get(URL).json()
    assert [row["id"] for row in listed["results"]] == [mine.pk]


def test_the_list_filters_by_class_and_enrollment(world, programme):
    [other] = more_apprentices(world, programme, 1)
    make_assessment(world, other)
    mine = make_assessment(world, programme.enrollment)
    api = world.api("school")
    assert api.get(f"{URL}?cohort={programme.cohort.pk}").json()["count"] == 2
    by_enrollment = api.get(f"{URL}?enrollment={programme.enrollment.pk}").json()
    assert [row["id"] for row in by_enrollment["results"]] == [mine.pk]
    assert api.get(f"{URL}?cohort={programme.cohort.pk + 1000}").json()["count"] == 0


def test_the_list_keeps_a_constant_query_count(world, programme, django_assert_max_num_queries):
    api = world.api("school")
    for extra in (2, 25):
        for enrollment in more_apprentices(world, programme, extra):
            make_assessment(world, enrollment)
        with django_assert_max_num_queries(12):
            assert api.get(URL).status_code == 200


def test_a_correction_through_the_api_needs_a_reason(world, programme):
    assessment = make_assessment(world, programme.enrollment, outcome="fail")
    url = f"{URL}{assessment.pk}/"
    api = world.api("school")
    assert api.patch(url, {"outcome": "pass"}, format="json").status_code == 400
    response = api.patch(url, {"outcome": "pass", "reason": "录入错误"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["outcome"] == "pass"
    assert world.api("enterprise").patch(url, {"reason": "x"}, format="json").status_code == 403
