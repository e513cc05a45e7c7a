"""Home pages with work to do (issue 8 item 16): each item links to where it is done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.models import Appointment
from xuetu.programmes.tests.factories import build_programme, make_cohort, make_enrollment

pytestmark = pytest.mark.django_db


def test_the_reviewer_sees_the_filings_waiting_for_them_on_their_home_page(world):
    programme = build_programme(world, status=CohortStatus.SUBMITTED)
    body = world.client("district").get("/").content.decode()
    assert 'data-testid="to-review"' in body and programme.cohort.get_absolute_url() in body
    # The enterprise does not review its own filing, and another district sees nothing.
    assert 'data-testid="to-review"' not in world.client("enterprise").get("/").content.decode()


def test_the_enterprise_sees_its_returned_filings_and_contracts_ending_soon(world):
    returned = make_cohort(world, status=CohortStatus.RETURNED)
    running = make_cohort(world, status=CohortStatus.IN_TRAINING)
    ending = make_enrollment(
        world, running, contract_end=timezone.localdate() + dt.timedelta(days=20)
    )
    body = world.client("enterprise").get("/").content.decode()
    assert returned.get_absolute_url() in body and ending.get_absolute_url() in body
    assert 'data-testid="expiring"' in body
    assert returned.get_absolute_url() not in world.client("enterprise2").get("/").content.decode()


def test_a_mentor_finds_their_own_letters_and_apprentices_on_their_home_page(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    letter = Appointment.objects.create(
        mentor=programme.mentor,
        cohort=programme.cohort,
        number="PS-HOME-000001",
        term_start=programme.cohort.planned_start,
        term_end=timezone.localdate() + dt.timedelta(days=365),
        issued_on=programme.cohort.planned_start,
    )
    body = world.client("mentor").get("/").content.decode()
    assert letter.number in body and f"/programmes/appointments/{letter.pk}/pdf/" in body
    assert "舒晓超" in body  # the apprentice they mentor


def test_the_sign_in_page_leads_the_public_to_verification(client):
    body = client.get("/accounts/login/").content.decode()
    assert 'href="/verify/"' in body
