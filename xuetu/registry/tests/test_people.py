"""Registering people through the page and the API: good numbers are normalised, bad ones are
refused with a field error in the user's language and nothing is stored."""

import datetime as dt

import pytest
from django.utils import timezone

from xuetu.core.identifiers import make_resident_id
from xuetu.core.models import AuditEvent
from xuetu.registry.models import Person

GOOD = make_resident_id("500105", dt.date(2000, 2, 29), 21, gender="F")


def wrong_check_character(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def future_birth() -> str:
    return make_resident_id("500105", timezone.localdate() + dt.timedelta(days=40), 3, gender="M")


IMPOSSIBLE_DATE = "50010520010230" + "0011"  # 30 February; check character irrelevant

BAD_NUMBERS = {
    "wrong check character": wrong_check_character(GOOD),
    "impossible date": IMPOSSIBLE_DATE,
    "future birth date": None,  # filled at run time
}

MESSAGES = {
    "zh-hans": {
        "wrong check character": "校验",
        "impossible date": "日期",
        "future birth date": "未来",
    },
    "en": {
        "wrong check character": "check character",
        "impossible date": "date",
        "future birth date": "future",
    },
}


def bad_number(kind: str) -> str | None:
    return future_birth() if kind == "future birth date" else BAD_NUMBERS[kind]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("kind", list(BAD_NUMBERS))
def test_the_page_refuses_a_bad_id_number_in_the_users_language(world, language, kind):
    client = world.client("enterprise")
    client.cookies["django_language"] = language  # what the language switch sets
    before = Person.objects.count()
    response = client.post("/registry/people/new/", {"name": "王五", "id_number": bad_number(kind)})
    assert response.status_code == 200
    errors = response.context["form"].errors["id_number"]
    assert any(MESSAGES[language][kind].lower() in e.lower() for e in errors), errors
    assert Person.objects.count() == before
    assert not AuditEvent.objects.filter(action="person.create").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("kind", list(BAD_NUMBERS))
def test_the_api_refuses_a_bad_id_number_naming_the_field(world, language, kind):
    api = world.api("enterprise")
    before = Person.objects.count()
    response = api.post(
        "/api/v1/people/",
        {"name": "王五", "id_number": bad_number(kind)},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    assert "id_number" in response.json()
    message = " ".join(response.json()["id_number"])
    assert MESSAGES[language][kind].lower() in message.lower(), message
    assert Person.objects.count() == before


@pytest.mark.django_db
def test_a_person_is_created_with_name_and_id_number_alone(world):
    response = world.api("enterprise").post(
        "/api/v1/people/", {"name": "赵六", "id_number": GOOD.lower()}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["gender"] == "F"
    assert body["birth_date"] == "2000-02-29"
    person = Person.objects.get(pk=body["id"])
    assert person.registered_by_id == world.enterprise.pk
    assert AuditEvent.objects.filter(action="person.create", object_id=str(person.pk)).count() == 1


@pytest.mark.django_db
def test_the_page_normalises_spaces_full_width_digits_and_lower_case_x(world):
    number = make_resident_id("500105", dt.date(1990, 1, 1), 44, gender="M")
    messy = " '" + number[:6].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    messy += number[6:].lower() + " "
    response = world.client("enterprise").post(
        "/registry/people/new/", {"name": "钱七", "id_number": messy, "phone": "+86 138 0000 1234"}
    )
    assert response.status_code == 302, response.context["form"].errors
    person = Person.objects.get(id_number=number)
    assert person.phone == "13800001234"
    assert person.birth_date == dt.date(1990, 1, 1)


@pytest.mark.django_db
def test_a_duplicate_id_number_is_refused(world):
    existing = world.people["worker"].id_number
    response = world.api("enterprise").post(
        "/api/v1/people/", {"name": "重复", "id_number": existing}, format="json"
    )
    assert response.status_code == 400
    assert "id_number" in response.json()


@pytest.mark.django_db
def test_a_mentor_cannot_register_people(world):
    response = world.api("mentor").post(
        "/api/v1/people/", {"name": "x", "id_number": GOOD}, format="json"
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_pages_are_in_chinese_whatever_the_browser_asks_until_the_user_switches(world):
    client = world.client("enterprise")
    page = client.get("/registry/people/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/registry/people/")
    assert '<html lang="en">' in page.content.decode()
