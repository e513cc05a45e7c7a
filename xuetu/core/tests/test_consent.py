"""Request and consent: one party asks, another decides; granting applies what was asked in
the same transaction; whoever asked cannot decide; one pending request per subject."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xuetu.core.access import scope_for
from xuetu.core.consent import (
    ConsentKind,
    consent_grant,
    consent_refuse,
    consent_request,
    consent_withdraw,
    register_consent,
)
from xuetu.core.models import AuditEvent, ConsentRequest, ConsentStatus, Job, Notice
from xuetu.core.problems import Refused


def rename(job: Job, payload, by) -> None:
    Job.objects.filter(pk=job.pk).update(message=payload["message"])


KIND = ConsentKind(
    kind="test.rename_job",
    label="rename a job",
    model="core.Job",
    deciders=lambda job: (
        [u for u in [job._bureau] if u is not None] if hasattr(job, "_bureau") else []
    ),
    may_decide=lambda user, job: scope_for(user).city,
    grant=rename,
)
register_consent(KIND)


@pytest.fixture
def asked(world):
    job = Job.objects.create(kind="export", owner=world.users["enterprise"])
    job._bureau = world.users["bureau"]  # type: ignore[attr-defined]  # who decides, here
    request = consent_request(
        kind=KIND.kind,
        about=job,
        by=world.users["enterprise"],
        organisation=world.enterprise,
        reason="wrong name",
        payload={"message": "renamed"},
    )
    return job, request


def test_asking_tells_the_deciders_and_is_audited(world, asked):
    _job, request = asked
    assert request.status == ConsentStatus.PENDING
    assert Notice.objects.filter(recipient=world.users["bureau"], kind="consent.requested").exists()
    assert AuditEvent.objects.filter(action="consentrequest.create").count() == 1


def test_granting_applies_what_was_asked_and_tells_the_asker(world, asked):
    job, request = asked
    consent_grant(request=request, by=world.users["bureau"], comment="ok")
    assert Job.objects.get(pk=job.pk).message == "renamed"
    stored = ConsentRequest.objects.get(pk=request.pk)
    assert stored.status == ConsentStatus.GRANTED and stored.decided_by == world.users["bureau"]
    assert Notice.objects.filter(recipient=world.users["enterprise"], kind="consent.granted")


def test_a_refusal_needs_a_reason_and_changes_nothing(world, asked):
    job, request = asked
    with pytest.raises(ValidationError):
        consent_refuse(request=request, by=world.users["bureau"], comment=" ")
    consent_refuse(request=request, by=world.users["bureau"], comment="no evidence")
    assert Job.objects.get(pk=job.pk).message == ""
    assert ConsentRequest.objects.get(pk=request.pk).status == ConsentStatus.REFUSED


def test_only_a_decider_decides_and_never_the_asker(world, asked):
    _job, request = asked
    for name in ("enterprise", "enterprise2", "district"):
        with pytest.raises(PermissionDenied):
            consent_grant(request=request, by=world.users[name])
    assert ConsentRequest.objects.get(pk=request.pk).status == ConsentStatus.PENDING


def test_a_second_request_about_the_same_thing_waits_for_the_first(world, asked):
    job, request = asked
    with pytest.raises(Refused) as refused:
        consent_request(
            kind=KIND.kind,
            about=job,
            by=world.users["enterprise"],
            organisation=world.enterprise,
            reason="again",
        )
    assert refused.value.codes == ["already_requested"]
    consent_withdraw(request=request, by=world.users["enterprise"])
    consent_request(
        kind=KIND.kind,
        about=job,
        by=world.users["enterprise"],
        organisation=world.enterprise,
        reason="again",
    )


def test_a_decided_request_cannot_be_decided_again(world, asked):
    _job, request = asked
    consent_grant(request=request, by=world.users["bureau"])
    with pytest.raises(Refused):
        consent_refuse(request=request, by=world.users["bureau"], comment="changed my mind")


def test_another_organisation_cannot_withdraw_or_see_the_request(world, asked):
    _job, request = asked
    with pytest.raises(PermissionDenied):
        consent_withdraw(request=request, by=world.users["enterprise2"])
    assert not ConsentRequest.objects.for_user(world.users["enterprise2"]).exists()
    assert ConsentRequest.objects.for_user(world.users["district"]).exists()  # its district
