"""The class page shows its filing history (each submission and decision, its comment, by whom
and when) from the audit log, and only the current decision as "reviewed" (issue 8, item 8)."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools

import pytest
from django.apps import apps

from xuetu.accounts.models import User
from xuetu.programmes import selectors, services
from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.models import Cohort
from xuetu.programmes.tests.factories import build_programme, make_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(world):
    User.objects.filter(pk=world.users["district"].pk).update(first_name="李审核")
    User.objects.filter(pk=world.users["enterprise"].pk).update(first_name="张经办")
    world.users["district"].refresh_from_db()
    world.users["enterprise"].refresh_from_db()
    return world


def returned_and_resubmitted(world) -> Cohort:
    cohort = build_programme(world).cohort
    enterprise, district = world.users["enterprise"], world.users["district"]
    services.cohort_submit(by=enterprise, cohort=cohort)
    services.cohort_return(by=district, cohort=cohort, comment="请补充考核方式")
    services.cohort_submit(by=enterprise, cohort=Cohort.objects.get(pk=cohort.pk))
    return Cohort.objects.get(pk=cohort.pk)


def test_the_history_holds_every_submission_and_decision_in_order(named):
    cohort = returned_and_resubmitted(named)
    services.cohort_approve(by=named.users["district"], cohort=cohort, comment="同意开班")
    steps = selectors.filing_history(cohort)
    assert [s.action for s in steps] == ["submit", "return", "submit", "approve"]
    assert [s.comment for s in steps] == ["", "请补充考核方式", "", "同意开班"]
    assert [s.by for s in steps] == [named.users[u] for u in ("enterprise", "district") * 2]
    assert all(a.at <= b.at for a, b in itertools.pairwise(steps))


def test_the_page_lists_the_steps_with_full_names_and_keeps_the_return_comment(named):
    cohort = returned_and_resubmitted(named)
    services.cohort_approve(by=named.users["district"], cohort=cohort, comment="同意开班")
    response = named.client("enterprise").get(f"/programmes/cohorts/{cohort.pk}/")
    body = response.content.decode()
    assert body.count('data-testid="filing-step"') == 4
    assert "请补充考核方式" in body and "同意开班" in body
    assert "李审核" in body and "张经办" in body


def test_a_resubmitted_filing_shows_no_stale_review_as_current(named):
    cohort = returned_and_resubmitted(named)
    assert (cohort.reviewed_at, cohort.reviewed_by, cohort.review_comment) == (None, None, "")
    response = named.client("district").get(f"/programmes/cohorts/{cohort.pk}/")
    body = response.content.decode()
    assert 'data-testid="review-comment"' not in body
    assert "请补充考核方式" in body  # in the history, not as the decision


def test_the_approval_is_the_decision_shown_after_a_return(named):
    cohort = returned_and_resubmitted(named)
    services.cohort_approve(by=named.users["district"], cohort=cohort, comment="同意开班")
    response = named.client("enterprise").get(f"/programmes/cohorts/{cohort.pk}/")
    assert response.context["object"].review_comment == "同意开班"


def test_another_enterprise_sees_no_history(named):
    cohort = returned_and_resubmitted(named)
    assert named.client("enterprise2").get(f"/programmes/cohorts/{cohort.pk}/").status_code == 404


def test_a_class_never_submitted_has_no_history_and_offers_no_withdrawal(named):
    cohort = build_programme(named).cohort
    response = named.client("enterprise").get(f"/programmes/cohorts/{cohort.pk}/")
    assert response.context["filing_history"] == []
    assert 'data-testid="filing-history"' not in response.content.decode()
    assert 'data-testid="withdraw"' not in response.content.decode()


def test_the_migration_clears_a_stale_review_of_a_resubmitted_filing(named):
    cohort = build_programme(named, status=CohortStatus.SUBMITTED).cohort
    stale = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    Cohort.objects.filter(pk=cohort.pk).update(
        reviewed_at=stale,
        reviewed_by=named.users["district"],
        review_comment="旧的退回意见",
        submitted_at=stale + dt.timedelta(days=2),
    )
    current = make_cohort(named, status=CohortStatus.APPROVED, review_comment="同意")
    migration = importlib.import_module(
        "xuetu.programmes.migrations.0009_clear_stale_review_of_resubmissions"
    )
    migration.clear_stale_reviews(apps, None)
    cleared = Cohort.objects.get(pk=cohort.pk)
    assert (cleared.reviewed_at, cleared.review_comment) == (None, "")
    assert Cohort.objects.get(pk=current.pk).review_comment == current.review_comment
