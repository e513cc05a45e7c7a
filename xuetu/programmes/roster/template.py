"""The roster template users download, fill in and upload."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from xuetu.core.excel import HEADER_FILL, HEADER_FONT
from xuetu.programmes.choices import MentorKind
from xuetu.programmes.models import Cohort, Mentor
from xuetu.programmes.roster.checks import EXAMPLE_ID
from xuetu.programmes.roster.columns import COLUMNS
from xuetu.programmes.rules import add_months

TEMPLATE_ROWS = 1000  # rows that get the drop-downs
TEXT = "@"  # keeps 18-digit numbers as typed instead of 5.00105E+17
DATE = "yyyy-mm-dd"
FORMATS = {"id_number": TEXT, "phone": TEXT, "contract_start": DATE, "contract_end": DATE}
CATEGORY_CHOICES = ("新入职", "在岗", "转岗")
YES_NO = ("是", "否")
LISTS_SHEET = "lists"

# The instructions sheet shows Chinese and English side by side on purpose (a bilingual
# handout, whatever the user's language), so these are not run through gettext.
NOTES: dict[str, tuple[str, str]] = {
    "name": ("必填。与身份证上的姓名一致。", "Required. As on the ID card."),
    "id_number": (
        "必填。18位公民身份号码，末位可为X。本列为文本格式，请勿改为数字，否则Excel会把号码"
        "变成5.00105E+17并丢失末几位。15位旧号码仅在此人已用18位号码登记时接受。",
        "Required. The 18-character resident ID number (the last may be X). The column is "
        "text: keep it so, or Excel turns the number into 5.00105E+17 and loses its last "
        "digits. A 15-digit legacy number is accepted only for someone already registered "
        "with the 18-digit number.",
    ),
    "phone": ("选填。11位手机号码。", "Optional. An 11-digit mobile number."),
    "category": (
        "必填。新入职、在岗或转岗。",
        "Required. 新入职 (new hire), 在岗 (in post) or 转岗 (transferred); new_hire, "
        "in_post and transferred are accepted too.",
    ),
    "contract_start": (
        "必填。日期，如 2026-03-01、2026/3/1、2026.3.1 或 2026年3月1日。",
        "Required. A date: 2026-03-01, 2026/3/1, 2026.3.1 or 2026年3月1日.",
    ),
    "contract_end": (
        "无固定期限合同留空。劳动合同至少一年，并覆盖开班日期。",
        "Blank for an open-ended contract. The contract lasts at least a year and covers "
        "the start of the class.",
    ),
    "social_insurance": (
        "必填。是或否。",
        "Required. 是 or 否 (yes/no, Y/N, true/false and 1/0 are accepted too).",
    ),
    "enterprise_mentor": (
        "选填。企业导师的姓名或身份证号；重名时填身份证号。",
        "Optional. The enterprise mentor's name or ID number; the ID number when two "
        "mentors share a name.",
    ),
    "institution_mentor": (
        "选填。院校导师的姓名或身份证号。",
        "Optional. The institution teacher's name or ID number.",
    ),
}
GENERAL: tuple[tuple[str, str], ...] = (
    (
        "第一行为表头。列的顺序可以调整，其他列导入时忽略；也可使用英文表头"
        "（name, id_number, phone, category, contract_start, contract_end, social_insurance, "
        "enterprise_mentor, institution_mentor）。",
        "The first row holds the headers. Columns may be in any order and other columns are "
        "ignored; the English headers (name, id_number, …) are accepted too.",
    ),
    ("导入前请删除第2行的示例。", "Delete the example in row 2 before importing."),
    (
        "只要有一处错误，整个文件都不导入；错误报告列出每处错误所在的行和列。",
        "If any row has an error, nothing is imported; the report names the row and column "
        "of each problem.",
    ),
)


def roster_template(cohort: Cohort | None = None, *, language: str = "zh-hans") -> bytes:
    """The .xlsx template: header row, one example row, drop-downs, instructions sheet."""
    with override(language):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Roster")[:31]
        mentors = _mentor_names(cohort)
        _write_header(sheet)
        _write_example(sheet, cohort, mentors)
        _write_instructions(workbook.create_sheet(_("Instructions")[:31]))
        _add_drop_downs(workbook, sheet, mentors)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _mentor_names(cohort: Cohort | None) -> dict[str, list[str]]:
    """The names of the class's mentors, a name twice when two mentors share it."""
    if cohort is None:
        return {"enterprise_mentor": [], "institution_mentor": []}
    mentors = Mentor.objects.filter(is_active=True).select_related("person")

    def names(organisation_id: int, kind: str) -> list[str]:
        found = mentors.filter(organisation_id=organisation_id, kind=kind)
        return sorted(mentor.person.name for mentor in found)

    return {
        "enterprise_mentor": names(cohort.enterprise_id, MentorKind.ENTERPRISE),
        "institution_mentor": names(cohort.institution_id, MentorKind.INSTITUTION),
    }


def _example_mentor(names: list[str]) -> str:
    # A name two mentors share would make the example itself ambiguous.
    return next((name for name in names if names.count(name) == 1), "")


def _write_header(sheet: Worksheet) -> None:
    sheet.append([column.header for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(1, index)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if column.key in FORMATS:
            # The column's own format, so the rows the user types in are text or dates too.
            dimension.number_format = FORMATS[column.key]
    sheet.freeze_panes = "A2"


def _write_example(sheet: Worksheet, cohort: Cohort | None, mentors: dict[str, list[str]]) -> None:
    start = cohort.planned_start if cohort is not None else dt.date(2026, 3, 1)
    values: dict[str, Any] = {
        "name": "王小明（示例）",
        "id_number": EXAMPLE_ID,
        "phone": "13800000000",
        "category": CATEGORY_CHOICES[0],
        "contract_start": add_months(start, -2),
        "contract_end": add_months(start, 34) - dt.timedelta(days=1),
        "social_insurance": YES_NO[0],
        "enterprise_mentor": _example_mentor(mentors["enterprise_mentor"]),
        "institution_mentor": _example_mentor(mentors["institution_mentor"]),
    }
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(2, index, values[column.key])
        cell.font = Font(italic=True, color="808080")
        if column.key in FORMATS:
            cell.number_format = FORMATS[column.key]


def _add_drop_downs(workbook: Workbook, sheet: Worksheet, mentors: dict[str, list[str]]) -> None:
    prompt = _("Choose from the list.")
    lists: dict[str, tuple[str, bool]] = {
        "category": (_inline(CATEGORY_CHOICES), True),
        "social_insurance": (_inline(YES_NO), True),
    }
    if any(mentors.values()):
        names = workbook.create_sheet(LISTS_SHEET)
        names.sheet_state = "hidden"
        for offset, key in enumerate(("enterprise_mentor", "institution_mentor"), start=1):
            if mentors[key]:
                lists[key] = (_listed(names, offset, mentors[key]), False)
    for index, column in enumerate(COLUMNS, start=1):
        if column.key in lists:
            formula, strict = lists[column.key]
            sheet.add_data_validation(_validation(index, formula, strict=strict, prompt=prompt))


def _inline(choices: tuple[str, ...]) -> str:
    return '"' + ",".join(choices) + '"'


def _listed(sheet: Worksheet, column: int, names: list[str]) -> str:
    # Names go on a hidden sheet: an inline list is limited to 255 characters. Namesakes
    # appear once; the import asks for their ID number.
    names = sorted(set(names))
    for row, name in enumerate(names, start=1):
        sheet.cell(row, column, name)
    letter = get_column_letter(column)
    return f"={quote_sheetname(sheet.title)}!${letter}$1:${letter}${len(names)}"


def _validation(index: int, formula: str, *, strict: bool, prompt: str) -> DataValidation:
    # Mentors may also be given by ID number, so a value off the list is only a warning.
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        errorStyle="stop" if strict else "warning",
        showErrorMessage=True,
        showInputMessage=True,
        prompt=prompt,
        error=_("This value is not in the list."),
    )
    letter = get_column_letter(index)
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    return validation


def _write_instructions(sheet: Worksheet) -> None:
    sheet.append(["列 / Column", "说明", "Notes"])
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for column in COLUMNS:
        zh, en = NOTES[column.key]
        sheet.append([f"{column.header} ({column.key})", zh, en])
    sheet.append([])
    for zh, en in GENERAL:
        sheet.append(["", zh, en])
    for letter, width in (("A", 30), ("B", 60), ("C", 70)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
