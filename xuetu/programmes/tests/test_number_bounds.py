"""Numbers a user would expect bounded (issue 8 item 6): a fee is not negative, a class has
between 1 and the policy's class size apprentices, a mentor's capacity and experience are
plausible, a share is a percentage; each answer is a field error, and nothing is stored."""

from __future__ import annotations

import pytest

from xuetu.programmes.models import Cohort, CooperationAgreement
from xuetu.programmes.tests.factories import END, START, build_programme

pytestmark = pytest.mark.django_db


def class_body(programme, headcount) -> dict:
    return {
        "name": "界限测试班",
        "enterprise": programme.world.enterprise.pk,
        "agreement": programme.agreement.pk,
        "occupation": programme.occupation.pk,
        "target_level": 3,
        "planned_start": START.isoformat(),
        "planned_end": END.isoformat(),
        "planned_headcount": headcount,
    }


@pytest.mark.parametrize("headcount", [0, -1, 201, 2_147_483_648])
def test_a_class_takes_from_one_to_the_policys_class_size_apprentices(world, headcount):
    programme = build_programme(world)
    api = world.api("enterprise")
    response = api.post("/api/v1/cohorts/", class_body(programme, headcount), format="json")
    assert response.status_code == 400, response.content
    assert "planned_headcount" in response.json()
    assert not Cohort.objects.filter(name="界限测试班").exists()
    assert (
        api.post("/api/v1/cohorts/", class_body(programme, 200), format="json").status_code == 201
    )


def test_a_negative_fee_is_a_field_error_on_the_api_and_the_page(world):
    data = {
        "enterprise": world.enterprise.pk,
        "institution": world.institution.pk,
        "valid_from": "2025-09-01",
        "valid_to": "2029-08-31",
        "fee_per_apprentice": "-5.00",
    }
    response = world.api("enterprise").post("/api/v1/agreements/", data, format="json")
    assert response.status_code == 400 and "fee_per_apprentice" in response.json()
    page = world.client("enterprise").post("/programmes/agreements/new/", data)
    assert page.status_code == 200 and "fee_per_apprentice" in page.context["form"].errors
    assert not CooperationAgreement.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("capacity", 0), ("capacity", 51), ("years_experience", 99)]
)
def test_a_mentors_numbers_are_plausible(world, field, value):
    programme = build_programme(world)
    url = f"/api/v1/mentors/{programme.mentor.pk}/"
    response = world.api("enterprise").patch(url, {field: value}, format="json")
    assert response.status_code == 400 and field in response.json()


def test_a_skilled_worker_share_is_a_percentage(world):
    url = f"/api/v1/enterprises/{world.enterprise.pk}/"
    response = world.api("enterprise").patch(url, {"skilled_worker_share": "120"}, format="json")
    assert response.status_code == 400 and "skilled_worker_share" in response.json()
