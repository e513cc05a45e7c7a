"""The apprentice's training on their home page: hours against the plan, in a fixed number
of queries, for the apprentice alone."""

from __future__ import annotations

import pytest

from xuetu.testing import build_world
from xuetu.training.services.registers import hours_confirm_many
from xuetu.training.tests.factories_registers import running_class
from xuetu.training.tests.test_registers import record

pytestmark = pytest.mark.django_db


def test_the_apprentices_home_page_shows_hours_against_the_plan():
    k = running_class(build_world(), size=3)
    world = k.programme.world
    record(k)  # 4 hours each, at the workplace
    from datetime import time

    record(k, module=k.theory, by=k.teacher_user, start=time(13, 0), end=time(15, 0))
    hours_confirm_many(
        by=world.users["apprentice"], hours=k.cohort.sessions.get(module=k.workplace).hours.all()
    )
    client = world.client("apprentice")
    client.cookies["django_language"] = "en"
    body = client.get("/").content.decode()
    assert 'data-testid="my-training"' in body
    assert "4 of 1200 planned hours confirmed" in body  # the workplace register, confirmed
    assert "2 hours awaiting confirmation" in body  # the theory register
    for other in ("mentor", "school", "enterprise"):
        page = world.client(other).get("/").content.decode()
        assert 'data-testid="my-training"' not in page, other


def test_the_apprentices_panel_leads_to_their_plan_calendar_hours_and_reviews():
    k = running_class(build_world(), size=1)
    client = k.programme.world.client("apprentice")
    body = client.get("/").content.decode()
    for testid in ("my-plan", "my-calendar", "my-hours", "my-reviews"):
        start = body.index(f'data-testid="{testid}"')
        href = body[body.rindex('href="', 0, start) + 6 :].split('"', 1)[0]
        assert client.get(href).status_code == 200, (testid, href)


def test_the_apprentices_calendar_shows_their_hours_of_each_day():
    from django.urls import reverse

    from xuetu.training.tests.factories_registers import DAY

    k = running_class(build_world(), size=2)
    record(k)  # 08:00–12:00 on DAY, for both
    url = reverse("training:enrollment_calendar", args=[k.programme.enrollment.pk])
    client = k.programme.world.client("apprentice")
    client.cookies["django_language"] = "en"
    body = client.get(url, {"month": f"{DAY:%Y-%m}"}).content.decode()
    assert body.count(">4 h<") == 1
    other = reverse("training:enrollment_calendar", args=[k.enrollments[1].pk])
    assert client.get(other).status_code == 404
