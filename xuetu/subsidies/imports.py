"""Subsidy history import (issue 10, item 8): past subsidy payments, imported by the city
bureau through core's importer (`xuetu.core.imports`) into the grant register, so the rules
`not_subsidised_before` and `once_per_year` (and a filing's roster check, through
programmes.hooks.PRIOR_SUBSIDIES) see real history from the first day.

    result = history_import(by=user, data=upload)      # all rows, or none
    result.ok, result.report()

Columns: the resident ID number (GB 11643; a 15-digit legacy number is read as its 18-digit
form, with a warning), the occupation code (of the national catalogue in the registry), the
level (1–5 or 初级工 … 高级技师), the year (2000 to this year), the amount in yuan (two places
at most) and the source. Each row becomes a grant with the next free slot of its person's
year; a row repeating a grant already registered (or an earlier row) for the same person,
occupation and level is refused, naming the earlier one.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from xuetu.accounts.models import User
from xuetu.certification.imports import level_cell
from xuetu.core.access import scope_for
from xuetu.core.excel import HEADER_FILL, HEADER_FONT
from xuetu.core.imports import (
    WARNING,
    Column,
    Columns,
    FieldChecks,
    ImportResult,
    ImportSpec,
    Progress,
    Row,
    Stored,
    Texts,
    cells,
    in_slices,
    run_import,
    validation_problems,
)
from xuetu.core.imports.cells import CellError
from xuetu.core.imports.sheet import Upload
from xuetu.core.problems import say
from xuetu.registry.models import Occupation
from xuetu.subsidies.choices import GrantSource
from xuetu.subsidies.models import SubsidyGrant

ROW_LIMIT = 20000
FIRST_YEAR = 2000
NOT_ALLOWED = _("Only the city bureau imports the subsidy history.")
UNKNOWN_OCCUPATION = _("No occupation in the catalogue has this code.")
DUPLICATE_IN_FILE = _("The same person, occupation and level are already in row %(row)s.")
ALREADY_GRANTED = _(
    "This person was already subsidised for this occupation at this level in %(year)s "
    "(%(source)s, record %(record)s)."
)
YEAR_AHEAD = _("The year must be from 2000 to this year (%(year)s).")
LEGACY = _("A 15-digit legacy ID number: it is recorded as the 18-digit %(number)s.")
BAD_AMOUNT = _("Write the amount in yuan, 0 or more, with at most two decimal places.")
CHECKED_FIELDS = ("source_text",)


def amount(value: Any) -> Decimal:
    """Yuan, 0 or more, to the fen at most: 6000, 6000.00, 6,000.5, ¥6000."""
    text = cells.cell_text(value).replace(",", "").replace("，", "").lstrip("¥￥").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(BAD_AMOUNT, code="amount_invalid") from None
    if not number.is_finite() or number < 0 or number != number.quantize(Decimal("0.01")):
        raise CellError(BAD_AMOUNT, code="amount_invalid")
    if number >= Decimal("10000000000"):
        raise CellError(BAD_AMOUNT, code="amount_invalid")
    return number.quantize(Decimal("0.01"))


COLUMNS = Columns(
    [
        Column("id_number", "身份证号", cells.resident_id, width=22, aliases=("证件号码",)),
        Column("occupation", "职业编码", cells.text(max_length=20), width=14),
        Column("level", "等级", level_cell, width=12),
        Column("year", "补贴年度", cells.integer(minimum=FIRST_YEAR, maximum=9999), width=10),
        Column("amount", "补贴金额", amount, width=14, aliases=("金额",)),
        Column("source", "来源", cells.text(max_length=200), width=40, aliases=("数据来源",)),
    ]
)


def identity(row: Row) -> tuple[str, str, int] | None:
    number, code, level = row.get("id_number"), row.get("occupation"), row.get("level")
    if number is None or not code or level is None:
        return None
    return (number.number, code, level)


def check_row(row: Row) -> None:
    year = row.get("year")
    this_year = timezone.localdate().year
    if year is not None and year > this_year:
        row.add("year", say(YEAR_AHEAD, year=this_year), code="year_ahead")
    number = row.get("id_number")
    if number is not None and number.legacy:
        row.add("id_number", say(LEGACY, number=number.number), code="legacy_id", level=WARNING)
    row.values["key"] = identity(row)


@dataclass
class HistoryContext:
    """The importer, and what is stored that the rows are checked against (read in a fixed
    number of queries): the occupations, the grants of the same people, their slots."""

    by: User
    occupations: set[str] = field(default_factory=set)
    granted: dict[tuple[str, str, int], SubsidyGrant] = field(default_factory=dict)
    slots: dict[tuple[str, int], int] = field(default_factory=dict)
    made: dict[int, SubsidyGrant] = field(default_factory=dict)  # row number → grant


def load_stored(context: HistoryContext, rows: list[Row]) -> None:
    codes = {row.get("occupation") for row in rows if row.get("occupation")}
    for chunk in in_slices(codes):
        found = Occupation.objects.filter(code__in=chunk).values_list("code", flat=True)
        context.occupations.update(found)
    numbers = {row.get("id_number").number for row in rows if row.get("id_number") is not None}
    for chunk in in_slices(numbers):
        grants = SubsidyGrant.objects.filter(id_number__in=chunk).only(
            "pk", "id_number", "occupation_code", "level", "year", "source"
        )
        for grant in grants:
            context.granted[(grant.id_number, grant.occupation_code, grant.level)] = grant
        slots = (
            SubsidyGrant.objects.filter(id_number__in=chunk)
            .values_list("id_number", "year")
            .annotate(last=Max("slot"))
            .order_by()
        )
        context.slots.update({(number, year): last for number, year, last in slots})


def check_rows(rows: list[Row], context: HistoryContext) -> None:
    first: dict[tuple[str, str, int], int] = {}
    for row in rows:
        key = row.get("key")
        if key is None:
            continue
        if key in first:
            row.add("id_number", say(DUPLICATE_IN_FILE, row=first[key]), code="duplicate_in_file")
        else:
            first[key] = row.number
    load_stored(context, rows)
    checks = FieldChecks(SubsidyGrant, CHECKED_FIELDS)
    slots: dict[tuple[str, int], int] = defaultdict(int, context.slots)
    for row in rows:
        code = row.get("occupation")
        if code and code not in context.occupations:
            row.add("occupation", UNKNOWN_OCCUPATION, code="occupation_unknown")
        key = row.get("key")
        earlier = context.granted.get(key) if key is not None else None
        if earlier is not None:
            message = say(
                ALREADY_GRANTED,
                year=earlier.year,
                source=earlier.get_source_display(),
                record=earlier.pk,
            )
            row.add("id_number", message, code="already_granted")
        if not row.ok:
            continue
        number = row.get("id_number").number
        year = row.get("year")
        slots[(number, year)] += 1
        grant = SubsidyGrant(
            id_number=number,
            occupation_code=code,
            level=row.get("level"),
            year=year,
            slot=slots[(number, year)],
            amount=row.get("amount"),
            source=GrantSource.HISTORY,
            source_text=row.get("source"),
            recorded_by=context.by if context.by.is_authenticated else None,
        )
        try:
            checks.check(grant)
        except ValidationError as error:
            for problem in validation_problems(error):
                row.add("source", problem.message, code=problem.code)
            continue
        context.made[row.number] = grant


def write_rows(rows: list[Row], context: HistoryContext) -> Stored:
    from xuetu.subsidies.services.history import history_insert

    created = history_insert(by=context.by, grants=[context.made[row.number] for row in rows])
    return Stored(count=len(created), ids=[g.pk for g in created])


HISTORY_SPEC: ImportSpec[HistoryContext] = ImportSpec(
    columns=COLUMNS,
    row_limit=ROW_LIMIT,
    header_key="id_number",
    row_check=check_row,
    check=check_rows,
    write=write_rows,
    texts=Texts(
        no_rows=_("The file has a header row but no subsidy records."),
        imported=_("%(count)s subsidy records imported."),
        working=_("Importing the subsidy history"),
    ),
)


def may_import(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and scope_for(user).city


def history_check_can_import(*, by: User) -> None:
    if not may_import(by):
        raise PermissionDenied(NOT_ALLOWED)


def history_import(
    *, by: User, data: Upload, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    """Check and import the past payments in `data` (an .xlsx). Raises ImportFileError when
    the file cannot be used at all; otherwise the result's `problems` name every bad cell.
    Nothing is stored on a dry run or when any row has an error."""
    history_check_can_import(by=by)
    context = HistoryContext(by=by)
    return run_import(HISTORY_SPEC, data, context, dry_run=dry_run, progress=progress)


# The template ---------------------------------------------------------------------------------
EXAMPLE = {
    "id_number": "（18位身份证号）",
    "occupation": "6-18-02-04",
    "level": "三级/高级工",
    "year": "2021",
    "amount": "6000.00",
    "source": "2021年市级学徒制补贴发放名册",
}


def history_template(*, language: str = "zh-hans") -> bytes:
    """The .xlsx the bureau fills in: the header row (text columns), one example, notes."""
    with override(language):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = gettext("Subsidy history")[:31]
        sheet.append([column.header for column in COLUMNS])
        sheet.append([EXAMPLE[column.key] for column in COLUMNS])
        for index, column in enumerate(COLUMNS, start=1):
            cell = sheet.cell(1, index)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            letter = cell.column_letter
            sheet.column_dimensions[letter].width = column.width
            sheet.column_dimensions[letter].number_format = "@"
        sheet.freeze_panes = "A2"
        notes = workbook.create_sheet(gettext("Instructions")[:31])
        notes.append(
            [
                gettext(
                    "One past subsidy payment per row; delete the example in row 2. If any "
                    "row has an error, nothing is imported and the report names each row and "
                    "column. A person is subsidised once per occupation and level."
                )
            ]
        )
        notes.column_dimensions["A"].width = 100
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
