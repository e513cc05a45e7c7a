"""Reading an upload: the one door every imported file goes through.

`read_sheet()` takes the upload (bytes, a path or an open file) and what the import declares
(its columns, its row limit) and returns the first sheet's header row and data rows, or raises
`ImportFileError` for a file that cannot be used at all. It runs in three steps, each the
single place where a guard belongs:

1. `check_archive(data)`: is this an .xlsx at all (later: total uncompressed size,
   compression ratio, the sheet's declared dimension against the row limit);
2. `parse_table(data, …)`: the parser, a pure function from bytes to plain lists that stops
   at the row limit (later: the per-cell length cap, and the same call in a child process
   with a memory limit — its arguments and its result are plain, picklable values);
3. `_locate(table, columns)`: headers mapped to the declared columns.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Union

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xuetu.core.imports.cells import is_blank
from xuetu.core.imports.columns import Columns
from xuetu.core.imports.rows import ImportFileError
from xuetu.core.problems import say

Upload = Union[bytes, str, os.PathLike, IO[bytes]]  # noqa: UP007 (a runtime alias)

# People put a title such as "2026年焊工班学徒名册" above the header; look a little further.
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True, slots=True)
class SheetRow:
    number: int  # the Excel row number the user sees
    cells: dict[str, Any]  # by column key; "" for a column the file does not have


@dataclass(frozen=True)
class Table:
    """The parser's plain result: every row up to the last data row, and where the header is."""

    header_row: int  # 1-based; 0 when none of the top rows names the marked column
    rows: list[list[Any]]


@dataclass(frozen=True)
class Sheet:
    header_row: int
    columns: dict[str, int]  # column key -> 0-based position in the file
    headers: dict[str, str]  # column key -> header as written in the file
    rows: list[SheetRow]
    raw: list[list[Any]]  # the first sheet as read, for a report when openpyxl cannot open it
    declared: Columns

    def header(self, key: str) -> str:
        if key in self.headers:
            return self.headers[key]
        return self.declared[key].label() if key in self.declared else key

    def position(self, key: str) -> int:
        return self.columns.get(key, len(self.raw[0]) if self.raw else 0)


def read_sheet(
    source: Upload, *, columns: Columns, row_limit: int, header_key: str, no_rows: str | Promise
) -> Sheet:
    """The first sheet of `source`: the header row is the first of the top rows that names
    the column `header_key`; at most `row_limit` data rows (blank rows do not count)."""
    data = upload_bytes(source)
    check_archive(data)
    markers = frozenset(h.casefold() for h in columns[header_key].headers)
    table = parse_table(data, header_markers=markers, row_limit=row_limit)
    if not table.header_row:
        raise _no_header(columns)
    sheet = _locate(table, columns)
    if not sheet.rows:
        raise ImportFileError(no_rows, code="no_rows")
    return sheet


def upload_bytes(source: Upload) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | os.PathLike):
        return Path(source).read_bytes()
    if hasattr(source, "seek"):
        source.seek(0)
    return source.read()


def check_archive(data: bytes) -> None:
    """An .xlsx is a zip holding xl/workbook.xml; checked first so an .xls, a CSV or a PDF
    gets "save it as .xlsx" rather than a reader's error."""
    if not data.startswith(b"PK"):
        raise ImportFileError(_not_xlsx(), code="not_xlsx")
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, EOFError) as error:
        raise ImportFileError(_corrupt(), code="corrupt") from error
    if "xl/workbook.xml" not in names:
        raise ImportFileError(_not_xlsx(), code="not_xlsx")


def _not_xlsx() -> Promise:
    return _("This is not an Excel .xlsx file. Save it as .xlsx (Excel workbook) and retry.")


def _corrupt() -> Promise:
    return _("The file cannot be read; it may be damaged. Save it again as .xlsx and retry.")


def parse_table(data: bytes, *, header_markers: frozenset[str], row_limit: int) -> Table:
    """The first sheet's rows up to the last data row, read no further than `row_limit` data
    rows after the header: one more and the file is refused."""
    rows = _calamine_rows(data)
    head = _rows_to_header(rows, header_markers)
    if head is None:
        return Table(header_row=0, rows=[])
    kept, pending, count = list(head), [], 0
    for values in rows:
        if all(is_blank(value) for value in values):
            pending.append(values)  # kept only if a data row follows
            continue
        count += 1
        if count > row_limit:
            message = say(_("A file may hold at most %(max)s rows; split it."), max=row_limit)
            raise ImportFileError(message, code="too_many_rows")
        kept += pending
        kept.append(values)
        pending = []
    return Table(header_row=len(head), rows=kept)


def _calamine_rows(data: bytes) -> Iterator[list[Any]]:
    """The first sheet's rows from A1, converted one at a time as they are asked for."""
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        rows = sheet.iter_rows()
        # Rows start at row 1, but columns at the first used one: put back the empty ones.
        left = [""] * sheet.start[1] if sheet.start else []
    except Exception as error:  # the reader raises several types for damaged files
        raise ImportFileError(_corrupt(), code="corrupt") from error
    return (left + values if left else values for values in _guarded(rows))


def _guarded(rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    try:
        yield from rows
    except Exception as error:
        raise ImportFileError(_corrupt(), code="corrupt") from error


def _rows_to_header(rows: Iterator[list[Any]], markers: frozenset[str]) -> list[list[Any]] | None:
    """The rows down to the header row, or None when no top row is a header."""
    head: list[list[Any]] = []
    for values in rows:
        head.append(values)
        if any(isinstance(v, str) and v.strip().casefold() in markers for v in values):
            return head
        if len(head) == HEADER_SEARCH_ROWS:
            break
    return None


def _no_header(columns: Columns) -> ImportFileError:
    first = columns.all[:2]
    message = say(
        _(
            "No header row: the first row must name the columns, e.g. %(headers)s, … "
            "(or %(keys)s, …)."
        ),
        headers=", ".join(c.header for c in first),
        keys=", ".join(c.key for c in first),
    )
    return ImportFileError(message, code="no_header")


def _locate(table: Table, declared: Columns) -> Sheet:
    columns, headers = _map_headers(table.rows[table.header_row - 1], declared)
    rows = [
        SheetRow(number, {key: _cell(values, index) for key, index in columns.items()})
        for number, values in enumerate(table.rows[table.header_row :], start=table.header_row + 1)
        if not all(is_blank(value) for value in values)
    ]
    return Sheet(table.header_row, columns, headers, rows, table.rows, declared)


def _map_headers(values: list[Any], declared: Columns) -> tuple[dict[str, int], dict[str, str]]:
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, value in enumerate(values):
        key = declared.key_of(value)
        if key is None:
            continue  # extra columns (notes, department…) are the user's business
        if key in columns:
            message = say(_("The column %(header)s appears twice."), header=str(value).strip())
            raise ImportFileError(message, code="duplicate_column")
        columns[key], headers[key] = index, str(value).strip()
    missing = [f"{c.header} ({c.key})" for c in declared if c.required and c.key not in columns]
    if missing:
        message = say(_("Required columns are missing: %(columns)s."), columns=", ".join(missing))
        raise ImportFileError(message, code="missing_columns")
    return columns, headers


def _cell(values: list[Any], index: int) -> Any:
    return values[index] if index < len(values) else ""
