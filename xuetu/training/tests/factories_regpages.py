"""Registers for the register pages' tests: a class of any size running today, a register
recorded through the service, and one stored register (with a line and evidence) for the
tests that walk every route."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from xuetu.programmes.models import Cohort, EnrollmentEvent
from xuetu.programmes.tests.factories import Programme
from xuetu.testing import World
from xuetu.training.models import Evidence, Hours, Session, TrainingPlan
from xuetu.training.services.registers import session_record
from xuetu.training.tests.factories_registers import DAY, TODAY, Class, running_class

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def class_running_today(world: World, size: int = 3) -> Class:
    """running_class, its dates moved so that today (whatever the clock says) falls within."""
    klass = running_class(world, size)
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=60), today + dt.timedelta(days=300)
    Cohort.objects.filter(pk=klass.cohort.pk).update(planned_start=start, planned_end=end)
    klass.cohort.refresh_from_db()
    EnrollmentEvent.objects.filter(enrollment__cohort=klass.cohort).update(effective_date=start)
    return klass


def recorded(klass: Class, *, absent: int = 0, by: Any = None, date: dt.date = DAY) -> Session:
    """A register of the workplace module by the mentor (DAY, 08:00–12:00)."""
    return session_record(
        by=by or klass.programme.world.users["mentor"],
        cohort=klass.cohort,
        module=klass.workplace,
        date=date,
        start_time=dt.time(8, 0),
        end_time=dt.time(12, 0),
        attendance=klass.marks(absent),
        today=TODAY,
    )


def owned_register_objects(programme: Programme, plan: TrainingPlan) -> dict[str, Any]:
    """One register of the programme's class, its apprentice's line and a photo, stored as
    they are (the class may be in any status)."""
    module = plan.modules.get(place="workplace")
    session = Session.objects.create(
        cohort=programme.cohort,
        module=module,
        date=DAY,
        start_time=dt.time(8, 0),
        end_time=dt.time(12, 0),
        place=module.place,
        mentor=programme.mentor,
        recorded_by=programme.world.users["mentor"],
    )
    hours = Hours.objects.create(
        session=session,
        enrollment=programme.enrollment,
        cohort=programme.cohort,
        date=DAY,
        minutes=240,
    )
    evidence = Evidence(
        session=session,
        kind="photo",
        original_name="register.png",
        size=len(PNG),
        content_type="image/png",
        uploaded_by=programme.world.users["mentor"],
    )
    evidence.file.save("register.png", ContentFile(PNG), save=False)
    evidence.save()
    return {"training.session": session, "training.hours": hours, "training.evidence": evidence}
