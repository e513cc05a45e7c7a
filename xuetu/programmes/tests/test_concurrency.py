"""Races with real threads and connections: reviewers approving the same filing at once, two
managers giving a mentor their last place, letters numbered at once. On PostgreSQL and on
SQLite alike: the embedded default opens every transaction with BEGIN IMMEDIATE and waits up
to its busy timeout for another writer (settings.DATABASES), so a loser waits, then finds the
row changed, instead of failing with "database is locked". SQLite's test database is a file
for this: an in-memory one is shared between threads without WAL or a busy timeout."""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from rest_framework.test import APIClient

from xuetu.accounts.models import User
from xuetu.core.models import AuditEvent
from xuetu.core.problems import Refused
from xuetu.programmes import services
from xuetu.programmes.choices import ApprenticeCategory, CohortStatus, EnrollmentStatus
from xuetu.programmes.models import Cohort, Enrollment, Mentor
from xuetu.programmes.tests.factories import (
    build_programme,
    fast_passwords,  # noqa: F401  (autouse)
    make_enrollment,
    make_person,
)
from xuetu.testing import confirmed

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _a_database_threads_can_share():
    # Django names an in-memory test database file:memorydb_…?mode=memory.
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.fail(
            "the race tests need SQLite's test database in a file (DATABASES TEST NAME): "
            "an in-memory one has no WAL and no busy timeout"
        )


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Runs the calls in threads released together; each result or the exception raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as error:  # the outcome under test
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def slow_notices(monkeypatch):
    """The winner holds its row lock a while, so the loser's UPDATE really waits on it."""
    notify = services.cohorts.notify

    def held(*args: Any, **kwargs: Any) -> None:
        time.sleep(0.3)
        notify(*args, **kwargs)

    monkeypatch.setattr(services.cohorts, "notify", held)


def test_two_reviewers_approving_at_once_apply_one_transition(world, slow_notices):
    programme = build_programme(world, status=CohortStatus.SUBMITTED)
    pk = programme.cohort.pk

    def approve(username: str) -> Callable[[], Cohort]:
        def call() -> Cohort:
            reviewer = User.objects.get(username=username)
            return services.cohort_approve(by=reviewer, cohort=Cohort.objects.get(pk=pk))

        return call

    results = race(approve("district"), approve("bureau"))
    successes = [r for r in results if isinstance(r, Cohort)]
    refusals = [r for r in results if isinstance(r, Refused)]
    assert len(successes) == 1 and len(refusals) == 1, results
    assert refusals[0].codes == ["changed_meanwhile"]
    assert Cohort.objects.get(pk=pk).status == CohortStatus.APPROVED
    assert AuditEvent.objects.filter(action="cohort.approve", object_id=str(pk)).count() == 1


def test_the_same_reviewer_double_clicking_applies_once(world, slow_notices):
    programme = build_programme(world, status=CohortStatus.SUBMITTED)
    pk = programme.cohort.pk

    def approve() -> Cohort:
        reviewer = User.objects.get(username="district")
        return services.cohort_approve(by=reviewer, cohort=Cohort.objects.get(pk=pk))

    results = race(approve, approve)
    assert sum(isinstance(r, Cohort) for r in results) == 1, results
    assert AuditEvent.objects.filter(action="cohort.approve", object_id=str(pk)).count() == 1


def answer(response: Any) -> int | str:
    """The status code, or the name of the exception the request raised."""
    return getattr(response, "status_code", None) or type(response).__name__


def approvals(
    clients: list[Client] | list[APIClient], url: str, data: dict[str, Any] | None = None
) -> list[Callable[[], Any]]:
    return [functools.partial(client.post, url, data or {}) for client in clients]


def test_four_approvals_of_one_filing_at_once_answer_one_success_and_three_409(world, slow_notices):
    """Through the API, as four tabs of the district reviewer would send them."""
    programme = build_programme(world, status=CohortStatus.SUBMITTED)
    pk = programme.cohort.pk
    clients = [world.api("district") for _ in range(4)]
    responses = race(*approvals(clients, f"/api/v1/cohorts/{pk}/approve/"))
    assert Counter(answer(r) for r in responses) == {200: 1, 409: 3}, responses
    for response in responses:
        if response.status_code == 409:
            assert [p["code"] for p in response.json()["problems"]] == ["changed_meanwhile"]
    assert Cohort.objects.get(pk=pk).status == CohortStatus.APPROVED
    assert AuditEvent.objects.filter(action="cohort.approve", object_id=str(pk)).count() == 1


def test_four_approvals_on_the_page_at_once_apply_one_and_refuse_three_with_409(
    world, slow_notices
):
    programme = build_programme(world, status=CohortStatus.SUBMITTED)
    pk = programme.cohort.pk
    clients = [world.client("district") for _ in range(4)]
    responses = race(*approvals(clients, f"/programmes/cohorts/{pk}/approve/", confirmed()))
    assert Counter(answer(r) for r in responses) == {302: 1, 409: 3}, responses
    assert Cohort.objects.get(pk=pk).status == CohortStatus.APPROVED
    assert AuditEvent.objects.filter(action="cohort.approve", object_id=str(pk)).count() == 1


def test_two_enrolments_for_a_mentors_last_place_give_it_once(world):
    programme = build_programme(world)
    for _ in range(8):  # with the programme's own apprentice: 9 of 10 places taken
        make_enrollment(world, programme.cohort, enterprise_mentor=programme.mentor)
    people = [make_person(f"新人{i}", organisation=world.enterprise) for i in range(2)]

    def enrol(person_pk: int) -> Callable[[], Enrollment]:
        def call() -> Enrollment:
            return services.enrollment_create(
                by=User.objects.get(username="enterprise"),
                cohort=Cohort.objects.get(pk=programme.cohort.pk),
                person=type(people[0]).objects.get(pk=person_pk),
                category=ApprenticeCategory.NEW_HIRE,
                contract_start=dt.date(2026, 1, 1),
                enterprise_mentor=Mentor.objects.get(pk=programme.mentor.pk),
            )

        return call

    results = race(*(enrol(p.pk) for p in people))
    assert sum(isinstance(r, Enrollment) for r in results) == 1, results
    refused = [r for r in results if isinstance(r, Refused)]
    assert refused and refused[0].codes == ["mentor_over_capacity"]
    load = Enrollment.objects.filter(
        enterprise_mentor=programme.mentor, status=EnrollmentStatus.ENROLLED
    ).count()
    assert load == 10


def test_letters_issued_at_once_get_different_numbers(world):
    programme = build_programme(world)

    def issue() -> str:
        letter = services.appointment_issue(
            by=None,
            mentor=Mentor.objects.get(pk=programme.mentor.pk),
            term_start=dt.date(2026, 3, 1),
            term_end=dt.date(2028, 2, 29),
            with_pdf=False,
        )
        return letter.number

    numbers = race(issue, issue, issue)
    assert all(isinstance(n, str) for n in numbers), numbers
    assert len(set(numbers)) == 3
