"""Reading an uploaded roster: the first sheet, its header row and its data rows."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from xuetu.core.excel import read_rows
from xuetu.core.problems import say
from xuetu.programmes.roster.columns import COLUMNS, column_label, header_key
from xuetu.programmes.roster.problems import RosterFileError

# A class has tens or hundreds of apprentices; a bigger file is a mistake (a whole staff
# list), and one transaction over it would hold locks for too long.
MAX_ROWS = 2000
# People put a title such as "2026年焊工班学徒名册" above the header; look a little further.
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class SheetRow:
    number: int  # the Excel row number the user sees
    cells: dict[str, Any]  # by column key; "" for a column the file does not have


@dataclass(frozen=True)
class RosterSheet:
    header_row: int
    columns: dict[str, int]  # column key -> 0-based position in the file
    headers: dict[str, str]  # column key -> header as written in the file
    rows: list[SheetRow]
    raw: list[list[Any]]  # the first sheet as read, for a report when openpyxl cannot open it

    def header(self, key: str) -> str:
        return self.headers.get(key) or column_label(key)

    def position(self, key: str) -> int:
        return self.columns.get(key, len(self.raw[0]) if self.raw else 0)


def read_roster(data: bytes) -> RosterSheet:
    """The roster in `data`, or RosterFileError when the file as a whole cannot be used."""
    raw = _read_first_sheet(data)
    header_row = _find_header(raw)
    columns, headers = _map_headers(raw[header_row - 1])
    rows = [
        SheetRow(number, {key: _cell(values, index) for key, index in columns.items()})
        for number, values in enumerate(raw[header_row:], start=header_row + 1)
        if not all(_blank(value) for value in values)
    ]
    if not rows:
        raise RosterFileError(_("The file has a header row but no apprentices."), code="no_rows")
    if len(rows) > MAX_ROWS:
        message = say(_("A file may hold at most %(max)s rows; split it."), max=MAX_ROWS)
        raise RosterFileError(message, code="too_many_rows")
    return RosterSheet(header_row, columns, headers, rows, raw)


def _read_first_sheet(data: bytes) -> list[list[Any]]:
    _require_xlsx(data)
    try:
        return read_rows(data)
    except Exception as error:  # the reader raises several types for damaged files
        raise RosterFileError(_corrupt(), code="corrupt") from error


def _require_xlsx(data: bytes) -> None:
    # An .xlsx is a zip holding xl/workbook.xml; checked first so an .xls, a CSV or a PDF
    # gets "save it as .xlsx" rather than a reader's error.
    if not data.startswith(b"PK"):
        raise RosterFileError(_not_xlsx(), code="not_xlsx")
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, EOFError) as error:
        raise RosterFileError(_corrupt(), code="corrupt") from error
    if "xl/workbook.xml" not in names:
        raise RosterFileError(_not_xlsx(), code="not_xlsx")


def _not_xlsx() -> Any:
    return _("This is not an Excel .xlsx file. Save it as .xlsx (Excel workbook) and retry.")


def _corrupt() -> Any:
    return _("The file cannot be read; it may be damaged. Save it again as .xlsx and retry.")


def _find_header(raw: list[list[Any]]) -> int:
    for index, values in enumerate(raw[:HEADER_SEARCH_ROWS]):
        if any(header_key(value) == "id_number" for value in values):
            return index + 1
    message = _(
        "No header row: the first row must name the columns, e.g. 姓名, 身份证号, … "
        "(or name, id_number, …)."
    )
    raise RosterFileError(message, code="no_header")


def _map_headers(values: list[Any]) -> tuple[dict[str, int], dict[str, str]]:
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, value in enumerate(values):
        key = header_key(value)
        if key is None:
            continue  # extra columns (notes, department…) are the user's business
        if key in columns:
            message = say(_("The column %(header)s appears twice."), header=str(value).strip())
            raise RosterFileError(message, code="duplicate_column")
        columns[key], headers[key] = index, str(value).strip()
    missing = [f"{c.zh} ({c.key})" for c in COLUMNS if c.required and c.key not in columns]
    if missing:
        message = say(_("Required columns are missing: %(columns)s."), columns=", ".join(missing))
        raise RosterFileError(message, code="missing_columns")
    return columns, headers


def _cell(values: list[Any], index: int) -> Any:
    return values[index] if index < len(values) else ""


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
