"""Supporting documents on a filing (issue 8, item 18): the district reviewer asks for a
document (a transfer certificate for a 转岗 apprentice, a labour contract…), the enterprise
attaches it to the class or to one apprentice's enrollment, and the reviewer may withdraw a
request nobody needs any more. A document is never edited or deleted: a wrong one is replaced
by a new upload and stays, marked superseded, for the auditor.

An open request does not block the approval (docs/rules/programmes.md, "Supporting
documents"): the review panel lists it as a warning, and the reviewer decides.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.choices import OrganisationKind
from xuetu.accounts.models import Organisation, User
from xuetu.core.access import CHANGE
from xuetu.core.audit import audit_record
from xuetu.core.notices import notify as core_notify
from xuetu.core.problems import Problem, Refused, refuse_if, say
from xuetu.core.services import actor, lock, record_create
from xuetu.core.transitions import transition
from xuetu.core.uploads import SCAN_KINDS, check_upload
from xuetu.programmes.access import REVIEW
from xuetu.programmes.choices import (
    DOCUMENT_REQUEST_FLOW,
    EDITABLE_COHORT_STATUSES,
    LIVE_COHORT_STATUSES,
    OPEN_ENROLLMENT_STATUSES,
    CohortStatus,
    DocumentRequestStatus,
    DocumentType,
)
from xuetu.programmes.models import Cohort, DocumentRequest, Enrollment, SupportingDocument
from xuetu.programmes.services.common import notify, require_party, require_reviewer

# A class-level request is answered while the enterprise can still change the filing.
REQUESTABLE_COHORT_STATUSES = frozenset({CohortStatus.SUBMITTED, CohortStatus.RETURNED})


def max_bytes() -> int:
    return int(settings.SUPPORTING_DOCUMENT_MAX_MB) * 1024 * 1024


def _description(document_type: str, description: str) -> str:
    description = description.strip()
    if document_type == DocumentType.OTHER and not description:
        raise ValidationError({"description": _("Say which document, when the type is Other.")})
    return description


def _enrollment_problems(cohort: Cohort, enrollment: Enrollment | None) -> list[Problem]:
    if enrollment is None:
        return []
    if enrollment.cohort_id != cohort.pk:
        return [
            Problem(
                "document_enrollment_elsewhere",
                _("This apprentice is not on this class's roster."),
                "enrollment",
            )
        ]
    if enrollment.status not in OPEN_ENROLLMENT_STATUSES:
        message = say(
            _("The apprentice is no longer on the roster (%(status)s)."),
            status=enrollment.get_status_display(),
        )
        return [Problem("document_enrollment_closed", message, "enrollment")]
    return []


def _cohort_problem(code: str, cohort: Cohort) -> Problem:
    message = say(
        _("Documents cannot be asked for or attached while the class is %(status)s."),
        status=cohort.get_status_display(),
    )
    return Problem(code, message, "status")


def document_request_create(
    *,
    by: User | None,
    cohort: Cohort,
    document_type: str,
    enrollment: Enrollment | None = None,
    description: str = "",
    note: str = "",
) -> DocumentRequest:
    """The reviewer of the class (its district's, or the city bureau; never a party) asks the
    enterprise for a document about the filing or one apprentice on it. The enterprise's
    managers are told."""
    require_reviewer(by, cohort)
    description = _description(document_type, description)
    live = REQUESTABLE_COHORT_STATUSES if enrollment is None else LIVE_COHORT_STATUSES
    problems = [] if cohort.status in live else [_cohort_problem("document_not_now", cohort)]
    refuse_if(problems + _enrollment_problems(cohort, enrollment))
    request = DocumentRequest(
        cohort=cohort,
        enrollment=enrollment,
        document_type=document_type,
        description=description,
        note=note.strip(),
        requested_by=actor(by),
    )
    with transaction.atomic():
        record_create(by=by, instance=request, organisation=cohort.enterprise)
        params = {"code": cohort.code, "what": request.get_document_type_display()}
        notify([cohort.enterprise], "document.requested", request, **params)
    return request


def document_request_withdraw(*, by: User | None, request: DocumentRequest) -> DocumentRequest:
    """The reviewer no longer needs the document (the enterprise is not told: nothing is
    asked of it any more, and the panel shows the request as withdrawn)."""
    require_party(by, REVIEW, request)
    require_reviewer(by, request.cohort)
    return _close(request, to=DocumentRequestStatus.WITHDRAWN, by=by, action="withdraw")


def _close(request: DocumentRequest, *, to: str, by: User | None, action: str) -> DocumentRequest:
    """An open request fulfilled or withdrawn, once (a second click is `changed_meanwhile`)."""
    return transition(
        request,
        to=to,
        flow=DOCUMENT_REQUEST_FLOW,
        by=by,
        action=action,
        values={"closed_at": timezone.now()},
        organisation=request.cohort.enterprise,
    )


def _attach_problems(
    cohort: Cohort, enrollment: Enrollment | None, request: DocumentRequest | None
) -> list[Problem]:
    if enrollment is None and cohort.status not in EDITABLE_COHORT_STATUSES:
        return [_cohort_problem("document_not_now", cohort)]
    if enrollment is not None and cohort.status not in LIVE_COHORT_STATUSES | {CohortStatus.DRAFT}:
        return [_cohort_problem("document_not_now", cohort)]
    problems = _enrollment_problems(cohort, enrollment)
    if request is not None and (
        request.cohort_id != cohort.pk or request.enrollment_id != getattr(enrollment, "pk", None)
    ):
        problems.append(
            Problem(
                "document_request_elsewhere",
                _("The request is about another class or apprentice."),
                "request",
            )
        )
    elif request is not None and request.status != DocumentRequestStatus.OPEN:
        message = say(
            _("The request is %(status)s; attach the document without it."),
            status=request.get_status_display(),
        )
        problems.append(Problem("document_request_closed", message, "request"))
    return problems


def _replaced_problems(
    cohort: Cohort, enrollment: Enrollment | None, replaces: SupportingDocument | None
) -> list[Problem]:
    if replaces is None:
        return []
    if replaces.cohort_id != cohort.pk or replaces.enrollment_id != getattr(enrollment, "pk", None):
        message = _("The document replaced belongs to another class or apprentice.")
        return [Problem("document_replaces_elsewhere", message, "replaces")]
    if replaces.superseded_by_id is not None:
        message = _("That document was already replaced; replace the newest one.")
        return [Problem("document_already_replaced", message, "replaces")]
    return []


def supporting_document_attach(
    *,
    by: User | None,
    cohort: Cohort,
    upload: Any,
    document_type: str,
    enrollment: Enrollment | None = None,
    request: DocumentRequest | None = None,
    replaces: SupportingDocument | None = None,
    description: str = "",
) -> SupportingDocument:
    """The enterprise's manager attaches a PDF, JPEG or PNG (sniffed by its content, at most
    SUPPORTING_DOCUMENT_MAX_MB) to the filing while it may change it, or to an apprentice
    while they are on the roster; answering `request` fulfils it, and `replaces` marks an
    earlier document superseded. The reviewer is told. Attaching is not an edit of the
    filing: a submitted filing stays submitted."""
    require_party(by, CHANGE, cohort)
    if request is not None:
        document_type = request.document_type
        description = description.strip() or request.description
    description = _description(document_type, description)
    try:
        kind = check_upload(upload, kinds=SCAN_KINDS, max_bytes=max_bytes())
    except ValidationError as error:
        raise Refused([Problem(f"document_{error.code}", error.messages[0], "upload")]) from error
    with transaction.atomic():
        lock(cohort)
        if replaces is not None:
            lock(replaces)
        refuse_if(
            _attach_problems(cohort, enrollment, request)
            + _replaced_problems(cohort, enrollment, replaces)
        )
        document = _store(
            by=by,
            cohort=cohort,
            enrollment=enrollment,
            request=request,
            document_type=document_type,
            description=description,
            upload=upload,
            content_type=kind.content_type,
            suffix=kind.suffixes[0],
        )
        if replaces is not None:
            _supersede(by=by, old=replaces, new=document)
        if request is not None:
            _close(request, to=DocumentRequestStatus.FULFILLED, by=by, action="fulfil")
        _tell_reviewer(cohort, document, request)
    return document


def _store(*, by: User | None, upload: Any, suffix: str, **values: Any) -> SupportingDocument:
    document = SupportingDocument(
        original_name=(upload.name or "")[-200:],
        size=upload.size,
        uploaded_by=actor(by),
        **values,
    )
    upload.seek(0)
    # The stored name is random (models.supporting_document_path), with the sniffed type's suffix.
    document.file.save(f"document{suffix}", File(upload), save=False)
    # The file is written before the row; a rollback after this leaves an unnamed file, never
    # a row without its file.
    return record_create(by=by, instance=document, organisation=document.cohort.enterprise)


def _supersede(*, by: User | None, old: SupportingDocument, new: SupportingDocument) -> None:
    rows = SupportingDocument.objects.filter(pk=old.pk, superseded_by__isnull=True).update(
        superseded_by=new
    )
    if rows != 1:
        raise Refused([Problem("document_already_replaced", _("Already replaced."), "replaces")])
    audit_record(
        by=by,
        action="supportingdocument.supersede",
        obj=old,
        before={"superseded_by": None},
        after={"superseded_by": new.pk},
        organisation=new.cohort.enterprise,
    )


def _tell_reviewer(
    cohort: Cohort, document: SupportingDocument, request: DocumentRequest | None
) -> None:
    params = {"code": cohort.code, "what": document.get_document_type_display()}
    requester = request.requested_by if request is not None else None
    if requester is not None and requester.is_active:
        core_notify(
            kind="document.attached",
            recipients=[requester],
            url=document.get_absolute_url(),
            params=params,
        )
        return
    if cohort.status == CohortStatus.DRAFT:
        return  # nobody reviews a draft yet; the document is part of the filing when submitted
    bureaus = Organisation.objects.filter(
        Q(kind=OrganisationKind.DISTRICT_BUREAU, district_id=cohort.enterprise.district_id),
        is_active=True,
    )
    notify(bureaus, "document.attached", document, **params)
