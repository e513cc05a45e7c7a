"""Workbooks built by hand with zipfile, part by part, for the files no spreadsheet program
would write: a cell at the far corner, a million sparse rows, a string of 300 MB packed into
300 KB. Small crafted XML, made in the test; never a committed binary.

    data = workbook(sheet_xml(header_row(["姓名", "数量"]) + row(2, ["张三", "1"])))
    far_corner(["姓名", "数量"]), sparse_million_rows([...]), huge_string([...])
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    '+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxml'
    'formats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}">'
    f'<Relationship Id="rId1" Type="{RELATIONS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELATIONS}">'
    '<sheets><sheet name="名册" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}">'
    f'<Relationship Id="rId1" Type="{RELATIONS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELATIONS}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
NO_STRINGS = f'<sst xmlns="{MAIN}" count="0" uniqueCount="0"/>'


def cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def row(number: int, texts: Sequence[str], *, first_column: str = "A") -> str:
    start = ord(first_column)
    cells = "".join(cell(f"{chr(start + i)}{number}", text) for i, text in enumerate(texts))
    return f'<row r="{number}">{cells}</row>'


def sheet_xml(rows: str, *, dimension: str | None = None) -> str:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{declared}'
        f"<sheetData>{rows}</sheetData></worksheet>"
    )


def workbook(sheet: str, *, strings: str = NO_STRINGS, big_string: int = 0) -> bytes:
    """An .xlsx of one sheet; with `big_string`, the shared strings hold one string of that
    many characters, streamed into the zip so the test never holds it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if not big_string:
            archive.writestr("xl/sharedStrings.xml", strings)
            return _closed(archive, buffer)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>'.encode())
            chunk = b"A" * (1024 * 1024)
            for _ in range(big_string // len(chunk)):
                part.write(chunk)
            part.write(b"A" * (big_string % len(chunk)) + b"</t></si></sst>")
    return buffer.getvalue()


def _closed(archive: zipfile.ZipFile, buffer: io.BytesIO) -> bytes:
    archive.close()
    return buffer.getvalue()


def far_corner(headers: Sequence[str], *, declared: bool = True) -> bytes:
    """The header, and one cell at XFD1048576, the last cell a sheet can have (~1.8 KB)."""
    rows = row(1, headers) + f'<row r="1048576">{cell("XFD1048576", "x")}</row>'
    return workbook(sheet_xml(rows, dimension="A1:XFD1048576" if declared else None))


def sparse_million_rows(headers: Sequence[str], *, declared: bool = True) -> bytes:
    """The header, and a cell in column Z of row 1,000,000: a million sparse rows (~1.8 KB)."""
    rows = row(1, headers) + f'<row r="1000000">{cell("Z1000000", "x")}</row>'
    return workbook(sheet_xml(rows, dimension="A1:Z1000000" if declared else None))


def huge_string(
    headers: Sequence[str], data_row: Sequence[str], *, size: int = 300_000_000
) -> bytes:
    """The header and one row whose first cell is a shared string of `size` characters
    (300 MB packed into ~300 KB)."""
    texts = row(2, data_row[1:], first_column="B")[len('<row r="2">') : -len("</row>")]
    rows = row(1, headers) + f'<row r="2"><c r="A2" t="s"><v>0</v></c>{texts}</row>'
    return workbook(sheet_xml(rows, dimension=f"A1:{chr(64 + len(headers))}2"), big_string=size)
