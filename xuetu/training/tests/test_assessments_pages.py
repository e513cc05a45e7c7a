"""The class's assessment sheet, the recording form, an assessment's page and its correction;
the class page's completion once every apprentice is assessed; constant queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from xuetu.programmes.choices import CohortStatus, EnrollmentStatus
from xuetu.programmes.models import Cohort, Enrollment
from xuetu.testing import confirmed
from xuetu.training.models import Assessment
from xuetu.training.tests.factories_assess import (
    make_assessment,
    more_apprentices,
    running_programme,
    scores,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(world):
    return running_programme(world)


def sheet_url(cohort):
    return reverse("training:cohort_assessments", args=[cohort.pk])


def record_url(cohort):
    return reverse("training:assessment_record", args=[cohort.pk])


def form_data(enrollment, **values):
    data = scores(**values)
    data["assessed_on"] = f"{data['assessed_on']:%Y-%m-%d}"
    return {"enrollment": enrollment.pk, **{k: str(v) for k, v in data.items()}}


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_the_class_page_links_to_its_assessments(world, programme):
    page = world.client("school").get(
        reverse("programmes:cohort_detail", args=[programme.cohort.pk])
    )
    assert sheet_url(programme.cohort) in page.content.decode()


def test_the_school_records_an_assessment_from_the_sheet(world, programme):
    client = world.client("school")
    sheet = client.get(sheet_url(programme.cohort)).content.decode()
    assert 'data-testid="assess"' in sheet
    form = client.get(f"{record_url(programme.cohort)}?enrollment={programme.enrollment.pk}")
    assert form.status_code == 200
    response = client.post(record_url(programme.cohort), form_data(programme.enrollment))
    assert response.status_code == 302, response.content.decode()[:2000]
    assessment = Assessment.objects.get(enrollment=programme.enrollment)
    assert Enrollment.objects.get(pk=programme.enrollment.pk).status == "completed"
    page = client.get(assessment.get_absolute_url())
    assert page.status_code == 200 and "86.5" in page.content.decode()


def test_a_refusal_shows_on_the_form_and_a_bad_score_is_a_field_error(world, programme):
    client = english(world.client("school"))
    later = timezone.localdate() + dt.timedelta(days=2)
    response = client.post(
        record_url(programme.cohort), form_data(programme.enrollment, assessed_on=later)
    )
    assert response.status_code == 200
    assert "future" in response.content.decode()
    response = client.post(
        record_url(programme.cohort), form_data(programme.enrollment, theory_score="100.5")
    )
    assert response.status_code == 200 and not Assessment.objects.exists()


@pytest.mark.parametrize("persona", ["enterprise", "mentor", "apprentice"])
def test_only_the_school_gets_the_form(world, programme, persona):
    client = world.client(persona)
    assert 'data-testid="assess"' not in client.get(sheet_url(programme.cohort)).content.decode()
    assert client.get(record_url(programme.cohort)).status_code == 403
    response = client.post(record_url(programme.cohort), form_data(programme.enrollment))
    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_another_organisation_gets_404(world, programme):
    assessment = make_assessment(world, programme.enrollment)
    client = world.client("enterprise2")
    assert client.get(sheet_url(programme.cohort)).status_code == 404
    assert client.get(record_url(programme.cohort)).status_code == 404
    assert client.get(assessment.get_absolute_url()).status_code == 404


def test_the_apprentice_sees_their_own_line_only(world, programme):
    [other] = more_apprentices(world, programme, 1)
    make_assessment(world, other)
    mine = make_assessment(world, programme.enrollment, outcome="fail")
    client = world.client("apprentice")
    body = client.get(sheet_url(programme.cohort)).content.decode()
    assert body.count('data-testid="sheet-row"') == 1 and "舒晓超" in body
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(other.assessment.get_absolute_url()).status_code == 404


def test_the_school_corrects_an_assessment_with_a_reason(world, programme):
    assessment = make_assessment(world, programme.enrollment, outcome="fail")
    client = world.client("school")
    url = reverse("training:assessment_edit", args=[assessment.pk])
    assert (
        'data-testid="assessment-correct"'
        in client.get(assessment.get_absolute_url()).content.decode()
    )
    data = {
        "theory_score": "86.5",
        "practical_score": "91.0",
        "outcome": "pass",
        "assessor": "重庆市职业技能鉴定指导中心",
        "reason": "录入错误",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Assessment.objects.get(pk=assessment.pk).outcome == "pass"
    assert world.client("enterprise").get(url).status_code == 403


def test_the_class_page_offers_the_completion_dated_at_the_last_assessment(world, programme):
    from xuetu.training.services.assessments import assessment_record

    on = timezone.localdate() - dt.timedelta(days=4)
    assessment_record(
        by=world.users["school"], enrollment=programme.enrollment, **scores(assessed_on=on)
    )
    client = world.client("enterprise")
    url = reverse("programmes:cohort_detail", args=[programme.cohort.pk])
    body = client.get(url).content.decode()
    assert 'data-testid="complete"' in body
    assert f'value="{on:%Y-%m-%d}" data-testid="completion-on"' in body
    complete = reverse("programmes:cohort_complete", args=[programme.cohort.pk])
    assert f'value="{on:%Y-%m-%d}"' in client.get(complete).content.decode()
    response = client.post(complete, confirmed({"on": f"{on:%Y-%m-%d}"}))
    assert response.status_code == 302
    cohort = Cohort.objects.get(pk=programme.cohort.pk)
    assert cohort.status == CohortStatus.COMPLETED


def test_while_an_apprentice_is_active_the_completion_is_not_dated_for_you(world, programme):
    body = world.client("enterprise").get(
        reverse("programmes:cohort_detail", args=[programme.cohort.pk])
    )
    assert 'data-testid="completion-on"' not in body.content.decode()
    assert Enrollment.objects.get(pk=programme.enrollment.pk).status == EnrollmentStatus.ACTIVE


@pytest.mark.parametrize("persona", ["school", "apprentice"])
def test_the_sheet_keeps_a_constant_query_count(
    world, programme, persona, django_assert_max_num_queries
):
    client = world.client(persona)
    for extra in (2, 20):
        for enrollment in more_apprentices(world, programme, extra):
            make_assessment(world, enrollment)
        with django_assert_max_num_queries(16):
            assert client.get(sheet_url(programme.cohort)).status_code == 200
