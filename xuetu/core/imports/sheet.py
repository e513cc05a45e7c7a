"""Reading an upload: the one door every imported file goes through.

`read_sheet()` takes the upload (bytes, a path or an open file) and what the import declares
(its columns, its row limit) and returns the first sheet's header row and data rows, or raises
`ImportFileError` for a file that cannot be used at all. It runs in three steps, each the
single place where a guard belongs:

1. `guard.check_archive(data, …)`: is this an .xlsx at all, and one small enough to parse:
   what it unpacks to, how tightly it is packed, how many parts, the rows and columns its
   first sheet reaches (declared or used) against the import's row limit;
2. `parse_table(data, …)`: the parser (`parse.py`), run in a child process with a memory
   limit (`child.py`), stopping at the row limit, each cell cut at `CELL_CHARS` + 1
   characters and the whole table at `TEXT_PER_ROW` characters a row;
3. `_locate(table, columns)`: headers mapped to the declared columns.

A file refused for its size or shape raises `FileRefused` (its job fails); one that is not
an .xlsx, is damaged or lacks its header raises `ImportFileError`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Union

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override, pgettext

from xuetu.core.imports.cells import CELL_CHARS, is_blank
from xuetu.core.imports.child import Outcome, run_parser
from xuetu.core.imports.columns import Column, Columns
from xuetu.core.imports.guard import CORRUPT, Bounds, check_archive
from xuetu.core.imports.rows import FileRefused, ImportFileError
from xuetu.core.notices import in_languages
from xuetu.core.problems import say

Upload = Union[bytes, str, os.PathLike, IO[bytes]]  # noqa: UP007 (a runtime alias)

# People put a title such as "2026年焊工班学徒名册" above the header; look a little further.
HEADER_SEARCH_ROWS = 10
TEXT_PER_ROW = 2000  # characters a row may hold on average, over the whole table


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
    check_archive(data, bounds=Bounds(row_limit, HEADER_SEARCH_ROWS))
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


def parse_table(data: bytes, *, header_markers: frozenset[str], row_limit: int) -> Table:
    """The first sheet's rows up to the last data row, read in the child no further than
    `row_limit` data rows after the header: one more and the file is refused."""
    outcome = run_parser(
        data,
        markers=header_markers,
        row_limit=row_limit,
        header_rows=HEADER_SEARCH_ROWS,
        cell_chars=CELL_CHARS,
        text_budget=(row_limit + HEADER_SEARCH_ROWS) * TEXT_PER_ROW,
    )
    if outcome.answer is None:
        raise FileRefused(_too_large_to_read(), code="too_large")
    if outcome.refused:
        raise _refusal(outcome)
    return Table(header_row=outcome.answer["header_row"], rows=outcome.answer["rows"])


def _refusal(outcome: Outcome) -> ImportFileError:
    assert outcome.answer is not None
    limit = outcome.answer.get("max", 0)
    if outcome.refused == "too_many_rows":
        message = say(_("A file may hold at most %(max)s rows; split it."), max=limit)
        return FileRefused(message, code="too_many_rows")
    if outcome.refused == "too_much_text":
        message = say(
            _("The file holds more text than an import takes (%(max)s characters); split it."),
            max=f"{limit:,}",
        )
        return FileRefused(message, code="too_much_text")
    return ImportFileError(CORRUPT, code="corrupt")


def _too_large_to_read() -> Promise:
    return _(
        "Reading this file needs more memory than an import may use, so it is not imported. "
        "Save the rows to import in a new workbook and retry."
    )


def column_names(columns: Iterable[Column]) -> Promise:
    """The columns' names as a list in the reader's language (in Chinese their headers, in
    English their keys, as `Column.label`), kept for each language so a stored message can
    say them to every reader."""
    chosen = list(columns)
    names = {}
    for code, _name in settings.LANGUAGES:
        with override(code):
            names[code] = pgettext("list separator", ", ").join(c.label() for c in chosen)
    return in_languages(names)


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
    required = [column for column in columns if column.required]
    return ImportFileError(message, code="no_header", missing=column_names(required))


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
    missing = [c for c in declared if c.required and c.key not in columns]
    if missing:
        names = column_names(missing)
        message = say(_("Required columns are missing: %(columns)s."), columns=names)
        raise ImportFileError(message, code="missing_columns", missing=names)
    return columns, headers


def _cell(values: list[Any], index: int) -> Any:
    return values[index] if index < len(values) else ""
