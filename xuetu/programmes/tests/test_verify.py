"""The public verification page of appointment letters: anyone may check a number's status;
only the letter's secret code (carried by its QR code) shows whose letter it is."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from xuetu.core.verify import mask_name
from xuetu.programmes.models import Appointment
from xuetu.programmes.tests.test_documents import make_appointment
from xuetu.programmes.verify import appointment_status

TODAY = timezone.localdate


def letter(world, **values):
    values.setdefault("term_start", TODAY() - dt.timedelta(days=30))
    values.setdefault("term_end", TODAY() + dt.timedelta(days=300))
    return make_appointment(world, **values)


def status_of(response) -> str:
    body = response.content.decode()
    marker = 'data-testid="verify-status" data-status="'
    assert marker in body, body
    return body.split(marker, 1)[1].split('"', 1)[0]


@pytest.mark.django_db
def test_an_anonymous_visitor_sees_the_form(client):
    response = client.get("/verify/")
    assert response.status_code == 200
    assert 'name="number"' in response.content.decode()


@pytest.mark.django_db
def test_a_valid_letter_with_its_code_shows_the_masked_holder(client, world):
    appointment = letter(world)

    response = client.get(f"/verify/{appointment.number}/", {"code": appointment.code})

    assert response.status_code == 200
    assert status_of(response) == "valid"
    body = response.content.decode()
    assert "王*松" in body and "王建松" not in body
    assert "长安汽车" in body
    assert appointment.number in body
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_without_the_code_only_the_status_is_shown(client, world):
    appointment = letter(world)

    response = client.get(f"/verify/{appointment.number}/")

    assert status_of(response) == "valid"
    body = response.content.decode()
    assert "王*松" not in body and "王建松" not in body and "长安汽车" not in body


@pytest.mark.django_db
def test_a_wrong_code_hides_the_holder_and_warns(client, world):
    appointment = letter(world)

    response = client.get(f"/verify/{appointment.number}/", {"code": "forged-code"})

    assert response.status_code == 200
    assert status_of(response) == "valid"
    body = response.content.decode()
    assert 'data-testid="verify-wrong-code"' in body
    assert "王*松" not in body and "王建松" not in body and "长安汽车" not in body


@pytest.mark.django_db
def test_a_revoked_letter_is_shown_as_revoked(client, world):
    appointment = letter(world, revoked_at=timezone.now())

    response = client.get(f"/verify/{appointment.number}/", {"code": appointment.code})

    assert status_of(response) == "revoked"


@pytest.mark.django_db
def test_a_letter_whose_term_ended_is_expired(client, world):
    appointment = letter(
        world,
        term_start=TODAY() - dt.timedelta(days=800),
        term_end=TODAY() - dt.timedelta(days=1),
        issued_on=TODAY() - dt.timedelta(days=800),
    )

    response = client.get(f"/verify/{appointment.number}/", {"code": appointment.code})

    assert status_of(response) == "expired"
    assert "王*松" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_number_is_a_404_page_with_the_form(client, world):
    letter(world)

    response = client.get("/verify/CQPS-2099-999999/")

    assert response.status_code == 404
    assert status_of(response) == "not_found"
    assert 'name="number"' in response.content.decode()


@pytest.mark.django_db
def test_the_form_sends_a_known_number_to_its_result_page(client, world):
    appointment = letter(world)

    # Typed on a phone: full-width characters and stray spaces.
    typed = " " + appointment.number.replace("C", "Ｃ") + " "
    response = client.get("/verify/", {"number": typed, "code": appointment.code})

    assert response.status_code == 302
    assert response["Location"] == f"/verify/{appointment.number}/?code={appointment.code}"


@pytest.mark.django_db
def test_the_form_says_so_for_an_unknown_number(client, world):
    response = client.get("/verify/", {"number": "NO-SUCH-LETTER"})

    assert response.status_code == 200
    assert status_of(response) == "not_found"


@pytest.mark.django_db
def test_signed_in_users_see_the_same_public_answer(world):
    appointment = letter(world)
    outsider = world.client("enterprise2")

    response = outsider.get(f"/verify/{appointment.number}/")

    assert status_of(response) == "valid"
    assert "王建松" not in response.content.decode()


@pytest.mark.django_db
def test_the_page_is_in_chinese_until_the_visitor_switches_to_english(client, world, settings):
    appointment = letter(world)
    url = f"/verify/{appointment.number}/?code={appointment.code}"

    chinese = client.get(url, headers={"accept-language": "en"}).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()

    assert '<html lang="zh-hans">' in chinese
    assert '<html lang="en">' in english and "Appointment letter verification" in english


@pytest.mark.parametrize(
    ("name", "masked"),
    [("王建松", "王*松"), ("李四", "李*"), ("欧阳晓红", "欧**红"), ("王", "*"), ("", "*")],
)
def test_names_are_partly_masked(name, masked):
    assert mask_name(name) == masked


def test_a_letter_not_yet_in_force_is_reported_so():
    letter = Appointment(term_start=dt.date(2026, 3, 1), term_end=dt.date(2028, 2, 29))

    assert appointment_status(letter, dt.date(2026, 2, 28)) == "not_yet"
    assert appointment_status(letter, dt.date(2026, 3, 1)) == "valid"
    assert appointment_status(letter, dt.date(2028, 2, 29)) == "valid"
    assert appointment_status(letter, dt.date(2028, 3, 1)) == "expired"
