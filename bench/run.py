#!/usr/bin/env python
"""Xuetu benchmark: page, API, import and PDF timings on a throwaway database.

    .venv/bin/python bench/run.py                # SQLite in a temporary file
    .venv/bin/python bench/run.py --postgres     # PostgreSQL: xuetu_bench, created and dropped
    .venv/bin/python bench/run.py --scale 0.1    # a tenth of the data, for a quick look

Every scenario is measured twice: once with 10 rows (the baseline query count) and once at
full size. Timings are wall-clock medians and 95th percentiles over several repetitions,
after one untimed run that also counts the queries. Targets are printed as PASS or FAIL, but
the script always exits 0: it is a benchmark, not a test. Results go to bench/results.json,
one entry per database vendor. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import io
import json
import math
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_NAME = "xuetu_bench"

# Full-size volumes at --scale 1.0.
COHORTS = 1_000  # of the enterprise manager's enterprise; the other enterprise has a tenth
ENROLLMENTS = 20_000
IMPORT_ROWS = 500
AUDIT_EVENTS = 50_000
ROSTER = 40  # one class: the detail page and the filing form (not scaled)
BASELINE = 10  # "10 rows": the size whose query counts the full size must match

# The table's order (the audit log is measured before the real import adds to it).
ORDER = [
    "cohort_list_bureau",
    "cohort_list_enterprise",
    "api_enrollments_first",
    "api_enrollments_middle",
    "api_enrollments_enterprise",
    "cohort_detail_enterprise",
    "cohort_detail_bureau",
    "roster_import_dry",
    "roster_import_real",
    "filing_form_pdf",
    "appointment_pdf",
    "audit_first",
    "audit_middle",
]

PAGE_TARGET_MS = 300.0
IMPORT_TARGET_ROWS_PER_S = 100.0
FILING_PDF_TARGET_MS = 3_000.0

START_TIME = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - START_TIME:7.1f}s] {message}", flush=True)


# Command line and database ------------------------------------------------------------------
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--postgres",
        action="store_true",
        help=f"use PostgreSQL ({PG_SERVER}/{PG_NAME}, created and dropped) instead of SQLite",
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply the data volumes (default 1.0)"
    )
    parser.add_argument(
        "--reps", type=int, default=10, help="timed repetitions per page (default 10)"
    )
    parser.add_argument(
        "--slow-reps",
        type=int,
        default=3,
        help="timed repetitions of the roster import and the PDFs (default 3)",
    )
    parser.add_argument(
        "--output", type=Path, default=RESULTS, help="results file (default bench/results.json)"
    )
    args = parser.parse_args(argv)
    if args.scale <= 0 or args.reps < 1 or args.slow_reps < 1:
        parser.error("--scale must be positive, --reps and --slow-reps at least 1")
    return args


@dataclass
class Volumes:
    cohorts: int
    other_cohorts: int  # of the second enterprise, so that scoping has rows to leave out
    enrollments: int
    import_rows: int
    audit_events: int
    roster: int = ROSTER

    @classmethod
    def at(cls, scale: float) -> Volumes:
        cohorts = max(BASELINE + 2, round(COHORTS * scale))
        return cls(
            cohorts=cohorts,
            other_cohorts=max(1, cohorts // 10),
            enrollments=max(ROSTER + BASELINE, round(ENROLLMENTS * scale)),
            # The importer refuses files over 2,000 rows (roster.sheet.MAX_ROWS).
            import_rows=min(2_000, max(BASELINE, round(IMPORT_ROWS * scale))),
            audit_events=max(BASELINE, round(AUDIT_EVENTS * scale)),
        )


class Database:
    """The throwaway database: chosen before django.setup(), removed at the end."""

    def __init__(self, postgres: bool) -> None:
        self.postgres = postgres
        self.sqlite_path: Path | None = None
        self.media = Path(tempfile.mkdtemp(prefix="xuetu-bench-media-"))
        if postgres:
            self.url = f"{PG_SERVER}/{PG_NAME}"
            self._pg_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
            self._pg_admin(f'CREATE DATABASE "{PG_NAME}"')
        else:
            handle, name = tempfile.mkstemp(prefix="xuetu-bench-", suffix=".sqlite3", dir="/tmp")
            os.close(handle)
            self.sqlite_path = Path(name)
            self.url = f"sqlite:///{name}"  # sqlite:////tmp/xuetu-bench-XXXX.sqlite3

    def _pg_admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
            connection.execute(sql)

    def configure_environment(self) -> None:
        os.environ["DATABASE_URL"] = self.url
        os.environ["MEDIA_ROOT"] = str(self.media)
        os.environ["DJANGO_SETTINGS_MODULE"] = "xuetu.settings"

    def remove(self) -> None:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if self.postgres:
            try:
                self._pg_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
                log(f"dropped database {PG_NAME}")
            except Exception as error:  # report, never fail the run over cleanup
                log(f"could not drop database {PG_NAME}: {error}")
        elif self.sqlite_path is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.sqlite_path}{suffix}").unlink(missing_ok=True)
            log(f"removed {self.sqlite_path}")
        shutil.rmtree(self.media, ignore_errors=True)


# Measuring ----------------------------------------------------------------------------------
@dataclass
class Timing:
    median_ms: float
    p95_ms: float
    min_ms: float
    reps: int
    queries: int


def percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class QueryCount:
    count: int = 0


@contextlib.contextmanager
def count_queries() -> Iterator[QueryCount]:
    """Django's CaptureQueriesContext, read as soon as the block ends (the captured list is a
    slice of the connection's log, which the next request clears), checked against an
    execute_wrapper tally so that a truncated log cannot go unnoticed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result, tally = QueryCount(), QueryCount()

    def wrapper(execute, sql, params, many, context):
        tally.count += 1
        return execute(sql, params, many, context)

    connection.queries_log.clear()
    with connection.execute_wrapper(wrapper), CaptureQueriesContext(connection) as captured:
        yield result
    result.count = len(captured)
    # The log also holds COMMIT and ROLLBACK, which the wrapper does not see; fewer logged
    # than executed means the log lost some.
    if result.count < tally.count:
        log(f"  WARNING: CaptureQueriesContext saw {result.count}, the tally {tally.count}")
        result.count = tally.count


def measure(run: Callable[[], Any], reps: int) -> Timing:
    """One untimed run that counts the queries (and warms caches), then `reps` timed runs."""
    with count_queries() as queries:
        run()
    gc.collect()
    times = []
    for _ in range(reps):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return Timing(
        median_ms=statistics.median(times),
        p95_ms=percentile(times, 0.95),
        min_ms=min(times),
        reps=reps,
        queries=queries.count,
    )


def get_ok(client: Any, url: str) -> Callable[[], Any]:
    def run() -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return response

    return run


@dataclass
class Scenario:
    key: str
    label: str
    kind: str  # "page", "import", "pdf"
    small_size: str = ""
    size: str = ""
    small: Timing | None = None
    full: Timing | None = None
    rows: int = 0  # for the import: rows per run
    small_rows: int = 0
    rows_per_s: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    # Targets -------------------------------------------------------------------------------
    def time_target(self) -> tuple[str, bool | None]:
        if self.full is None:
            return "", None
        if self.kind == "page":
            return f"< {PAGE_TARGET_MS:.0f} ms", self.full.median_ms < PAGE_TARGET_MS
        if self.kind == "import" and self.rows_per_s is not None:
            target = IMPORT_TARGET_ROWS_PER_S
            return f">= {target:.0f} rows/s", self.rows_per_s >= target
        if self.key == "filing_form_pdf":
            target = FILING_PDF_TARGET_MS
            return f"< {target / 1000:.0f} s", self.full.median_ms < target
        return "", None

    def query_target(self) -> tuple[str, bool | None]:
        if self.small is None or self.full is None:
            return "", None
        if self.kind == "import":
            # Each row is written through the services, so the count grows with the file;
            # what must not grow is the cost of one row.
            small = self.small.queries / self.small_rows
            full = self.full.queries / self.rows
            return "per row <= at 10", full <= small + 1e-9
        return "= at 10 rows", self.full.queries == self.small.queries

    def as_dict(self) -> dict[str, Any]:
        time_target, time_ok = self.time_target()
        query_target, query_ok = self.query_target()
        data = {
            "key": self.key,
            "label": self.label,
            "kind": self.kind,
            "size": self.size,
            "baseline_size": self.small_size,
            "full": asdict(self.full) if self.full else None,
            "baseline": asdict(self.small) if self.small else None,
            "time_target": time_target,
            "time_pass": time_ok,
            "query_target": query_target,
            "query_pass": query_ok,
            "error": self.error or None,
        }
        if self.kind == "import":
            data.update(rows=self.rows, rows_per_s=self.rows_per_s)
        data.update(self.extra)
        return data


class Bench:
    def __init__(self, args: argparse.Namespace, volumes: Volumes) -> None:
        self.args = args
        self.volumes = volumes
        self.scenarios: dict[str, Scenario] = {}

    def scenario(self, key: str, label: str, kind: str = "page") -> Scenario:
        if key not in self.scenarios:
            self.scenarios[key] = Scenario(key, label, kind)
        return self.scenarios[key]

    def record(
        self,
        key: str,
        label: str,
        run: Callable[[], Any],
        *,
        full: bool,
        size: str,
        kind: str = "page",
        reps: int | None = None,
    ) -> Scenario | None:
        scenario = self.scenario(key, label, kind)
        if scenario.error:
            return None
        reps = reps or (self.args.reps if full else 3)
        try:
            timing = measure(run, reps)
        except Exception as error:
            scenario.error = f"{type(error).__name__}: {error}"
            log(f"ERROR in {label}: {scenario.error}")
            traceback.print_exc()
            return None
        if full:
            scenario.full, scenario.size = timing, size
        else:
            scenario.small, scenario.small_size = timing, size
        log(
            f"  {label} [{size}]: median {timing.median_ms:.1f} ms, "
            f"p95 {timing.p95_ms:.1f} ms, {timing.queries} queries"
        )
        return scenario


# Data ---------------------------------------------------------------------------------------
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = [
    *("伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明"),
    *("超", "秀英", "丽", "霞", "平", "刚", "建国", "晓东", "海燕", "志强", "春梅", "文"),
]
CONTRACT_START = dt.date(2025, 9, 1)
CONTRACT_END = dt.date(2028, 8, 31)


def chinese_name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)]


class IdNumbers:
    """Valid, unique resident ID numbers for one area code: 100 per birth date."""

    def __init__(self, area: str, first_birth: dt.date) -> None:
        self.area, self.first_birth, self.count = area, first_birth, 0

    def next(self) -> tuple[str, dt.date, str]:
        from xuetu.core.identifiers import make_resident_id

        i = self.count
        self.count += 1
        birth = self.first_birth + dt.timedelta(days=i // 100)
        gender = "M" if i % 2 == 0 else "F"
        return make_resident_id(self.area, birth, i % 100, gender=gender), birth, gender


@dataclass
class Data:
    """What the scenarios need, built on `build_world()` and grown from 10 rows to full size."""

    world: Any
    agreement: Any
    agreement2: Any
    occupation: Any
    detail: Any  # the class whose page and filing form are measured
    import_cohort: Any  # a draft class the roster files are imported into
    appointment: Any
    mentors: list[Any]  # enterprise mentors carrying the bulk enrollments
    mentors2: list[Any]
    teachers: list[Any]
    import_mentors: list[Any]  # fresh enterprise mentors named in the roster file
    import_teacher: Any
    apprentice_ids: IdNumbers = field(
        default_factory=lambda: IdNumbers("500112", dt.date(1996, 1, 1))
    )
    cohort_serial: int = 0
    audit_serial: int = 0


def bulk_people(ids: IdNumbers, count: int, organisation: Any, offset: int = 0) -> list[Any]:
    """`count` people registered by `organisation` (or by `organisation(i)` when callable)."""
    from xuetu.registry.models import Person

    people = []
    for i in range(count):
        number, birth, gender = ids.next()
        people.append(
            Person(
                id_number=number,
                name=chinese_name(offset + i),
                gender=gender,
                birth_date=birth,
                registered_by_id=(organisation(i) if callable(organisation) else organisation).pk,
            )
        )
    created = Person.objects.bulk_create(people, batch_size=1000)
    if any(person.pk is None for person in created):  # a backend without RETURNING
        by_number = dict(
            Person.objects.filter(id_number__in=[p.id_number for p in created]).values_list(
                "id_number", "pk"
            )
        )
        for person in created:
            person.pk = by_number[person.id_number]
    return created


def bulk_mentors(
    ids: IdNumbers, count: int, organisation: Any, *, teacher: bool, offset: int
) -> list[Any]:
    from xuetu.programmes.choices import MentorKind
    from xuetu.programmes.models import Mentor

    people = bulk_people(ids, count, organisation, offset=offset)
    kind = MentorKind.INSTITUTION if teacher else MentorKind.ENTERPRISE
    values = {} if teacher else {"certificate_level": 3, "years_experience": 12}
    Mentor.objects.bulk_create(
        [Mentor(person=p, organisation=organisation, kind=kind, **values) for p in people]
    )
    # Read back with their people (and pks on any backend).
    return list(
        Mentor.objects.filter(person__in=people).select_related("person").order_by("person__pk")
    )


def cohort_rows(data: Data, count: int, enterprise: Any, agreement: Any) -> list[Any]:
    """Classes in every status, spread over six years of start dates."""
    from xuetu.programmes.choices import CohortStatus
    from xuetu.programmes.models import Cohort

    statuses = [
        CohortStatus.DRAFT,
        CohortStatus.SUBMITTED,
        CohortStatus.APPROVED,
        CohortStatus.IN_TRAINING,
        CohortStatus.IN_TRAINING,
        CohortStatus.COMPLETED,
        CohortStatus.CLOSED,
    ]
    world = data.world
    rows = []
    for _ in range(count):
        data.cohort_serial += 1
        n = data.cohort_serial
        start = dt.date(2020, 3, 1) + dt.timedelta(days=(n * 37) % 2190)
        status = statuses[n % len(statuses)]
        submitted = status != CohortStatus.DRAFT
        rows.append(
            Cohort(
                code=f"BJ-BENCH-{n:06d}",
                name=f"{data.occupation.name}高级工学徒班 {n}",
                enterprise=enterprise,
                institution=world.institution,
                agreement=agreement,
                occupation=data.occupation,
                target_level=3,
                planned_start=start,
                planned_end=start + dt.timedelta(days=730),
                planned_headcount=20,
                plan_summary="理论教学 400 学时，岗位实训 1200 学时。",
                status=status,
                submitted_by=world.users["enterprise"] if submitted else None,
                submitted_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC) if submitted else None,
            )
        )
    created = Cohort.objects.bulk_create(rows, batch_size=500)
    if any(cohort.pk is None for cohort in created):
        codes = {cohort.code: cohort for cohort in created}
        for pk, code in Cohort.objects.filter(code__in=codes).values_list("pk", "code"):
            codes[code].pk = pk
    return created


def enrollment_status(cohort_status: str) -> str:
    from xuetu.programmes.choices import CohortStatus, EnrollmentStatus

    return {
        CohortStatus.IN_TRAINING: EnrollmentStatus.ACTIVE,
        CohortStatus.COMPLETED: EnrollmentStatus.COMPLETED,
        CohortStatus.CLOSED: EnrollmentStatus.COMPLETED,
    }.get(cohort_status, EnrollmentStatus.ENROLLED)


def bulk_enroll(cohorts_and_people: list[tuple[Any, Any]], mentors_for: Callable) -> None:
    from xuetu.programmes.choices import ApprenticeCategory
    from xuetu.programmes.models import Enrollment

    categories = list(ApprenticeCategory.values)
    rows = []
    for i, (cohort, person) in enumerate(cohorts_and_people):
        mentor, teacher = mentors_for(cohort, i)
        rows.append(
            Enrollment(
                cohort=cohort,
                person=person,
                category=categories[i % len(categories)],
                contract_start=min(CONTRACT_START, cohort.planned_start),
                contract_end=None,
                social_insurance=True,
                enterprise_mentor=mentor,
                institution_mentor=teacher,
                status=enrollment_status(cohort.status),
                planned_end=cohort.planned_end,
            )
        )
    Enrollment.objects.bulk_create(rows, batch_size=1000)


def add_audit_events(data: Data, count: int) -> None:
    from xuetu.core.models import AuditEvent

    world = data.world
    actors = [world.users[name] for name in ("enterprise", "enterprise2", "school", "bureau")]
    orgs = [world.enterprise, world.enterprise2, world.institution, world.city]
    kinds = [
        ("registry.person", "person.create"),
        ("programmes.enrollment", "enrollment.create"),
        ("programmes.cohort", "cohort.update"),
        ("programmes.mentor", "mentor.update"),
    ]
    rows = []
    for _ in range(count):
        data.audit_serial += 1
        n = data.audit_serial
        object_type, action = kinds[n % len(kinds)]
        rows.append(
            AuditEvent(
                actor=actors[n % len(actors)],
                organisation=orgs[n % len(orgs)],
                action=action,
                object_type=object_type,
                object_id=str(n),
                object_repr=chinese_name(n),
                before={"phone": ""} if action.endswith("update") else None,
                after={"name": chinese_name(n), "phone": f"139{n % 10**8:08d}"},
                ip=f"10.0.{n % 250}.{n % 200 + 1}",
            )
        )
        if len(rows) == 5000:
            AuditEvent.objects.bulk_create(rows, batch_size=1000)
            rows = []
    AuditEvent.objects.bulk_create(rows, batch_size=1000)


def build_base() -> Data:
    """build_world(), a policy, agreements, mentors, the measured classes, and 10 rows of
    everything the scenarios count."""
    from django.db import transaction

    from xuetu.programmes.choices import CohortStatus
    from xuetu.programmes.models import Appointment
    from xuetu.programmes.tests.factories import (
        END,
        START,
        make_agreement,
        make_cohort,
        make_occupation,
        make_policy,
    )
    from xuetu.testing import build_world

    with transaction.atomic():
        world = build_world()
        make_policy()
        occupation = make_occupation()
        agreement = make_agreement(world, number="XY-BENCH-000001")
        agreement2 = make_agreement(world, enterprise=world.enterprise2, number="XY-BENCH-000002")
        mentor_ids = IdNumbers("500103", dt.date(1975, 1, 1))
        mentors = bulk_mentors(mentor_ids, 20, world.enterprise, teacher=False, offset=0)
        mentors2 = bulk_mentors(mentor_ids, 5, world.enterprise2, teacher=False, offset=20)
        teachers = bulk_mentors(mentor_ids, 5, world.institution, teacher=True, offset=25)
        detail = make_cohort(
            world,
            status=CohortStatus.SUBMITTED,
            agreement=agreement,
            occupation=occupation,
            code="BJ-BENCH-DETAIL",
            name="焊工高级工学徒班（基准）",
            planned_headcount=ROSTER,
        )
        import_cohort = make_cohort(
            world,
            agreement=agreement,
            occupation=occupation,
            code="BJ-BENCH-IMPORT",
            name="焊工高级工学徒班（导入）",
        )
        appointment = Appointment.objects.create(
            mentor=mentors[0],
            cohort=detail,
            number="PS-BENCH-000001",
            term_start=START,
            term_end=END,
            issued_on=START,
        )
    return Data(
        world=world,
        agreement=agreement,
        agreement2=agreement2,
        occupation=occupation,
        detail=detail,
        import_cohort=import_cohort,
        appointment=appointment,
        mentors=mentors,
        mentors2=mentors2,
        teachers=teachers,
        import_mentors=[],
        import_teacher=None,
    )


def grow(data: Data, *, cohorts: int, other_cohorts: int, roster: int, enrollments: int) -> None:
    """Bring the data up to the given totals (classes of each enterprise, the detail class's
    roster, all enrollments); existing rows are kept."""
    from django.db import transaction

    from xuetu.programmes.models import Cohort, Enrollment

    world = data.world

    def mentors_for(cohort: Any, i: int) -> tuple[Any, Any]:
        pool = data.mentors if cohort.enterprise_id == world.enterprise.pk else data.mentors2
        return pool[i % len(pool)], data.teachers[i % len(data.teachers)]

    with transaction.atomic():
        have = Cohort.objects.filter(enterprise=world.enterprise).count()
        if cohorts > have:
            log(f"  + {cohorts - have:,} classes of {world.enterprise.name}")
            cohort_rows(data, cohorts - have, world.enterprise, data.agreement)
        have = Cohort.objects.filter(enterprise=world.enterprise2).count()
        if other_cohorts > have:
            log(f"  + {other_cohorts - have:,} classes of {world.enterprise2.name}")
            cohort_rows(data, other_cohorts - have, world.enterprise2, data.agreement2)

        on_roster = Enrollment.objects.filter(cohort=data.detail).count()
        if roster > on_roster:
            log(f"  + {roster - on_roster} apprentices on {data.detail.code}")
            people = bulk_people(
                data.apprentice_ids, roster - on_roster, world.enterprise, offset=on_roster
            )
            bulk_enroll([(data.detail, p) for p in people], mentors_for)

        total = Enrollment.objects.count()
        missing = enrollments - total
        if missing > 0:
            log(f"  + {missing:,} people and enrollments in the other classes")
            targets = list(
                Cohort.objects.exclude(pk__in=[data.detail.pk, data.import_cohort.pk]).order_by(
                    "pk"
                )
            )
            done = 0
            while done < missing:
                chunk = min(5000, missing - done)
                cohorts = [targets[(done + j) % len(targets)] for j in range(chunk)]
                people = bulk_people(
                    data.apprentice_ids,
                    chunk,
                    lambda j, cohorts=cohorts: cohorts[j].enterprise,
                    offset=total + done,
                )
                bulk_enroll(list(zip(cohorts, people, strict=True)), mentors_for)
                done += chunk
                log(f"    {total + done:,} / {enrollments:,} enrollments")


def grow_audit(data: Data, events: int) -> None:
    from django.db import transaction

    from xuetu.core.models import AuditEvent

    have = AuditEvent.objects.count()
    if events > have:
        log(f"  + {events - have:,} audit events")
        with transaction.atomic():
            add_audit_events(data, events - have)


# Roster files -------------------------------------------------------------------------------
def prepare_import(data: Data, rows: int) -> None:
    """Enough fresh enterprise mentors for `rows` apprentices (ten each) and one teacher."""
    from django.db import transaction

    need = math.ceil(rows / 10)
    ids = IdNumbers("500104", dt.date(1976, 1, 1))
    ids.count = len(data.import_mentors) + (1 if data.import_teacher else 0)
    with transaction.atomic():
        if data.import_teacher is None:
            (data.import_teacher,) = bulk_mentors(
                ids, 1, data.world.institution, teacher=True, offset=500
            )
        if need > len(data.import_mentors):
            data.import_mentors += bulk_mentors(
                ids,
                need - len(data.import_mentors),
                data.world.enterprise,
                teacher=False,
                offset=600 + len(data.import_mentors),
            )


def roster_xlsx(data: Data, rows: int) -> bytes:
    from openpyxl import Workbook

    from xuetu.programmes.roster import TEMPLATE_HEADERS

    headers = list(TEMPLATE_HEADERS)
    expected = [
        "姓名",
        "身份证号",
        "手机号",
        "学徒类别",
        "劳动合同开始日期",
        "劳动合同结束日期",
        "是否缴纳社保",
        "企业导师",
        "院校导师",
    ]
    if headers != expected:
        raise RuntimeError(f"the roster template's headers changed: {headers}")
    ids = IdNumbers("500108", dt.date(2000, 1, 1))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for i in range(rows):
        number, _birth, _gender = ids.next()
        sheet.append(
            [
                chinese_name(i + 7),
                number,
                f"139{i:08d}",
                ("新入职", "在岗", "转岗")[i % 3],
                CONTRACT_START,
                CONTRACT_END,
                "是",
                data.import_mentors[i // 10].person.id_number,
                data.import_teacher.person.id_number,
            ]
        )
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].number_format = "@"  # ID numbers as text, as the template has them
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def importer(data: Data, content: bytes, rows: int, *, dry_run: bool) -> Callable[[], Any]:
    from xuetu.programmes.models import Cohort
    from xuetu.programmes.roster import roster_import

    user = data.world.users["enterprise"]

    def run() -> Any:
        cohort = Cohort.objects.get(pk=data.import_cohort.pk)
        result = roster_import(by=user, cohort=cohort, data=content, dry_run=dry_run)
        if not result.ok or result.rows != rows:
            problems = "; ".join(
                f"row {p.row} {p.column}: {p.message}" for p in result.problems[:5]
            )
            raise RuntimeError(f"import refused ({len(result.problems)} problems): {problems}")
        return result

    return run


# The scenarios ------------------------------------------------------------------------------
def measure_pages(bench: Bench, data: Data, *, full: bool) -> None:
    from xuetu.core.models import AuditEvent
    from xuetu.programmes.models import Cohort, Enrollment

    world = data.world
    bureau, enterprise = world.client("bureau"), world.client("enterprise")
    api_bureau, api_enterprise = world.api("bureau"), world.api("enterprise")
    all_cohorts = Cohort.objects.count()
    own_cohorts = Cohort.objects.filter(enterprise=world.enterprise).count()
    enrollments = Enrollment.objects.count()
    roster = Enrollment.objects.filter(cohort=data.detail).count()
    events = AuditEvent.objects.count()

    log("1. cohort list /programmes/cohorts/")
    bench.record(
        "cohort_list_bureau",
        "Cohort list (city bureau)",
        get_ok(bureau, "/programmes/cohorts/"),
        full=full,
        size=f"{all_cohorts:,} classes",
    )
    bench.record(
        "cohort_list_enterprise",
        "Cohort list (enterprise manager)",
        get_ok(enterprise, "/programmes/cohorts/"),
        full=full,
        size=f"{own_cohorts:,} classes",
    )

    log("2. enrollment API /api/v1/enrollments/")
    pages = math.ceil(enrollments / 50)
    middle = max(1, (pages + 1) // 2)

    def api_page(client: Any, page: int, expected: int | None) -> Callable[[], Any]:
        url = "/api/v1/enrollments/" + (f"?page={page}" if page > 1 else "")
        fetch = get_ok(client, url)

        def run() -> Any:
            response = fetch()
            count = response.json()["count"]
            if expected is not None and count != expected:
                raise RuntimeError(f"{url} counted {count}, expected {expected}")
            return response

        return run

    bench.record(
        "api_enrollments_first",
        "API enrollments, page 1 (city bureau)",
        api_page(api_bureau, 1, enrollments),
        full=full,
        size=f"{enrollments:,} enrollments",
    )
    bench.record(
        "api_enrollments_middle",
        "API enrollments, middle page (city bureau)",
        api_page(api_bureau, middle, enrollments),
        full=full,
        size=f"page {middle} of {pages}",
    )
    bench.record(
        "api_enrollments_enterprise",
        "API enrollments, page 1 (enterprise)",
        api_page(api_enterprise, 1, None),
        full=full,
        size=f"{Enrollment.objects.filter(cohort__enterprise=world.enterprise).count():,} visible",
    )

    log("3. cohort detail")
    url = f"/programmes/cohorts/{data.detail.pk}/"
    bench.record(
        "cohort_detail_enterprise",
        "Cohort detail (enterprise manager)",
        get_ok(enterprise, url),
        full=full,
        size=f"{roster} on roster",
    )
    bench.record(
        "cohort_detail_bureau",
        "Cohort detail (city bureau)",
        get_ok(bureau, url),
        full=full,
        size=f"{roster} on roster",
    )

    log("6. audit log /audit/")
    audit_pages = math.ceil(events / 50)
    audit_middle = max(1, (audit_pages + 1) // 2)
    bench.record(
        "audit_first",
        "Audit log, page 1 (city bureau)",
        get_ok(bureau, "/audit/"),
        full=full,
        size=f"{events:,} events",
    )
    bench.record(
        "audit_middle",
        "Audit log, middle page (city bureau)",
        get_ok(bureau, f"/audit/?page={audit_middle}" if audit_middle > 1 else "/audit/"),
        full=full,
        size=f"page {audit_middle} of {audit_pages}",
    )


def measure_pdfs(bench: Bench, data: Data, *, full: bool) -> None:
    from xuetu.programmes.documents import appointment_pdf, filing_form_pdf
    from xuetu.programmes.models import Enrollment

    roster = Enrollment.objects.filter(cohort=data.detail).count()

    def pdf(render: Callable[[Any], bytes], obj: Any) -> Callable[[], bytes]:
        def run() -> bytes:
            content = render(obj)
            if not content.startswith(b"%PDF"):
                raise RuntimeError("not a PDF")
            return content

        return run

    log("5. PDFs")
    scenario = bench.record(
        "filing_form_pdf",
        "Filing form PDF",
        pdf(filing_form_pdf, data.detail),
        full=full,
        size=f"{roster} rows",
        kind="pdf",
        reps=bench.args.slow_reps if full else 1,
    )
    if scenario is not None and full:
        scenario.extra["bytes"] = len(filing_form_pdf(data.detail))
    bench.record(
        "appointment_pdf",
        "Appointment letter PDF",
        pdf(appointment_pdf, data.appointment),
        full=full,
        size="1 letter",
        kind="pdf",
        reps=bench.args.slow_reps if full else 1,
    )


def measure_import(bench: Bench, data: Data, rows: int, *, full: bool) -> None:
    log(f"4. roster import, {rows} rows")
    prepare_import(data, rows)
    content = roster_xlsx(data, rows)
    scenario = bench.record(
        "roster_import_dry",
        "Roster import (dry run)",
        importer(data, content, rows, dry_run=True),
        full=full,
        size=f"{rows} rows",
        kind="import",
        reps=bench.args.slow_reps if full else 1,
    )
    if scenario is None:
        return
    if not full:
        scenario.small_rows = rows
        return
    scenario.rows = rows
    scenario.rows_per_s = rows / (scenario.full.median_ms / 1000)
    scenario.extra["file_bytes"] = len(content)
    log(f"  {rows / (scenario.full.median_ms / 1000):.0f} rows/s; now one real import")
    real = bench.scenario("roster_import_real", "Roster import (stored)", "import")
    run = importer(data, content, rows, dry_run=False)
    try:
        gc.collect()
        with count_queries() as counted:
            began = time.perf_counter()
            result = run()
            elapsed = (time.perf_counter() - began) * 1000
        queries = counted.count
    except Exception as error:
        real.error = f"{type(error).__name__}: {error}"
        log(f"ERROR in the real import: {real.error}")
        traceback.print_exc()
        return
    real.full = Timing(elapsed, elapsed, elapsed, 1, queries)
    real.size, real.rows = f"{rows} rows", rows
    real.rows_per_s = rows / (elapsed / 1000)
    real.extra.update(imported=result.imported, created_people=result.created_people)
    log(
        f"  stored {result.imported} rows in {elapsed / 1000:.2f} s "
        f"({real.rows_per_s:.0f} rows/s, {queries} queries, counted while timed)"
    )


# Report -------------------------------------------------------------------------------------
def mark(ok: bool | None) -> str:
    return "" if ok is None else ("PASS" if ok else "FAIL")


def table(scenarios: list[Scenario]) -> str:
    header = (
        "Scenario",
        "Size",
        "Median",
        "p95",
        "Target",
        "",
        "Queries 10 → N",
        "",
    )
    lines = []
    for s in scenarios:
        if s.error:
            lines.append((s.label, s.size or s.small_size, "ERROR", "", s.error[:60], "", "", ""))
            continue
        if s.full is None:
            continue
        target, ok = s.time_target()
        if s.kind == "import" and s.rows_per_s is not None:
            target = f"{target} (got {s.rows_per_s:,.0f})"
        _query_target, query_ok = s.query_target()
        queries = f"{s.small.queries} → {s.full.queries}" if s.small else f"— → {s.full.queries}"
        if s.kind == "import" and s.small:
            queries += (
                f" ({s.small.queries / s.small_rows:.1f}/row → {s.full.queries / s.rows:.1f})"
            )
        lines.append(
            (
                s.label,
                s.size,
                fmt_ms(s.full.median_ms),
                fmt_ms(s.full.p95_ms),
                target,
                mark(ok),
                queries,
                mark(query_ok),
            )
        )
    widths = [max(display_width(str(row[i])) for row in [header, *lines]) for i in range(8)]
    out = []
    for n, row in enumerate([header, *lines]):
        cells = [pad(str(cell), widths[i], right=i in (2, 3)) for i, cell in enumerate(row)]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def fmt_ms(ms: float) -> str:
    return f"{ms / 1000:.2f} s" if ms >= 10_000 else f"{ms:.1f} ms"


def display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    space = " " * (width - display_width(text))
    return space + text if right else text + space


def machine_info(vendor: str) -> dict[str, Any]:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        db_version = cursor.fetchone()[0]
    cpu_model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "django": django.get_version(),
        "db_vendor": vendor,
        "db_version": db_version,
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model,
        "platform": platform.platform(),
        "hostname": platform.node(),
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def write_results(path: Path, vendor: str, run: dict[str, Any]) -> None:
    """One entry per database vendor, so a SQLite run and a PostgreSQL run sit side by side."""
    existing: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        existing = json.loads(path.read_text())
    runs = existing.get("runs", {}) if isinstance(existing, dict) else {}
    runs[vendor] = run
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"runs": runs}, ensure_ascii=False, indent=2) + "\n")


# Main ---------------------------------------------------------------------------------------
@contextlib.contextmanager
def django_on(database: Database) -> Iterator[None]:
    database.configure_environment()
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    # DEBUG off as in production (no query log; pytest-django does the same), and the fast
    # hasher: build_world() makes eight users.
    with override_settings(
        DEBUG=False, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ):
        from django.db import connection

        # The query log keeps 9,000 entries by default; a 500-row import runs more.
        connection.queries_limit = 1_000_000
        connection.queries_log = deque(maxlen=connection.queries_limit)
        log(f"migrating {database.url}")
        call_command("migrate", verbosity=0, interactive=False)
        yield


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    volumes = Volumes.at(args.scale)
    bench = Bench(args, volumes)
    database = Database(args.postgres)
    log(f"xuetu bench, scale {args.scale}: {volumes}")
    try:
        with django_on(database):
            from django.db import connection

            vendor = connection.vendor
            run_benchmark(bench, volumes)
            info = machine_info(vendor)
            elapsed = time.perf_counter() - START_TIME
            scenarios = sorted(bench.scenarios.values(), key=lambda s: ORDER.index(s.key))
            results = [s.as_dict() for s in scenarios]
            write_results(
                args.output,
                vendor,
                {
                    "machine": info,
                    "config": {
                        "scale": args.scale,
                        "reps": args.reps,
                        "slow_reps": args.slow_reps,
                        "volumes": asdict(volumes),
                        "targets": {
                            "page_median_ms": PAGE_TARGET_MS,
                            "import_rows_per_s": IMPORT_TARGET_ROWS_PER_S,
                            "filing_form_pdf_median_ms": FILING_PDF_TARGET_MS,
                            "queries": "equal to the count at 10 rows (import: per row)",
                        },
                    },
                    "total_seconds": round(elapsed, 1),
                    "results": results,
                },
            )
            print()
            print(
                f"Xuetu bench — {vendor} {info['db_version']}, Python {info['python']}, "
                f"{info['cpu_count']} CPUs, scale {args.scale}, {args.reps} reps "
                f"({args.slow_reps} for import and PDFs)"
            )
            print(table(scenarios))
            failed = sum(
                1
                for r in results
                if r["time_pass"] is False or r["query_pass"] is False or r["error"]
            )
            print(
                f"\n{failed} of {len(results)} scenarios miss a target or failed "
                f"(the benchmark exits 0 regardless). Took {elapsed:.0f} s; "
                f"results in {args.output}"
            )
    finally:
        database.remove()
    return 0


def run_benchmark(bench: Bench, volumes: Volumes) -> None:
    log("building the world (10 rows of everything)")
    data = build_base()
    grow(
        data,
        cohorts=BASELINE,
        other_cohorts=1,
        roster=BASELINE,
        enrollments=BASELINE,
    )
    grow_audit(data, BASELINE)

    log("--- baseline: 10 rows ---")
    measure_pages(bench, data, full=False)
    measure_pdfs(bench, data, full=False)
    measure_import(bench, data, BASELINE, full=False)

    log("--- growing to full size ---")
    grow(
        data,
        cohorts=volumes.cohorts,
        other_cohorts=volumes.other_cohorts,
        roster=volumes.roster,
        enrollments=volumes.enrollments,
    )
    grow_audit(data, volumes.audit_events)
    analyse()

    log("--- full size ---")
    measure_pages(bench, data, full=True)
    measure_pdfs(bench, data, full=True)
    measure_import(bench, data, volumes.import_rows, full=True)


def analyse() -> None:
    """On PostgreSQL, fresh planner statistics after the bulk inserts, as autovacuum would
    gather soon after in production. SQLite gathers none by itself, so none are made there."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


if __name__ == "__main__":
    sys.exit(main())
