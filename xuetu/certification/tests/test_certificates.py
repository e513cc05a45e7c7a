"""Certificates recorded, checked and reviewed: as the people who use them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from xuetu.accounts.choices import OrganisationKind, Role
from xuetu.certification.choices import ReviewStatus
from xuetu.certification.models import Certificate
from xuetu.certification.services import certificate_record, certificate_reject, certificate_verify
from xuetu.certification.tests.factories import make_certificate, skill_number
from xuetu.core.models import Notice
from xuetu.core.problems import Refused
from xuetu.programmes.tests.factories import build_programme, make_person
from xuetu.registry.choices import CertificateType
from xuetu.registry.models import Institution
from xuetu.testing import confirmed, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(world):
    return build_programme(world)


def test_the_institution_manager_records_a_certificate_of_their_classs_apprentice(world, programme):
    certificate = make_certificate(world, programme, number=" s0001 5000 0123 2430 00045 ")
    assert certificate.number == "S000150000123243000045"
    assert certificate.review_status == ReviewStatus.ACCEPTED
    assert certificate.organisation_id == world.institution.pk
    assert str(certificate) == "Skill level certificate S000150000123243000045" or str(
        certificate
    ).endswith("S000150000123243000045")


def test_the_enterprise_that_claims_the_subsidy_cannot_record(world, programme):
    with pytest.raises(Refused) as refused:
        make_certificate(world, programme, by=world.users["enterprise"])
    assert refused.value.codes == ["recorder_is_claimant"]
    assert not Certificate.objects.exists()


def test_another_institution_cannot_record(world, programme):
    other = Institution.objects.create(
        kind=OrganisationKind.INSTITUTION,
        name="重庆工程职业技术学院",
        district=world.jiangbei,
        institution_type="vocational_college",
    )
    manager = make_user("school2", other, Role.INSTITUTION_MANAGER)
    with pytest.raises(PermissionDenied):
        make_certificate(world, programme, by=manager)


def test_anonymous_mentor_and_apprentice_cannot_record(world, programme):
    for by in (AnonymousUser(), world.users["mentor"], world.users["apprentice"]):
        with pytest.raises(PermissionDenied):
            make_certificate(world, programme, by=by)


def test_the_bureau_records_for_anyone_in_the_bureaus_name(world, programme):
    certificate = make_certificate(world, programme, by=world.users["bureau"])
    assert certificate.organisation_id == world.city.pk


def test_a_level_digit_that_contradicts_the_level_is_refused_naming_number(world, programme):
    with pytest.raises(Refused) as refused:
        make_certificate(world, programme, level=2, number=skill_number(level=3))
    assert refused.value.codes == ["number_level_mismatch"]
    assert refused.value.problems[0].field == "number"
    assert not Certificate.objects.exists()


def test_a_number_of_an_unknown_layout_is_queued_for_the_bureau(world, programme):
    certificate = make_certificate(world, programme, number="CQ-2019-0042")
    assert certificate.review_status == ReviewStatus.PENDING_REVIEW
    assert certificate.review_reason_code == "number_layout_unknown"
    with translation.override("en"):
        assert "skill level certificate layout" in certificate.review_reason
    with translation.override("zh-hans"):
        assert "skill level certificate layout" not in certificate.review_reason
    assert list(Certificate.objects.in_review_queue()) == [certificate]


def test_a_duplicate_number_is_a_field_error_that_names_nobody(world, programme):
    number = skill_number()
    make_certificate(world, programme, number=number)
    other = make_person("王五", organisation=world.enterprise)
    from xuetu.programmes.tests.factories import make_enrollment

    make_enrollment(world, programme.cohort, person=other, enterprise_mentor=programme.mentor)
    with pytest.raises(ValidationError) as error:
        make_certificate(world, programme, person=other, number=number)
    assert list(error.value.message_dict) == ["number"]
    assert "舒晓超" not in str(error.value)


def test_the_level_is_exactly_for_the_levelled_kinds(world, programme):
    with pytest.raises(ValidationError) as error:
        make_certificate(
            world, programme, kind=CertificateType.TRAINING, level=3, number="PX-2024-0001"
        )
    assert "level" in error.value.message_dict
    training = make_certificate(
        world,
        programme,
        kind=CertificateType.TRAINING,
        level=None,
        occupation=None,
        project="焊接安全培训",
        number="PX-2024-0001",
    )
    assert training.review_status == ReviewStatus.ACCEPTED


def test_the_bureau_verifies_a_queued_certificate_and_tells_recorder_and_holder(world, programme):
    certificate = make_certificate(world, programme, number="CQ-2019-0042")
    certificate_verify(by=world.users["bureau"], certificate=certificate, comment="已核对原件")
    certificate.refresh_from_db()
    assert certificate.review_status == ReviewStatus.VERIFIED
    assert certificate.reviewed_by == world.users["bureau"]
    told = set(
        Notice.objects.filter(kind="certificate.verified").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"school", "apprentice"}


def test_the_bureau_rejects_with_a_reason_even_an_accepted_certificate(world, programme):
    certificate = make_certificate(world, programme)
    with pytest.raises(ValidationError):
        certificate_reject(by=world.users["bureau"], certificate=certificate, reason=" ")
    certificate_reject(by=world.users["bureau"], certificate=certificate, reason="鉴定机构无此记录")
    certificate.refresh_from_db()
    assert certificate.review_status == ReviewStatus.REJECTED
    assert certificate.review_comment == "鉴定机构无此记录"
    with pytest.raises(Refused) as refused:
        certificate_verify(by=world.users["bureau"], certificate=certificate)
    assert refused.value.codes == ["transition_not_allowed"]


def test_only_the_bureau_reviews_and_not_what_it_recorded_itself(world, programme):
    certificate = make_certificate(world, programme, number="CQ-2019-0042")
    for persona in ("school", "district", "enterprise"):
        with pytest.raises(PermissionDenied):
            certificate_verify(by=world.users[persona], certificate=certificate)
    own = make_certificate(world, programme, by=world.users["bureau"], number="CQ-2019-0043")
    with pytest.raises(Refused) as refused:
        certificate_verify(by=world.users["bureau"], certificate=own)
    assert refused.value.codes == ["reviewer_is_recorder"]


def test_the_holder_sees_their_certificate_and_another_apprentice_does_not(world, programme):
    certificate = make_certificate(world, programme)
    page = world.client("apprentice").get(certificate.get_absolute_url())
    assert page.status_code == 200
    assert certificate.number in page.content.decode()
    other = make_user("apprentice2", world.enterprise, Role.APPRENTICE)
    make_person("周光明", organisation=world.enterprise, user=other)
    from django.test import Client

    client = Client()
    client.force_login(other)
    assert client.get(certificate.get_absolute_url()).status_code == 404
    assert certificate.number not in client.get("/certification/certificates/").content.decode()


def test_the_enterprise_sees_but_does_not_change_and_the_other_enterprise_sees_nothing(
    world, programme
):
    certificate = make_certificate(world, programme)
    assert world.client("enterprise").get(certificate.get_absolute_url()).status_code == 200
    edit = world.client("enterprise").get(f"{certificate.get_absolute_url()}edit/")
    assert edit.status_code == 403
    assert world.client("enterprise2").get(certificate.get_absolute_url()).status_code == 404


def test_the_list_masks_the_holders_id_number_as_the_masking_rules_say(world, programme):
    make_certificate(world, programme)
    person = world.people["apprentice"]
    school = world.client("school").get("/certification/certificates/").content.decode()
    assert person.id_number not in school
    assert f"{person.id_number[:4]}**" in school
    # The roles of XUETU_FULL_ID_ROLES (the enterprise's manager among them) see it whole.
    enterprise = world.client("enterprise").get("/certification/certificates/").content.decode()
    assert person.id_number in enterprise


def test_the_record_form_offers_only_the_apprentices_the_recorder_may_record(world, programme):
    make_person("路人甲", organisation=world.enterprise)
    page = world.client("school").get("/certification/certificates/new/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "舒晓超" in body and "路人甲" not in body
    assert world.client("enterprise").get("/certification/certificates/new/").status_code == 403


def test_recording_through_the_page_puts_a_level_mismatch_on_the_number(world, programme):
    person = world.people["apprentice"]
    data = {
        "holder": person.pk,
        "kind": CertificateType.SKILL_LEVEL,
        "occupation": programme.occupation.pk,
        "level": 2,
        "number": skill_number(level=3),
        "issuer": "重庆市职业技能鉴定指导中心",
        "issued_on": "2024-06-28",
    }
    with translation.override("en"):
        response = world.client("school").post(
            "/certification/certificates/new/", data, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    assert response.context["form"].errors["number"]
    data["level"] = 3
    response = world.client("school").post("/certification/certificates/new/", data)
    assert response.status_code == 302
    assert Certificate.objects.get().holder == person


def test_the_bureau_rejects_through_the_page_with_a_reason(world, programme):
    certificate = make_certificate(world, programme, number="CQ-2019-0042")
    url = f"{certificate.get_absolute_url()}reject/"
    assert world.client("school").post(url, {"reason": "x"}).status_code == 403
    asked = world.client("bureau").post(url, {"reason": "编号与鉴定机构记录不符"})
    assert asked.status_code == 200  # the confirmation first
    response = world.client("bureau").post(url, confirmed({"reason": "编号与鉴定机构记录不符"}))
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.review_status == ReviewStatus.REJECTED


def test_the_bureaus_home_page_counts_the_review_queue(world, programme):
    make_certificate(world, programme, number="CQ-2019-0042")
    make_certificate(world, programme, number="CQ-2019-0043")
    make_certificate(world, programme)
    body = world.client("bureau").get("/").content.decode()
    assert 'data-testid="queue-count">2<' in body
    assert 'data-testid="certificate-queue"' not in world.client("school").get("/").content.decode()


def test_a_corrected_rejected_certificate_waits_for_review_again(world, programme):
    from xuetu.certification.services import certificate_update

    certificate = make_certificate(world, programme)
    certificate_reject(by=world.users["bureau"], certificate=certificate, reason="发证日期有误")
    certificate_update(
        by=world.users["school"],
        certificate=certificate,
        issued_on=certificate.issued_on.replace(day=1),
    )
    certificate.refresh_from_db()
    assert certificate.review_status == ReviewStatus.PENDING_REVIEW
    assert certificate.review_reason_code == "corrected_after_rejection"
    certificate_verify(by=world.users["bureau"], certificate=certificate)
    with pytest.raises(PermissionDenied):
        certificate_update(by=world.users["school"], certificate=certificate, issuer="别的机构")


def test_a_scan_that_is_not_what_its_name_says_is_refused(world, programme):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("scan.pdf", b"MZ not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError):
        make_certificate(world, programme, scan=fake)
    assert not Certificate.objects.exists()


def test_certificate_record_is_one_call_an_import_row_can_make(world, programme):
    # A system import (no signed-in user) names the recording organisation.
    certificate = certificate_record(
        by=None,
        person=world.people["apprentice"],
        kind=CertificateType.QUALIFICATION,
        occupation=programme.occupation,
        level=3,
        number="1950012003300001",
        issuer="重庆市职业技能鉴定指导中心",
        issued_on=certificate_date(),
        organisation=world.city,
    )
    found = Certificate.objects.by_number(CertificateType.QUALIFICATION, "1950012003300001")
    assert list(found.filter(holder__name="舒晓超")) == [certificate]


def certificate_date():
    import datetime as dt

    return dt.date(2019, 7, 1)


def test_the_holders_home_page_lists_their_own_certificates(world, programme):
    certificate = make_certificate(world, programme)
    body = world.client("apprentice").get("/").content.decode()
    assert 'data-testid="my-certificates"' in body and certificate.number in body
    for other in ("mentor", "school", "enterprise", "bureau"):
        page = world.client(other).get("/").content.decode()
        assert 'data-testid="my-certificates"' not in page, other
