"""Document numbers never change once issued: an agreement's number, a class's code and an
appointment letter's number are what the public verification and the bureau's records cite.
Not through the API (a different number is a 400 naming the field), the pages or the
services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.models import Appointment, Cohort, CooperationAgreement
from xuetu.programmes.services import (
    agreement_update,
    appointment_issue,
    appointment_store_pdf,
    cohort_update,
)
from xuetu.programmes.tests.factories import build_programme, make_cohort, make_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(world):
    return build_programme(world)


def test_an_agreement_number_cannot_be_rewritten_through_the_api(world, programme):
    agreement = programme.agreement
    response = world.api("enterprise").patch(
        f"/api/v1/agreements/{agreement.pk}/", {"number": "XY-FAKE-1", "duties": "x"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["number"]
    stored = CooperationAgreement.objects.get(pk=agreement.pk)
    assert stored.number == agreement.number and stored.duties == agreement.duties


def test_an_agreement_edit_may_carry_its_own_number_back(world, programme):
    agreement = programme.agreement
    response = world.api("enterprise").patch(
        f"/api/v1/agreements/{agreement.pk}/",
        {"number": agreement.number, "duties": "双方共同培养"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert CooperationAgreement.objects.get(pk=agreement.pk).duties == "双方共同培养"


@pytest.mark.parametrize("status", [CohortStatus.DRAFT, CohortStatus.SUBMITTED])
def test_a_class_code_cannot_be_rewritten_through_the_api(world, status):
    make_policy()
    cohort = make_cohort(world, status=status)
    response = world.api("enterprise").patch(
        f"/api/v1/cohorts/{cohort.pk}/", {"code": "BJ-FAKE-1", "name": "改"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["code"]
    stored = Cohort.objects.get(pk=cohort.pk)
    assert (stored.code, stored.name, stored.status) == (cohort.code, cohort.name, status)


def test_the_services_refuse_a_new_number_naming_the_field(world, programme):
    user = world.users["enterprise"]
    with pytest.raises(ValidationError) as refused:
        agreement_update(by=user, agreement=programme.agreement, number="XY-NEW")
    assert list(refused.value.message_dict) == ["number"]
    with pytest.raises(ValidationError) as refused:
        cohort_update(by=user, cohort=programme.cohort, code="BJ-NEW")
    assert list(refused.value.message_dict) == ["code"]
    assert CooperationAgreement.objects.get(pk=programme.agreement.pk).number.startswith("XY-")
    assert Cohort.objects.get(pk=programme.cohort.pk).code == programme.cohort.code


def test_the_edit_pages_offer_no_number_and_a_forged_one_changes_nothing(world, programme):
    client = world.client("enterprise")
    agreement, cohort = programme.agreement, programme.cohort
    for url in (f"agreements/{agreement.pk}/edit/", f"cohorts/{cohort.pk}/edit/"):
        response = client.get(f"/programmes/{url}")
        assert response.status_code == 200
        body = response.content.decode()
        assert 'name="number"' not in body and 'name="code"' not in body
    form = {
        "number": "XY-FORGED",
        "valid_from": "2025-09-01",
        "valid_to": "2029-08-31",
        "training_mode": agreement.training_mode,
        "fee_per_apprentice": "0",
        "duties": "伪造编号",
    }
    assert client.post(f"/programmes/agreements/{agreement.pk}/edit/", form).status_code == 302
    stored = CooperationAgreement.objects.get(pk=agreement.pk)
    assert stored.number == agreement.number and stored.duties == "伪造编号"


def test_an_appointment_letter_keeps_its_number_when_its_pdf_is_made_again(world, programme):
    letter = appointment_issue(
        by=world.users["enterprise"],
        mentor=programme.mentor,
        term_start=dt.date(2026, 3, 1),
        term_end=dt.date(2028, 2, 29),
        with_pdf=False,
    )
    number = letter.number
    appointment_store_pdf(appointment=letter, by=world.users["enterprise"])
    assert Appointment.objects.get(pk=letter.pk).number == number
    # No route edits a letter: the API has none, the pages only issue and download.
    response = world.api("enterprise").patch(
        f"/api/v1/appointments/{letter.pk}/", {"number": "PS-FAKE"}, format="json"
    )
    assert response.status_code == 404
    assert Appointment.objects.get(pk=letter.pk).number == number
