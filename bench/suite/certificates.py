"""certificate_import_5k: an evaluation organisation's results file imported by the bureau
(core's importer with the certificates' columns and checks), a dry run that repeats, the
query count equal at 10 rows and at full size."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from suite.config import log
from suite.data import Data, IdNumbers, chinese_name
from suite.roster import checked, record_dry_run
from suite.scenarios import Bench

CERTIFICATE_IMPORT_ROWS = 5_000  # at scale 1


def results_xlsx(people: list[Any], occupation: str, first: int) -> bytes:
    """One level-3 skill level certificate per person, numbers in the published layout."""
    from openpyxl import Workbook

    from xuetu.certification.imports import COLUMNS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([column.header for column in COLUMNS])
    for i, person in enumerate(people):
        number = f"S000150000123243{first + i:06d}"
        kind, level, issuer = "职业技能等级证书", "三级/高级工", "重庆市职业技能鉴定指导中心"
        sheet.append(
            [person.id_number, person.name, kind, occupation, level, number, issuer, "2024-06-28"]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def holders(rows: int, area: str) -> list[Any]:
    from xuetu.registry.models import Person

    ids = IdNumbers(area, dt.date(1996, 1, 1))
    made = []
    for i in range(rows):
        number, birth, gender = ids.next()
        made.append(
            Person(name=chinese_name(i + 3), id_number=number, gender=gender, birth_date=birth)
        )
    return Person.objects.bulk_create(made, batch_size=2000)


def measure_certificate_import(bench: Bench, data: Data, rows: int, *, full: bool) -> None:
    from xuetu.accounts.models import User
    from xuetu.certification.imports import certificate_import

    log(f"5. certificate import, {rows} rows")
    people = holders(rows, "500109" if full else "500110")
    content = results_xlsx(people, data.occupation.code, first=100_000 if full else 0)

    def run() -> Any:
        user = User.objects.get(pk=data.world.users["bureau"].pk)
        return checked(certificate_import(by=user, data=content, dry_run=True), rows)

    scenario = record_dry_run(
        bench,
        "certificate_import_5k",
        "Certificate import (dry run)",
        run,
        rows,
        len(content),
        full=full,
    )
    if scenario is not None:
        log(f"  {scenario.rows_per_s:.0f} rows/s")
