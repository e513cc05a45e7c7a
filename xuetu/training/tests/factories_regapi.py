"""Registers and hours for the API tests: a running class (factories_registers) and
registers recorded through the service, on a fixed "today"."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from xuetu.programmes.models import Enrollment
from xuetu.training.models import Module, Session
from xuetu.training.services import registers
from xuetu.training.services.registers import session_record
from xuetu.training.tests.factories_registers import DAY, TODAY, Class

EIGHT, NOON = dt.time(8, 0), dt.time(12, 0)


def fixed_today(monkeypatch: Any, today: dt.date = TODAY) -> None:
    """The registers' services see `today` as today (never the wall clock)."""
    monkeypatch.setattr(
        registers, "timezone", SimpleNamespace(localdate=lambda: today, now=timezone.now)
    )


def recorded(
    k: Class,
    *,
    date: dt.date = DAY,
    start: dt.time = EIGHT,
    end: dt.time = NOON,
    absent: int = 0,
) -> Session:
    """A register of the workplace module by the class's enterprise mentor."""
    return session_record(
        by=k.programme.world.users["mentor"],
        cohort=k.cohort,
        module=k.workplace,
        date=date,
        start_time=start,
        end_time=end,
        attendance=k.marks(absent=absent),
        today=TODAY,
    )


def register_body(k: Class, **values: Any) -> dict[str, Any]:
    body = {
        "cohort": k.cohort.pk,
        "module": k.workplace.pk,
        "date": DAY.isoformat(),
        "start_time": "08:00",
        "end_time": "12:00",
        "note": "车身焊装",
        "attendance": [{"enrollment": e.pk, "present": True} for e in k.enrollments],
    }
    body.update(values)
    return body


def another_class(k: Class) -> tuple[Module, Enrollment]:
    """A second running class of the same enterprise, with its plan and one apprentice: its
    workplace module and its enrollment (ids that are not the first class's)."""
    from xuetu.programmes.choices import CohortStatus
    from xuetu.programmes.tests.factories import make_cohort, make_enrollment, make_person
    from xuetu.training.tests.factories import make_plan

    world = k.programme.world
    cohort = make_cohort(world, status=CohortStatus.IN_TRAINING, agreement=k.programme.agreement)
    enrollment = make_enrollment(
        world,
        cohort,
        person=make_person("张伟", organisation=world.enterprise),
        enterprise_mentor=k.programme.mentor,
        institution_mentor=k.programme.teacher,
    )
    plan = make_plan(cohort)
    return plan.modules.get(place="workplace"), enrollment
