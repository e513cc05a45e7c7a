"""The archive check: what an .xlsx may be before any parser sees it.

An .xlsx is a zip of XML parts, and a 2 KB one can declare a cell at XFD1048576 (the reader
then asks for 512 GB), a million rows, or a 300 MB string packed a thousand to one. Every
part is unpacked here as a stream, counting the bytes it really holds (the sizes the zip
declares may lie): at most `MAX_UNPACKED` bytes in all, no part packed tighter than
`MAX_RATIO` to one, at most `MAX_PARTS` parts. The worksheets are read on the way, by expat,
for the rows and columns they use and declare (`<dimension ref=…>`): the first sheet, the
one imported, may reach no row past the import's bound and no column past `MAX_COLUMNS`; all
sheets together hold at most as many cells as that sheet may (the error copy opens them all).
Memory stays flat whatever the file: one chunk at a time, no tree is built.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

from django.utils.translation import gettext_lazy as _

from xuetu.core.imports.rows import FileRefused, ImportFileError
from xuetu.core.problems import say

MAX_UNPACKED = 50 * 1024 * 1024
MAX_RATIO = 100  # a real sheet packs 5 to 30 to one; only parts past RATIO_FLOOR are held
RATIO_FLOOR = 1024 * 1024
MAX_PARTS = 500
MAX_COLUMNS = 100
CHUNK = 64 * 1024
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")

# Messages ------------------------------------------------------------------------------------
NOT_XLSX = _("This is not an Excel .xlsx file. Save it as .xlsx (Excel workbook) and retry.")
CORRUPT = _("The file cannot be read; it may be damaged. Save it again as .xlsx and retry.")
TOO_MANY_PARTS = _("The file holds more than %(max)s parts; a spreadsheet to import has far fewer.")
TOO_LARGE = _(
    "The file unpacks to more than %(size)s MB; a spreadsheet to import is far smaller. "
    "Keep only the sheet to import, without pictures, and retry."
)
PACKED = _(
    "The file is packed far more tightly than a spreadsheet can be, so it is not "
    "imported. Save the rows to import in a new workbook and retry."
)
TOO_MANY_ROWS = _(
    "The first sheet reaches row %(row)s; a file may hold at most %(max)s rows. Delete "
    "the empty rows below the data, or split the file."
)
TOO_MANY_COLUMNS = _(
    "The first sheet reaches column %(column)s; a file may have at most %(max)s columns. "
    "Delete the columns to the right of the data."
)
TOO_MANY_CELLS = _(
    "The workbook's sheets hold more than %(max)s cells in all; keep only the sheet to "
    "import and retry."
)


@dataclass(frozen=True)
class Bounds:
    row_limit: int  # the import's data rows
    header_rows: int  # the top rows where the header may be
    columns: int = MAX_COLUMNS

    @property
    def rows(self) -> int:
        """The last row the first sheet may reach."""
        return self.row_limit + self.header_rows

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def check_archive(data: bytes, *, bounds: Bounds) -> None:
    """Raises `ImportFileError` for a file that is not an .xlsx or is damaged, and
    `FileRefused` for one too big or too oddly shaped to hand to a parser."""
    archive = _open(data)
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise FileRefused(say(TOO_MANY_PARTS, max=MAX_PARTS), code="too_many_parts")
    first = _first_sheet(archive)
    counter = _Counter(len(data))
    cells = 0
    for part in parts:
        scan = _SheetScan(bounds if part.filename == first else None) if _is_sheet(part) else None
        _unpack(archive, part, counter, scan.parser if scan else None)
        if scan is not None:
            cells += scan.cells
            if cells > bounds.cells:
                message = say(TOO_MANY_CELLS, max=f"{bounds.cells:,}")
                raise FileRefused(message, code="too_many_cells")


def _open(data: bytes) -> zipfile.ZipFile:
    if not data.startswith(b"PK"):
        raise ImportFileError(NOT_XLSX, code="not_xlsx")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError) as error:
        raise ImportFileError(CORRUPT, code="corrupt") from error
    if WORKBOOK not in archive.namelist():
        raise ImportFileError(NOT_XLSX, code="not_xlsx")
    return archive


def _is_sheet(part: zipfile.ZipInfo) -> bool:
    return part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml")


class _Counter:
    """The bytes every part really unpacks to, in all and per part."""

    def __init__(self, size: int) -> None:
        self.size, self.total = size, 0

    def add(self, part: zipfile.ZipInfo, unpacked: int, count: int) -> None:
        self.total += count
        if self.total > MAX_UNPACKED:
            message = say(TOO_LARGE, size=MAX_UNPACKED // (1024 * 1024))
            raise FileRefused(message, code="too_large")
        packed = max(1, min(part.compress_size, self.size))
        if unpacked > RATIO_FLOOR and unpacked > MAX_RATIO * packed:
            raise FileRefused(PACKED, code="packed")


def _unpack(
    archive: zipfile.ZipFile, part: zipfile.ZipInfo, counter: _Counter, parser: Any = None
) -> None:
    """Streams one part through the counter and, when given, an expat parser."""
    unpacked = 0
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(CHUNK):
                unpacked += len(chunk)
                counter.add(part, unpacked, len(chunk))
                if parser is not None:
                    parser.Parse(chunk, False)
        if parser is not None:
            parser.Parse(b"", True)
    except (zipfile.BadZipFile, EOFError, RuntimeError, NotImplementedError, ValueError,
            OSError, zlib.error, expat.ExpatError) as error:  # fmt: skip
        raise ImportFileError(CORRUPT, code="corrupt") from error


def _first_sheet(archive: zipfile.ZipFile) -> str:
    """The part of the workbook's first sheet (the one the reader imports): the workbook
    names it by relation id, the workbook's relations by path."""
    found: dict[str, str] = {}

    def workbook(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "sheet" and "id" not in found:
            found["id"] = next((v for k, v in attrs.items() if _local(k) == "id"), "")

    def relations(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "Relationship" and attrs.get("Id") == found.get("id"):
            found["target"] = attrs.get("Target", "")

    _read_small(archive, WORKBOOK, workbook)
    if WORKBOOK_RELS in archive.namelist():
        _read_small(archive, WORKBOOK_RELS, relations)
    target = found.get("target", "worksheets/sheet1.xml")
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join("xl", target))


def _read_small(archive: zipfile.ZipFile, name: str, handler: Any) -> None:
    parser = _parser()
    parser.StartElementHandler = handler
    # Read again in the main pass, where it counts towards the total.
    _unpack(archive, archive.getinfo(name), _Counter(MAX_UNPACKED), parser)


def _parser() -> Any:
    """expat with no document type: an .xlsx has none, and entities could multiply text."""
    parser = expat.ParserCreate()

    def refuse(*_args: Any) -> None:
        raise expat.ExpatError("a document type declaration")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


class _SheetScan:
    """The rows and columns one worksheet uses, read from its XML as it streams. With
    `bounds` (the first sheet), it stops at the first row or column past them."""

    def __init__(self, bounds: Bounds | None) -> None:
        self.bounds, self.cells, self.row, self.column = bounds, 0, 0, 0
        self.parser = _parser()
        self.parser.StartElementHandler = self.start

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "c":
            self.cells += 1
            row, column = _position(attrs.get("r"), self.row, self.column + 1)
            self.column = column
            self._hold(row, column)
        elif local == "row":
            reference = attrs.get("r", "")
            self.row = int(reference) if reference.isdigit() else self.row + 1
            self.column = 0
            self._hold(self.row, 1)
        elif local == "dimension":
            last = attrs.get("ref", "").rpartition(":")[2]
            self._hold(*_position(last, 1, 1))

    def _hold(self, row: int, column: int) -> None:
        if self.bounds is None:
            return
        if row > self.bounds.rows:
            message = say(TOO_MANY_ROWS, row=f"{row:,}", max=self.bounds.row_limit)
            raise FileRefused(message, code="too_many_rows")
        if column > self.bounds.columns:
            message = say(TOO_MANY_COLUMNS, column=_letters(column), max=self.bounds.columns)
            raise FileRefused(message, code="too_many_columns")


def _position(reference: str | None, row: int, column: int) -> tuple[int, int]:
    """(row, column) of a reference such as "XFD1048576"; the defaults for none."""
    match = _REFERENCE.fullmatch(reference or "")
    if match is None:
        return row, column
    letters, digits = match.groups()
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return int(digits), number


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _local(name: str) -> str:
    return name.rpartition(":")[2]
