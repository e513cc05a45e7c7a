"""roster_import_20k: core's importer with the roster's columns and row checks on a generated
20,000-row .xlsx, validated and stored, against its floor measured in the same run.

The floor is the least any import of the file must do: read it with python-calamine and
`bulk_create` the same people and enrollments, without any check. Each is timed in a child
process of its own (`run.py --child floor|import`), so its peak memory is its own: the
child's `ru_maxrss` (peak resident set size), printed with its growth over the child's RSS
just before the timed work (Django loaded, the file not yet read).

For the run the bench raises what a real class does not need: the importer's row limit
(the roster's own is 2,000) and the policy's apprentices per mentor (to 100, with 200 fresh
mentors), so that every row is valid.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from suite.config import BIG_IMPORT_TARGET_MB, BIG_IMPORT_TARGET_RATIO, ROOT, log
from suite.data import Data, IdNumbers, bulk_mentors
from suite.measure import Timing, percentile
from suite.roster import roster_xlsx
from suite.scenarios import Bench, Scenario

PER_MENTOR = 100  # the policy's apprentices per mentor, raised for the run
RUN_PY = ROOT / "bench" / "run.py"


@dataclass
class Setup:
    rows: int
    mentors: list[Any]
    teacher: Any
    folder: Path
    floor_cohort: Any
    policy_before: int


def measure_big_import(
    bench: Bench, data: Data, rows: int, reps: int, *, profile: Path | None = None
) -> None:
    label = f"Roster import, {rows:,} rows (own process)"
    scenario = bench.scenario("roster_import_20k", label, "big_import")
    log(f"7. roster_import_20k: {rows:,} rows, {reps} round(s) of floor + import")
    setup = None
    try:
        setup = prepare(data, rows, reps)
        rounds = [one_round(data, setup, n, profile) for n in range(reps)]
        fill(scenario, rows, rounds)
    except Exception as error:
        scenario.error = f"{type(error).__name__}: {error}"
        log(f"ERROR in roster_import_20k: {scenario.error}")
        traceback.print_exc()
    finally:
        if setup is not None:
            restore(setup)


def prepare(data: Data, rows: int, reps: int) -> Setup:
    """The policy raised, fresh mentors for every round (each file fills its own), a class
    the floor writes into."""
    from django.db import transaction

    from xuetu.programmes.models import ProgrammePolicy
    from xuetu.programmes.tests.factories import make_cohort

    policy = ProgrammePolicy.objects.order_by("-effective_from").first()
    with transaction.atomic():
        ProgrammePolicy.objects.filter(pk=policy.pk).update(mentor_max_apprentices=PER_MENTOR)
        ids = IdNumbers("500111", dt.date(1975, 1, 1))
        world = data.world
        need = math.ceil(rows / PER_MENTOR) * reps
        mentors = bulk_mentors(ids, need, world.enterprise, teacher=False, offset=900)
        (teacher,) = bulk_mentors(ids, 1, world.institution, teacher=True, offset=899)
        floor_cohort = cohort(data, "BJ-BENCH-FLOOR", rows, make_cohort)
    folder = Path(tempfile.mkdtemp(prefix="xuetu-bench-20k-"))
    return Setup(rows, mentors, teacher, folder, floor_cohort, policy.mentor_max_apprentices)


def cohort(data: Data, code: str, rows: int, make_cohort: Any) -> Any:
    return make_cohort(
        data.world,
        agreement=data.agreement,
        occupation=data.occupation,
        code=code,
        name=f"焊工高级工学徒班（{code}）",
        planned_headcount=rows,
    )


def restore(setup: Setup) -> None:
    import shutil

    from xuetu.programmes.models import ProgrammePolicy

    ProgrammePolicy.objects.update(mentor_max_apprentices=setup.policy_before)
    shutil.rmtree(setup.folder, ignore_errors=True)


def one_round(data: Data, setup: Setup, n: int, profile: Path | None) -> dict[str, Any]:
    """The floor, then the import, of one fresh file (fresh people) into a fresh class."""
    from django.db import transaction

    from xuetu.programmes.tests.factories import make_cohort

    ids = IdNumbers("500110", dt.date(1990, 1, 1))
    ids.count = n * setup.rows
    path = setup.folder / f"roster-{n}.xlsx"
    log(f"  round {n + 1}: writing {setup.rows:,} rows to {path.name}")
    per_round = math.ceil(setup.rows / PER_MENTOR)
    content = roster_xlsx(
        setup.rows,
        ids=ids,
        mentors=setup.mentors[n * per_round : (n + 1) * per_round],
        per_mentor=PER_MENTOR,
        teacher=setup.teacher,
        path=path,
    )
    with transaction.atomic():
        target = cohort(data, f"BJ-BENCH-20K-{n + 1}", setup.rows, make_cohort)
    common = {"file": str(path), "rows": setup.rows}
    floor = child("floor", **common, cohort=setup.floor_cohort.pk)
    remove_floor_rows(setup.floor_cohort.pk, floor["person_ids"])
    profiled = {"profile": str(profile / f"import-{n}.prof")} if profile else {}
    stored = child("import", **common, cohort=target.pk, user="enterprise", **profiled)
    log(
        f"  floor {floor['seconds']:.2f} s, import {stored['seconds']:.2f} s "
        f"(×{stored['seconds'] / floor['seconds']:.2f}), import peak RSS "
        f"{stored['rss_mb']:.0f} MB (+{stored['rss_mb'] - stored['rss_before_mb']:.0f} MB), "
        f"{stored['queries']} queries; CPU: import {cpu_text(stored)}, floor {cpu_text(floor)}"
    )
    if profile:
        log(f"  profile of the import: {profiled['profile']} (and .txt)")
    return {"floor": floor, "import": stored, "file_bytes": len(content)}


def cpu_text(done: dict[str, Any]) -> str:
    server = done.get("server_cpu_seconds")
    text = f"{done['cpu_seconds']:.2f} s"
    return text if server is None else f"{text} + server {server:.2f} s"


def child(task: str, **params: Any) -> dict[str, Any]:
    """Runs `task` in a fresh interpreter on the same database; returns what it printed."""
    from django.db import connections

    connections.close_all()  # SQLite: nothing of ours open while the child writes
    command = [sys.executable, str(RUN_PY), "--child", task, "--params", json.dumps(params)]
    done = subprocess.run(
        command, capture_output=True, text=True, env=os.environ.copy(), timeout=900, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"child {task} failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def remove_floor_rows(cohort_id: int, person_ids: list[int]) -> None:
    """The floor's rows go again, so the import registers the same people afresh."""
    from django.db import connection, transaction

    from xuetu.core.imports.bulk import in_slices
    from xuetu.programmes.models import Enrollment
    from xuetu.registry.models import Person

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {Enrollment._meta.db_table} WHERE cohort_id = %s",
            [cohort_id],
        )
        for part in in_slices(person_ids):
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                f"DELETE FROM {Person._meta.db_table} WHERE id IN ({marks})",
                part,
            )


def fill(scenario: Scenario, rows: int, rounds: list[dict[str, Any]]) -> None:
    imports = [r["import"]["seconds"] * 1000 for r in rounds]
    floors = [r["floor"]["seconds"] * 1000 for r in rounds]
    ratios = [i / f for i, f in zip(imports, floors, strict=True)]
    peak = max(r["import"]["rss_mb"] for r in rounds)
    before = min(r["import"]["rss_before_mb"] for r in rounds)
    ratio = statistics.median(ratios)
    scenario.full = Timing(
        median_ms=statistics.median(imports),
        p95_ms=percentile(imports, 0.95),
        min_ms=min(imports),
        reps=len(rounds),
        queries=rounds[-1]["import"]["queries"],
    )
    scenario.size, scenario.rows = f"{rows:,} rows", rows
    scenario.extra.update(
        floor_ms=statistics.median(floors),
        cpu_s=median_of(rounds, "import", "cpu_seconds"),
        server_cpu_s=median_of(rounds, "import", "server_cpu_seconds"),
        floor_cpu_s=median_of(rounds, "floor", "cpu_seconds"),
        floor_server_cpu_s=median_of(rounds, "floor", "server_cpu_seconds"),
        ratio=round(ratio, 2),
        ratio_target=f"<= {BIG_IMPORT_TARGET_RATIO:.0f}x floor",
        ratio_pass=ratio <= BIG_IMPORT_TARGET_RATIO,
        peak_rss_mb=round(peak, 1),
        rss_before_mb=round(before, 1),
        memory_target=f"<= {BIG_IMPORT_TARGET_MB:.0f} MB",
        memory_pass=peak <= BIG_IMPORT_TARGET_MB,
        memory_method="peak RSS (VmHWM) of the import's own child process while it works",
        floor_peak_rss_mb=round(max(r["floor"]["rss_mb"] for r in rounds), 1),
        file_bytes=rounds[-1]["file_bytes"],
        imported=rounds[-1]["import"]["imported"],
        created_people=rounds[-1]["import"]["created_people"],
        audit_events=rounds[-1]["import"]["audit_events"],
    )


def median_of(rounds: list[dict[str, Any]], task: str, key: str) -> float | None:
    values = [r[task][key] for r in rounds if r[task].get(key) is not None]
    return round(statistics.median(values), 2) if values else None
