"""Spreadsheets: openpyxl writes, python-calamine reads.

Whatever we write, a string is text: openpyxl makes a formula of any string that starts with
"=" (a name `=HYPERLINK("https://evil.example","x")` would be a live link in an export), and
refuses control characters (one `\x0b` in a name would fail every export holding it). So
every string goes through `put()`: control characters dropped (tab and newline kept), the
cell typed as a string, and one that starts like a formula marked with Excel's quote prefix
so that editing it keeps it text.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
# C0 and C1 controls but tab and newline, lone surrogates, and the two non-characters XML
# cannot carry.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
FORMULA_STARTS = ("=", "+", "-", "@")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
# Excel refuses these in a sheet's name.
_SHEET_NAME_REFUSES = re.compile(r"[\\/*?:\[\]]")


def clean_text(text: str) -> str:
    """A string as a cell can hold it: control characters dropped, CR LF as LF; a cell of
    nothing but spaces, tabs and line breaks is empty (a spreadsheet keeps none of them)."""
    cleaned = _CONTROL.sub("", text.replace("\r\n", "\n"))
    return cleaned if cleaned.strip(" \t\n") else ""


def cell_value(value: Any) -> Any:
    """A value as a cell takes it: text cleaned, a lazy translation rendered."""
    if isinstance(value, Promise):
        value = str(value)
    return clean_text(value) if isinstance(value, str) else value


def put(cell: Cell, value: Any) -> Cell:
    """Writes `value` into `cell`; a string always as text, never as a formula; a date as
    an Excel date shown as yyyy-mm-dd (a reader can sort and filter by it)."""
    cell.value = value = cell_value(value)
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    elif isinstance(value, dt.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    return cell


def write_row(sheet: Worksheet, number: int, values: Iterable[Any]) -> None:
    """Row `number` of `sheet`, each string written as text."""
    for column, value in enumerate(values, start=1):
        put(sheet.cell(number, column), value)


def write_xlsx(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "Sheet1"
) -> bytes:
    """A one-sheet workbook with a bold, frozen header row; every cell written as given,
    strings as text (ID numbers stay text, so Excel cannot turn them into 5.001e+17; a name
    that looks like a formula stays a name)."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = sheet_title(title)
    write_row(sheet, 1, [str(h) for h in headers])
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    widths = [len(str(h)) * 2 + 2 for h in headers]
    for number, row in enumerate(rows, start=2):
        write_row(sheet, number, row)
        for i, value in enumerate(row):
            widths[i] = max(widths[i], min(len(str(value or "")) + 2, 60))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_title(title: Any) -> str:
    """A sheet's name as Excel takes it: at most 31 characters, none of \\ / * ? : [ ]."""
    name = _SHEET_NAME_REFUSES.sub(" ", clean_text(str(title))).strip()[:31]
    return name or "Sheet1"


def read_rows(data: bytes) -> list[list[Any]]:
    """All rows of the first sheet, as python-calamine gives them."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
