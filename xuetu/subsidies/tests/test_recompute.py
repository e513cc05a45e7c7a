"""Reproducibility (issue 10, item 11): `manage.py recompute_claim ID --check` recomputes a
claim from the stored evidence without writing and names every difference."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from xuetu.certification.models import Certificate
from xuetu.subsidies.choices import ClaimKind
from xuetu.subsidies.models import ClaimLine
from xuetu.subsidies.services import claims as svc
from xuetu.subsidies.tests.factories import AFTER_NOTICE, PUBLISHED, TODAY, claimable_class
from xuetu.subsidies.tests.test_claims import PAYEE

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("recompute_claim", *args, stdout=out, stderr=err)
    except SystemExit as stop:
        return int(stop.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def settled(world):
    c = claimable_class(world, levels=(3, 4, None), withdrawn=1)
    claim = svc.claim_create(
        by=world.users["enterprise"],
        cohort=c.cohort,
        kind=ClaimKind.SETTLEMENT,
        today=TODAY,
        **PAYEE,
    )
    svc.claim_submit(by=world.users["enterprise"], claim=claim, today=TODAY)
    svc.claim_review(by=world.users["district"], claim=claim)
    svc.claim_notice(by=world.users["district"], claim=claim, today=PUBLISHED)
    svc.claim_approve(by=world.users["bureau"], claim=claim, today=AFTER_NOTICE)
    return claim


def test_an_untouched_settled_claim_recomputes_equal_and_nothing_is_written(settled):
    lines = list(ClaimLine.objects.filter(claim=settled).values())
    code, out, _ = run(str(settled.pk), "--check")
    assert code == 0, out
    assert "equals" in out
    assert list(ClaimLine.objects.filter(claim=settled).values()) == lines


def test_a_tampered_amount_is_a_difference_naming_the_line(settled):
    line = settled.lines.filter(amount__gt=0).first()
    ClaimLine.objects.filter(pk=line.pk).update(amount=Decimal("99999.00"))
    code, out, _ = run(str(settled.pk), "--check")
    assert code == 1
    assert f"line {line.pk}" in out
    assert "amount" in out and "99999" in out
    assert "entitled" not in out  # the stored total was not tampered with, the line was


def test_a_tampered_certificate_is_a_difference_in_the_level_and_amount(settled):
    line = settled.lines.filter(level=3).first()
    Certificate.objects.filter(pk=line.certificate_id).update(level=5)
    code, out, _ = run(str(settled.pk), "--check")
    assert code == 1
    assert f"line {line.pk}" in out
    assert "level" in out and "amount" in out
    assert "entitled" in out


def test_a_tampered_total_is_named(settled):
    type(settled).objects.filter(pk=settled.pk).update(entitled=Decimal("1.00"))
    code, out, _ = run(str(settled.pk))
    assert code == 1
    assert "totals" in out and "entitled" in out


@pytest.mark.parametrize("raw", ["999999", str(2**63), "abc", "-1"])
def test_an_unknown_claim_exits_2_with_a_message(world, raw):
    code, _, err = run(raw, "--check")
    assert code == 2
    assert "No claim" in err


def test_a_draft_is_not_recomputed(world):
    c = claimable_class(world)
    claim = svc.claim_create(
        by=world.users["enterprise"], cohort=c.cohort, kind=ClaimKind.SETTLEMENT, today=TODAY
    )
    code, _, err = run(str(claim.pk), "--check")
    assert code == 2 and "draft" in err
