"""The demo's subsidy class (issue 10, Must show): an advance, a withdrawn apprentice and the
right refund obligation; its notice ran across the National Day holiday to 2026-10-13 and
its public page shows no full name and no ID number."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from xuetu.programmes.models import Enrollment
from xuetu.subsidies.choices import ClaimKind, ClaimStatus, LedgerKind
from xuetu.subsidies.models import Claim, LedgerEntry, Notice, RefundObligation

pytestmark = pytest.mark.django_db

CODE = "BJ-2024-CA-WY-06"


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())


def test_the_withdrawn_apprentices_share_of_the_advance_is_owed_back(demo):
    advance = Claim.objects.get(cohort__code=CODE, kind=ClaimKind.ADVANCE)
    settlement = Claim.objects.get(cohort__code=CODE, kind=ClaimKind.SETTLEMENT)
    assert (advance.status, advance.entitled, advance.advanced) == (
        ClaimStatus.PAID,
        Decimal("18000.00"),
        Decimal("0.00"),
    )
    assert LedgerEntry.objects.get(claim=advance, kind=LedgerKind.PAYMENT).amount == Decimal(
        "18000.00"
    )
    lines = {line.person.name: line for line in settlement.lines.select_related("person")}
    assert lines["汪斌"].enrollment.status == "withdrawn"
    assert (lines["汪斌"].result, lines["汪斌"].due) == ("fail", Decimal("0.00"))
    assert lines["覃宁"].due == Decimal("12000.00")
    assert (settlement.entitled, settlement.advanced, settlement.payable) == (
        Decimal("12000.00"),
        Decimal("18000.00"),
        Decimal("-6000.00"),
    )
    refund = RefundObligation.objects.get(claim=settlement)
    assert (refund.amount, refund.due_on, refund.outstanding) == (
        Decimal("6000.00"),
        dt.date(2027, 1, 14),
        Decimal("6000.00"),
    )
    assert LedgerEntry.objects.filter(claim=settlement, kind=LedgerKind.REFUND_DUE).count() == 1


def test_the_notice_ran_to_13_october_and_its_page_names_nobody_in_full(client, demo):
    notice = Notice.objects.get(claim__cohort__code=CODE, claim__kind=ClaimKind.SETTLEMENT)
    assert (notice.published_on, notice.starts_on, notice.ends_on) == (
        dt.date(2026, 9, 30),
        dt.date(2026, 10, 8),
        dt.date(2026, 10, 13),
    )
    page = client.get(f"/public/notices/{notice.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "覃*" in html
    for enrollment in Enrollment.objects.filter(cohort__code=CODE).select_related("person"):
        assert enrollment.person.name not in html
        assert enrollment.person.id_number not in html
