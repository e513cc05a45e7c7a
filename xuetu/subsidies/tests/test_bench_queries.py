"""settlement_20k's promise (issue 10, item 11): compute() reads and writes a settlement in one
fixed set of queries per batch of enrollments, however many enrollments the class has."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xuetu.programmes.choices import EnrollmentStatus
from xuetu.programmes.tests.factories import make_enrollment, make_person
from xuetu.subsidies import facts
from xuetu.subsidies.choices import ClaimKind, GrantSource
from xuetu.subsidies.models import SubsidyGrant
from xuetu.subsidies.services import claims as svc
from xuetu.subsidies.tests.factories import TODAY, certify, claimable_class

pytestmark = pytest.mark.django_db
BATCH = 10


def grow(world, c, total: int) -> None:
    """More apprentices on the class, up to `total`: certificates and history for some."""
    mentor = c.enrollments[0].enterprise_mentor
    for index in range(len(c.enrollments), total):
        person = make_person(f"添加{index}", organisation=c.cohort.enterprise)
        enrollment = make_enrollment(
            world,
            c.cohort,
            person=person,
            enterprise_mentor=mentor,
            status=EnrollmentStatus.COMPLETED,
            contract_start=dt.date(2024, 8, 1),
        )
        if index % 3:
            certify(enrollment, level=3)
        if index % 4 == 0:
            SubsidyGrant.objects.create(
                id_number=person.id_number,
                occupation_code="4-01-02-01",
                level=3,
                year=2024,
                slot=1,
                source=GrantSource.HISTORY,
            )
        c.enrollments.append(enrollment)


def count(claim) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        svc.compute(claim, today=TODAY)
    return len(captured), [q["sql"] for q in captured]


def test_compute_queries_grow_by_one_fixed_set_per_batch(world, monkeypatch):
    monkeypatch.setattr(facts, "BATCH", BATCH)
    c = claimable_class(world, levels=(3, 4, None, 3), withdrawn=1)
    claim = svc.claim_create(
        by=world.users["enterprise"], cohort=c.cohort, kind=ClaimKind.SETTLEMENT, today=TODAY
    )
    five, _ = count(claim)
    grow(world, c, 15)
    fifteen, _ = count(claim)
    grow(world, c, 25)
    twenty_five, sql = count(claim)
    assert claim.lines.count() == 25
    per_batch = fifteen - five
    assert twenty_five == fifteen + per_batch, sql
    assert per_batch <= 12  # the facts, the rules' reads, one insert and its ids


def test_the_renderer_gives_each_message_exactly_as_str_does(world):
    from django.utils import translation

    from xuetu.subsidies import rules

    c = claimable_class(world, levels=(3, 4, None, 5, 1), withdrawn=2)
    claim = svc.claim_create(
        by=world.users["enterprise"], cohort=c.cohort, kind=ClaimKind.SETTLEMENT, today=TODAY
    )
    policy = facts.claim_policy_facts(claim)
    enrollments = list(facts.roster_of(c.cohort))
    batch = facts.enrollment_facts(
        claim, enrollments, claim_date=TODAY, programme=facts.programme_policy_of(c.cohort)
    )
    outcomes = [rules.assess(f, policy) for f in batch]
    for language in ("zh-hans", "en"):
        with translation.override(language):
            render = svc.Renderer()
            for outcome in outcomes * 2:  # the second time from the memo
                for check in outcome.checks:
                    assert render(check.message) == str(check.message)
                assert render(outcome.line.explanation) == str(outcome.line.explanation)
    stored = {line.enrollment_id: line for line in claim.lines.all()}
    with translation.override("en"):
        for enrollment, outcome in zip(enrollments, outcomes, strict=True):
            line = stored[enrollment.pk]
            assert line.explanation_en == str(outcome.line.explanation)
            assert [c["en"] for c in line.checks] == [str(c.message) for c in outcome.checks]
