"""Spreadsheet imports for every app: an import declares its columns (key, headers, cleaner,
whether required), its row limit and its checks; core reads the file, cleans the cells,
reports every problem row by row, writes the error copy, and stores all rows or none.

    from xuetu.core.imports import Column, Columns, ImportSpec, cells, run_import

    SPEC = ImportSpec(
        columns=Columns([Column("name", "姓名", cells.person_name(max_length=60)), ...]),
        row_limit=2000,
        header_key="name",
        check=check_rows,    # (rows, context) -> None: adds problems, set-based
        write=store_rows,    # (rows, context) -> Stored: bulk writes
    )
    result = run_import(SPEC, upload, context, dry_run=False, progress=job_progress)
    result.ok, result.report(), error_workbook(upload, result)

Modules: `sheet` (the one reading entry point), `guard` (the archive checked before any
parser runs), `parse` and `child` (the parser, in a child process with a memory limit),
`cells` (cleaners), `columns`, `rows`
(problems on rows), `importer` (the spec and the run), `result`, `report` (the error copy),
`objects` (new objects built fast and checked without queries), `bulk` (lookups in slices;
bulk inserts of new objects and of rows nobody needs the ids of, by COPY or executemany;
one audit event per created object).
"""

from xuetu.core.imports import cells
from xuetu.core.imports.bulk import (
    audit_created,
    create_audited,
    in_slices,
    insert_objects,
    insert_rows,
)
from xuetu.core.imports.cells import CellError
from xuetu.core.imports.columns import Column, Columns
from xuetu.core.imports.importer import ImportSpec, NoProgress, Progress, run_import
from xuetu.core.imports.objects import FieldChecks, Maker
from xuetu.core.imports.report import ERROR_COLOUR, ERROR_HEADER, error_workbook
from xuetu.core.imports.result import ImportResult, Stored, Texts
from xuetu.core.imports.rows import (
    ERROR,
    WARNING,
    FileRefused,
    ImportFileError,
    Row,
    RowProblem,
    flag_duplicates,
    validation_problems,
)
from xuetu.core.imports.sheet import HEADER_SEARCH_ROWS, Sheet, Upload, read_sheet

__all__ = [
    "ERROR",
    "ERROR_COLOUR",
    "ERROR_HEADER",
    "HEADER_SEARCH_ROWS",
    "WARNING",
    "CellError",
    "Column",
    "Columns",
    "FieldChecks",
    "FileRefused",
    "ImportFileError",
    "ImportResult",
    "ImportSpec",
    "Maker",
    "NoProgress",
    "Progress",
    "Row",
    "RowProblem",
    "Sheet",
    "Stored",
    "Texts",
    "Upload",
    "audit_created",
    "cells",
    "create_audited",
    "error_workbook",
    "flag_duplicates",
    "in_slices",
    "insert_objects",
    "insert_rows",
    "read_sheet",
    "run_import",
    "validation_problems",
]
