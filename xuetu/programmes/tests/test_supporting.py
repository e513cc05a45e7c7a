"""Supporting documents on a filing (issue 8, item 18): the reviewer asks, the enterprise
attaches (type sniffed, size bounded), and only the class's parties and its reviewer read
the file."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from xuetu.core.models import AuditEvent, Notice
from xuetu.core.problems import Refused
from xuetu.programmes import services
from xuetu.programmes.choices import CohortStatus, DocumentRequestStatus, DocumentType
from xuetu.programmes.models import DocumentRequest, SupportingDocument
from xuetu.programmes.tests.factories import build_programme

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def pdf(name: str = "转岗证明.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def programme(world):
    return build_programme(world, status=CohortStatus.SUBMITTED)


def ask(world, programme, **values) -> DocumentRequest:
    values.setdefault("document_type", DocumentType.TRANSFER_CERTIFICATE)
    return services.document_request_create(
        by=world.users["district"], cohort=programme.cohort, **values
    )


def attach(world, programme, persona: str = "enterprise", **values) -> SupportingDocument:
    values.setdefault("upload", pdf())
    values.setdefault("document_type", DocumentType.TRANSFER_CERTIFICATE)
    return services.supporting_document_attach(
        by=world.users[persona], cohort=programme.cohort, **values
    )


def test_the_reviewer_asks_and_the_enterprises_managers_are_told(world, programme):
    request = ask(world, programme, enrollment=programme.enrollment, note="请提供转岗证明")
    assert request.status == DocumentRequestStatus.OPEN
    told = set(
        Notice.objects.filter(kind="document.requested").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"enterprise"}
    assert AuditEvent.objects.filter(
        action="documentrequest.create", object_id=str(request.pk)
    ).exists()


@pytest.mark.parametrize("persona", ["enterprise", "enterprise2", "school", "mentor", "apprentice"])
def test_only_the_reviewer_may_ask_for_a_document(world, programme, persona):
    with pytest.raises(PermissionDenied):
        services.document_request_create(
            by=world.users[persona],
            cohort=programme.cohort,
            document_type=DocumentType.LABOUR_CONTRACT,
        )


def test_an_other_document_must_say_which(world, programme):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        ask(world, programme, document_type=DocumentType.OTHER, description=" ")


def test_a_pdf_answering_a_request_fulfils_it_and_the_reviewer_is_told(world, programme):
    request = ask(world, programme, enrollment=programme.enrollment)
    document = attach(world, programme, request=request, enrollment=programme.enrollment)
    request.refresh_from_db()
    assert request.status == DocumentRequestStatus.FULFILLED
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF) and document.original_name == "转岗证明.pdf"
    assert "转岗" not in document.file.name and document.file.name.endswith(".pdf")
    assert document.file.read() == PDF
    told = Notice.objects.filter(kind="document.attached").values_list(
        "recipient__username", flat=True
    )
    assert list(told) == ["district"]
    programme.cohort.refresh_from_db()
    assert programme.cohort.status == CohortStatus.SUBMITTED  # attaching is not an edit
    assert AuditEvent.objects.filter(action="supportingdocument.create").count() == 1
    assert AuditEvent.objects.filter(action="documentrequest.fulfil").count() == 1


def test_a_renamed_exe_is_refused(world, programme):
    with pytest.raises(Refused) as refused:
        attach(world, programme, upload=pdf("证明.pdf", EXE))
    assert refused.value.codes == ["document_file_content"]
    assert not SupportingDocument.objects.exists()


def test_an_exe_by_its_name_is_refused(world, programme):
    with pytest.raises(Refused) as refused:
        attach(world, programme, upload=pdf("setup.exe", EXE))
    assert refused.value.codes == ["document_file_type"]


def test_an_11_mb_file_is_refused(world, programme):
    big = pdf("合同.pdf", PDF + b"0" * (11 * 1024 * 1024))
    with pytest.raises(Refused) as refused:
        attach(world, programme, upload=big)
    assert refused.value.codes == ["document_file_size"]


@override_settings(SUPPORTING_DOCUMENT_MAX_MB=12)
def test_the_size_limit_is_a_setting(world, programme):
    assert attach(world, programme, upload=pdf("合同.pdf", PDF + b"0" * (11 * 1024 * 1024)))


@pytest.mark.parametrize("persona", ["enterprise2", "school", "district", "mentor", "apprentice"])
def test_only_the_enterprises_manager_attaches(world, programme, persona):
    with pytest.raises(PermissionDenied):
        attach(world, programme, persona=persona)


def test_an_approved_filing_takes_no_class_document_but_an_apprentice_may_get_one(world):
    programme = build_programme(world, status=CohortStatus.APPROVED)
    with pytest.raises(Refused) as refused:
        attach(world, programme)
    assert refused.value.codes == ["document_not_now"]
    assert attach(world, programme, enrollment=programme.enrollment)


def test_a_replaced_document_stays_marked_superseded(world, programme):
    old = attach(world, programme)
    new = attach(world, programme, replaces=old, upload=pdf("转岗证明-盖章.pdf"))
    old.refresh_from_db()
    assert old.superseded_by == new
    assert SupportingDocument.objects.count() == 2
    with pytest.raises(Refused) as refused:
        attach(world, programme, replaces=old)
    assert refused.value.codes == ["document_already_replaced"]


def test_the_reviewer_withdraws_a_request_and_it_takes_no_answer(world, programme):
    request = ask(world, programme)
    with pytest.raises(PermissionDenied):
        services.document_request_withdraw(by=world.users["enterprise"], request=request)
    services.document_request_withdraw(by=world.users["district"], request=request)
    request.refresh_from_db()
    assert request.status == DocumentRequestStatus.WITHDRAWN
    with pytest.raises(Refused) as refused:
        attach(world, programme, request=request)
    assert refused.value.codes == ["document_request_closed"]


def test_an_open_request_does_not_block_the_approval(world, programme):
    ask(world, programme)
    services.cohort_approve(by=world.users["district"], cohort=programme.cohort, comment="")
    programme.cohort.refresh_from_db()
    assert programme.cohort.status == CohortStatus.APPROVED


# Pages -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("enterprise", 200),
        ("school", 200),
        ("district", 200),
        ("bureau", 200),
        ("enterprise2", 404),
        ("mentor", 404),
        ("apprentice", 404),
    ],
)
def test_the_download_answers_the_parties_and_the_reviewer_only(world, programme, persona, status):
    document = attach(world, programme)
    url = reverse("programmes:supporting_document_download", args=[document.pk])
    response = world.client(persona).get(url)
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF


def test_an_anonymous_download_goes_to_the_login(client, world, programme):
    document = attach(world, programme)
    url = reverse("programmes:supporting_document_download", args=[document.pk])
    assert client.get(url).status_code == 302


def test_the_panel_shows_the_reviewer_the_open_requests_as_a_warning(world, programme):
    ask(world, programme, enrollment=programme.enrollment)
    page = world.client("district").get(programme.cohort.get_absolute_url()).content.decode()
    assert 'data-testid="open-requests-warning"' in page
    assert 'data-testid="request-document"' in page
    assert 'data-testid="attach-document"' not in page
    page = world.client("enterprise").get(programme.cohort.get_absolute_url()).content.decode()
    assert 'data-testid="answer-request"' in page and "open-requests-warning" not in page


def test_the_panel_is_not_shown_to_mentors_or_apprentices(world, programme):
    attach(world, programme)
    for persona in ("mentor", "apprentice"):
        page = world.client(persona).get(programme.cohort.get_absolute_url()).content.decode()
        assert "supporting-documents" not in page


def test_the_enterprise_uploads_through_the_page(world, programme):
    request = ask(world, programme)
    url = reverse("programmes:cohort_document_attach", args=[programme.cohort.pk])
    response = world.client("enterprise").post(url, {"upload": pdf(), "request": request.pk})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == DocumentRequestStatus.FULFILLED


def test_a_renamed_exe_through_the_page_is_shown_as_an_error(world, programme):
    url = reverse("programmes:cohort_document_attach", args=[programme.cohort.pk])
    data = {"upload": pdf("证明.pdf", EXE), "document_type": DocumentType.LABOUR_CONTRACT}
    response = world.client("enterprise").post(url, data)
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in response.content.decode()
    assert not SupportingDocument.objects.exists()


def test_the_reviewer_asks_through_the_page(world, programme):
    url = reverse("programmes:cohort_document_request", args=[programme.cohort.pk])
    data = {"document_type": DocumentType.LABOUR_CONTRACT, "enrollment": programme.enrollment.pk}
    response = world.client("district").post(url, data)
    assert response.status_code == 302
    assert DocumentRequest.objects.get().enrollment == programme.enrollment
    assert world.client("enterprise").post(url, data).status_code == 403
    assert world.client("enterprise2").post(url, data).status_code == 404


def test_an_apprentices_page_shows_only_their_own_requests(world, programme):
    ask(world, programme, enrollment=programme.enrollment, note="转岗证明")
    ask(world, programme, document_type=DocumentType.OTHER, description="全班社保明细")
    page = world.client("enterprise").get(programme.enrollment.get_absolute_url())
    text = page.content.decode()
    assert 'data-testid="supporting-documents"' in text
    assert "转岗证明" in text and "全班社保明细" not in text


def test_the_api_lists_documents_as_the_access_table_says(world, programme):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    document = attach(world, programme)
    ask(world, programme)
    url = "/api/v1/supporting-documents/"
    for persona, seen in [("enterprise", [document.pk]), ("district", [document.pk])]:
        rows = world.api(persona).get(url).json()["results"]
        assert [row["id"] for row in rows] == seen
    for persona in ("enterprise2", "mentor", "apprentice"):
        assert world.api(persona).get(url).json()["results"] == []
        assert world.api(persona).get(f"{url}{document.pk}/").status_code == 404
    with CaptureQueriesContext(connection) as few:
        world.api("enterprise").get("/api/v1/document-requests/")
    for _ in range(5):
        ask(world, programme)
    with CaptureQueriesContext(connection) as many:
        world.api("enterprise").get("/api/v1/document-requests/")
    assert len(many) == len(few)
