"""Class registers and hours (issue 9 items 3 and 9).

register_30: a 30-apprentice register recorded by the module's mentor through
`session_record` (and through `POST /api/v1/sessions/`), each repetition on a fresh date, the
query count equal at 10 apprentices.

hours_list_2m: the first page of `GET /api/v1/hours/?cohort=<id>` for one class of about
50,000 entries (1,250 registers of 40 apprentices) with 2,000,000 hours rows in all (40 such
classes), as the enterprise manager; the query count equal at 10 registers. The rows are
inserted in bulk; `--scale` shrinks the registers per class. The list's plan (EXPLAIN) is
logged and kept: it must walk `training_hours_cohort_date`, and the page count (COUNT) is
timed on its own.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from suite.config import BASELINE, log
from suite.data import Data, IdNumbers, bulk_enroll, bulk_people, cohort_rows
from suite.measure import get_ok
from suite.scenarios import Bench

REGISTER_SIZE = 30
HOURS_CLASSES = 40
HOURS_CLASS_SIZE = 40
HOURS_REGISTERS = 1_250  # per class at scale 1: 50,000 entries a class, 2,000,000 in all
BATCH = 10_000


# ---- register_30 -----------------------------------------------------------------------------


class Dates:
    """A fresh date for each register: day after day from the class's start (no overlap, no
    daily limit), "today" the class's last day (no future date)."""

    def __init__(self, start: dt.date) -> None:
        self.next_day = start

    def take(self) -> dt.date:
        day = self.next_day
        self.next_day += dt.timedelta(days=1)
        return day


def measure_register(bench: Bench, data: Data) -> None:
    from xuetu.accounts.models import User
    from xuetu.training.services.registers import session_record
    from xuetu.training.tests.factories_registers import running_class

    log("6. register of 30 apprentices (session_record, POST /api/v1/sessions/)")
    k = running_class(data.world, size=REGISTER_SIZE)
    cohort, module = k.cohort, k.workplace
    dates = Dates(cohort.planned_start)
    today = cohort.planned_end
    user_id = data.world.users["mentor"].pk

    def by_service(size: int):
        marks = k.marks()[:size]

        def run() -> Any:
            user = User.objects.get(pk=user_id)  # a fresh request's user (no cached scope)
            return session_record(
                by=user,
                cohort=cohort,
                module=module,
                date=dates.take(),
                start_time=dt.time(8, 0),
                end_time=dt.time(12, 0),
                attendance=marks,
                today=today,
            )

        return run

    by_service(1)()  # the caches a first register fills (content types, the policy)
    for size, full in ((BASELINE, False), (REGISTER_SIZE, True)):
        label = "Register of 30 (session_record)"
        bench.record("register_30", label, by_service(size), full=full, size=f"{size} apprentices")

    # Through the API: the service's "today" is the real one, so dates before it.
    api = data.world.api("mentor")
    real_today = dt.date.today()
    if real_today < cohort.planned_start + dt.timedelta(days=200):
        log("  (API variant skipped: the class's dates lie after today)")
        return
    api_dates = Dates(min(real_today, cohort.planned_end) - dt.timedelta(days=100))

    def by_api(size: int):
        marks = [{"enrollment": m.enrollment, "present": m.present} for m in k.marks()[:size]]

        def run() -> Any:
            body = {
                "cohort": cohort.pk,
                "module": module.pk,
                "date": api_dates.take().isoformat(),
                "start_time": "08:00",
                "end_time": "12:00",
                "attendance": marks,
            }
            response = api.post("/api/v1/sessions/", body, format="json")
            if response.status_code != 201:
                raise RuntimeError(f"POST /api/v1/sessions/ answered {response.status_code}")
            return response

        return run

    for size, full in ((BASELINE, False), (REGISTER_SIZE, True)):
        label = "Register of 30 (POST /api/v1/sessions/)"
        bench.record("register_30_api", label, by_api(size), full=full, size=f"{size} apprentices")


# ---- hours_list_2m ---------------------------------------------------------------------------


def hours_classes(data: Data, count: int) -> list[tuple[Any, list[int], Any]]:
    """`count` running classes of the enterprise, each with its 40 apprentices and a plan
    with one workplace module: (class, enrollment ids, module)."""
    from xuetu.programmes.choices import CohortStatus
    from xuetu.programmes.models import Enrollment
    from xuetu.training.models import Module, TrainingPlan

    cohorts = cohort_rows(data, count, data.world.enterprise, data.agreement)
    for cohort in cohorts:
        cohort.status = CohortStatus.IN_TRAINING
        cohort.planned_start, cohort.planned_end = dt.date(2021, 3, 1), dt.date(2025, 2, 28)
    type(cohorts[0]).objects.bulk_update(cohorts, ["status", "planned_start", "planned_end"])
    ids = IdNumbers("500151", dt.date(2001, 1, 1))
    people = bulk_people(ids, count * HOURS_CLASS_SIZE, data.world.enterprise, offset=7)
    pairs = [(cohorts[i // HOURS_CLASS_SIZE], person) for i, person in enumerate(people)]
    bulk_enroll(pairs, lambda cohort, i: (data.mentors[0], data.teachers[0]))
    plans = TrainingPlan.objects.bulk_create([TrainingPlan(cohort=c) for c in cohorts])
    plans = list(TrainingPlan.objects.filter(cohort__in=cohorts).order_by("cohort_id"))
    Module.objects.bulk_create(
        [
            Module(
                plan=p, order=0, title="岗位实训", kind="practical", hours=800, place="workplace"
            )
            for p in plans
        ]
    )
    modules = {m.plan.cohort_id: m for m in Module.objects.filter(plan__in=plans)}
    enrolled: dict[int, list[int]] = {}
    for pk, cohort_id in Enrollment.objects.filter(cohort__in=cohorts).values_list(
        "pk", "cohort_id"
    ):
        enrolled.setdefault(cohort_id, []).append(pk)
    return [(c, sorted(enrolled[c.pk]), modules[c.pk]) for c in cohorts]


def fill_hours(data: Data, klass: tuple[Any, list[int], Any], registers: int, first: int) -> int:
    """`registers` registers of the class (two a day, 08–12 and 13–17), from register number
    `first`, with one hours line per apprentice: sessions by bulk_create, hours by
    executemany, in batches of 10,000. Answers the hours rows written."""
    from django.db import connection, transaction

    from xuetu.training.models import Hours, Session

    cohort, enrollments, module = klass
    mentor, user = data.mentors[0], data.world.users["mentor"]
    start = cohort.planned_start
    sessions = []
    for n in range(first, first + registers):
        morning = n % 2 == 0
        sessions.append(
            Session(
                cohort=cohort,
                module=module,
                date=start + dt.timedelta(days=n // 2),
                start_time=dt.time(8, 0) if morning else dt.time(13, 0),
                end_time=dt.time(12, 0) if morning else dt.time(17, 0),
                place="workplace",
                mentor=mentor,
                recorded_by=user,
            )
        )
    table = Hours._meta.db_table
    columns = (
        "session_id, enrollment_id, cohort_id, date, present, minutes, status, "
        "dispute_reason, outcome, outcome_reason, correction_reason"
    )
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * 11)})"
    written = 0
    with transaction.atomic():
        made = Session.objects.bulk_create(sessions, batch_size=BATCH // 10)
        if any(s.pk is None for s in made):  # a backend without RETURNING
            raise RuntimeError("bulk_create gave no ids")
        rows: list[tuple] = []
        statuses = ("confirmed", "confirmed", "confirmed", "pending")
        with connection.cursor() as cursor:
            for s in made:
                for i, enrollment in enumerate(enrollments):
                    present = (s.pk + i) % 17 != 0
                    status = statuses[(s.pk + i) % 4]
                    minutes = 240 if present else 0
                    row = (s.pk, enrollment, cohort.pk, s.date, present, minutes, status)
                    rows.append((*row, "", "", "", ""))
                if len(rows) >= BATCH:
                    cursor.executemany(sql, rows)
                    written += len(rows)
                    rows = []
            if rows:
                cursor.executemany(sql, rows)
                written += len(rows)
    return written


def list_query(user: Any, cohort: Any) -> Any:
    """The API list's own queryset for the class's first page."""
    from django.test import RequestFactory
    from rest_framework.request import Request

    from xuetu.training.api_registers import HoursViewSet

    view = HoursViewSet()
    request = Request(RequestFactory().get(f"/api/v1/hours/?cohort={cohort.pk}"))
    request.user = user
    view.request, view.format_kwarg, view.kwargs, view.action = request, None, {}, "list"
    return view.filter_queryset(view.get_queryset())


def explain(queryset: Any) -> list[str]:
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return [" ".join(str(c) for c in row) for row in cursor.fetchall()]


def measure_hours_list(bench: Bench, data: Data) -> None:
    from suite.database import analyse
    from xuetu.accounts.models import User

    scale = bench.args.scale
    registers = max(BASELINE + 1, round(HOURS_REGISTERS * scale))
    log(
        f"7. hours list /api/v1/hours/?cohort= ({HOURS_CLASSES} classes x {registers} "
        f"registers x {HOURS_CLASS_SIZE} apprentices)"
    )
    classes = hours_classes(data, HOURS_CLASSES)
    measured = classes[0]
    cohort = measured[0]
    client = data.world.api("enterprise")
    url = f"/api/v1/hours/?cohort={cohort.pk}"
    key, label = "hours_list_2m", "API hours of one class, page 1 (enterprise)"

    def first_page(expected: int):
        fetch = get_ok(client, url)

        def run() -> Any:
            response = fetch()
            count = response.json()["count"]
            if count != expected:
                raise RuntimeError(f"{url} counted {count}, expected {expected}")
            return response

        return run

    fill_hours(data, measured, BASELINE, 0)
    small = BASELINE * HOURS_CLASS_SIZE
    bench.record(key, label, first_page(small), full=False, size=f"{small:,} entries")

    began = time.perf_counter()
    total = small + fill_hours(data, measured, registers - BASELINE, BASELINE)
    for other in classes[1:]:
        total += fill_hours(data, other, registers, 0)
    log(f"  {total:,} hours rows in {time.perf_counter() - began:.0f} s")
    analyse()
    entries = registers * HOURS_CLASS_SIZE
    scenario = bench.record(
        key, label, first_page(entries), full=True, size=f"{entries:,} of {total:,} entries"
    )
    if scenario is None:
        return
    user = User.objects.get(pk=data.world.users["enterprise"].pk)
    queryset = list_query(user, cohort)
    page_plan = explain(queryset[:50])
    count_plan = explain(queryset.order_by())  # COUNT(*) reads what this reads
    timings = []
    for _ in range(5):
        began = time.perf_counter()
        queryset.count()
        timings.append((time.perf_counter() - began) * 1000)
    count_ms = sorted(timings)[2]
    uses_index = any("training_hours_cohort_date" in line for line in page_plan)
    for line in page_plan:
        log(f"  plan: {line}")
    log(f"  the page count alone: median {count_ms:.1f} ms; index used: {uses_index}")
    scenario.extra.update(
        rows_total=total,
        page_plan=page_plan,
        count_plan=count_plan,
        count_median_ms=round(count_ms, 1),
        index_pass=uses_index,
    )
