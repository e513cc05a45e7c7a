"""Answers that reveal nothing about other organisations: a refusal never names another
enterprise's class, and an ID number registered elsewhere links the person when the name
matches, or is refused with "the name and ID number do not match", a few times an hour,
each time audited under the asker's name, never the person's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from xuetu.core.identifiers import make_resident_id
from xuetu.core.models import AuditEvent
from xuetu.programmes.choices import ApprenticeCategory, CohortStatus
from xuetu.programmes.models import Enrollment
from xuetu.programmes.rules import Apprentice, status_problems
from xuetu.programmes.tests.factories import (
    build_programme,
    make_cohort,
    make_enrollment,
    make_person,
)
from xuetu.programmes.tests.test_roster import good_row, run, setting, xlsx  # noqa: F401
from xuetu.registry.choices import Education
from xuetu.registry.models import Person
from xuetu.registry.services import (
    MISMATCH_LIMIT,
    NAME_MISMATCH,
    TOO_MANY_MISMATCHES,
    identity_spend,
)

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
ANOTHER_CLASS = _("This person is already in another live class.")


def says(message: str | Promise, text: str) -> bool:
    """Whether `text` holds `message`, in Chinese (the default) or English."""
    return any(_in(language, message) in text for language in ("zh-hans", "en"))


def _in(language: str, message: str | Promise) -> str:
    with override(language):
        return str(message)


@pytest.fixture
def programme(world):
    return build_programme(world)


def mismatch_events(user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="person.id_mismatch", actor=user))


def assert_discreet(event: AuditEvent, person: Person) -> None:
    text = f"{event.object_type} {event.object_id} {event.object_repr} {event.before} {event.after}"
    assert person.name not in text and person.id_number not in text
    assert event.object_type == "accounts.user" and event.object_id == str(event.actor_id)


# Another enterprise's class ------------------------------------------------------------------
def test_the_rule_says_another_live_class_without_naming_it():
    apprentice = Apprentice(
        gender="M",
        birth_date=dt.date(1998, 1, 1),
        contract_start=dt.date(2026, 1, 1),
        contract_end=None,
        social_insurance=True,
        active_elsewhere=("BJ-2027-HE-CQ-01",),
    )
    [problem] = status_problems(apprentice)
    assert problem.code == "active_elsewhere"
    assert "BJ-2027-HE-CQ-01" not in str(problem.message)
    assert says(ANOTHER_CLASS, str(problem.message))


def test_someone_in_another_enterprises_class_is_refused_without_naming_the_class(world, programme):
    other = make_cohort(
        world, enterprise=world.enterprise2, status=CohortStatus.IN_TRAINING, name="西铝焊工班"
    )
    person = make_person("罗成", organisation=world.enterprise2, birth_date=dt.date(1999, 3, 3))
    make_enrollment(world, other, person=person)
    data = {
        "id_number": person.id_number,
        "person_name": person.name,
        "category": ApprenticeCategory.NEW_HIRE,
        "contract_start": "2026-01-01",
    }
    url = f"/programmes/cohorts/{programme.cohort.pk}/roster/add/"
    response = world.client("enterprise").post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert says(ANOTHER_CLASS, body)
    for secret in (other.code, other.name, world.enterprise2.name):
        assert secret not in body
    assert not Enrollment.objects.filter(cohort=programme.cohort, person=person).exists()


# Registering a number that is registered -------------------------------------------------------
def test_the_person_page_links_someone_registered_elsewhere_when_the_name_matches(world):
    worker = world.people["worker"]  # registered by enterprise
    before = Person.objects.count()
    data = {"name": f" {worker.name} ", "id_number": worker.id_number, "phone": PHONE}
    response = world.client("enterprise2").post("/registry/people/new/", data, follow=True)
    assert response.status_code == 200
    assert Person.objects.count() == before
    stored = Person.objects.get(pk=worker.pk)
    assert stored.phone == worker.phone and stored.registered_by_id == world.enterprise.pk
    assert AuditEvent.objects.filter(
        action="person.link", actor=world.users["enterprise2"], object_id=str(worker.pk)
    ).exists()
    assert [str(m) for m in response.context["messages"]]


def test_the_api_links_someone_registered_elsewhere_and_shows_nothing_they_recorded(world):
    worker = world.people["worker"]
    Person.objects.filter(pk=worker.pk).update(phone="13800000000", education=Education.BACHELOR)
    response = world.api("enterprise2").post(
        "/api/v1/people/",
        {"name": worker.name, "id_number": worker.id_number, "phone": PHONE},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["id"] == worker.pk
    assert "13800000000" not in str(body) and "phone" not in body and "education" not in body
    assert Person.objects.get(pk=worker.pk).phone == "13800000000"


@pytest.mark.parametrize("channel", ["page", "api"])
def test_a_name_that_does_not_match_is_refused_without_naming_the_person(world, channel):
    worker = world.people["worker"]
    data = {"name": "别人", "id_number": worker.id_number}
    before = Person.objects.count()
    if channel == "page":
        response = world.client("enterprise2").post("/registry/people/new/", data)
        assert response.status_code == 200
        errors = response.context["form"].errors["id_number"]
        body = response.content.decode()
    else:
        response = world.api("enterprise2").post("/api/v1/people/", data, format="json")
        assert response.status_code == 400
        errors = response.json()["id_number"]
        body = response.content.decode()
    assert says(NAME_MISMATCH, " ".join(errors))
    assert worker.name not in body
    assert Person.objects.count() == before
    [event] = mismatch_events(world.users["enterprise2"])
    assert_discreet(event, worker)
    assert event.organisation_id == world.enterprise2.pk


def test_mismatches_are_limited_per_user_and_then_no_number_is_looked_up(world):
    worker = world.people["worker"]
    api = world.api("enterprise2")
    for attempt in range(MISMATCH_LIMIT):
        response = api.post(
            "/api/v1/people/",
            {"name": f"猜{attempt}", "id_number": worker.id_number},
            format="json",
        )
        assert response.status_code == 400
        assert says(NAME_MISMATCH, response.json()["id_number"][0])
    new = make_resident_id("500106", dt.date(2001, 5, 5), 77, gender="M")
    response = api.post("/api/v1/people/", {"name": "新人", "id_number": new}, format="json")
    assert response.status_code == 400
    assert says(TOO_MANY_MISMATCHES, response.json()["id_number"][0])
    assert not Person.objects.filter(id_number=new).exists()
    assert len(mismatch_events(world.users["enterprise2"])) == MISMATCH_LIMIT
    # The limit is the user's, not everyone's.
    response = world.api("enterprise").post(
        "/api/v1/people/", {"name": "新人", "id_number": new}, format="json"
    )
    assert response.status_code == 201


def test_a_mismatch_on_the_roster_page_is_audited_although_the_enrollment_is_refused(
    world, programme
):
    worker2 = world.people["worker2"]
    data = {
        "id_number": worker2.id_number,
        "person_name": "别人",
        "category": ApprenticeCategory.NEW_HIRE,
        "contract_start": "2026-01-01",
    }
    url = f"/programmes/cohorts/{programme.cohort.pk}/roster/add/"
    response = world.client("enterprise").post(url, data)
    assert response.status_code == 200 and response.context["form"].errors["person_name"]
    [event] = mismatch_events(world.users["enterprise"])
    assert_discreet(event, worker2)


# The roster import -----------------------------------------------------------------------------
def test_the_roster_import_says_the_name_and_number_do_not_match_and_audits_it(setting):  # noqa: F811
    worker2 = setting.world.people["worker2"]
    rows = [good_row(0), good_row(1) | {"姓名": "冒名", "身份证号": worker2.id_number}]
    result = run(setting, xlsx(rows))
    [problem] = [p for p in result.problems if p.code == "name_mismatch"]
    assert says(NAME_MISMATCH, str(problem.message))
    assert worker2.name not in str(problem.message)
    [event] = mismatch_events(setting.user)
    assert_discreet(event, worker2)


def test_past_the_limit_the_roster_import_looks_nobody_up(setting):  # noqa: F811
    for _attempt in range(MISMATCH_LIMIT):
        identity_spend(setting.user)
    result = run(setting, xlsx([good_row(0), good_row(1)]))
    codes = [p.code for p in result.problems]
    assert codes.count("too_many_mismatches") == 2 and not result.stored
    assert not Person.objects.filter(name=good_row(0)["姓名"]).exists()


def test_changing_a_record_to_a_number_registered_elsewhere_is_refused_as_a_mismatch(world):
    mine, theirs = world.people["worker2"], world.people["worker"]  # enterprise2's, enterprise's
    response = world.api("enterprise2").patch(
        f"/api/v1/people/{mine.pk}/", {"id_number": theirs.id_number}, format="json"
    )
    assert response.status_code == 400
    assert says(NAME_MISMATCH, response.json()["id_number"][0])
    assert theirs.name not in response.content.decode()
    assert Person.objects.get(pk=mine.pk).id_number == mine.id_number
    [event] = mismatch_events(world.users["enterprise2"])
    assert_discreet(event, theirs)
