"""A button on an object's page asks first: the first POST shows what will happen and who is
told and changes nothing; only the POST that carries the confirmation does it (issue 8,
item 4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from xuetu.core.models import AuditEvent
from xuetu.core.views import ActionView
from xuetu.programmes.choices import CohortStatus, EnrollmentStatus
from xuetu.programmes.models import Cohort, Enrollment
from xuetu.programmes.tests.factories import build_programme
from xuetu.programmes.views import agreements, cohorts, enrollments
from xuetu.testing import confirmed

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Case:
    action: str
    status: str  # the class's status before
    user: str
    data: dict[str, Any]
    says: list[str]  # in what will happen
    tells: list[str]  # organisation attributes of `world` whose names are among who is told
    after: str
    not_told: list[str] = field(default_factory=list)


CASES = [
    Case(
        "approve",
        CohortStatus.SUBMITTED,
        "district",
        {"comment": "同意开班"},
        ["2026-03-01", "同意开班"],
        ["enterprise", "institution"],
        CohortStatus.APPROVED,
    ),
    Case(
        "reject",
        CohortStatus.SUBMITTED,
        "district",
        {"comment": "不符合条件"},
        ["不符合条件"],
        ["enterprise", "institution"],
        CohortStatus.REJECTED,
    ),
    Case(
        "return",
        CohortStatus.SUBMITTED,
        "district",
        {"comment": "请补充考核方式"},
        ["请补充考核方式"],
        ["enterprise", "institution"],
        CohortStatus.RETURNED,
    ),
    Case(
        "start",
        CohortStatus.APPROVED,
        "enterprise",
        {"on": "2026-03-02"},
        ["2026-03-02", "1"],
        ["institution", "district_bureau", "city"],
        CohortStatus.IN_TRAINING,
        not_told=["enterprise"],
    ),
    Case(
        "complete",
        CohortStatus.IN_TRAINING,
        "enterprise",
        {"on": "2026-11-30"},
        ["2026-11-30"],
        ["institution", "district_bureau", "city"],
        CohortStatus.COMPLETED,
        not_told=["enterprise"],
    ),
    Case(
        "withdraw",
        CohortStatus.SUBMITTED,
        "enterprise",
        {},
        [],
        ["district_bureau", "city"],
        CohortStatus.WITHDRAWN,
        not_told=["enterprise", "institution"],
    ),
]


def prepared(world, case: Case) -> Cohort:
    programme = build_programme(world, status=case.status)
    cohort = programme.cohort
    if case.status == CohortStatus.IN_TRAINING:
        Enrollment.objects.filter(pk=programme.enrollment.pk).update(status=EnrollmentStatus.ACTIVE)
        Cohort.objects.filter(pk=cohort.pk).update(planned_end=dt.date(2026, 11, 30))
    return Cohort.objects.get(pk=cohort.pk)


def audit_count(cohort: Cohort) -> int:
    return AuditEvent.objects.filter(
        object_type="programmes.cohort", object_id=str(cohort.pk)
    ).count()


@pytest.mark.parametrize("case", CASES, ids=[c.action for c in CASES])
def test_a_first_post_only_asks_and_names_what_happens_and_who_is_told(world, case):
    cohort = prepared(world, case)
    before = audit_count(cohort)
    response = world.client(case.user).post(
        f"/programmes/cohorts/{cohort.pk}/{case.action}/", case.data
    )
    assert response.status_code == 200
    assert response.templates[0].name == "core/confirm.html"
    body = response.content.decode()
    assert cohort.code in response.context["consequence"]
    for words in case.says:
        assert words in response.context["consequence"], words
    told = " ".join(response.context["told"])
    for name in case.tells:
        assert getattr(world, name).name in told, name
    for name in case.not_told:
        assert getattr(world, name).name not in told, name
    for key, value in case.data.items():  # carried to the confirming POST
        assert f'name="{key}" value="{value}"' in body
    assert 'name="confirmed" value="1"' in body
    assert Cohort.objects.get(pk=cohort.pk).status == case.status
    assert audit_count(cohort) == before


@pytest.mark.parametrize("case", CASES, ids=[c.action for c in CASES])
def test_the_confirmed_post_does_it(world, case):
    cohort = prepared(world, case)
    url = f"/programmes/cohorts/{cohort.pk}/{case.action}/"
    response = world.client(case.user).post(url, confirmed(case.data))
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == cohort.get_absolute_url()
    assert Cohort.objects.get(pk=cohort.pk).status == case.after


def test_a_form_error_shows_on_the_classs_page_before_any_confirmation(world):
    cohort = build_programme(world, status=CohortStatus.SUBMITTED).cohort
    response = world.client("district").post(f"/programmes/cohorts/{cohort.pk}/return/", {})
    assert response.status_code == 200
    assert response.templates[0].name == "programmes/cohort_detail.html"
    assert response.context["review_form"].errors["comment"]
    assert Cohort.objects.get(pk=cohort.pk).status == CohortStatus.SUBMITTED


def test_an_action_not_open_now_says_so_instead_of_asking(world):
    cohort = build_programme(world, status=CohortStatus.APPROVED).cohort
    response = world.client("district").post(f"/programmes/cohorts/{cohort.pk}/approve/", {})
    assert response.status_code == 409
    assert 'data-testid="not-available"' in response.content.decode()
    assert 'name="confirmed"' not in response.content.decode()


def test_an_outsider_gets_no_confirmation(world):
    cohort = build_programme(world, status=CohortStatus.SUBMITTED).cohort
    url = f"/programmes/cohorts/{cohort.pk}/withdraw/"
    assert world.client("enterprise2").post(url).status_code == 404
    assert world.client("school").post(url).status_code == 403
    assert Cohort.objects.get(pk=cohort.pk).status == CohortStatus.SUBMITTED


def test_a_withdrawal_from_a_draft_tells_nobody(world):
    cohort = build_programme(world, status=CohortStatus.RETURNED).cohort
    Cohort.objects.filter(pk=cohort.pk).update(
        status=CohortStatus.DRAFT, submitted_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    )
    response = world.client("enterprise").post(f"/programmes/cohorts/{cohort.pk}/withdraw/")
    assert response.status_code == 200 and response.context["told"] == []
    assert 'data-testid="told"' in response.content.decode()


def test_a_formless_action_asks_on_its_get_page_too(world):
    cohort = build_programme(world, status=CohortStatus.SUBMITTED).cohort
    response = world.client("enterprise").get(f"/programmes/cohorts/{cohort.pk}/withdraw/")
    assert response.status_code == 200
    assert cohort.code in response.context["consequence"]
    assert 'name="confirmed" value="1"' in response.content.decode()


def test_an_apprentices_withdrawal_names_them_and_tells_them_and_their_mentor(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    enrollment = programme.enrollment
    Enrollment.objects.filter(pk=enrollment.pk).update(status=EnrollmentStatus.ACTIVE)
    url = f"/programmes/enrollments/{enrollment.pk}/withdraw/"
    data = {"withdraw-on": "2026-08-01", "withdraw-reason": "left"}
    client = world.client("enterprise")
    asked = client.post(url, data)
    assert asked.status_code == 200
    assert enrollment.person.name in asked.context["consequence"]
    assert "2026-08-01" in asked.context["consequence"]
    told = " ".join(asked.context["told"])
    assert enrollment.person.name in told and "王劲松" in told  # both have an account
    assert "吴辉" not in told  # the teacher has none: no notice can reach them
    assert Enrollment.objects.get(pk=enrollment.pk).status == EnrollmentStatus.ACTIVE
    assert client.post(url, confirmed(data)).status_code == 302
    assert Enrollment.objects.get(pk=enrollment.pk).status == EnrollmentStatus.WITHDRAWN


IRREVERSIBLE = [
    cohorts.CohortApprove,
    cohorts.CohortReject,
    cohorts.CohortReturn,
    cohorts.CohortStart,
    cohorts.CohortComplete,
    cohorts.CohortWithdraw,
    cohorts.CohortClose,
    enrollments.EnrollmentWithdraw,
    enrollments.EnrollmentPause,
    enrollments.EnrollmentResume,
    enrollments.EnrollmentComplete,
    enrollments.EnrollmentTransfer,
    enrollments.EnrollmentSubstitute,
    agreements.AgreementConfirm,
]


@pytest.mark.parametrize("view", IRREVERSIBLE, ids=[v.__name__ for v in IRREVERSIBLE])
def test_every_irreversible_action_says_its_own_consequence_and_who_is_told(view):
    assert view.consequence is not ActionView.consequence
    assert view.told is not ActionView.told
