"""Public money paid once, under real races (issue 10, items 6–7), on PostgreSQL and SQLite
alike: threads released together by a barrier, each with its own database connection. Two
`pay` requests for one approved claim write one ledger payment; two approvals of claims that
both pay the same person for the same occupation and level grant the person once, and the
loser's approval writes nothing at all. (SQLite: every transaction opens with BEGIN IMMEDIATE
and waits for the other writer, settings.DATABASES; PostgreSQL: the claim, budget and person
rows are locked, and the grant register's unique constraints are the last guard.)"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from xuetu.accounts.models import User
from xuetu.core.models import AuditEvent
from xuetu.core.problems import Refused
from xuetu.programmes.tests.test_concurrency import answer, race
from xuetu.subsidies.choices import ClaimKind, ClaimStatus, LedgerKind
from xuetu.subsidies.models import Claim, LedgerEntry, RefundObligation, SubsidyGrant
from xuetu.subsidies.services import claims as svc
from xuetu.subsidies.tests.factories import AFTER_NOTICE, TODAY, claimable_class
from xuetu.subsidies.tests.test_claims import PAYEE, through_notice

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _a_database_threads_can_share(db):
    from django.db import connection

    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.fail("the race tests need SQLite's test database in a file (DATABASES TEST NAME)")


@pytest.fixture
def slow_notices(monkeypatch):
    """The winner holds its locks a while (telling the enterprise), so the loser really waits
    on them instead of arriving after the winner has committed."""
    tell = svc.notify_organisations

    def held(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.3)
        return tell(*args, **kwargs)

    monkeypatch.setattr(svc, "notify_organisations", held)


def settlement(world, cohort) -> Claim:
    return svc.claim_create(
        by=world.users["enterprise"],
        cohort=cohort,
        kind=ClaimKind.SETTLEMENT,
        today=TODAY,
        **PAYEE,
    )


def test_two_pay_requests_at_once_pay_the_claim_once(world, monkeypatch, slow_notices):
    c = claimable_class(world)
    claim = settlement(world, c.cohort)
    through_notice(world, claim)
    svc.claim_approve(by=world.users["bureau"], claim=claim, today=AFTER_NOTICE)
    monkeypatch.setattr(svc, "_today", lambda today: today or AFTER_NOTICE)
    clients = [world.api("bureau") for _ in range(2)]
    url = f"/api/v1/claims/{claim.pk}/pay/"
    responses = race(
        *(lambda client=client: client.post(url, {}, format="json") for client in clients)
    )
    assert Counter(answer(r) for r in responses) == {200: 1, 409: 1}, responses
    refused = next(r for r in responses if r.status_code == 409)
    assert [p["code"] for p in refused.json()["problems"]] in (
        ["changed_meanwhile"],
        ["transition_not_allowed"],
    )
    payments = LedgerEntry.objects.filter(claim=claim, kind=LedgerKind.PAYMENT)
    assert [(e.amount, e.on) for e in payments] == [(claim.payable, AFTER_NOTICE)]
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.PAID
    assert AuditEvent.objects.filter(action="claim.pay", object_id=str(claim.pk)).count() == 1


def test_two_pay_calls_of_the_service_at_once_write_one_payment(world, slow_notices):
    c = claimable_class(world)
    claim = settlement(world, c.cohort)
    through_notice(world, claim)
    svc.claim_approve(by=world.users["bureau"], claim=claim, today=AFTER_NOTICE)

    def pay() -> LedgerEntry:
        return svc.claim_pay(
            by=User.objects.get(username="bureau"),
            claim=Claim.objects.get(pk=claim.pk),
            today=AFTER_NOTICE,
        )

    results = race(pay, pay)
    assert sum(isinstance(r, LedgerEntry) for r in results) == 1, results
    assert sum(isinstance(r, Refused) for r in results) == 1, results
    assert LedgerEntry.objects.filter(claim=claim, kind=LedgerKind.PAYMENT).count() == 1


def two_claims_paying_one_person(world) -> tuple[Claim, Claim, Any]:
    """Two classes of the same occupation, each with two apprentices at the senior level;
    one person is on both (with the same certificate)."""
    c = claimable_class(world, levels=(3, 3), withdrawn=0)
    other = claimable_class(world, levels=(3, 3), withdrawn=0, occupation=c.cohort.occupation)
    person = c.enrollments[0].person
    shared = other.enrollments[0]
    shared.person.certificates.update(holder=person)
    shared.person = person
    shared.save(update_fields=["person"])
    first, second = settlement(world, c.cohort), settlement(world, other.cohort)
    through_notice(world, first)
    through_notice(world, second)
    return first, second, person


def approve(pk: int) -> Callable[[], Claim]:
    def call() -> Claim:
        return svc.claim_approve(
            by=User.objects.get(username="bureau"),
            claim=Claim.objects.get(pk=pk),
            today=AFTER_NOTICE,
        )

    return call


def assert_paid_once(first: Claim, second: Claim, person: Any, results: list[Any]) -> None:
    won = [r for r in results if isinstance(r, Claim)]
    lost = [r for r in results if isinstance(r, Refused)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].codes == ["subsidised_meanwhile"]
    assert SubsidyGrant.objects.filter(id_number=person.id_number).count() == 1
    winner, loser = (first, second) if won[0].pk == first.pk else (second, first)
    assert Claim.objects.get(pk=winner.pk).status == ClaimStatus.APPROVED
    assert SubsidyGrant.objects.filter(line__claim=winner).count() == 2
    # Nothing of the loser's approval is written: still on notice, no grant of its other
    # apprentice, no refund obligation, no ledger entry, no audit event.
    assert Claim.objects.get(pk=loser.pk).status == ClaimStatus.ON_NOTICE
    assert Claim.objects.get(pk=loser.pk).approved_at is None
    assert not SubsidyGrant.objects.filter(line__claim=loser).exists()
    assert not RefundObligation.objects.filter(claim=loser).exists()
    assert not LedgerEntry.objects.filter(claim=loser).exists()
    assert not AuditEvent.objects.filter(action="claim.approve", object_id=str(loser.pk)).exists()


def test_two_approvals_at_once_pay_a_person_on_both_claims_once(world, slow_notices):
    first, second, person = two_claims_paying_one_person(world)
    results = race(approve(first.pk), approve(second.pk))
    assert_paid_once(first, second, person, results)


def test_without_a_budget_to_lock_the_grant_register_still_pays_the_person_once(
    world, monkeypatch, slow_notices
):
    """The budget rows serialise approvals of the same year; the guard against a double
    subsidy holds without them (the people's rows locked, the register's constraints)."""
    first, second, person = two_claims_paying_one_person(world)
    monkeypatch.setattr(svc, "budget_problems", lambda claim, today: [])
    results = race(approve(first.pk), approve(second.pk))
    assert_paid_once(first, second, person, results)


def test_two_approvals_through_the_api_answer_200_and_409(world, monkeypatch, slow_notices):
    first, second, person = two_claims_paying_one_person(world)
    monkeypatch.setattr(svc, "_today", lambda today: today or AFTER_NOTICE)
    clients = [world.api("bureau") for _ in range(2)]
    calls = [
        lambda client=client, pk=pk: client.post(f"/api/v1/claims/{pk}/approve/", {}, format="json")
        for client, pk in zip(clients, (first.pk, second.pk), strict=True)
    ]
    responses = race(*calls)
    assert Counter(answer(r) for r in responses) == {200: 1, 409: 1}, responses
    refused = next(r for r in responses if r.status_code == 409)
    assert [p["code"] for p in refused.json()["problems"]] == ["subsidised_meanwhile"]
    assert SubsidyGrant.objects.filter(id_number=person.id_number).count() == 1
