"""The importer: an import declares its columns, its row limit and its checks; the importer
reads the file, cleans every cell, runs the checks over the whole file, and stores all the
rows or none.

    spec = ImportSpec(columns=Columns([...]), row_limit=2000, header_key="id_number",
                      check=check_rows, write=store_rows)
    result = run_import(spec, upload, context, dry_run=False)

`check(rows, context)` adds problems to the rows and should read what it needs for the whole
file at once (a fixed number of queries, not some per row); `write(rows, context)` stores
them with bulk operations. Both run in one transaction, so what `check` read and locked still
holds when `write` stores; `write` runs only when no row has an error, and a dry run or any
error rolls everything back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from django.db import transaction

from xuetu.core.imports.cells import CELL_CHARS, CellError, too_long
from xuetu.core.imports.columns import Column, Columns
from xuetu.core.imports.objects import collector_paused
from xuetu.core.imports.result import ImportResult, Stored, Texts
from xuetu.core.imports.rows import FileRefused, Row
from xuetu.core.imports.sheet import Sheet, SheetRow, Upload, read_sheet

C = TypeVar("C")
PROGRESS_STEP = 500  # rows cleaned between two progress reports


class Progress(Protocol):
    """`xuetu.core.jobs.JobProgress` or a terminal bar. One that also has
    `refuse(message)` hears of a file refused for its size or shape (a job then fails)."""

    def start(self, total: int, message: str = "") -> None: ...

    def advance(self, count: int = 1) -> None: ...


class NoProgress:
    def start(self, total: int, message: str = "") -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass


@dataclass(frozen=True)
class ImportSpec(Generic[C]):
    """What one kind of import declares. `header_key` is the column whose header marks the
    header row; `row_limit` is the most data rows a file may hold (the reader stops there)."""

    columns: Columns
    row_limit: int
    header_key: str
    check: Callable[[list[Row], C], None]
    write: Callable[[list[Row], C], Stored]
    row_check: Callable[[Row], None] | None = None  # pure checks of one row's clean values
    texts: Texts = field(default_factory=Texts)
    result_type: type[ImportResult] = ImportResult


def run_import(
    spec: ImportSpec[C],
    source: Upload,
    context: C,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Reads, checks and (unless `dry_run` or any row has an error) stores the file. Raises
    `ImportFileError` when the file as a whole cannot be used; the result's problems name
    every bad cell otherwise."""
    progress = progress or NoProgress()
    try:
        sheet = read_sheet(
            source,
            columns=spec.columns,
            row_limit=spec.row_limit,
            header_key=spec.header_key,
            no_rows=spec.texts.no_rows,
        )
    except FileRefused as refused:
        refuse = getattr(progress, "refuse", None)
        if refuse is not None:
            refuse(refused.message)
        raise
    progress.start(len(sheet.rows), str(spec.texts.working))
    # Tens of thousands of live objects and no garbage among them: the cyclic collector's
    # passes over them are pure cost (reference counting still frees everything).
    with collector_paused():
        return _clean_check_store(spec, sheet, context, progress, dry_run)


def _clean_check_store(
    spec: ImportSpec[C], sheet: Sheet, context: C, progress: Progress, dry_run: bool
) -> ImportResult:
    rows = clean_rows(spec, sheet, progress)
    with transaction.atomic():
        spec.check(rows, context)
        result = spec.result_type(
            sheet=sheet,
            problems=[problem for row in rows for problem in row.problems],
            rows=len(rows),
            dry_run=dry_run,
            texts=spec.texts,
        )
        if result.ok and not dry_run:
            result.stored = spec.write(rows, context)
        else:
            transaction.set_rollback(True)
    return result


def clean_rows(spec: ImportSpec[C], sheet: Sheet, progress: Progress) -> list[Row]:
    readers = {column.key: CellReader(column) for column in spec.columns}
    rows = []
    for start in range(0, len(sheet.rows), PROGRESS_STEP):
        chunk = sheet.rows[start : start + PROGRESS_STEP]
        rows += [clean_row(spec, sheet, source, readers) for source in chunk]
        progress.advance(len(chunk))
    return rows


def clean_row(
    spec: ImportSpec[C], sheet: Sheet, source: SheetRow, readers: dict[str, CellReader]
) -> Row:
    row = Row(source.number, sheet, source.cells)
    for key, reader in readers.items():
        try:
            row.values[key] = reader.read(source.cells.get(key, ""))
        except CellError as error:
            row.add(key, error.message, code=error.code)
    if spec.row_check is not None:
        spec.row_check(row)
    return row


class CellReader:
    """A column's cells read for one import. Cleaners are pure, and a file repeats many
    values (the same category, contract dates, mentors on every row), so each distinct
    value is cleaned once; past `SIZE` distinct values (names, ID numbers) none is kept."""

    SIZE = 1000

    def __init__(self, column: Column) -> None:
        self.column = column
        self.seen: dict[tuple[type, Any], Any] = {}

    def read(self, value: Any) -> Any:
        key = (type(value), value)
        try:
            found = self.seen.get(key, _UNSEEN)
        except TypeError:  # unhashable: read every time
            return self.column.read(value)
        if found is _UNSEEN:
            found = self._outcome(value)
            if len(self.seen) < self.SIZE:
                self.seen[key] = found
        if isinstance(found, CellError):
            raise CellError(found.message, code=found.code)
        return found

    def _outcome(self, value: Any) -> Any:
        if isinstance(value, str) and len(value) > CELL_CHARS:
            return too_long()  # the reader cut it: what is left is not what the user wrote
        try:
            return self.column.read(value)
        except CellError as error:
            return error


_UNSEEN = object()
