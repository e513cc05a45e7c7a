"""Registers and hours through the API: `/api/v1/sessions/` and `/api/v1/hours/`. Each status
code per role; malformed registers are 400 with field errors, every refusal by a rule 409 with
its code and field; confirm, dispute, resolve and correct; lists in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from xuetu.programmes.choices import EnrollmentEventKind, EnrollmentStatus
from xuetu.programmes.models import EnrollmentEvent, ProgrammePolicy
from xuetu.testing import build_world
from xuetu.training.models import Evidence, Hours, Session
from xuetu.training.tests.factories_regapi import (
    another_class,
    fixed_today,
    recorded,
    register_body,
)
from xuetu.training.tests.factories_registers import DAY, TODAY, running_class
from xuetu.training.tests.test_registers import running_class_mentor_without_apprentices

pytestmark = pytest.mark.django_db
SESSIONS, HOURS = "/api/v1/sessions/", "/api/v1/hours/"
BIG = str(2**63)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    fixed_today(monkeypatch)


@pytest.fixture
def k():
    return running_class(build_world(), size=3)


def api(k, persona):
    return k.programme.world.api(persona)


def post(client, url, body=None):
    return client.post(url, body or {}, format="json")


# ---- Recording -------------------------------------------------------------------------------


def test_the_mentor_records_a_register(k):
    body = register_body(k)
    body["attendance"][0]["present"] = False
    response = post(api(k, "mentor"), SESSIONS, body)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["date"], data["minutes"], data["place"]) == ("2026-09-15", 240, "workplace")
    lines = data["attendance"]
    assert [line["present"] for line in lines] == [False, True, True]
    assert [line["minutes"] for line in lines] == [0, 240, 240]
    assert {line["status"] for line in lines} == {"pending"}
    assert lines[0]["name"] == "舒晓超"
    assert lines[0]["hours"] == Hours.objects.get(enrollment=k.enrollments[0]).pk
    assert data["evidence"] == []


def test_the_place_defaults_to_the_modules_and_may_be_given(k):
    response = post(api(k, "mentor"), SESSIONS, register_body(k, place="online"))
    assert response.json()["place"] == "online"


def test_who_may_not_record(k):
    body = register_body(k)
    assert post(api(k, "apprentice"), SESSIONS, body).status_code == 403
    assert post(api(k, "enterprise"), SESSIONS, body).status_code == 403
    assert post(APIClient(), SESSIONS, body).status_code == 401
    # another enterprise does not see the class: "no such class"
    response = post(api(k, "enterprise2"), SESSIONS, body)
    assert response.status_code == 403  # a manager records no register at all
    assert Session.objects.count() == 0


def test_another_enterprise_sees_neither_registers_nor_hours(k):
    session = recorded(k)
    hours = session.hours.order_by("pk")[0]
    other = api(k, "enterprise2")
    assert other.get(f"{SESSIONS}{session.pk}/").status_code == 404
    assert other.get(f"{HOURS}{hours.pk}/").status_code == 404
    assert other.get(SESSIONS).json()["count"] == 0
    assert other.get(HOURS).json()["count"] == 0
    for name in ("confirm", "dispute", "resolve", "correct"):
        assert post(other, f"{HOURS}{hours.pk}/{name}/").status_code == 404, name
    assert APIClient().get(SESSIONS).status_code == 401


def test_the_apprentice_reads_only_their_own_line(k):
    session = recorded(k)
    data = api(k, "apprentice").get(f"{SESSIONS}{session.pk}/").json()
    assert [line["enrollment"] for line in data["attendance"]] == [k.programme.enrollment.pk]
    whole = api(k, "enterprise").get(f"{SESSIONS}{session.pk}/").json()
    assert len(whole["attendance"]) == 3
    mine = api(k, "apprentice").get(HOURS).json()
    assert mine["count"] == 1


def test_evidence_is_listed_by_kind_and_size_only(k):
    session = recorded(k)
    Evidence.objects.create(
        session=session,
        kind="photo",
        file="registers/x/a.jpg",
        original_name="现场.jpg",
        size=1234,
        content_type="image/jpeg",
        uploaded_by=k.programme.world.users["mentor"],
    )
    data = api(k, "enterprise").get(f"{SESSIONS}{session.pk}/").json()
    assert data["evidence"] == [{"kind": "photo", "size": 1234}]
    # not for the apprentices in the picture
    assert api(k, "apprentice").get(f"{SESSIONS}{session.pk}/").json()["evidence"] == []


def field_errors(k, **values) -> dict:
    response = post(api(k, "mentor"), SESSIONS, register_body(k, **values))
    assert response.status_code == 400, response.json()
    return response.json()


def test_malformed_registers_are_400_with_field_errors(k):
    module, stranger_enrollment = another_class(k)  # another class of the same enterprise
    own = k.enrollments[0].pk
    assert "attendance" in field_errors(k, attendance=[])
    assert "attendance" in field_errors(k, attendance=[{"enrollment": own, "present": True}] * 2)
    assert "attendance" in field_errors(k, attendance=[{"enrollment": 999999, "present": True}])
    stranger = stranger_enrollment.pk
    assert "attendance" in field_errors(k, attendance=[{"enrollment": stranger, "present": True}])
    assert "attendance" in field_errors(k, attendance=[{"enrollment": BIG, "present": True}])
    assert "attendance" in field_errors(k, attendance=[{"enrollment": own}])
    assert "end_time" in field_errors(k, start_time="12:00", end_time="08:00")
    assert "end_time" in field_errors(k, start_time="12:00", end_time="12:00")
    assert "date" in field_errors(k, date="9999-99-99")
    assert "date" in field_errors(k, date="9999-12-31")
    assert "cohort" in field_errors(k, cohort=BIG)
    assert "module" in field_errors(k, module=BIG)
    assert "module" in field_errors(k, module=module.pk)
    assert "note" in field_errors(k, note="a\x00b")
    assert "place" in field_errors(k, place="moon")
    assert Session.objects.count() == 0


def refusal(response) -> list[tuple[str, str | None]]:
    assert response.status_code == 409, response.json()
    return [(p["code"], p["field"]) for p in response.json()["problems"]]


def test_every_rule_refusal_is_a_409_with_its_code_and_field(k):
    mentor = api(k, "mentor")
    future = (TODAY + dt.timedelta(days=1)).isoformat()
    assert refusal(post(mentor, SESSIONS, register_body(k, date=future))) == [
        ("future_date", "date")
    ]
    before = (k.cohort.planned_start - dt.timedelta(days=1)).isoformat()
    assert ("outside_cohort_dates", "date") in refusal(
        post(mentor, SESSIONS, register_body(k, date=before))
    )
    paused, gone = k.enrollments[1], k.enrollments[2]
    EnrollmentEvent.objects.create(
        enrollment=paused, kind=EnrollmentEventKind.PAUSED, effective_date=DAY
    )
    gone.status, gone.withdrawn_on = EnrollmentStatus.WITHDRAWN, DAY
    gone.save()
    assert refusal(post(mentor, SESSIONS, register_body(k))) == [
        ("during_pause", "attendance.1"),
        ("after_withdrawal", "attendance.2"),
    ]


def test_overlap_limit_and_responsibility_through_the_api(k):
    mentor = api(k, "mentor")
    assert post(mentor, SESSIONS, register_body(k)).status_code == 201
    overlap = register_body(k, start_time="11:00", end_time="13:00")
    assert {code for code, _ in refusal(post(mentor, SESSIONS, overlap))} == {"overlap"}
    ProgrammePolicy.objects.update(max_hours_per_day=6)
    late = register_body(k, start_time="13:00", end_time="16:00")
    assert refusal(post(mentor, SESSIONS, late)) == [
        ("over_daily_limit", f"attendance.{i}") for i in range(3)
    ]
    stranger = running_class_mentor_without_apprentices(k)
    from rest_framework.authtoken.models import Token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=stranger).key}")
    body = register_body(k, module=k.theory.pk, start_time="14:00", end_time="15:00")
    assert ("not_responsible", "module") in refusal(post(client, SESSIONS, body))


def test_the_session_list_filters_and_order(k):
    first = recorded(k, date=DAY)
    second = recorded(k, date=DAY + dt.timedelta(days=1))
    client = api(k, "enterprise")
    ids = [row["id"] for row in client.get(SESSIONS).json()["results"]]
    assert ids == [second.pk, first.pk]
    assert client.get(f"{SESSIONS}?date={DAY}").json()["count"] == 1
    assert client.get(f"{SESSIONS}?date_after={DAY + dt.timedelta(1)}").json()["count"] == 1
    assert client.get(f"{SESSIONS}?date_before={DAY}").json()["count"] == 1
    assert (
        client.get(f"{SESSIONS}?cohort={k.cohort.pk}&module={k.workplace.pk}").json()["count"] == 2
    )
    assert client.get(f"{SESSIONS}?cohort={BIG}").status_code == 400
    assert client.get(f"{SESSIONS}?date=9999-99-99").status_code == 400
    assert client.get(f"{SESSIONS}{BIG}/").status_code == 404
    assert client.put(f"{SESSIONS}{first.pk}/", {}).status_code == 405
    assert client.delete(f"{SESSIONS}{first.pk}/").status_code == 405


# ---- Hours -----------------------------------------------------------------------------------


def own_hours(k) -> Hours:
    return Hours.objects.get(enrollment=k.programme.enrollment)


def test_confirm_by_the_apprentice_not_by_the_enterprise_nor_the_recorder(k):
    recorded(k)
    hours = own_hours(k)
    url = f"{HOURS}{hours.pk}/confirm/"
    assert post(api(k, "enterprise"), url).status_code == 403
    assert refusal(post(api(k, "mentor"), url)) == [("own_register", None)]
    response = post(api(k, "apprentice"), url)
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    assert refusal(post(api(k, "apprentice"), url)) == [("not_pending", "status")]
    assert post(APIClient(), url).status_code == 401


def test_dispute_and_resolve(k):
    recorded(k)
    hours = own_hours(k)
    apprentice, mentor = api(k, "apprentice"), api(k, "mentor")
    dispute = f"{HOURS}{hours.pk}/dispute/"
    assert post(apprentice, dispute, {"reason": ""}).status_code == 400
    assert post(mentor, dispute, {"reason": "x"}).status_code == 403
    response = post(apprentice, dispute, {"reason": "我下午才到"})
    assert response.status_code == 200 and response.json()["status"] == "disputed"
    assert response.json()["dispute_reason"] == "我下午才到"
    resolve = f"{HOURS}{hours.pk}/resolve/"
    assert post(apprentice, resolve, {"outcome": "kept", "reason": "x"}).status_code == 403
    assert post(mentor, resolve, {"outcome": "maybe", "reason": "x"}).status_code == 400
    response = post(mentor, resolve, {"outcome": "kept", "reason": "考勤表为证"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["outcome"]) == ("confirmed", "kept")
    again = post(api(k, "enterprise"), resolve, {"outcome": "cancelled", "reason": "x"})
    assert refusal(again) == [("not_disputed", "status")]


def test_a_correction_is_a_new_entry(k):
    recorded(k)
    hours = own_hours(k)
    url = f"{HOURS}{hours.pk}/correct/"
    mentor = api(k, "mentor")
    assert post(api(k, "apprentice"), url, {"present": True, "reason": "x"}).status_code == 403
    assert post(mentor, url, {"present": True, "minutes": 999, "reason": "x"}).status_code == 400
    assert post(mentor, url, {"present": True, "minutes": 300, "reason": "x"}).status_code == 400
    assert post(mentor, url, {"present": True}).status_code == 400
    response = post(mentor, url, {"present": True, "minutes": 120, "reason": "提前离开"})
    assert response.status_code == 201, response.json()
    new = response.json()
    assert (new["cancels"], new["minutes"], new["status"]) == (hours.pk, 120, "pending")
    assert api(k, "mentor").get(f"{HOURS}{hours.pk}/").json()["status"] == "cancelled"
    again = post(mentor, url, {"present": False, "reason": "again"})
    assert refusal(again) == [("already_cancelled", "status")]


def test_a_correction_past_the_daily_limit_is_refused(k):
    recorded(k, start=dt.time(8, 0), end=dt.time(12, 0))
    second = recorded(k, start=dt.time(12, 0), end=dt.time(18, 0))
    ProgrammePolicy.objects.update(max_hours_per_day=8)
    hours = second.hours.get(enrollment=k.programme.enrollment)
    body = {"present": True, "minutes": 300, "reason": "补记"}
    assert refusal(post(api(k, "mentor"), f"{HOURS}{hours.pk}/correct/", body)) == [
        ("over_daily_limit", "minutes")
    ]


def test_the_hours_list_filters_and_order(k):
    first = recorded(k, date=DAY)
    second = recorded(k, date=DAY + dt.timedelta(days=1), absent=1)
    client = api(k, "enterprise")
    rows = client.get(f"{HOURS}?cohort={k.cohort.pk}").json()["results"]
    assert [r["session"] for r in rows] == [second.pk] * 3 + [first.pk] * 3
    assert [r["id"] for r in rows[:3]] == sorted((r["id"] for r in rows[:3]), reverse=True)
    own = k.programme.enrollment.pk
    assert client.get(f"{HOURS}?enrollment={own}").json()["count"] == 2
    assert client.get(f"{HOURS}?status=pending").json()["count"] == 6
    assert client.get(f"{HOURS}?status=confirmed").json()["count"] == 0
    assert client.get(f"{HOURS}?date_after={DAY + dt.timedelta(1)}").json()["count"] == 3
    assert client.get(f"{HOURS}?date_before={DAY}").json()["count"] == 3
    assert client.get(f"{HOURS}?enrollment={BIG}").status_code == 400
    assert client.get(f"{HOURS}?status=nope").status_code == 400
    assert client.get(f"{HOURS}?date_after=9999-12-31").status_code == 400


# ---- Query counts ----------------------------------------------------------------------------


def fill(k, registers: int) -> None:
    for n in range(registers):
        recorded(k, date=DAY - dt.timedelta(days=n))


@pytest.mark.parametrize("persona", ["enterprise", "apprentice", "mentor"])
@pytest.mark.parametrize("registers", [1, 8])
def test_the_lists_take_a_fixed_number_of_queries(
    persona, registers, django_assert_max_num_queries
):
    k = running_class(build_world(), size=4)
    fill(k, registers)
    client = api(k, persona)
    with django_assert_max_num_queries(9):
        response = client.get(f"{SESSIONS}?cohort={k.cohort.pk}")
    assert response.json()["count"] == registers
    with django_assert_max_num_queries(7):
        response = client.get(f"{HOURS}?cohort={k.cohort.pk}")
    assert response.json()["count"] == registers * (1 if persona == "apprentice" else 4)
