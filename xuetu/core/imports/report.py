"""The downloadable report: a copy of the uploaded file with an error column and the bad cells
filled red, so the user fixes their own file (with their own extra columns) and uploads it
again. What we write (the messages, which quote the file's headers, and the values of a file
openpyxl cannot open) is text, never a formula (`xuetu.core.excel.put`)."""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from xuetu.core.excel import put, write_row
from xuetu.core.imports.result import ImportResult
from xuetu.core.imports.rows import WARNING, RowProblem
from xuetu.core.imports.sheet import HEADER_SEARCH_ROWS, Upload, upload_bytes
from xuetu.core.notices import message_text
from xuetu.core.problems import say

ERROR_HEADER = "错误 / Errors"
ERROR_COLOUR = "FFC7CE"  # Excel's own "bad" red, light enough to read the value through
ERROR_FILL = PatternFill("solid", fgColor=ERROR_COLOUR)
NO_FILL = PatternFill(fill_type=None)


def error_workbook(data: Upload, result: ImportResult) -> bytes:
    """The uploaded file with `错误 / Errors` filled in per row and the bad cells in red."""
    workbook = _open(upload_bytes(data), result)
    sheet = workbook.worksheets[0]
    header_row = result.sheet.header_row
    column = _error_column(sheet, header_row)
    _clear_previous_report(sheet, column, header_row)
    for row_number, problems in _by_row(result.problems).items():
        lines = (_line(p.header, p.message, p.is_error) for p in problems)
        cell = put(sheet.cell(row_number, column), "\n".join(lines))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        for problem in problems:
            if problem.is_error and problem.column in result.sheet.columns:
                sheet.cell(row_number, result.sheet.columns[problem.column] + 1).fill = ERROR_FILL
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _open(data: bytes, result: ImportResult) -> Workbook:
    try:
        return load_workbook(io.BytesIO(data))
    except Exception:  # openpyxl is stricter than the reader; fall back to the values
        workbook = Workbook()
        for number, values in enumerate(result.sheet.raw, start=1):
            write_row(workbook.active, number, values)
        return workbook


def _error_column(sheet: Worksheet, header_row: int) -> int:
    """The file's own error column when it is a report uploaded again, else a new one."""
    width = sheet.max_column
    for index in range(1, width + 1):
        if sheet.cell(header_row, index).value == ERROR_HEADER:
            return index
    header = sheet.cell(header_row, width + 1, ERROR_HEADER)
    header.font = Font(bold=True, color="9C0006")
    sheet.column_dimensions[get_column_letter(width + 1)].width = 60
    return width + 1


def _clear_previous_report(sheet: Worksheet, column: int, header_row: int) -> None:
    # A corrected report comes back with last time's messages and red cells; only this
    # run's problems should show.
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            if cell.column == column:
                cell.value = None
            elif (cell.fill.fgColor.rgb or "").endswith(ERROR_COLOUR):
                cell.fill = NO_FILL


def _by_row(problems: list[RowProblem]) -> dict[int, list[RowProblem]]:
    rows: dict[int, list[RowProblem]] = defaultdict(list)
    for problem in problems:
        rows[problem.row].append(problem)
    return dict(sorted(rows.items()))


def _line(header: str, message: Any, is_error: bool) -> str:
    text = say(_("%(column)s: %(problem)s"), column=header, problem=message)
    if is_error:
        return str(text)
    return str(say(_("Warning: %(text)s"), text=text))


def error_workbook_in_language(data: bytes, problems: list[dict[str, Any]]) -> bytes:
    """A stored error copy with its error column written again in the language active now
    (the report of a job, whose `problems` keep each message as an id and parameters), so
    whoever downloads it reads it in their language. The red cells stay as they are."""
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    found = _find_error_header(sheet)
    if found is None:
        return data
    header_row, column = found
    for row in sheet.iter_rows(min_row=header_row + 1, min_col=column, max_col=column):
        row[0].value = None
    by_row: dict[int, list[str]] = defaultdict(list)
    for problem in problems:
        message = message_text(problem.get("text", problem.get("message", "")))
        line = _line(problem.get("column", ""), message, problem.get("level") != WARNING)
        by_row[int(problem["row"])].append(line)
    for number, lines in by_row.items():
        cell = put(sheet.cell(number, column), "\n".join(lines))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _find_error_header(sheet: Worksheet) -> tuple[int, int] | None:
    for row in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS):
        for cell in row:
            if cell.value == ERROR_HEADER:
                return cell.row, cell.column
    return None
