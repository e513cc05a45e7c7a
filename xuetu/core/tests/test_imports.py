"""Core's importer, as any app uses it: an import declares columns and checks; core reads the
file (one entry point, stopping at the declared row limit), cleans every cell, reports row by
row, writes the error copy, and stores all rows or none. Workbooks are built here with
openpyxl; nothing above core is imported."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override
from openpyxl import Workbook, load_workbook

from xuetu.core.audit import snapshot
from xuetu.core.imports import (
    ERROR_COLOUR,
    ERROR_HEADER,
    CellError,
    Column,
    Columns,
    ImportFileError,
    ImportSpec,
    Row,
    Stored,
    cells,
    create_audited,
    error_workbook,
    flag_duplicates,
    in_slices,
    run_import,
)
from xuetu.core.imports import sheet as sheet_module
from xuetu.core.imports.bulk import created_values, insert_objects, insert_rows
from xuetu.core.imports.objects import FieldChecks, Maker, collector_paused
from xuetu.core.models import AuditEvent, Job

KINDS = {"焊接": "weld", "weld": "weld", "装配": "assemble", "assemble": "assemble"}
COLUMNS = Columns(
    [
        Column("name", "姓名", cells.person_name(max_length=10)),
        Column("count", "数量", cells.integer(minimum=1, maximum=100)),
        Column("day", "日期", cells.date),
        Column("kind", "类别", cells.choice(KINDS, "Choose 焊接 or 装配.", code="kind")),
        Column("ok", "合格", cells.yes_no),
        Column("note", "备注", cells.text(max_length=5), required=False, blank=True, empty=""),
    ]
)
HEADERS = ["姓名", "数量", "日期", "类别", "合格", "备注"]


@dataclass
class Context:
    """Records what the import's two declared functions saw."""

    checked: list[int] = field(default_factory=list)
    written: list[dict[str, Any]] = field(default_factory=list)
    in_transaction: list[bool] = field(default_factory=list)


def check(rows: list[Row], context: Context) -> None:
    flag_duplicates(rows, "name", "The same name is already in row %(row)s.")
    context.checked = [row.number for row in rows]
    context.in_transaction.append(connection.in_atomic_block)
    Group.objects.create(name="written by the check")  # must vanish unless stored


def write(rows: list[Row], context: Context) -> Stored:
    context.in_transaction.append(connection.in_atomic_block)
    context.written = [row.values for row in rows]
    return Stored(count=len(rows), counts={"notes": sum(bool(r.get("note")) for r in rows)})


def late_start(row: Row) -> None:
    if row.get("day") is not None and row.get("day").year < 2000:
        row.add("day", "Too early.", code="too_early")


SPEC = ImportSpec(
    columns=COLUMNS, row_limit=20, header_key="name", check=check, write=write, row_check=late_start
)


def name(i: int) -> str:
    return "张" + "一二三四五六七八九十"[i % 10] + "甲乙丙丁戊己庚辛壬癸"[i // 10 % 10]


def good(i: int) -> list[Any]:
    return [name(i), i % 9 + 1, dt.date(2026, 3, i % 28 + 1), "焊接", "是", ""]


def xlsx(rows: list[list[Any]], headers: list[Any] = HEADERS, *, above: int = 0) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for _ in range(above):
        sheet.append(["2026年 名单"])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def problems(result: Any) -> list[tuple[int, str, str]]:
    return [(p["row"], p["field"], p["code"]) for p in result.report()]


# Reading -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_declared_import_checks_every_cell_and_stores_nothing_while_any_row_is_wrong():
    rows = [
        good(0),
        ["", 0, "2026-02-30", "喷漆", "也许", "太长的备注文字"],
        [" 张 一甲 ", 3.5, dt.date(1999, 1, 1), "weld", True, None],
    ]
    context = Context()
    result = run_import(SPEC, xlsx(rows), context)
    assert problems(result) == [
        (3, "name", "required"),
        (3, "count", "integer_range"),
        (3, "day", "date_impossible"),
        (3, "kind", "kind"),
        (3, "ok", "yes_no"),
        (3, "note", "too_long"),
        (4, "name", "duplicate_in_file"),  # "张 一甲" is 张一甲
        (4, "count", "integer"),
        (4, "day", "too_early"),
    ]
    assert not result.ok and result.imported == 0 and context.written == []
    assert context.checked == [2, 3, 4] and not Group.objects.exists()


@pytest.mark.django_db
def test_check_and_write_share_one_transaction_and_a_clean_file_is_stored():
    context = Context()
    result = run_import(SPEC, xlsx([good(0), [*good(1), "extra column"]]), context)
    assert result.ok and result.imported == 2 and result.as_dict()["notes"] == 0
    assert context.in_transaction == [True, True]
    assert Group.objects.count() == 1  # what the check wrote is kept with the rows
    assert context.written[0] == {
        "name": "张一甲",
        "count": 1,
        "day": dt.date(2026, 3, 1),
        "kind": "weld",
        "ok": True,
        "note": "",
    }


@pytest.mark.django_db
def test_a_dry_run_checks_everything_and_stores_nothing():
    context = Context()
    result = run_import(SPEC, xlsx([good(0)]), context, dry_run=True)
    assert result.ok and result.dry_run and result.imported == 0
    assert context.checked == [2] and context.written == [] and not Group.objects.exists()


@pytest.mark.django_db
def test_headers_may_be_english_in_any_order_below_a_title_with_extra_columns():
    headers = ["OK", "notes?", " Name ", "COUNT", "day", "kind"]
    rows = [["yes", "x", "张三", 2, "2026/3/1", "assemble"]]
    context = Context()
    result = run_import(SPEC, xlsx(rows, headers, above=2), context)
    assert result.ok, result.report()
    assert result.sheet.header_row == 3 and result.sheet.rows[0].number == 4
    assert context.written[0]["kind"] == "assemble" and context.written[0]["note"] == ""


@pytest.mark.django_db
def test_a_sheet_that_starts_further_right_keeps_its_columns_and_excel_row_numbers():
    workbook = Workbook()
    sheet = workbook.active
    for offset, value in enumerate(HEADERS):
        sheet.cell(3, 3 + offset, value)
    for offset, value in enumerate([*good(0)[:4], "不确定"]):
        sheet.cell(5, 3 + offset, value)  # row 4 left blank
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run_import(SPEC, buffer.getvalue(), Context())
    assert problems(result) == [(5, "ok", "yes_no")]
    assert result.sheet.columns["name"] == 2  # column C
    marked = load_workbook(io.BytesIO(error_workbook(buffer.getvalue(), result))).active
    assert marked.cell(3, 9).value == ERROR_HEADER
    assert marked.cell(5, 7).fill.fgColor.rgb.endswith(ERROR_COLOUR)


@pytest.mark.django_db
def test_an_upload_may_be_bytes_a_path_an_open_file_or_an_uploaded_file(tmp_path: Path):
    data = xlsx([good(0), good(1)])
    path = tmp_path / "名单.xlsx"
    path.write_bytes(data)
    sources: list[Any] = [
        data,
        path,
        str(path),
        io.BytesIO(data),
        SimpleUploadedFile("a.xlsx", data),
    ]
    with path.open("rb") as handle:
        sources.append(handle)
        results = [run_import(SPEC, source, Context(), dry_run=True) for source in sources]
    assert [result.rows for result in results] == [2] * len(sources)


@pytest.mark.django_db
def test_the_reader_stops_at_the_declared_row_limit(monkeypatch):
    # The declared sheet is already too long: refused before any parser runs (the child
    # process that parses stops at the limit too: test_hostile_files).
    calls: list[int] = []
    run = sheet_module.run_parser

    def counting(data: bytes, **kwargs: Any):
        calls.append(1)
        return run(data, **kwargs)

    monkeypatch.setattr(sheet_module, "run_parser", counting)
    with pytest.raises(ImportFileError) as refused:
        run_import(replace(SPEC, row_limit=5), xlsx([good(i % 10) for i in range(500)]), Context())
    assert refused.value.code == "too_many_rows" and "5" in str(refused.value)
    assert calls == []


@pytest.mark.django_db
def test_blank_rows_do_not_count_towards_the_limit():
    rows = [good(0), [], ["", None, "  "], good(1), ["\u200b"], good(2)]
    result = run_import(replace(SPEC, row_limit=3), xlsx(rows), Context(), dry_run=True)
    assert result.ok and [row.number for row in result.sheet.rows] == [2, 5, 7]


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (b"name,count\n", "not_xlsx", ".xlsx"),
        (b"PK\x03\x04 not really a zip", "corrupt", "damaged"),
        (b"", "not_xlsx", ".xlsx"),
        (xlsx([], ["something else"]), "no_header", "姓名, 数量"),
        (xlsx([good(0)], [h for h in HEADERS if h != "类别"]), "missing_columns", "kind"),
        (xlsx([good(0)], [*HEADERS, "name"]), "duplicate_column", "name"),
        (xlsx([]), "no_rows", "no rows"),
    ],
)
@pytest.mark.django_db
def test_a_file_that_cannot_be_used_is_refused_as_a_whole_with_a_reason(data, code, words):
    with override("en"):
        with pytest.raises(ImportFileError) as refused:
            run_import(SPEC, data, Context())
        assert refused.value.code == code and words in str(refused.value)
    assert not Group.objects.exists()


@pytest.mark.django_db
def test_messages_are_chinese_by_default_and_english_when_asked():
    data = xlsx([[*good(0)[:4], "不确定", ""]])
    [chinese] = run_import(SPEC, data, Context()).report()
    with override("en"):
        [english] = run_import(SPEC, data, Context()).report()
    assert english["message"] == "Write 是 or 否 (or yes or no)."
    assert chinese["message"] != english["message"] and "是" in chinese["message"]


# The error copy ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_error_copy_is_the_file_with_its_own_columns_a_problems_column_and_red_cells():
    rows = [[*good(0), "own note"], [*good(1)[:4], "不确定", "", "kept"]]
    data = xlsx(rows, [*HEADERS, "own column"])
    result = run_import(SPEC, data, Context())
    copy = load_workbook(io.BytesIO(error_workbook(data, result))).active
    assert [c.value for c in copy[1]] == [*HEADERS, "own column", ERROR_HEADER]
    assert copy.cell(2, 7).value == "own note" and copy.cell(2, 8).value is None
    assert copy.cell(3, 7).value == "kept" and "合格" in copy.cell(3, 8).value
    assert copy.cell(3, 5).fill.fgColor.rgb.endswith(ERROR_COLOUR)
    assert not copy.cell(3, 1).fill.fgColor.rgb.endswith(ERROR_COLOUR)


@pytest.mark.django_db
def test_a_corrected_error_copy_imports_and_loses_last_times_marks():
    data = xlsx([[*good(0)[:4], "不确定", ""]])
    first = run_import(SPEC, data, Context())
    workbook = load_workbook(io.BytesIO(error_workbook(data, first)))
    workbook.active.cell(2, 5).value = "是"
    buffer = io.BytesIO()
    workbook.save(buffer)
    again = run_import(SPEC, buffer.getvalue(), Context())
    assert again.ok, again.report()
    cleared = load_workbook(io.BytesIO(error_workbook(buffer.getvalue(), again))).active
    assert cleared.cell(2, 7).value is None
    assert not cleared.cell(2, 5).fill.fgColor.rgb.endswith(ERROR_COLOUR)


# Cleaners and declarations -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("clean", "value", "expected"),
    [
        (cells.integer(minimum=1, maximum=9), 3.0, 3),
        (cells.integer(minimum=1, maximum=9), " 7 ", 7),
        (cells.integer(minimum=1, maximum=9), "1,0", CellError("", code="integer_range")),
        (cells.integer(minimum=1, maximum=9), "三", CellError("", code="integer")),
        (cells.text(max_length=3), " ａｂｃ ", "abc"),
        (cells.text(max_length=3), "abcd", CellError("", code="too_long")),
        (cells.person_name(max_length=4), "王 小明", "王小明"),
        (cells.person_name(max_length=4), "王小明2", CellError("", code="name_digits")),
        (cells.mobile, "+86 139 0000 0001", "13900000001"),
        (cells.mobile, "1390000", CellError("", code="mobile")),
        (cells.name_or_id, 5.00105e17, CellError("", code="id_as_number")),
        (cells.choice(KINDS, "no"), "Weld", "weld"),
        (cells.choice(KINDS, "no"), "喷漆", CellError("", code="choice")),
    ],
)
def test_a_cell_cleaner(clean, value, expected):
    if not isinstance(expected, CellError):
        assert clean(value) == expected
        return
    with pytest.raises(CellError) as refused:
        clean(value)
    assert refused.value.code == expected.code and str(refused.value.message)


@pytest.mark.parametrize(
    ("value", "blank"),
    [(None, True), ("", True), ("  ", True), ("\u200b\u3000", True), (0.0, False), (False, False)],
)
def test_what_counts_as_a_blank_cell(value, blank):
    assert cells.is_blank(value) is blank


def test_a_column_the_file_may_leave_out_must_allow_blank_cells():
    with pytest.raises(ValueError, match="optional"):
        Column("note", "备注", cells.text(), required=False)


# Bulk writes ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_bulk_creation_writes_one_audit_event_per_object_as_record_create_would():
    groups = [Group(name=f"第{i}组") for i in range(3)]
    groups = create_audited(by=None, objects=groups, key="name")
    events = AuditEvent.objects.filter(action="group.create").order_by("pk")
    assert [e.object_id for e in events] == [str(g.pk) for g in groups]
    for group, event in zip(groups, events, strict=True):
        stored = Group.objects.get(pk=group.pk)
        assert event.after == snapshot(stored) == {"name": stored.name, "permissions": []}
        assert (event.object_type, event.object_repr, event.before) == (
            "auth.group",
            str(stored),
            None,
        )


@pytest.mark.django_db
def test_bulk_creation_runs_the_same_queries_for_5_and_50_objects():
    def queries(count: int, start: int) -> int:
        groups = [Group(name=f"g{start + i}") for i in range(count)]
        with CaptureQueriesContext(connection) as captured, transaction.atomic():
            create_audited(by=None, objects=groups, key="name")
        return len(captured)

    assert queries(5, 0) == queries(50, 100)


@pytest.mark.django_db
def test_inserted_rows_get_their_defaults_and_one_timestamp():
    rows: list[dict[str, Any]] = [{"object_id": "1"}, {"object_id": "2", "after": {"a": 1}}]
    count = insert_rows(AuditEvent, rows, same={"action": "x.create", "object_type": "x.x"})
    first, second = AuditEvent.objects.filter(action="x.create").order_by("pk")
    assert count == 2 and (first.after, second.after) == (None, {"a": 1})
    assert first.at == second.at and first.object_repr == "" and first.actor is None


def test_lookups_are_sliced_to_what_the_database_accepts(monkeypatch):
    monkeypatch.setattr(connection.features, "max_query_params", 3)
    assert list(in_slices(range(7))) == [[0, 1, 2], [3, 4, 5], [6]]


CHECKED = ("action", "object_id", "ip")


def full_clean_errors(event: AuditEvent) -> dict[str, list[str]]:
    others = [f.name for f in AuditEvent._meta.concrete_fields if f.name not in CHECKED]
    with pytest.raises(ValidationError) as refused:
        event.full_clean(exclude=others, validate_unique=False, validate_constraints=False)
    return refused.value.message_dict


def test_field_checks_refuse_what_full_clean_refuses_and_remember_each_value():
    checks = FieldChecks(AuditEvent, CHECKED)
    bad = {"action": "x" * 61, "object_id": "1", "ip": "not an address"}
    for _ in range(2):  # the second time from memory, with the same messages
        with pytest.raises(ValidationError) as refused:
            checks.check(AuditEvent(**bad))
        assert refused.value.message_dict == full_clean_errors(AuditEvent(**bad))
    good = AuditEvent(action="person.create", object_id="7", ip="10.0.0.1")
    checks.check(good)
    assert good.ip == "10.0.0.1" and len(checks.memo["ip"]) == 2


@pytest.mark.django_db
def test_inserted_objects_hold_what_bulk_create_stores_and_get_their_ids():
    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.create(username="owner")

    def jobs(kind: str) -> list[Job]:
        return [
            Job(kind=kind, owner=owner, done=i, total=9, params={"row": i, "名": "张三"})
            for i in range(3)
        ]

    made = Job.objects.bulk_create(jobs("by bulk_create"))
    inserted = insert_objects(jobs("inserted"), key="done", within={"kind": "inserted"})
    assert [job.pk for job in inserted] == list(
        Job.objects.filter(kind="inserted").order_by("done").values_list("pk", flat=True)
    )
    assert all(not job._state.adding and job.created_at for job in inserted)

    def stored(kind: str) -> list[dict[str, Any]]:
        rows = Job.objects.filter(kind=kind).order_by("done").values()
        skip = {"id", "kind", "created_at", "updated_at"}
        return [{k: v for k, v in row.items() if k not in skip} for row in rows]

    assert stored("inserted") == stored("by bulk_create") and len(made) == 3


@pytest.mark.parametrize("listened", [False, True])
def test_a_maker_builds_what_keyword_arguments_build_with_fresh_callable_defaults(listened):
    from django.db.models.signals import post_init

    def listener(**kwargs: Any) -> None:
        pass

    if listened:
        post_init.connect(listener, sender=Job)
    try:
        make = Maker(Job)
        quick = make(kind="import", owner_id=7, done=2)
    finally:
        post_init.disconnect(listener, sender=Job)
    slow = Job(kind="import", owner_id=7, done=2)
    assert make.plain is not listened
    assert {k: v for k, v in vars(quick).items() if k != "_state"} == {
        k: v for k, v in vars(slow).items() if k != "_state"
    }
    assert quick._state.adding and make().params is not make().params  # a dict each
    with pytest.raises(TypeError, match="no field"):
        make(owner=7)


def test_a_maker_takes_the_related_objects_it_is_told_of_and_keeps_them_cached():
    from django.contrib.auth import get_user_model

    owner = get_user_model()(pk=5, username="owner")
    make = Maker(Job, cached=("owner",))
    job = make(kind="import", owner=owner)
    # No database in this test: reading an owner that is not cached would fail.
    assert job.owner is owner and job.owner_id == 5
    assert make(kind="x", owner=None).owner_id is None
    with pytest.raises(ValueError, match="owner must be a User"):
        make(owner=Group(pk=5))
    with pytest.raises(TypeError, match="no field"):
        make(organisation=None)  # not among those it was told of


@pytest.mark.django_db
def test_an_object_whose_related_object_was_saved_after_it_was_assigned_is_stored_with_its_id():
    from django.contrib.auth import get_user_model

    owner = get_user_model()(username="later")
    job = Job(kind="later", owner=owner)  # no id yet
    with pytest.raises(ValueError, match="not saved yet"):
        insert_objects([Job(kind="never", owner=get_user_model()(username="never"))], key="kind")
    owner.save()
    (stored,) = insert_objects([job], key="kind", within={"kind": "later"})
    assert stored.owner_id == owner.pk and stored.owner is owner  # still the cached object
    assert Job.objects.get(pk=stored.pk).owner_id == owner.pk


def test_audit_values_keep_each_dates_and_each_offsets_own_text():
    shanghai = dt.timezone(dt.timedelta(hours=8))
    instant = dt.datetime(2025, 9, 1, 4, 0, 0, 120000, tzinfo=dt.UTC)
    moments = [instant, instant.astimezone(shanghai), instant, dt.datetime(2025, 9, 1)]
    events = [AuditEvent(action="x", object_id=str(i), at=at) for i, at in enumerate(moments)]
    texts = [created_values(event)["at"] for event in events]
    assert texts == [at.isoformat() for at in moments]
    assert texts[0] != texts[1] and texts[0] == "2025-09-01T04:00:00.120000+00:00"


def test_the_collector_is_paused_inside_nested_blocks_and_resumes_only_as_it_was():
    import gc

    assert gc.isenabled()
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still holds it
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("an import fails")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # off before, so off after
    finally:
        gc.enable()


@pytest.mark.django_db
def test_each_distinct_value_of_a_column_is_cleaned_once_and_reported_on_every_row():
    calls: list[Any] = []

    def counted(value: Any) -> Any:
        calls.append(value)
        return cells.yes_no(value)

    columns = Columns([*(c for c in COLUMNS if c.key != "ok"), Column("ok", "合格", counted)])
    spec = replace(SPEC, columns=columns)
    rows = [[*good(i)[:4], answer, ""] for i, answer in enumerate(["是", "是", "也许", "也许"])]
    result = run_import(spec, xlsx(rows), Context())
    assert sorted(calls) == ["也许", "是"]
    assert [(p["row"], p["code"]) for p in result.report()] == [(4, "yes_no"), (5, "yes_no")]
