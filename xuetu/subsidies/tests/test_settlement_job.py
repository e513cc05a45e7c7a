"""The yearly settlement job (issue 10, item 11) and the refund reminders (item 4): the city
drafts the settlements of a year's completed classes in one job with a progress bar; the
overdue refunds are reminded by a command (and a Celery beat task)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from xuetu.core.models import JobState
from xuetu.core.models import Notice as UserNotice
from xuetu.programmes.choices import CohortStatus
from xuetu.subsidies.choices import ClaimKind, ClaimStatus
from xuetu.subsidies.models import Claim, RefundObligation
from xuetu.subsidies.services import claims as svc
from xuetu.subsidies.services.settlement import completed_in, settle_year
from xuetu.subsidies.tasks import settlement_start
from xuetu.subsidies.tests.factories import AFTER_NOTICE, TODAY, claimable_class
from xuetu.subsidies.tests.test_claims import PAYEE, pay, through_notice

pytestmark = pytest.mark.django_db


def test_the_job_drafts_a_settlement_for_each_class_completed_in_the_year(
    world, django_capture_on_commit_callbacks
):
    first = claimable_class(world)
    second = claimable_class(world, levels=(3,), withdrawn=0)
    done = claimable_class(world, levels=(3,), withdrawn=0)
    svc.claim_create(
        by=world.users["enterprise"], cohort=done.cohort, kind=ClaimKind.SETTLEMENT, today=TODAY
    )
    training = claimable_class(world, levels=(3,), withdrawn=0, status=CohortStatus.IN_TRAINING)
    assert set(completed_in(2026)) == {first.cohort, second.cohort}
    assert list(completed_in(2025)) == []
    with django_capture_on_commit_callbacks(execute=True):
        job = settlement_start(by=world.users["bureau"], year=2026, today=TODAY)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.message
    assert (job.done, job.total) == (2, 2)
    assert job.result == {"year": 2026, "created": 2, "skipped": 0, "classes": 2}
    drafts = Claim.objects.filter(cohort__in=[first.cohort, second.cohort])
    assert drafts.count() == 2
    for claim in drafts:
        assert claim.status == ClaimStatus.DRAFT
        assert claim.kind == ClaimKind.SETTLEMENT
        assert claim.payee_account == "" and claim.created_by is None
    assert drafts.get(cohort=first.cohort).entitled == Decimal("34000.00")
    assert not Claim.objects.filter(cohort=training.cohort).exists()
    told = UserNotice.objects.filter(recipient=world.users["enterprise"], kind="claim.drafted")
    assert told.count() == 2
    page = world.client("bureau").get(f"/jobs/{job.pk}/")
    assert page.status_code == 200
    # Run again: every class has its live settlement now.
    assert settle_year(by=world.users["bureau"], year=2026, today=TODAY)["classes"] == 0


def test_the_enterprise_fills_in_the_payee_and_submits_the_draft(world):
    c = claimable_class(world, levels=(3,), withdrawn=0)
    settle_year(by=None, year=2026, today=TODAY)
    claim = Claim.objects.get(cohort=c.cohort)
    svc.claim_update(by=world.users["enterprise"], claim=claim, **PAYEE)
    svc.claim_submit(by=world.users["enterprise"], claim=claim, today=TODAY)
    assert claim.status == ClaimStatus.SUBMITTED


def test_a_class_whose_advance_is_open_is_skipped(world):
    c = claimable_class(world, levels=(3,), withdrawn=0, status=CohortStatus.IN_TRAINING)
    advance = svc.claim_create(
        by=world.users["enterprise"], cohort=c.cohort, kind=ClaimKind.ADVANCE, today=TODAY, **PAYEE
    )
    svc.claim_submit(by=world.users["enterprise"], claim=advance, today=TODAY)  # on its way
    c.cohort.status = CohortStatus.COMPLETED
    c.cohort.save(update_fields=["status"])
    counts = settle_year(by=None, year=2026, today=TODAY)
    assert (counts["created"], counts["skipped"]) == (0, 1)


@pytest.mark.parametrize("role", ["enterprise", "district", "school", "nobody"])
def test_only_the_city_launches_the_settlement(world, role):
    with pytest.raises(PermissionDenied):
        settlement_start(by=world.users[role], year=2026, today=TODAY)
    with pytest.raises(PermissionDenied):
        settle_year(by=world.users[role], year=2026, today=TODAY)


def remind(*args: str) -> str:
    out = io.StringIO()
    call_command("remind_refunds", *args, stdout=out)
    return out.getvalue()


def test_overdue_refunds_are_reminded_once_a_week(world):
    c = claimable_class(world, status=CohortStatus.IN_TRAINING, levels=(3, 4, None), withdrawn=1)
    advance = svc.claim_create(
        by=world.users["enterprise"], cohort=c.cohort, kind=ClaimKind.ADVANCE, today=TODAY, **PAYEE
    )
    pay(world, advance)
    c.cohort.status = CohortStatus.COMPLETED
    c.cohort.save(update_fields=["status"])
    for e in c.enrollments[:3]:
        e.status = "completed"
        e.save(update_fields=["status"])
    settlement = svc.claim_create(
        by=world.users["enterprise"],
        cohort=c.cohort,
        kind=ClaimKind.SETTLEMENT,
        today=TODAY,
        **PAYEE,
    )
    through_notice(world, settlement)
    svc.claim_approve(by=world.users["bureau"], claim=settlement, today=AFTER_NOTICE)
    refund = RefundObligation.objects.get(claim=settlement)
    assert remind("--today", refund.due_on.isoformat()).startswith("0 ")  # not overdue yet
    later = refund.due_on + dt.timedelta(days=1)
    assert remind("--today", later.isoformat()).startswith("1 ")
    told = UserNotice.objects.filter(recipient=world.users["enterprise"], kind="refund.overdue")
    assert told.count() == 1
    assert remind("--today", (later + dt.timedelta(days=3)).isoformat()).startswith("0 ")
    assert remind("--today", (later + dt.timedelta(days=7)).isoformat()).startswith("1 ")


def test_a_bad_date_is_a_clear_error(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        remind("--today", "9999-99-99")
