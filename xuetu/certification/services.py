"""Certificates recorded, checked against their published layouts, and reviewed (issue 9,
item 6). Pages, the API, the demo and (next) the evaluation organisations' import call these."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.choices import Role
from xuetu.accounts.models import Organisation, User
from xuetu.certification.access import CERTIFY, ENROLLED, REVIEW
from xuetu.certification.choices import REVIEW_FLOW, ReviewStatus
from xuetu.certification.models import Certificate
from xuetu.certification.numbers import PENDING_REVIEW, REFUSED, read_number, review_reason
from xuetu.core.access import CHANGE, CITY_ROLES, can, require, scope_for
from xuetu.core.notices import notify
from xuetu.core.problems import Problem, Refused, refuse_if
from xuetu.core.services import actor, apply_changes, lock, record_create, record_update
from xuetu.core.transitions import transition
from xuetu.core.uploads import SCAN_KINDS, check_upload
from xuetu.programmes.models import Enrollment
from xuetu.registry.models import Occupation, Person

SCAN_MAX_BYTES = 10 * 1024 * 1024

RECORDER_IS_CLAIMANT = Problem(
    "recorder_is_claimant",
    _("The enterprise that claims the subsidy cannot record its apprentices' certificates."),
    None,
)
REVIEWER_IS_RECORDER = Problem(
    "reviewer_is_recorder",
    _("Who recorded a certificate cannot review it: another reviewer of the bureau must."),
    None,
)
NOT_RECORDER = _(
    "Only the institution that teaches the apprentice's class, or the bureau, records certificates."
)
DUPLICATE = _("A certificate of this kind with this number is already recorded.")


# Who records ------------------------------------------------------------------------------
def claims_for(by: User, person: Person) -> bool:
    """Whether `by` acts for an enterprise that claims the subsidy for `person`: a manager of
    the enterprise of a class they are enrolled in, or an enterprise manager who is not also
    the teaching institution's (an enterprise never records certificates)."""
    scope = scope_for(by)
    if scope.city:
        return False
    enterprises = {org for org, role in scope.memberships if role == Role.ENTERPRISE_MANAGER}
    if not enterprises:
        return False
    own_class = Enrollment.objects.filter(
        ENROLLED, person=person, cohort__enterprise_id__in=enterprises
    ).exists()
    return own_class or not can(by, CERTIFY, person)


def recording_organisation(by: User, person: Person) -> Organisation:
    """The organisation `by` records for: the institution teaching the person's class, else
    the city bureau."""
    scope = scope_for(by)
    institutions = {o for o, role in scope.memberships if role == Role.INSTITUTION_MANAGER}
    enrollment = (
        Enrollment.objects.filter(ENROLLED, person=person, cohort__institution_id__in=institutions)
        .select_related("cohort__institution")
        .order_by("-cohort__planned_start", "-pk")
        .first()
    )
    if enrollment is not None:
        return enrollment.cohort.institution
    city = next(o for o, role in scope.memberships if role in CITY_ROLES)
    return Organisation.objects.get(pk=city)


def require_recorder(by: User | None, person: Person) -> None:
    if by is None:
        return
    if not by.is_authenticated:
        raise PermissionDenied(NOT_RECORDER)
    if claims_for(by, person):
        raise Refused([RECORDER_IS_CLAIMANT])
    require(by, CERTIFY, person, NOT_RECORDER)


def recordable_people(by: User):
    """The people whose certificates `by` may record (the record form's holder picker)."""
    return Person.objects.for_user(by, CERTIFY)


# Recording --------------------------------------------------------------------------------
def certificate_record(
    *,
    by: User | None,
    person: Person,
    kind: str,
    occupation: Occupation | None,
    level: int | None,
    number: str,
    issuer: str,
    issued_on: dt.date,
    scan: Any = None,
    project: str = "",
    organisation: Organisation | None = None,
) -> Certificate:
    """Records one certificate. A number whose level digit contradicts `level` is refused
    (`number_level_mismatch`, naming `number`); a number in no published layout is recorded
    into the bureau's review queue with the reason. `organisation` is the recorder's (the
    institution or the bureau; found from `by` unless a system import names it)."""
    require_recorder(by, person)
    if by is not None:
        organisation = recording_organisation(by, person)
    if organisation is None:
        raise ValidationError(_("Name the organisation that records the certificate."))
    year = issued_on.year if isinstance(issued_on, dt.date) else None
    reading = read_number(kind, number, level=level, issued_year=year)
    if reading.outcome == REFUSED:
        raise Refused(reading.problems)
    if scan:
        check_upload(scan, kinds=SCAN_KINDS, max_bytes=SCAN_MAX_BYTES)
    if Certificate.objects.by_number(kind, reading.number).exists():
        raise ValidationError({"number": DUPLICATE})  # never who holds it
    certificate = Certificate(
        holder=person,
        kind=kind,
        occupation=occupation,
        project=(project or "").strip(),
        level=level,
        number=reading.number,
        issuer=(issuer or "").strip(),
        issued_on=issued_on,
        organisation=organisation,
        recorded_by=actor(by),
    )
    queued = reading.outcome == PENDING_REVIEW
    if queued:
        code, params = review_reason(kind, reading, year)
        certificate.review_status = ReviewStatus.PENDING_REVIEW
        certificate.review_reason_code, certificate.review_reason_params = code, params
    if scan:
        certificate.scan = scan
    action = "certificate.queue" if queued else "certificate.create"
    try:
        with transaction.atomic():
            return record_create(
                by=by, instance=certificate, organisation=organisation, action=action
            )
    except IntegrityError as error:  # the same number recorded at the same moment
        raise ValidationError({"number": DUPLICATE}) from error


# Review -----------------------------------------------------------------------------------
def require_reviewer(by: User | None, certificate: Certificate) -> None:
    if by is None:
        return
    require(by, REVIEW, certificate, _("Only the city bureau reviews certificates."))
    if certificate.recorded_by_id == by.pk:
        raise Refused([REVIEWER_IS_RECORDER])


def certificate_verify(
    *, by: User | None, certificate: Certificate, comment: str = ""
) -> Certificate:
    """The bureau confirms the certificate (one in the review queue, or an accepted one)."""
    require_reviewer(by, certificate)
    certificate = _review(by, certificate, ReviewStatus.VERIFIED, "verify", comment)
    _tell(by, certificate, "certificate.verified")
    return certificate


def certificate_reject(*, by: User | None, certificate: Certificate, reason: str) -> Certificate:
    """The bureau rejects the certificate, with a reason: one in the review queue, or one
    accepted earlier that it finds false."""
    require_reviewer(by, certificate)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the certificate is rejected.")})
    certificate = _review(by, certificate, ReviewStatus.REJECTED, "reject", reason)
    _tell(by, certificate, "certificate.rejected", reason=certificate.review_comment)
    return certificate


def _review(
    by: User | None, certificate: Certificate, to: str, action: str, comment: str
) -> Certificate:
    values = {
        "reviewed_by": actor(by),
        "reviewed_at": timezone.now(),
        "review_comment": (comment or "").strip(),
    }
    return transition(
        certificate,
        to=to,
        flow=REVIEW_FLOW,
        by=by,
        action=action,
        values=values,
        organisation=certificate.organisation,
        field="review_status",
        clean=True,
    )


def _tell(by: User | None, certificate: Certificate, kind: str, **params: object) -> None:
    """The recorder and the holder (who has an account), not whoever reviewed it."""
    holder = certificate.holder
    ids = {certificate.recorded_by_id, holder.user_id} - {None, getattr(by, "pk", None)}
    recipients = User.objects.filter(pk__in=ids, is_active=True).order_by("pk")
    notify(
        kind=kind,
        recipients=recipients,
        url=certificate.get_absolute_url(),
        params={"number": certificate.number, "name": holder.name, **params},
        organisation=certificate.organisation,
    )


# Correcting -------------------------------------------------------------------------------
EDITABLE = ("occupation", "project", "level", "number", "issuer", "issued_on", "scan")
CORRECTED = "corrected_after_rejection"


def certificate_update(*, by: User | None, certificate: Certificate, **changes: Any) -> Certificate:
    """The recording organisation corrects a certificate the bureau has not verified. Its
    number is read again; a rejected certificate, once corrected, waits for review again."""
    require(by, CHANGE, certificate, NOT_RECORDER)
    with transaction.atomic():
        lock(certificate)
        refuse_if(
            [REVIEW_FLOW.not_now(certificate.review_status)]
            if certificate.review_status == ReviewStatus.VERIFIED
            else []
        )
        scan = changes.pop("scan", None)
        if scan:
            check_upload(scan, kinds=SCAN_KINDS, max_bytes=SCAN_MAX_BYTES)
            changes["scan"] = scan
        apply_changes(certificate, changes, editable=EDITABLE)
        _read_again(certificate)
        duplicate = Certificate.objects.by_number(certificate.kind, certificate.number)
        if duplicate.exclude(pk=certificate.pk).exists():
            raise ValidationError({"number": DUPLICATE})
        return record_update(by=by, instance=certificate, organisation=certificate.organisation)


def _read_again(certificate: Certificate) -> None:
    issued = certificate.issued_on
    year = issued.year if isinstance(issued, dt.date) else None
    reading = read_number(
        certificate.kind, certificate.number, level=certificate.level, issued_year=year
    )
    if reading.outcome == REFUSED:
        raise Refused(reading.problems)
    certificate.number = reading.number
    if reading.outcome == PENDING_REVIEW:
        code, params = review_reason(certificate.kind, reading, year)
    elif certificate.review_status == ReviewStatus.REJECTED:
        code, params = CORRECTED, {}
    else:
        code, params = "", {}
    certificate.review_status = ReviewStatus.PENDING_REVIEW if code else ReviewStatus.ACCEPTED
    certificate.review_reason_code, certificate.review_reason_params = code, params
