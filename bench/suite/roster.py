"""Roster files, and the 500-row roster import: a dry run that repeats, then one real import."""

from __future__ import annotations

import datetime as dt
import gc
import io
import math
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from suite.config import log
from suite.data import CONTRACT_END, CONTRACT_START, Data, IdNumbers, bulk_mentors, chinese_name
from suite.measure import Timing, count_queries
from suite.scenarios import Bench

EXPECTED_HEADERS = [
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


def roster_xlsx(
    rows: int,
    *,
    ids: IdNumbers,
    mentors: Sequence[Any],
    per_mentor: int,
    teacher: Any,
    path: Path | None = None,
) -> bytes:
    """A roster as the template has it (its nine Chinese headers, ID numbers as text): `rows`
    distinct people with valid ID numbers, `per_mentor` apprentices per enterprise mentor and
    one teacher, all named by ID number. Written to `path` too when given."""
    from openpyxl import Workbook

    from xuetu.programmes.roster import TEMPLATE_HEADERS

    if list(TEMPLATE_HEADERS) != EXPECTED_HEADERS:
        raise RuntimeError(f"the roster template's headers changed: {TEMPLATE_HEADERS}")
    workbook = Workbook(write_only=True)  # a fraction of the time and memory for 20,000 rows
    sheet = workbook.create_sheet()
    sheet.append(EXPECTED_HEADERS)
    for i in range(rows):
        sheet.append(roster_line(sheet, i, ids, mentors[i // per_mentor], teacher))
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    if path is not None:
        path.write_bytes(content)
    return content


def roster_line(sheet: Any, i: int, ids: IdNumbers, mentor: Any, teacher: Any) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell

    number, _birth, _gender = ids.next()
    id_cell = WriteOnlyCell(sheet, value=number)
    id_cell.number_format = "@"  # ID numbers as text, as the template has them
    category = ("新入职", "在岗", "转岗")[i % 3]
    phone = f"139{i % 10**8:08d}"
    mentors = [mentor.person.id_number, teacher.person.id_number]
    return [
        chinese_name(i + 7),
        id_cell,
        phone,
        category,
        CONTRACT_START,
        CONTRACT_END,
        "是",
        *mentors,
    ]


def importer(data: Data, content: bytes, rows: int, *, dry_run: bool) -> Callable[[], Any]:
    from xuetu.accounts.models import User
    from xuetu.programmes.models import Cohort
    from xuetu.programmes.roster import roster_import

    def run() -> Any:
        # Each run as a request makes it: the user and the class read afresh.
        user = User.objects.get(pk=data.world.users["enterprise"].pk)
        cohort = Cohort.objects.get(pk=data.import_cohort.pk)
        result = roster_import(by=user, cohort=cohort, data=content, dry_run=dry_run)
        return checked(result, rows)

    return run


def checked(result: Any, rows: int) -> Any:
    if not result.ok or result.rows != rows:
        problems = "; ".join(f"row {p.row} {p.column}: {p.message}" for p in result.problems[:5])
        raise RuntimeError(f"import refused ({len(result.problems)} problems): {problems}")
    return result


def measure_import(bench: Bench, data: Data, rows: int, *, full: bool) -> None:
    log(f"4. roster import, {rows} rows")
    prepare_import(data, rows)
    ids = IdNumbers("500108", dt.date(2000, 1, 1))
    content = roster_xlsx(
        rows, ids=ids, mentors=data.import_mentors, per_mentor=10, teacher=data.import_teacher
    )
    scenario = record_dry_run(
        bench,
        "roster_import_dry",
        "Roster import (dry run)",
        importer(data, content, rows, dry_run=True),
        rows,
        len(content),
        full=full,
    )
    if scenario is None:
        return
    log(f"  {scenario.rows_per_s:.0f} rows/s; now one real import")
    measure_real_import(bench, importer(data, content, rows, dry_run=False), rows)


def record_dry_run(
    bench: Bench,
    key: str,
    label: str,
    run: Callable[[], Any],
    rows: int,
    file_bytes: int,
    *,
    full: bool,
) -> Any:
    """An import's dry run, timed: its rows per second at full size, or None (at 10 rows,
    or when it failed)."""
    scenario = bench.record(
        key,
        label,
        run,
        full=full,
        size=f"{rows} rows",
        kind="import",
        reps=bench.args.slow_reps if full else 1,
    )
    if scenario is None:
        return None
    if not full:
        scenario.small_rows = rows
        return None
    scenario.rows = rows
    scenario.rows_per_s = rows / (scenario.full.median_ms / 1000)
    scenario.extra["file_bytes"] = file_bytes
    return scenario


def measure_real_import(bench: Bench, run: Callable[[], Any], rows: int) -> None:
    real = bench.scenario("roster_import_real", "Roster import (stored)", "import")
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
