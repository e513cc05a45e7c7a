"""Public verification of certificates (issue 9, item 7): the number and the holder's full name,
no login; a wrong name answers exactly as a wrong number does; 30 requests per address in ten
minutes."""

from __future__ import annotations

import json
import logging

import pytest
from django.core.cache import cache

from xuetu.certification.services import certificate_reject
from xuetu.certification.tests.factories import make_certificate
from xuetu.core.verify import RATE_LIMIT, names_match
from xuetu.programmes.tests.factories import build_programme

HOLDER = "舒晓超"  # world.people["apprentice"]


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate(world):
    return make_certificate(world, build_programme(world))


def status_of(response) -> str:
    body = response.content.decode()
    marker = 'data-testid="verify-status" data-status="'
    assert marker in body, body
    return body.split(marker, 1)[1].split('"', 1)[0]


@pytest.fixture
def fixed_tokens(monkeypatch):
    """The CSRF mask and the CSP nonce are random in every response, even two identical ones;
    fixed, what is left of a page is what the request made of it."""
    monkeypatch.setattr("django.middleware.csrf._get_new_csrf_string", lambda: "a" * 32)
    monkeypatch.setattr("csp.middleware.os.urandom", lambda n: b"\0" * n)


@pytest.mark.django_db
def test_a_valid_certificate_is_confirmed_with_the_masked_holder_in_chinese(client, certificate):
    response = client.get(f"/verify/{certificate.number}/", {"name": HOLDER})

    assert response.status_code == 200
    assert status_of(response) == "accepted"
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "证书查验" in body or "证书核验" in body
    assert "舒*超" in body and HOLDER not in body
    assert certificate.number in body and "重庆市职业技能鉴定指导中心" in body
    assert "2024-06-28" in body and "高级工" in body


@pytest.mark.django_db
def test_a_valid_certificate_is_confirmed_in_english(client, certificate, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(f"/verify/{certificate.number}/", {"name": HOLDER})

    body = response.content.decode()
    assert response.status_code == 200 and '<html lang="en">' in body
    assert "Certificate verification" in body and "Senior worker" in body
    assert "Recorded" in body and "舒*超" in body


@pytest.mark.django_db
def test_the_form_takes_the_number_and_name_as_typed_on_a_phone(client, certificate):
    typed_number = " " + certificate.number.lower().replace("0", "０") + " "

    response = client.get("/verify/", {"number": typed_number, "name": " 舒 晓超 "})

    assert response.status_code == 302
    assert response["Location"].startswith(f"/verify/{certificate.number}/?name=")
    assert status_of(client.get(response["Location"])) == "accepted"


@pytest.mark.parametrize(
    ("typed", "holder", "same"),
    [
        ("舒晓超", "舒晓超", True),
        (" 舒 晓 超　", "舒晓超", True),
        ("ＬＩ Ｍｉｎｇ", "Li Ming", True),
        ("阿卜杜拉・买买提", "阿卜杜拉·买买提", True),
        ("舒晓", "舒晓超", False),  # never a part of the name
        ("晓超", "舒晓超", False),
        ("舒晓超超", "舒晓超", False),
        ("", "舒晓超", False),
    ],
)
def test_names_are_compared_whole_after_normalisation(typed, holder, same):
    assert names_match(typed, holder) is same


@pytest.mark.django_db
def test_a_wrong_name_and_a_wrong_number_answer_byte_for_byte_alike(
    client, certificate, fixed_tokens
):
    client.get("/verify/")  # the CSRF cookie, set once for both answers
    wrong_name = client.get(f"/verify/{certificate.number}/", {"name": "王建松"})
    wrong_number = client.get("/verify/S000150000123243999999/", {"name": HOLDER})
    partial_name = client.get(f"/verify/{certificate.number}/", {"name": "舒晓"})

    assert wrong_name.status_code == wrong_number.status_code == partial_name.status_code == 404
    assert wrong_name.content == wrong_number.content == partial_name.content
    body = wrong_name.content.decode()
    assert status_of(wrong_name) == "not_found"
    assert certificate.number not in body and "舒" not in body and "王建松" not in body


@pytest.mark.django_db
def test_a_number_alone_says_nothing_of_a_certificate(client, certificate):
    known = client.get(f"/verify/{certificate.number}/")
    unknown = client.get("/verify/S000150000123243999999/")

    assert known.status_code == unknown.status_code == 404
    assert status_of(known) == "not_found"
    assert "舒" not in known.content.decode()


@pytest.mark.django_db
def test_the_form_asks_for_the_name_when_the_number_is_a_certificates(client, certificate):
    response = client.get("/verify/", {"number": certificate.number})

    assert response.status_code == 200
    assert 'data-field="name"' in response.content.decode()


@pytest.mark.django_db
def test_the_form_answers_a_wrong_name_as_a_wrong_number(client, certificate, fixed_tokens):
    client.get("/verify/")
    other = "S000150000123243999999"
    wrong_name = client.get("/verify/", {"number": certificate.number, "name": "王建松"})
    wrong_number = client.get("/verify/", {"number": other, "name": "王建松"})

    for response in (wrong_name, wrong_number):
        assert response.status_code == 200 and status_of(response) == "not_found"
    assert "舒" not in wrong_name.content.decode()
    # The same page, but for the number it types back into the form for correcting.
    assert wrong_name.content.replace(certificate.number.encode(), b"N") == (
        wrong_number.content.replace(other.encode(), b"N")
    )


@pytest.mark.django_db
def test_the_json_answer(client, certificate):
    response = client.get(f"/verify/{certificate.number}/", {"name": HOLDER, "format": "json"})

    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "found": True,
        "status": "accepted",
        "holder": "舒*超",
        "kind": "skill_level",
        "occupation": certificate.subject,
        "level": 3,
        "issuer": "重庆市职业技能鉴定指导中心",
        "issued_on": "2024-06-28",
    }


@pytest.mark.django_db
def test_the_json_answer_when_nothing_matches(client, certificate):
    wrong_name = client.get(f"/verify/{certificate.number}/", {"name": "王建松", "format": "json"})
    wrong_number = client.get("/verify/S000150000123243999999/", {"name": HOLDER, "format": "json"})
    no_name = client.get(f"/verify/{certificate.number}/", {"format": "json"})

    for response in (wrong_name, wrong_number, no_name):
        assert response.status_code == 404
        assert response.content == b'{"found":false}'


@pytest.mark.django_db
def test_a_rejected_certificate_says_so(client, world, certificate):
    certificate_reject(by=world.users["bureau"], certificate=certificate, reason="证书编号伪造")

    html = client.get(f"/verify/{certificate.number}/", {"name": HOLDER})
    data = client.get(f"/verify/{certificate.number}/", {"name": HOLDER, "format": "json"})

    assert html.status_code == 200 and status_of(html) == "rejected"
    assert "已驳回" in html.content.decode() or "驳回" in html.content.decode()
    assert "证书编号伪造" not in html.content.decode()  # the bureau's reason is not public
    assert json.loads(data.content)["status"] == "rejected"


@pytest.mark.django_db
def test_no_id_number_or_phone_is_ever_in_the_answer(client, world, certificate):
    person = certificate.holder
    person.phone = "13800001234"
    person.save(update_fields=["phone"])

    answers = [
        client.get(f"/verify/{certificate.number}/", {"name": HOLDER}),
        client.get(f"/verify/{certificate.number}/", {"name": HOLDER, "format": "json"}),
        client.get(f"/verify/{certificate.number}/", {"name": "王建松"}),
    ]

    for response in answers:
        body = response.content.decode()
        assert person.id_number not in body and person.id_number[-6:] not in body
        assert person.phone not in body and person.birth_date.isoformat() not in body


@pytest.mark.django_db
def test_the_31st_request_from_one_address_is_429_and_logged(client, certificate, caplog):
    url = f"/verify/{certificate.number}/"
    for _ in range(RATE_LIMIT):
        assert client.get(url, {"name": HOLDER}).status_code == 200

    with caplog.at_level(logging.WARNING, logger="xuetu.core.verify"):
        page = client.get(url, {"name": HOLDER})
        data = client.get(url, {"name": HOLDER, "format": "json"})
        form = client.get("/verify/")

    assert page.status_code == data.status_code == form.status_code == 429
    assert status_of(page) == "too_many" and "舒" not in page.content.decode()
    assert "分钟" in page.content.decode()
    assert json.loads(data.content)["found"] is False
    assert len([r for r in caplog.records if "429" in r.getMessage()]) == 3
    assert "127.0.0.1" in caplog.records[0].getMessage()

    # Another address is not held back.
    assert client.get(url, {"name": HOLDER}, REMOTE_ADDR="10.0.0.9").status_code == 200


@pytest.mark.django_db
def test_the_429_is_in_english_too(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(RATE_LIMIT):
        client.get("/verify/")

    response = client.get("/verify/")

    assert response.status_code == 429
    assert "Too many verification requests" in response.content.decode()


@pytest.mark.django_db
def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(client, settings):
    settings.BEHIND_TLS_PROXY = True
    for _ in range(RATE_LIMIT):
        client.get("/verify/", HTTP_X_FORWARDED_FOR="198.51.100.7")

    forged_first_hop = client.get("/verify/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    other_client = client.get("/verify/", HTTP_X_FORWARDED_FOR="198.51.100.8")

    assert forged_first_hop.status_code == 429
    assert other_client.status_code == 200


@pytest.mark.django_db
def test_appointment_letters_still_verify_by_number_and_code(client, world):
    from xuetu.programmes.tests.test_verify import letter

    appointment = letter(world)

    status_only = client.get(f"/verify/{appointment.number}/")
    with_code = client.get(f"/verify/{appointment.number}/", {"code": appointment.code})

    assert status_of(status_only) == "valid" and "王*松" not in status_only.content.decode()
    assert status_of(with_code) == "valid" and "王*松" in with_code.content.decode()
