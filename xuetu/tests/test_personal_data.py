"""Personal data shown only to the roles that need it (issue 6 finding 2, items 3 and 5; PIPL
art. 6): a role that sees a masked ID gets nothing that undoes the mask, phones are masked
for roles that do not need them, and every full ID a bureau role reads is audited."""

from __future__ import annotations

import pytest

from xuetu.core.models import AuditEvent
from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.tests.factories import build_programme, make_enrollment, make_person

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


@pytest.fixture
def programme(world):
    programme = build_programme(world, status=CohortStatus.IN_TRAINING)
    person = world.people["apprentice"]
    person.phone, person.education = PHONE, "40"
    person.save()
    return programme


def masked(number: str) -> str:
    return number[:4] + "*" * 10 + number[-4:]


def test_a_role_that_sees_a_masked_id_gets_no_birth_date_or_gender(world, programme):
    person = world.people["apprentice"]
    for username in ("mentor", "school"):  # the mentor, the partner institution
        api = world.api(username)
        detail = api.get(f"/api/v1/people/{person.pk}/").json()
        assert detail["id_number"] == masked(person.id_number)
        assert "birth_date" not in detail and "gender" not in detail, username
        listed = api.get("/api/v1/people/").json()["results"]
        row = next(r for r in listed if r["id"] == person.pk)
        assert "birth_date" not in row and "gender" not in row
        page = world.client(username).get(f"/registry/people/{person.pk}/").content.decode()
        assert "1995-05-17" not in page and person.id_number not in page
    full = world.api("enterprise").get(f"/api/v1/people/{person.pk}/").json()
    assert full["birth_date"] == "1995-05-17" and full["gender"] == "F"


def test_a_masked_role_cannot_find_a_person_by_their_id_number(world, programme):
    person = world.people["apprentice"]
    number = person.id_number
    for username in ("mentor", "school"):
        api = world.api(username)
        # The apprentice is visible to them, by name...
        assert person.pk in {r["id"] for r in api.get("/api/v1/people/").json()["results"]}
        # ...but no search by (part of) the number finds them: no guessing it digit by digit.
        for probe in (number, number[:10], number[6:14], number[-4:]):
            found = api.get("/api/v1/people/", {"search": probe}).json()["results"]
            assert found == [], (username, probe)
            page = world.client(username).get("/registry/people/", {"q": probe}).content.decode()
            assert person.name not in page.split("<tbody>")[-1], (username, probe)
        ordered = api.get("/api/v1/people/", {"ordering": "birth_date"})
        assert ordered.status_code == 200
    found = world.api("enterprise").get("/api/v1/people/", {"search": number[:10]}).json()
    assert person.pk in {r["id"] for r in found["results"]}


def test_phone_numbers_are_masked_for_roles_that_do_not_need_them(world, programme):
    person = world.people["apprentice"]
    url = f"/api/v1/people/{person.pk}/"
    assert world.api("enterprise").get(url).json()["phone"] == PHONE  # who registered them
    assert world.api("mentor").get(url).json()["phone"] == PHONE  # their mentor calls them
    assert world.api("apprentice").get(url).json()["phone"] == PHONE  # their own
    for username in ("school", "district"):
        body = world.api(username).get(url).json()
        assert body["phone"] == "139****5678", username
        assert body["education"] in ("", None), username
        page = world.client(username).get(f"/registry/people/{person.pk}/").content.decode()
        assert PHONE not in page and "139****5678" in page


def test_a_bureau_reading_a_full_id_number_is_audited(world, programme):
    person = world.people["apprentice"]
    world.client("district").get(f"/registry/people/{person.pk}/")
    world.api("bureau").get(f"/api/v1/people/{person.pk}/")
    world.api("district").get("/api/v1/people/")
    events = AuditEvent.objects.filter(action="person.id_viewed", object_id=str(person.pk))
    assert sorted(e.actor.username for e in events) == ["bureau", "district", "district"]
    # A manager who registered the person is not a bureau: their reading is their own work.
    world.client("enterprise").get(f"/registry/people/{person.pk}/")
    assert events.count() == 3


def test_adding_someone_registered_elsewhere_does_not_open_their_phone_or_education(world):
    programme = build_programme(world, status=CohortStatus.DRAFT)
    stranger = make_person(
        "外单位登记的人",
        organisation=world.enterprise2,
        phone="13700001111",
        education="20",
    )
    make_enrollment(world, programme.cohort, person=stranger)  # on Changan's draft roster
    body = world.api("enterprise").get(f"/api/v1/people/{stranger.pk}/").json()
    assert body["phone"] == "137****1111" and body["education"] in ("", None)
    page = world.client("enterprise").get(f"/registry/people/{stranger.pk}/").content.decode()
    assert "13700001111" not in page
