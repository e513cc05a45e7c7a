"""What a child process of the bench runs: `run.py --child floor|import --params JSON`.

It sets Django up on the database the parent made (DATABASE_URL in its environment), does
one timed piece of work, and prints one JSON line: the seconds, the queries, its resident
set size just before the work and its peak during it.

The peak is the kernel's high-water mark of the process's resident set (VmHWM in
/proc/self/status), reset just before the work (`clear_refs` 5), so it is the most memory
the process held while working, Django and all. `ru_maxrss` would not do: after fork and
exec Linux reports the parent's peak in it until the child passes it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from suite.database import production_like
from suite.measure import QueryCount


def status_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1]) / 1024  # kB
    raise RuntimeError(f"no {key} in /proc/self/status")


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # the peak RSS starts again from now


class ServerCpu:
    """The CPU time the database server's process for this connection spends, read from
    /proc when the server is PostgreSQL on this machine (None otherwise). On a shared
    machine it says, with the child's own CPU time, what the wall time does not: how much
    work was done, whatever else was running."""

    def __init__(self, connection: Any) -> None:
        self.stat: Path | None = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
            self.stat = stat if stat.exists() else None
        self.start = self.seconds()

    def seconds(self) -> float | None:
        if self.stat is None:
            return None
        fields = self.stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime

    def since(self) -> float | None:
        now = self.seconds()
        return None if now is None or self.start is None else now - self.start


def run_child(task: str, params: dict[str, Any]) -> int:
    with production_like():
        import python_calamine  # noqa: F401 - loaded before the clock starts, in both tasks
        from django.db import connection

        tally = QueryCount()

        def counted(execute, sql, params, many, context):
            tally.count += 1
            return execute(sql, params, many, context)

        from django.utils import timezone

        params = params | {"started": timezone.now()}
        reset_peak()
        before = status_mb("VmRSS")
        work = TASKS[task]
        if params.get("profile"):
            work = profiled(work, Path(params["profile"]))
        server = ServerCpu(connection)
        with connection.execute_wrapper(counted):
            began, cpu = time.perf_counter(), time.process_time()
            result = work(params)
            seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        result.update(seconds=seconds, cpu_seconds=cpu, server_cpu_seconds=server.since())
        result.update(queries=tally.count)
        result.update(rss_before_mb=before, rss_mb=status_mb("VmHWM"))
        result.update(TASK_CHECKS[task](params, result))
    print(json.dumps(result))
    return 0


def profiled(
    work: Callable[[dict[str, Any]], dict[str, Any]], path: Path
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """`work` under cProfile, its statements timed: the profile goes to `path`, the top of it
    and the slowest statements to `path` with `.txt` (COPY and COMMIT appear in the profile,
    as psycopg's `copy` and `commit`, not among the statements)."""
    import cProfile
    import io
    import pstats

    from django.db import connection

    def run(params: dict[str, Any]) -> dict[str, Any]:
        timed: list[tuple[float, str]] = []

        def timing(execute, sql, sql_params, many, context):
            began = time.perf_counter()
            try:
                return execute(sql, sql_params, many, context)
            finally:
                timed.append((time.perf_counter() - began, sql[:160]))

        profile = cProfile.Profile()
        with connection.execute_wrapper(timing):
            result = profile.runcall(work, params)
        path.parent.mkdir(parents=True, exist_ok=True)
        profile.dump_stats(path)
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(60)
        slowest = sorted(timed, reverse=True)[:15]
        lines = [f"{seconds * 1000:9.1f} ms  {sql}" for seconds, sql in slowest]
        total = sum(seconds for seconds, _ in timed)
        summary = f"{len(timed)} statements, {total * 1000:.0f} ms in all; the slowest:"
        path.with_suffix(".txt").write_text("\n".join([summary, *lines, "", text.getvalue()]))
        return result

    return run


def import_roster(params: dict[str, Any]) -> dict[str, Any]:
    """Core's importer with the roster's columns and checks; the row limit raised."""
    from xuetu.accounts.models import User
    from xuetu.programmes.models import Cohort
    from xuetu.programmes.roster import ROSTER_SPEC, roster_import

    cohort = Cohort.objects.get(pk=params["cohort"])
    user = User.objects.get(username=params["user"])
    spec = replace(ROSTER_SPEC, row_limit=params["rows"])
    result = roster_import(by=user, cohort=cohort, data=Path(params["file"]), spec=spec)
    if not result.ok or result.imported != params["rows"]:
        problems = "; ".join(f"row {p.row} {p.column}: {p.message}" for p in result.problems[:5])
        raise RuntimeError(f"import refused ({len(result.errors)} errors): {problems}")
    return {"imported": result.imported, "created_people": result.created_people}


def check_import(params: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """Untimed: everything is there, with one audit event per created object."""
    from xuetu.core.imports.bulk import in_slices
    from xuetu.core.models import AuditEvent
    from xuetu.programmes.models import Enrollment, EnrollmentEvent

    enrollments = Enrollment.objects.filter(cohort_id=params["cohort"])
    stored = list(enrollments.values_list("pk", "person_id"))
    audited = {"programmes.enrollment": 0, "registry.person": 0}
    for kind, position in (("programmes.enrollment", 0), ("registry.person", 1)):
        for part in in_slices([str(row[position]) for row in stored]):
            found = AuditEvent.objects.filter(
                object_type=kind, object_id__in=part, at__gte=params["started"]
            )
            audited[kind] += found.filter(action__endswith=".create").count()
    history = EnrollmentEvent.objects.filter(enrollment__cohort_id=params["cohort"]).count()
    rows, people = params["rows"], result["created_people"]
    counts = (len(stored), history, audited["programmes.enrollment"], audited["registry.person"])
    if counts != (rows, rows, rows, people):
        raise RuntimeError(f"stored enrollments, history, audit events: {counts}")
    return {"audit_events": counts[2] + counts[3]}


def floor(params: dict[str, Any]) -> dict[str, Any]:
    """The file read with python-calamine and the same rows bulk-created, nothing checked."""
    from django.db import transaction
    from python_calamine import CalamineWorkbook

    from xuetu.programmes.models import Cohort, Enrollment, Mentor
    from xuetu.registry.models import Person

    cohort = Cohort.objects.get(pk=params["cohort"])
    with transaction.atomic():
        rows = CalamineWorkbook.from_path(params["file"]).get_sheet_by_index(0).to_python()[1:]
        named = {number for row in rows for number in row[7:9]}
        mentors = dict(
            Mentor.objects.filter(person__id_number__in=named).values_list(
                "person__id_number", "pk"
            )
        )
        people = Person.objects.bulk_create([_person(row, cohort.enterprise_id) for row in rows])
        Enrollment.objects.bulk_create(
            [
                _enrollment(row, person, cohort, mentors)
                for row, person in zip(rows, people, strict=True)
            ]
        )
    return {"person_ids": [person.pk for person in people]}


CATEGORIES = {"新入职": "new_hire", "在岗": "in_post", "转岗": "transferred"}


def _person(row: list[Any], organisation_id: int) -> Any:
    from xuetu.registry.models import Person

    number = row[1]
    return Person(
        name=row[0],
        id_number=number,
        gender="M" if int(number[16]) % 2 else "F",
        birth_date=dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
        phone=row[2],
        registered_by_id=organisation_id,
    )


def _enrollment(row: list[Any], person: Any, cohort: Any, mentors: dict[str, int]) -> Any:
    from xuetu.programmes.models import Enrollment

    return Enrollment(
        cohort=cohort,
        person=person,
        category=CATEGORIES[row[3]],
        contract_start=row[4].date() if isinstance(row[4], dt.datetime) else row[4],
        contract_end=row[5].date() if isinstance(row[5], dt.datetime) else row[5],
        social_insurance=row[6] == "是",
        enterprise_mentor_id=mentors[row[7]],
        institution_mentor_id=mentors[row[8]],
        planned_end=cohort.planned_end,
    )


def check_floor(params: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    from xuetu.programmes.models import Enrollment

    stored = Enrollment.objects.filter(cohort_id=params["cohort"]).count()
    if stored != params["rows"] or len(result["person_ids"]) != params["rows"]:
        raise RuntimeError(f"the floor stored {stored} of {params['rows']} enrollments")
    return {}


TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "import": import_roster,
    "floor": floor,
}
TASK_CHECKS: dict[str, Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]] = {
    "import": check_import,
    "floor": check_floor,
}
