"""Roster import from Excel: the template, the all-or-nothing import with its row-by-row
report, the terminal command and the background job. Every workbook is built here with
openpyxl, so no binary fixture is kept in the repository."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override
from openpyxl import Workbook, load_workbook

from xuetu.core.audit import snapshot
from xuetu.core.identifiers import make_resident_id, parse_resident_id
from xuetu.core.imports import (
    ERROR_COLOUR,
    ERROR_HEADER,
    CellError,
    ImportFileError,
    cells,
    error_workbook,
    validation_problems,
)
from xuetu.core.models import AuditEvent, Job, JobState, Notice
from xuetu.core.problems import Refused as CoreRefused
from xuetu.programmes.choices import ApprenticeCategory, CohortStatus
from xuetu.programmes.models import Cohort, Enrollment, Mentor
from xuetu.programmes.roster import (
    COLUMNS,
    EXAMPLE_ID,
    ROSTER_SPEC,
    ROW_LIMIT,
    TEMPLATE_HEADERS,
    roster_import,
    roster_template,
)
from xuetu.programmes.services import Applicant, enrollment_create, roster_enroll, roster_plan
from xuetu.programmes.tasks import roster_import_start
from xuetu.programmes.tests.factories import (
    make_cohort,
    make_enrollment,
    make_mentor,
    make_person,
    make_policy,
    make_teacher,
)
from xuetu.registry.models import Person
from xuetu.registry.services import person_create
from xuetu.testing import World

HEADERS = list(TEMPLATE_HEADERS)
ENGLISH = [
    "name",
    "id_number",
    "phone",
    "category",
    "contract_start",
    "contract_end",
    "social_insurance",
    "enterprise_mentor",
    "institution_mentor",
]
NAMES = [
    *("赵一", "钱二", "孙三", "周四", "吴五", "郑六", "王七", "冯八", "陈九", "褚十"),
    *("卫十一", "蒋十二", "沈十三", "韩十四", "杨十五", "朱十六", "秦十七", "尤十八", "许十九"),
    "何二十",
]
CONTRACT_START, CONTRACT_END = dt.date(2025, 9, 1), dt.date(2028, 8, 31)


@dataclass
class Setting:
    world: World
    cohort: Cohort
    mentor: Mentor  # 王劲松, the enterprise mentor
    namesakes: tuple[Mentor, Mentor]  # two enterprise mentors called 刘强
    teacher: Mentor  # 吴辉, the institution teacher
    enrolled: Person  # already on this class's roster
    elsewhere: Person  # training in another (submitted) class

    @property
    def user(self):
        return self.world.users["enterprise"]


def named_mentor(world: World, name: str, *, seq: int, institution: bool = False) -> Mentor:
    organisation = world.institution if institution else world.enterprise
    person = make_person(name, organisation=organisation, birth_date=dt.date(1978, 9, seq))
    if institution:
        return make_teacher(world, person=person)
    return make_mentor(world, person=person)


@pytest.fixture
def setting(world: World, settings, tmp_path: Path) -> Setting:
    settings.MEDIA_ROOT = tmp_path / "media"
    make_policy()
    cohort = make_cohort(world, code="BJ-2026-001")
    enrolled = world.people["worker"]
    make_enrollment(world, cohort, person=enrolled, enterprise_mentor=None, institution_mentor=None)
    elsewhere = make_person("林一", organisation=world.enterprise, birth_date=dt.date(1999, 4, 2))
    other = make_cohort(world, code="BJ-2026-002", status=CohortStatus.SUBMITTED)
    make_enrollment(world, other, person=elsewhere, enterprise_mentor=None, institution_mentor=None)
    return Setting(
        world=world,
        cohort=cohort,
        mentor=named_mentor(world, "王劲松", seq=1),
        namesakes=(named_mentor(world, "刘强", seq=2), named_mentor(world, "刘强", seq=3)),
        teacher=named_mentor(world, "吴辉", seq=4, institution=True),
        enrolled=enrolled,
        elsewhere=elsewhere,
    )


# Building workbooks --------------------------------------------------------------------------
def new_id(i: int, *, born: int | None = None) -> str:
    birth = dt.date(born or 1998 + i % 6, 1 + i % 12, 1 + i)
    return make_resident_id("500106", birth, i, gender="M" if i % 2 else "F")


def good_row(i: int) -> dict[str, Any]:
    return {
        "姓名": NAMES[i],
        "身份证号": new_id(i),
        "手机号": f"139{i:08d}",
        "学徒类别": ("新入职", "在岗", "转岗")[i % 3],
        "劳动合同开始日期": CONTRACT_START,
        "劳动合同结束日期": CONTRACT_END,
        "是否缴纳社保": "是",
        "企业导师": "王劲松" if i % 3 == 0 else "",
        "院校导师": "吴辉",
    }


def xlsx(rows: list[dict[str, Any]], headers: list[str] = HEADERS) -> bytes:
    """A workbook as a user would save it: header row, then one row per dict (cells the dict
    lacks stay empty). Strings stay text cells, numbers become number cells."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(setting: Setting, data: bytes, **options: Any):
    return roster_import(by=setting.user, cohort=setting.cohort, data=data, **options)


def enrolled_count(setting: Setting) -> int:
    return Enrollment.objects.filter(cohort=setting.cohort).count()


# The dozen (and more) kinds of mistakes, each made in its own row -----------------------------
def wrong_check_character(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def as_legacy(number: str) -> str:
    return number[:6] + number[8:17]  # the 15-digit form: no century, no check character


def identity(name: str, number: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda row: row | {"姓名": name, "身份证号": number}


def mistakes(setting: Setting) -> list[tuple[str, str, str, Callable[[dict], dict]]]:
    """(kind, column header, code, how the good row is spoiled); the i-th spoils row i."""
    return [
        ("blank name", "姓名", "required", lambda r: r | {"姓名": ""}),
        (
            "ID number Excel turned into a number",
            "身份证号",
            "id_as_number",
            lambda r: r | {"身份证号": float(r["身份证号"][:17] + "0")},
        ),
        (
            "wrong check character",
            "身份证号",
            "checksum",
            lambda r: r | {"身份证号": wrong_check_character(r["身份证号"])},
        ),
        ("same ID twice in the file", "身份证号", "duplicate_in_file", identity("赵一", new_id(0))),
        (
            "already on this class's roster",
            "身份证号",
            "already_enrolled",
            identity(setting.enrolled.name, setting.enrolled.id_number),
        ),
        (
            "name differs from the registered name",
            "姓名",
            "name_mismatch",
            lambda r: r | {"姓名": "李斯"},
        ),
        ("bad phone number", "手机号", "mobile", lambda r: r | {"手机号": "1381234567"}),
        ("unknown category", "学徒类别", "category_unknown", lambda r: r | {"学徒类别": "临时工"}),
        (
            "impossible date",
            "劳动合同开始日期",
            "date_impossible",
            lambda r: r | {"劳动合同开始日期": "2025-02-30"},
        ),
        (
            "contract ends before it starts",
            "劳动合同结束日期",
            "contract_reversed",
            lambda r: r | {"劳动合同结束日期": dt.date(2025, 8, 31)},
        ),
        (
            "unreadable social insurance",
            "是否缴纳社保",
            "yes_no",
            lambda r: r | {"是否缴纳社保": "不确定"},
        ),
        ("unknown mentor", "企业导师", "mentor_unknown", lambda r: r | {"企业导师": "赵师傅"}),
        (
            "two mentors of that name",
            "企业导师",
            "mentor_ambiguous",
            lambda r: r | {"企业导师": "刘强"},
        ),
        (
            "15-digit legacy ID of someone not registered",
            "身份证号",
            "legacy_15",
            lambda r: r | {"身份证号": as_legacy(r["身份证号"])},
        ),
        (
            "blank contract start",
            "劳动合同开始日期",
            "required",
            lambda r: r | {"劳动合同开始日期": None},
        ),
        (
            "template's example row left in",
            "身份证号",
            "example_row",
            identity("王小明", EXAMPLE_ID),
        ),
        # The eligibility rules of enrollment_create, reported on the same sheet:
        (
            "social insurance not paid",
            "是否缴纳社保",
            "no_social_insurance",
            lambda r: r | {"是否缴纳社保": "否"},
        ),
        (
            "labour contract shorter than a year",
            "劳动合同结束日期",
            "contract_too_short",
            lambda r: r | {"劳动合同结束日期": dt.date(2026, 3, 31)},
        ),
        (
            "training in another class",
            "身份证号",
            "active_elsewhere",
            identity(setting.elsewhere.name, setting.elsewhere.id_number),
        ),
        (
            "younger than 16 at the start",
            "身份证号",
            "too_young",
            lambda r: r | {"身份证号": new_id(19, born=2012)},
        ),
    ]


def fixed_rows(setting: Setting) -> list[dict[str, Any]]:
    rows = [good_row(i) for i in range(len(NAMES))]
    worker2 = setting.world.people["worker2"]  # registered by another enterprise: 李四
    rows[5] |= {"姓名": worker2.name, "身份证号": worker2.id_number}
    rows[12]["企业导师"] = setting.namesakes[0].person.id_number  # a namesake, by ID number
    return rows


def test_a_roster_with_a_dozen_kinds_of_mistakes_gets_one_report_and_the_fixed_file_imports(
    setting,
):
    good = fixed_rows(setting)
    spoilers = mistakes(setting)
    broken = [spoil(row) for row, (_k, _h, _c, spoil) in zip(good, spoilers, strict=True)]
    expected = {(i + 2, header, code) for i, (_kind, header, code, _s) in enumerate(spoilers)}
    people, audit = Person.objects.count(), AuditEvent.objects.count()

    data = xlsx(broken)
    result = run(setting, data)

    report = [p for p in result.report() if p["level"] == "error"]
    assert {(p["row"], p["column"], p["code"]) for p in report} == expected
    assert len(report) == len(expected) >= 12, "one problem per mistake, no noise"
    assert all(p["message"] and "%(" not in p["message"] for p in report)
    assert not result.ok and result.imported == 0
    assert enrolled_count(setting) == 1  # only the apprentice who was there before
    # Nothing stored; the name that did not match its ID number is audited (under the user).
    mismatches = AuditEvent.objects.filter(action="person.id_mismatch")
    assert Person.objects.count() == people and mismatches.count() == 1
    assert AuditEvent.objects.exclude(action="person.id_mismatch").count() == audit

    copy = load_workbook(io.BytesIO(error_workbook(data, result))).active
    assert copy.cell(1, len(HEADERS) + 1).value == ERROR_HEADER
    for row, header, _code in expected:
        column = HEADERS.index(header) + 1
        assert copy.cell(row, column).fill.fgColor.rgb.endswith(ERROR_COLOUR)
        assert header in copy.cell(row, len(HEADERS) + 1).value

    fixed = run(setting, xlsx(good))
    assert fixed.ok, fixed.report()
    assert fixed.imported == len(good) == enrolled_count(setting) - 1
    assert fixed.created_people == len(good) - 1  # 李四 was registered already
    mentor_by_id = Enrollment.objects.get(cohort=setting.cohort, person__name=good[12]["姓名"])
    assert mentor_by_id.enterprise_mentor == setting.namesakes[0]


def test_english_headers_in_any_order_with_extra_columns_are_accepted(setting):
    headers = [" Social_Insurance ", "NAME", "notes", "id_number", "Category", "contract_end"]
    headers += ["contract_start"]
    rows = [
        {
            "NAME": NAMES[i],
            "id_number": new_id(i),
            "Category": value,
            " Social_Insurance ": answer,
            "contract_start": "2025-09-01",
            "contract_end": "",
            "notes": "夜班",
        }
        for i, (value, answer) in enumerate(
            [("new_hire", "yes"), ("In_Post", "Y"), ("transferred", "true"), ("在岗", "1")]
        )
    ]
    result = run(setting, xlsx(rows, headers))
    assert result.ok, result.report()
    stored = Enrollment.objects.filter(cohort=setting.cohort, person__name__in=NAMES)
    assert sorted(stored.values_list("category", flat=True)) == sorted(
        ["new_hire", "in_post", "transferred", "in_post"]
    )
    assert all(e.contract_end is None and e.social_insurance for e in stored)


def id_ending_in_x() -> str:
    return next(
        number
        for seq in range(100)
        if (number := make_resident_id("500106", dt.date(2000, 6, 6), seq, gender="M"))[-1] == "X"
    )


def test_what_real_spreadsheets_contain_is_accepted(setting):
    numbers = [new_id(i) for i in range(6)]
    messy = [
        ("'" + numbers[0], "2025-09-01", 13900000001, " 在岗 "),
        (numbers[1].translate(str.maketrans("0123456789", "０１２３４５６７８９")), "2025/9/1",
         "+86 139 0000 0002", "在岗"),
        (f" {numbers[2][:6]} {numbers[2][6:14]} {numbers[2][14:]} ", "2025年9月1日",
         "１３９０００００００３", "在岗"),
        (id_ending_in_x().lower(), "2025.9.1", "139-0000-0004", "in post"),
        (numbers[4], dt.date(2025, 9, 1), "13900000005", "在岗"),
        (numbers[5], dt.datetime(2025, 9, 1, 0, 0), "13900000006", "在岗"),
    ]  # fmt: skip
    answers = ["Y", True, 1, "TRUE", "是", "yes"]
    rows = [
        {"姓名": f" {NAMES[i][0]} {NAMES[i][1:]} ", "身份证号": number, "手机号": phone,
         "学徒类别": category, "劳动合同开始日期": start, "劳动合同结束日期": "2028年8月31日",
         "是否缴纳社保": answers[i]}
        for i, (number, start, phone, category) in enumerate(messy)
    ]  # fmt: skip
    result = run(setting, xlsx(rows))
    assert result.ok, result.report()
    stored = Enrollment.objects.filter(cohort=setting.cohort).exclude(person=setting.enrolled)
    assert stored.count() == 6
    assert {e.contract_start for e in stored} == {CONTRACT_START}
    assert {e.contract_end for e in stored} == {CONTRACT_END}
    assert {e.category for e in stored} == {ApprenticeCategory.IN_POST}
    people = Person.objects.filter(enrollments__in=stored)
    assert set(people.values_list("id_number", flat=True)) == {
        *numbers[:3],
        id_ending_in_x(),
        *numbers[4:],
    }
    assert set(people.values_list("phone", flat=True)) == {f"1390000000{i}" for i in range(1, 7)}
    assert set(people.values_list("name", flat=True)) == set(NAMES[:6])


def test_row_numbers_are_the_ones_excel_shows_even_below_a_title_row(setting):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["2026年焊工班学徒名册"])
    sheet.append(HEADERS)
    sheet.append([good_row(0)[h] for h in HEADERS])
    sheet.append([])  # a blank line people leave between groups
    sheet.append([(good_row(1) | {"学徒类别": "临时工"})[h] for h in HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(setting, buffer.getvalue())
    assert [(p["row"], p["column"]) for p in result.report()] == [(5, "学徒类别")]
    marked = load_workbook(io.BytesIO(error_workbook(buffer.getvalue(), result))).active
    assert marked.cell(2, len(HEADERS) + 1).value == ERROR_HEADER
    assert marked.cell(5, HEADERS.index("学徒类别") + 1).fill.fgColor.rgb.endswith(ERROR_COLOUR)


def test_a_legacy_15_digit_number_of_someone_registered_is_accepted_with_a_warning(setting):
    person = setting.world.people["worker2"]
    row = good_row(0) | {"姓名": person.name, "身份证号": as_legacy(person.id_number)}
    result = run(setting, xlsx([row]))
    assert result.ok and result.imported == 1
    [warning] = result.report()
    assert (warning["row"], warning["column"], warning["level"]) == (2, "身份证号", "warning")
    assert person.id_number in warning["message"]


def test_a_file_without_a_required_column_is_refused_as_a_whole(setting):
    headers = [h for h in HEADERS if h != "学徒类别"]
    with pytest.raises(ImportFileError) as refused:
        run(setting, xlsx([good_row(0)], headers))
    assert refused.value.code == "missing_columns"
    with override("zh-hans"):
        assert "学徒类别" in str(refused.value) and str(refused.value.missing) == "学徒类别"
    with override("en"):
        assert str(refused.value.missing) == "category"


def empty_workbook() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"name,id_number\n", "not_xlsx"),
        (b"PK\x03\x04 not really a zip", "corrupt"),
        (b"", "not_xlsx"),
        (empty_workbook(), "no_header"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_reason(setting, data, code):
    with pytest.raises(ImportFileError) as refused:
        run(setting, data)
    assert refused.value.code == code and str(refused.value)


def test_a_corrected_report_can_be_uploaded_again(setting):
    good = good_row(0)
    data = xlsx([good | {"手机号": "12345"}])
    result = run(setting, data)
    report = load_workbook(io.BytesIO(error_workbook(data, result)))
    report.active.cell(2, HEADERS.index("手机号") + 1).value = good["手机号"]
    buffer = io.BytesIO()
    report.save(buffer)
    again = run(setting, buffer.getvalue())
    assert again.ok and again.imported == 1
    cleared = load_workbook(io.BytesIO(error_workbook(buffer.getvalue(), again))).active
    assert cleared.cell(2, len(HEADERS) + 1).value is None
    assert not cleared.cell(2, 3).fill.fgColor.rgb.endswith(ERROR_COLOUR)


def test_a_dry_run_checks_everything_and_stores_nothing(setting):
    result = run(setting, xlsx([good_row(0), good_row(1)]), dry_run=True)
    assert result.ok and result.rows == 2 and result.imported == 0
    assert enrolled_count(setting) == 1


# Single cells, without a database ----------------------------------------------------------
@dataclass(frozen=True)
class Refused:
    code: str


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2022, 3, 1), dt.date(2022, 3, 1)),
        (dt.datetime(2022, 3, 1, 8, 30), dt.date(2022, 3, 1)),
        ("2022-03-01", dt.date(2022, 3, 1)),
        ("2022/3/1", dt.date(2022, 3, 1)),
        ("2022年3月1日", dt.date(2022, 3, 1)),
        ("2022.3.1", dt.date(2022, 3, 1)),
        ("２０２２年３月１日", dt.date(2022, 3, 1)),
        (" 2022-03-01 00:00:00 ", dt.date(2022, 3, 1)),
        ("", None),
        ("2022-02-29", Refused("date_impossible")),
        ("2022-13-01", Refused("date_impossible")),
        ("3/1/2022", Refused("date_format")),
        ("下个月", Refused("date_format")),
        (44621.0, Refused("date_number")),
    ],
)
def test_a_date_cell(value, expected):
    assert_cell(COLUMNS["contract_end"].read, value, expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *[(v, True) for v in ("是", "yes", "YES", "y", "Y", "true", "TRUE", "1", True, 1.0)],
        *[(v, False) for v in ("否", "no", "N", "false", "0", False, 0.0)],
        ("", Refused("required")),
        ("不确定", Refused("yes_no")),
    ],
)
def test_a_yes_no_cell(value, expected):
    assert_cell(COLUMNS["social_insurance"].read, value, expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("新入职", "new_hire"),
        ("New_Hire", "new_hire"),
        (" 在岗 ", "in_post"),
        ("in post", "in_post"),
        ("转岗", "transferred"),
        ("TRANSFERRED", "transferred"),
        ("", Refused("required")),
        ("临时工", Refused("category_unknown")),
    ],
)
def test_a_category_cell(value, expected):
    assert_cell(COLUMNS["category"].read, value, expected)


GOOD_ID = make_resident_id("500106", dt.date(1999, 4, 1), 7, gender="M")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (GOOD_ID, GOOD_ID),
        ("'" + GOOD_ID, GOOD_ID),
        (f" {GOOD_ID[:6]} {GOOD_ID[6:]}\u200b", GOOD_ID),
        (float(GOOD_ID[:17] + "0"), Refused("id_as_number")),
        ("5.00106E+17", Refused("id_as_number")),
        ("", Refused("required")),
        (GOOD_ID[:17], Refused("format")),
        (wrong_check_character(GOOD_ID), Refused("checksum")),
    ],
)
def test_an_id_number_cell(value, expected):
    assert_cell(lambda v: COLUMNS["id_number"].read(v).number, value, expected)


def test_a_15_digit_number_is_read_as_the_18_digit_number_it_became():
    parsed = cells.resident_id(as_legacy(GOOD_ID))
    assert (parsed.number, parsed.legacy) == (GOOD_ID, as_legacy(GOOD_ID))


def assert_cell(parse: Callable[[Any], Any], value: Any, expected: Any) -> None:
    """`expected` is the clean value, or `Refused(code)`."""
    if not isinstance(expected, Refused):
        assert parse(value) == expected
        return
    with pytest.raises(CellError) as refused:
        parse(value)
    assert refused.value.code == expected.code and str(refused.value.message)


# The template --------------------------------------------------------------------------------
def test_the_template_has_the_headers_in_order_an_example_drop_downs_and_instructions(setting):
    workbook = load_workbook(io.BytesIO(roster_template(setting.cohort)))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == [
        "姓名", "身份证号", "手机号", "学徒类别", "劳动合同开始日期",
        "劳动合同结束日期", "是否缴纳社保", "企业导师", "院校导师",
    ]  # fmt: skip
    example = [cell.value for cell in sheet[2]]
    assert parse_resident_id(example[1]).number == example[1] == EXAMPLE_ID
    assert sheet.column_dimensions["B"].number_format == "@"
    assert sheet.column_dimensions["C"].number_format == "@"
    assert sheet["B2"].number_format == "@" and sheet["E2"].is_date
    lists = {str(v.sqref)[0]: v for v in sheet.data_validations.dataValidation}
    assert lists["D"].formula1 == '"新入职,在岗,转岗"'
    assert lists["G"].formula1 == '"是,否"'
    names = workbook["lists"]
    assert {c.value for c in names["A"]} == {"王劲松", "刘强"} and names["B1"].value == "吴辉"
    assert set(lists) == {"D", "G", "H", "I"}
    instructions = workbook.worksheets[1]
    text = " ".join(str(c.value) for row in instructions.iter_rows() for c in row if c.value)
    assert "必填" in text and "Required" in text and "id_number" in text


def test_the_template_imports_once_its_example_row_is_replaced(setting):
    data = roster_template(setting.cohort, language="en")
    refused = run(setting, data)
    assert [p["code"] for p in refused.report()] == ["example_row"]
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    sheet["A2"], sheet["B2"], sheet["H2"] = "赵一", new_id(0), "王劲松"
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(setting, buffer.getvalue())
    assert result.ok and result.imported == 1, result.report()


def test_the_template_without_a_class_has_no_mentor_lists():
    workbook = load_workbook(io.BytesIO(roster_template()))
    assert len(workbook.sheetnames) == 2  # the roster and the instructions
    assert [c.value for c in workbook.worksheets[0][1]] == HEADERS


# The terminal --------------------------------------------------------------------------------
def command(path: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_roster", str(path), *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        assert isinstance(exit_.code, int)
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_the_command_imports_a_good_file_and_exits_0(setting, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx([good_row(0), good_row(1), good_row(2)]))
    code, out, _err = command(path, "--cohort", setting.cohort.code, "--language", "en")
    assert code == 0 and "3 apprentices imported" in out and "3/3" in out
    assert enrolled_count(setting) == 4
    assert AuditEvent.objects.filter(action="cohort.roster_import").get().actor.username == (
        "bureau"  # the first city administrator, as no --user was given
    )


def test_the_command_with_dry_run_exits_0_and_stores_nothing(setting, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx([good_row(0)]))
    code, out, _err = command(
        path, "--cohort", setting.cohort.code, "--dry-run", "--user", "enterprise"
    )
    assert code == 0 and "1/1" in out and enrolled_count(setting) == 1


def test_the_command_exits_1_with_the_row_errors_and_writes_the_report(setting, tmp_path):
    path, report = tmp_path / "roster.xlsx", tmp_path / "report.xlsx"
    path.write_bytes(xlsx([good_row(0), good_row(1) | {"手机号": "12345"}]))
    code, _out, err = command(
        path, "--cohort", setting.cohort.code, "--report", str(report), "--language", "en"
    )
    assert code == 1 and "Row 3, 手机号" in err
    assert enrolled_count(setting) == 1
    assert load_workbook(report).active.cell(1, len(HEADERS) + 1).value == ERROR_HEADER


@pytest.mark.parametrize(
    "content", [None, b"not a spreadsheet", b"PK\x03\x04broken", empty_workbook()]
)
def test_the_command_exits_2_when_the_file_cannot_be_read(setting, tmp_path, content):
    path = tmp_path / "roster.xlsx"
    if content is not None:
        path.write_bytes(content)
    code, _out, err = command(path, "--cohort", setting.cohort.code)
    assert code == 2 and err.strip()
    assert enrolled_count(setting) == 1


def test_the_command_exits_2_for_a_class_the_user_cannot_see(setting, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx([good_row(0)]))
    code, _out, err = command(path, "--cohort", setting.cohort.code, "--user", "enterprise2")
    assert code == 2 and setting.cohort.code in err
    assert enrolled_count(setting) == 1


# The job -------------------------------------------------------------------------------------
def start_job(setting: Setting, data: bytes, django_capture_on_commit_callbacks) -> Job:
    with django_capture_on_commit_callbacks(execute=True):
        job = roster_import_start(
            by=setting.user, cohort=setting.cohort, filename="名册.xlsx", data=data
        )
    job.refresh_from_db()
    return job


def test_the_job_imports_with_progress_and_removes_the_upload(
    setting, django_capture_on_commit_callbacks
):
    rows = [good_row(i) for i in range(4)]
    job = start_job(setting, xlsx(rows), django_capture_on_commit_callbacks)
    assert job.result is not None
    assert job.state == JobState.DONE and (job.done, job.total) == (4, 4)
    assert job.result["ok"] and job.result["imported"] == 4 and not job.result_file
    assert enrolled_count(setting) == 5
    assert default_storage.listdir("roster-uploads")[1] == []


def test_the_job_of_a_bad_file_reports_rows_and_offers_the_marked_copy(
    setting, django_capture_on_commit_callbacks
):
    rows = [good_row(0), good_row(1) | {"学徒类别": "临时工"}, good_row(2)]
    job = start_job(setting, xlsx(rows), django_capture_on_commit_callbacks)
    assert job.result is not None
    assert job.state == JobState.DONE and job.total == 3
    assert not job.result["ok"] and job.result["imported"] == 0
    [problem] = job.result["problems"]
    assert (problem["row"], problem["column"], problem["value"]) == (3, "学徒类别", "临时工")
    assert job.result_file.name.endswith("名册-errors.xlsx")
    with job.result_file.open("rb") as stored:
        sheet = load_workbook(stored).active
    assert sheet.cell(3, 4).fill.fgColor.rgb.endswith(ERROR_COLOUR)
    assert "学徒类别" in sheet.cell(3, len(HEADERS) + 1).value
    assert enrolled_count(setting) == 1


def test_the_job_of_an_unreadable_file_fails_and_says_why(
    setting, django_capture_on_commit_callbacks
):
    job = start_job(setting, b"not a spreadsheet", django_capture_on_commit_callbacks)
    assert job.result is not None
    assert job.state == JobState.FAILED and not job.result["ok"] and job.result["error"]
    assert job.result["code"] == "not_xlsx" and job.nothing_imported
    assert job.message == job.text and job.text


# Who may import ------------------------------------------------------------------------------
def test_another_enterprise_cannot_import_into_the_class_nor_learn_it_exists(setting):
    outsider = setting.world.users["enterprise2"]
    data = xlsx([good_row(0)])
    with pytest.raises(Http404):
        roster_import(by=outsider, cohort=setting.cohort, data=data)
    with pytest.raises(Http404):
        roster_import_start(by=outsider, cohort=setting.cohort, filename="a.xlsx", data=data)
    assert not Job.objects.exists() and enrolled_count(setting) == 1
    assert not default_storage.exists("roster-uploads")


def test_a_reviewer_who_sees_the_class_may_not_import_into_it(setting):
    with pytest.raises(PermissionDenied):
        roster_import(
            by=setting.world.users["district"], cohort=setting.cohort, data=xlsx([good_row(0)])
        )
    assert enrolled_count(setting) == 1


def test_an_approved_class_takes_no_import(setting):
    Cohort.objects.filter(pk=setting.cohort.pk).update(status=CohortStatus.APPROVED)
    setting.cohort.refresh_from_db()
    from xuetu.core.problems import Refused

    with pytest.raises(Refused):
        run(setting, xlsx([good_row(0)]))


def test_messages_follow_the_users_language(setting):
    with override("en"):
        result = run(setting, xlsx([good_row(0) | {"学徒类别": "临时工"}]))
        [problem] = result.report()
    assert problem["message"].startswith("Choose 新入职")


# Set-based: a fixed number of queries, and the same verdicts as one row at a time -------------
def numbered_row(i: int) -> dict[str, Any]:
    """Row i of a long file: a distinct new person, taught by 吴辉 (who has no limit)."""
    birth = dt.date(1990, 1, 1) + dt.timedelta(days=i // 100)  # 100 numbers a day
    name = NAMES[i % len(NAMES)] + "甲乙丙丁戊己庚辛壬癸"[i // len(NAMES) % 10]
    return good_row(0) | {
        "姓名": name,
        "身份证号": make_resident_id("500107", birth, i % 100, gender="M" if i % 2 else "F"),
        "手机号": f"137{i:08d}",
        "企业导师": "",
    }


def queries_of(setting: Setting, rows: int, *, start: int, dry_run: bool) -> int:
    """Every query of one import, as a request makes it (a fresh user: nothing cached)."""
    data = xlsx([numbered_row(start + i) for i in range(rows)])
    user = type(setting.user).objects.get(pk=setting.user.pk)
    cohort = Cohort.objects.get(pk=setting.cohort.pk)
    with CaptureQueriesContext(connection) as captured:
        result = roster_import(by=user, cohort=cohort, data=data, dry_run=dry_run)
    assert result.ok and result.rows == rows, result.report()[:3]
    return len(captured)


def test_checking_a_file_runs_the_same_queries_for_5_50_and_500_rows(setting):
    counts = [queries_of(setting, n, start=0, dry_run=True) for n in (5, 50, 500)]
    assert counts[0] == counts[1] == counts[2], counts
    assert enrolled_count(setting) == 1


def test_storing_a_file_runs_the_same_queries_for_5_50_and_500_rows(setting):
    counts = [
        queries_of(setting, n, start=start, dry_run=False)
        for n, start in ((5, 0), (50, 100), (500, 1000))
    ]
    assert counts[0] == counts[1] == counts[2], counts
    assert enrolled_count(setting) == 1 + 5 + 50 + 500


@dataclass
class Capped:
    """A mentor with room for three, one place already taken in another class."""

    mentor: Mentor
    unqualified: Mentor


def capped(setting: Setting) -> Capped:
    world = setting.world
    mentor = named_mentor(world, "赵师傅", seq=5)
    Mentor.objects.filter(pk=mentor.pk).update(capacity=3)
    other = Cohort.objects.get(code="BJ-2026-002")
    make_enrollment(world, other, enterprise_mentor=mentor, institution_mentor=None)
    person = make_person("钱师傅", organisation=world.enterprise, birth_date=dt.date(1978, 9, 6))
    unqualified = make_mentor(world, person=person, certificate_level=None)
    return Capped(Mentor.objects.get(pk=mentor.pk), unqualified)


def mixed_rows(setting: Setting, mentors: Capped) -> list[dict[str, Any]]:
    """Rows whose verdicts depend on the rows before them and on what is stored."""
    worker2 = setting.world.people["worker2"]
    rows = [numbered_row(i) for i in range(9)]
    rows[0]["企业导师"] = "赵师傅"  # takes the second place
    rows[1] |= {"企业导师": "赵师傅", "是否缴纳社保": "否"}  # refused: takes no place
    rows[2]["企业导师"] = "赵师傅"  # takes the third
    rows[3]["企业导师"] = "赵师傅"  # would be the fourth
    rows[4]["企业导师"] = "钱师傅"  # no certificate, not recognised
    rows[5] |= {"姓名": setting.elsewhere.name, "身份证号": setting.elsewhere.id_number}
    rows[6]["身份证号"] = new_id(6, born=2012)  # too young
    rows[7] |= {"企业导师": "钱师傅", "劳动合同结束日期": dt.date(2026, 3, 31)}
    rows[8] |= {"姓名": worker2.name, "身份证号": worker2.id_number, "企业导师": "赵师傅"}  # 5th
    return rows


def one_by_one(setting: Setting, rows: list[dict[str, Any]]) -> list[list[tuple[str, str]]]:
    """What the per-row services say of each row, asked as the importer used to: an existing
    person as registered, else person_create, then enrollment_create, each row in a
    savepoint; nothing is kept."""
    index = MentorIndexes(setting)
    verdicts: list[list[tuple[str, str]]] = []
    with transaction.atomic():
        for row in rows:
            verdicts.append(verdict_of(setting, row, index))
        transaction.set_rollback(True)
    return verdicts


class MentorIndexes:
    def __init__(self, setting: Setting) -> None:
        self.by_name = {m.person.name: m for m in Mentor.objects.select_related("person")}

    def get(self, name: str) -> Mentor | None:
        return self.by_name.get(name) if name else None


def verdict_of(setting: Setting, row: dict[str, Any], mentors: MentorIndexes):
    yes = {"是": True, "否": False}
    try:
        with transaction.atomic():
            person = Person.objects.filter(id_number=row["身份证号"]).first() or person_create(
                by=setting.user,
                organisation=setting.cohort.enterprise,
                name=row["姓名"],
                id_number=row["身份证号"],
                phone=row["手机号"],
            )
            enrollment_create(
                by=setting.user,
                cohort=setting.cohort,
                person=person,
                category=cells_category(row["学徒类别"]),
                contract_start=row["劳动合同开始日期"],
                contract_end=row["劳动合同结束日期"],
                social_insurance=yes[row["是否缴纳社保"]],
                enterprise_mentor=mentors.get(row["企业导师"]),
                institution_mentor=mentors.get(row["院校导师"]),
            )
    except CoreRefused as refused:
        return [(p.code, str(p.message)) for p in refused.problems]
    except ValidationError as error:
        return [(p.code, str(p.message)) for p in validation_problems(error)]
    return []


def cells_category(text: str) -> str:
    return COLUMNS["category"].read(text)


def test_the_whole_file_is_judged_as_the_per_row_services_would_one_row_after_another(setting):
    rows = mixed_rows(setting, capped(setting))
    with override("en"):
        expected = one_by_one(setting, rows)
        result = run(setting, xlsx(rows))
        found: dict[int, list[tuple[str, str]]] = {}
        for problem in result.report():
            found.setdefault(problem["row"], []).append((problem["code"], problem["message"]))
    assert [bool(verdict) for verdict in expected] == [0, 1, 0, 1, 1, 1, 1, 1, 1]
    assert [found.get(i + 2, []) for i in range(len(rows))] == expected
    assert expected[3] == [
        ("mentor_over_capacity", "赵师傅 would have 4 apprentices; the limit is 3.")
    ]
    assert [code for code, _message in expected[7]] == ["mentor_unqualified"]  # mentors first
    assert not result.ok and enrolled_count(setting) == 1


def test_a_refused_row_takes_no_place_and_a_fixed_one_does(setting):
    mentors = capped(setting)
    rows = [numbered_row(i) | {"企业导师": "赵师傅"} for i in range(3)]
    rows[1]["是否缴纳社保"] = "否"
    refused = run(setting, xlsx(rows))
    assert [(p["row"], p["code"]) for p in refused.report()] == [(3, "no_social_insurance")]
    rows[1]["是否缴纳社保"] = "是"  # now the row takes the third place, and row 4 has none
    full = run(setting, xlsx(rows))
    assert [(p["row"], p["code"]) for p in full.report()] == [(4, "mentor_over_capacity")]
    stored = run(setting, xlsx(rows[:2]))
    assert stored.ok and stored.imported == 2
    assert Enrollment.objects.filter(enterprise_mentor=mentors.mentor).count() == 3


def test_the_same_person_twice_is_refused_on_the_second_row_however_it_is_written(setting):
    first = numbered_row(0)
    number = first["身份证号"]
    again = numbered_row(1) | {
        "姓名": first["姓名"],
        "身份证号": number.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    }
    with override("en"):
        result = run(setting, xlsx([first, again, numbered_row(2)]))
        [problem] = result.report()
    assert (problem["row"], problem["code"]) == (3, "duplicate_in_file")
    assert problem["message"] == "The same ID number is already in row 2."
    assert enrolled_count(setting) == 1 and not Person.objects.filter(id_number=number).exists()


# What a stored import leaves behind --------------------------------------------------------
def test_every_created_person_and_enrollment_has_its_audit_event_and_history_entry(setting):
    result = run(setting, xlsx([numbered_row(i) for i in range(3)] + [fixed_worker2(setting)]))
    assert result.ok and result.imported == 4 and result.created_people == 3
    enrollments = Enrollment.objects.filter(pk__in=result.enrollment_ids).select_related("person")
    new_people = [e.person for e in enrollments if e.person != setting.world.people["worker2"]]
    for obj in [*enrollments, *new_people]:
        [event] = AuditEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        )
        assert event.action == f"{obj._meta.model_name}.create"
        assert event.after == snapshot(obj) and event.actor == setting.user
        assert event.organisation_id == setting.cohort.enterprise_id
        assert event.object_repr == str(obj)
    for enrollment in enrollments:
        [history] = enrollment.events.all()
        assert (history.kind, history.effective_date) == ("enrolled", setting.cohort.planned_start)
        assert history.by == setting.user and history.details == {}
    assert AuditEvent.objects.filter(action="person.create").count() == 3
    [summary] = AuditEvent.objects.filter(action="cohort.roster_import")
    assert summary.after == {"rows": 4, "created_people": 3}


def fixed_worker2(setting: Setting) -> dict[str, Any]:
    worker2 = setting.world.people["worker2"]
    return numbered_row(9) | {"姓名": worker2.name, "身份证号": worker2.id_number}


def test_importing_into_a_submitted_filing_makes_it_a_draft_again_once(setting):
    Cohort.objects.filter(pk=setting.cohort.pk).update(status=CohortStatus.SUBMITTED)
    setting.cohort.refresh_from_db()
    result = run(setting, xlsx([numbered_row(i) for i in range(3)]))
    assert result.ok and result.imported == 3
    setting.cohort.refresh_from_db()
    assert setting.cohort.status == CohortStatus.DRAFT
    reopened = AuditEvent.objects.filter(action="cohort.reopen", object_id=str(setting.cohort.pk))
    assert reopened.count() == 1
    assert Notice.objects.filter(kind="cohort.reopened", params__code=setting.cohort.code).exists()


def test_a_trial_run_or_a_refused_file_leaves_a_submitted_filing_submitted(setting):
    Cohort.objects.filter(pk=setting.cohort.pk).update(status=CohortStatus.SUBMITTED)
    setting.cohort.refresh_from_db()
    assert run(setting, xlsx([numbered_row(0)]), dry_run=True).ok
    assert not run(setting, xlsx([numbered_row(0) | {"学徒类别": "临时工"}])).ok
    setting.cohort.refresh_from_db()
    assert setting.cohort.status == CohortStatus.SUBMITTED and not Notice.objects.exists()


# The row limit -------------------------------------------------------------------------------
def test_a_roster_declares_its_row_limit_and_a_longer_file_is_refused(setting):
    assert ROSTER_SPEC.row_limit == ROW_LIMIT == 2000
    spec = replace(ROSTER_SPEC, row_limit=3)
    rows = [numbered_row(i) for i in range(4)]
    with pytest.raises(ImportFileError) as refused:
        roster_import(by=setting.user, cohort=setting.cohort, data=xlsx(rows), spec=spec)
    assert refused.value.code == "too_many_rows" and "3" in str(refused.value)
    fits = roster_import(by=setting.user, cohort=setting.cohort, data=xlsx(rows[:3]), spec=spec)
    assert fits.ok and fits.imported == 3


def test_a_file_of_more_rows_than_a_class_can_hold_is_refused_before_any_row_is_checked(setting):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADERS)
    row = [good_row(0)[header] for header in HEADERS]
    for _ in range(ROW_LIMIT + 1):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with CaptureQueriesContext(connection) as captured, pytest.raises(ImportFileError) as refused:
        run(setting, buffer.getvalue())
    assert refused.value.code == "too_many_rows" and "2000" in str(refused.value)
    # No row was looked up (the class's own access check joins people, but reads none).
    assert not [q for q in captured if 'FROM "registry_person"' in q["sql"]]


# The bulk service on its own ---------------------------------------------------------------
def applicant_for(i: int, **values: Any) -> Applicant:
    row = numbered_row(i)
    return Applicant(
        id_number=row["身份证号"],
        name=row["姓名"],
        category=ApprenticeCategory.NEW_HIRE,
        contract_start=CONTRACT_START,
        contract_end=CONTRACT_END,
        **values,
    )


def test_the_service_sees_a_repeated_id_number_as_already_on_the_roster(setting):
    with transaction.atomic():
        plan = roster_plan(
            by=setting.user, cohort=setting.cohort, applicants=[applicant_for(0), applicant_for(0)]
        )
    assert [[p.code for p in found] for found in plan.problems] == [[], ["already_enrolled"]]
    assert len(plan.people) == len(plan.enrollments) == 1


def test_the_service_never_stores_a_plan_with_problems(setting):
    with transaction.atomic():
        plan = roster_plan(
            by=setting.user,
            cohort=setting.cohort,
            applicants=[applicant_for(0), replace(applicant_for(1), social_insurance=False)],
        )
        with pytest.raises(CoreRefused) as refused:
            roster_enroll(by=setting.user, plan=plan)
    assert refused.value.codes == ["no_social_insurance"]
    assert enrolled_count(setting) == 1


def test_someone_registering_a_person_meanwhile_refuses_the_store_and_keeps_nothing(setting):
    with transaction.atomic():
        plan = roster_plan(
            by=setting.user, cohort=setting.cohort, applicants=[applicant_for(0), applicant_for(1)]
        )
        person = plan.people[1]
        make_person_with(person.id_number, person.name)
        with pytest.raises(CoreRefused) as refused:
            roster_enroll(by=setting.user, plan=plan)
    assert refused.value.codes == ["changed_meanwhile"]
    assert enrolled_count(setting) == 1
    assert not Person.objects.filter(id_number=plan.people[0].id_number).exists()


def make_person_with(number: str, name: str) -> Person:
    resident = parse_resident_id(number)
    return Person.objects.create(
        id_number=number, name=name, gender=resident.gender, birth_date=resident.birth_date
    )


def test_another_enterprise_cannot_plan_a_roster_for_the_class(setting):
    with pytest.raises(PermissionDenied), transaction.atomic():
        roster_plan(
            by=setting.world.users["enterprise2"],
            cohort=setting.cohort,
            applicants=[applicant_for(0)],
        )
