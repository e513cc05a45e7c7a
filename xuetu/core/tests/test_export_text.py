"""Everything we write into a spreadsheet is data: a string is text, never a formula, and a
control character in a name never stops an export."""

from __future__ import annotations

import io
import zipfile

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from xuetu.core.excel import clean_text, read_rows, write_xlsx

LINK = '=HYPERLINK("https://evil.example","x")'


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def test_a_name_that_looks_like_a_formula_is_written_as_text():
    data = write_xlsx(["姓名", LINK], [[LINK], ["+86 138"], ["-"], ["@SUM(A1)"], [3]])
    assert "<f>" not in sheet_xml(data)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.cell(1, 2).value == LINK and sheet.cell(2, 1).value == LINK
    assert [sheet.cell(row, 1).data_type for row in range(2, 6)] == ["s", "s", "s", "s"]
    assert sheet.cell(2, 1).quotePrefix and sheet.cell(6, 1).value == 3
    assert read_rows(data)[1] == [LINK, ""]


def test_a_control_character_in_a_name_is_dropped_and_the_export_is_written():
    data = write_xlsx(["姓名"], [["张\x0b三"], ["a\x00b\x1fc\x7fd\x85e"], ["一\t二\r\n三"]])
    assert [row[0] for row in read_rows(data)[1:]] == ["张三", "abcde", "一\t二\n三"]


@given(st.text())
def test_any_text_survives_a_round_trip_as_its_cleaned_self(text):
    cleaned = clean_text(text)
    data = write_xlsx(["x"], [[text]])
    read = read_rows(data)
    assert (read[1][0] if len(read) > 1 else "") == cleaned
    assert "<f>" not in sheet_xml(data)
