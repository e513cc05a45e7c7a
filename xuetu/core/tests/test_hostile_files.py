"""Files built to hurt the reader are refused before it runs; what slips past the archive check
is parsed in a child process with a memory limit, so the web process survives; every cell is
cut at 1,000 characters before anything is stored. Workbooks are crafted part by part with
zipfile (`xuetu.testing.xlsx`), nothing above core is imported."""

from __future__ import annotations

import io
import resource
import tracemalloc
import zipfile
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import override
from openpyxl import load_workbook

from xuetu.core.imports import FileRefused, ImportFileError, error_workbook, run_import
from xuetu.core.imports import child as child_module
from xuetu.core.imports import report as report_module
from xuetu.core.imports import sheet as sheet_module
from xuetu.core.imports.guard import MAX_RATIO, MAX_UNPACKED, Bounds, check_archive
from xuetu.core.imports.parse import decode, encode
from xuetu.core.jobs import HANDLERS, JobProgress, job_create, job_run
from xuetu.core.models import Job, JobState
from xuetu.core.tests.test_imports import HEADERS, SPEC, Context, good, xlsx
from xuetu.testing.xlsx import (
    cell,
    far_corner,
    huge_string,
    row,
    sheet_xml,
    sparse_million_rows,
    workbook,
)

MB = 1024 * 1024
BOUNDS = Bounds(row_limit=20, header_rows=10)
HOSTILE = {
    "far corner": lambda: far_corner(HEADERS),
    "sparse million rows": lambda: sparse_million_rows(HEADERS),
    "huge string": lambda: huge_string(HEADERS, ["", "1", "2026-03-01", "焊接", "是"]),
}


def parser_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    run = child_module.run_parser

    def counting(data: bytes, **limits: Any) -> Any:
        calls.append(len(data))
        return run(data, **limits)

    monkeypatch.setattr(sheet_module, "run_parser", counting)
    return calls


def refusal(data: bytes, bounds: Bounds = BOUNDS) -> FileRefused:
    with pytest.raises(FileRefused) as refused:
        check_archive(data, bounds=bounds)
    return refused.value


# Before any parser runs ------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(HOSTILE))
@pytest.mark.django_db
def test_a_hostile_file_is_refused_before_the_parser_runs_and_the_process_stays_small(
    name, monkeypatch
):
    data = HOSTILE[name]()
    calls = parser_calls(monkeypatch)
    tracemalloc.start()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(FileRefused) as refused:
        run_import(SPEC, data, Context())
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    traced = tracemalloc.get_traced_memory()[1] / MB
    tracemalloc.stop()
    print(f"\n{name} ({len(data) / 1024:.1f} KB): peak RSS +{grown:.1f} MB, Python {traced:.1f} MB")
    assert calls == [] and grown < 200 and traced < 200
    assert refused.value.code in {"too_many_rows", "packed"}
    with override("en"):
        assert any(words in str(refused.value) for words in ("at most 20 rows", "packed far"))
    assert not Group.objects.exists()


def test_a_far_corner_cell_is_refused_before_the_parser_runs():
    with override("en"):
        refused = refusal(far_corner(HEADERS))
        assert refused.code == "too_many_rows"
        assert "1,048,576" in str(refused) and "at most 20 rows" in str(refused)


def test_a_cell_far_down_is_refused_even_when_the_sheet_declares_no_dimension():
    assert refusal(far_corner(HEADERS, declared=False)).code == "too_many_rows"
    assert refusal(sparse_million_rows(HEADERS, declared=False)).code == "too_many_rows"


def test_a_declared_dimension_past_the_row_limit_is_refused_though_the_cells_are_few():
    data = workbook(sheet_xml(row(1, HEADERS), dimension="A1:F5000"))
    assert refusal(data).code == "too_many_rows"


def test_a_sheet_wider_than_a_hundred_columns_is_refused():
    data = workbook(sheet_xml(row(1, HEADERS) + f'<row r="2">{cell("CW2", "x")}</row>'))
    with override("en"):
        refused = refusal(data)
    assert refused.code == "too_many_columns" and "CW" in str(refused)


def test_rows_and_cells_without_references_are_counted_in_order():
    rows = "<row>" + "".join('<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(101))
    assert refusal(workbook(sheet_xml(rows + "</row>"))).code == "too_many_columns"
    assert refusal(workbook(sheet_xml("<row/>" * 31))).code == "too_many_rows"
    check_archive(workbook(sheet_xml("<row/>" * 30)), bounds=BOUNDS)


def test_a_file_unpacking_past_fifty_megabytes_is_refused_even_packed_loosely():
    noise = zipfile.ZipInfo("xl/media/noise.bin")
    data = io.BytesIO(xlsx([good(0)]))
    with zipfile.ZipFile(data, "a") as archive:
        archive.writestr(noise, b"x" * (MAX_UNPACKED + 1), compress_type=zipfile.ZIP_STORED)
    assert refusal(data.getvalue()).code == "too_large"


def test_a_part_packed_tighter_than_a_sheet_can_be_is_refused():
    data = huge_string(HEADERS, ["", "1"], size=MAX_RATIO * 2 * MB // 100)
    assert refusal(data).code == "packed"


def test_a_real_workbook_passes_the_check():
    check_archive(xlsx([good(i % 10) for i in range(20)]), bounds=BOUNDS)


def test_a_document_type_declaration_is_refused_as_damaged():
    xml = sheet_xml(row(1, HEADERS)).replace("?>", '?><!DOCTYPE x [<!ENTITY a "aaaa">]>', 1)
    with pytest.raises(ImportFileError) as refused:
        check_archive(workbook(xml), bounds=BOUNDS)
    assert refused.value.code == "corrupt" and not isinstance(refused.value, FileRefused)


def test_a_workbook_of_too_many_parts_is_refused():
    data = io.BytesIO(xlsx([good(0)]))
    with zipfile.ZipFile(data, "a") as archive:
        for number in range(500):
            archive.writestr(f"xl/media/{number}.txt", "x")
    assert refusal(data.getvalue()).code == "too_many_parts"


# In the child --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["far corner", "sparse million rows"])
def test_what_the_reader_cannot_hold_kills_the_child_never_this_process(name, settings):
    settings.IMPORT_CHILD_MEMORY_MB = 256
    data = HOSTILE[name]()
    with pytest.raises(FileRefused) as refused:
        sheet_module.parse_table(data, header_markers=frozenset({"姓名"}), row_limit=20)
    assert refused.value.code == "too_large"
    rusage = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\n{name}, straight to the child: refused; largest child so far {rusage:.0f} MB")


def test_the_child_stops_at_the_row_limit():
    rows = [good(i % 10) for i in range(25)]
    with pytest.raises(FileRefused) as refused:
        sheet_module.parse_table(xlsx(rows), header_markers=frozenset({"姓名"}), row_limit=20)
    assert refused.value.code == "too_many_rows"


def test_the_child_refuses_a_table_of_more_text_than_an_import_takes(monkeypatch):
    monkeypatch.setattr(sheet_module, "TEXT_PER_ROW", 10)
    rows = [[*good(i)[:5], "备注" * 300] for i in range(20)]
    with pytest.raises(FileRefused) as refused:
        run_import(SPEC, xlsx(rows), Context())
    assert refused.value.code == "too_much_text"


def test_dates_and_times_cross_the_pipe_as_they_were_read():
    import datetime as dt
    import json

    values = [dt.datetime(2026, 3, 1, 8, 30), dt.date(2026, 3, 1), dt.time(8, 30)]
    values.append(dt.timedelta(hours=3))
    assert json.loads(json.dumps(values, default=encode), object_hook=decode) == values


# Cells capped ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_cell_past_a_thousand_characters_is_cut_before_anything_is_stored_and_its_row_says_so():
    rows = [good(0), [good(1)[0] + "长" * 5000, *good(1)[1:]], [*good(2)[:5], "x" * 1001]]
    context = Context()
    result = run_import(SPEC, xlsx(rows), context)
    too_long = [(p.row, p.column) for p in result.problems if p.code == "cell_too_long"]
    assert too_long == [(3, "name"), (4, "note")] and not result.ok
    with override("en"):
        assert "1,000 characters" in str(result.errors[0].message)
    assert context.written == [] and not Group.objects.exists()
    assert all(len(p["value"]) <= 101 for p in result.report())
    assert max(len(str(value)) for values in result.sheet.raw for value in values) == 1001


# The job ---------------------------------------------------------------------------------------
def hostile_import(job: Job, progress: JobProgress) -> None:
    """A job as an app writes one: it catches the file's refusal and reports it."""
    with default_storage.open(job.params["upload"], "rb") as upload:
        data = upload.read()
    try:
        with override(job.params["language"]):
            result = run_import(SPEC, data, Context(), progress=progress)
            progress.finish(result.summary(), result=result.as_dict())
    except ImportFileError as error:
        with override(job.params["language"]):
            progress.finish(str(error), result={"ok": False, "error": str(error)})


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.django_db
def test_a_refused_file_ends_its_job_as_failed_in_the_users_language_and_its_upload_is_deleted(
    world, monkeypatch, language
):
    monkeypatch.setitem(HANDLERS, "test.import", hostile_import)
    path = default_storage.save("test-uploads/a.xlsx", ContentFile(HOSTILE["far corner"]()))
    params = {"upload": path, "language": language}
    job = job_run(job_create(by=world.users["enterprise"], kind="test.import", params=params))
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "1,048,576" in job.message
    assert ("reaches row" in job.message) == (language == "en")
    assert not default_storage.exists(path) and not Group.objects.exists()


@pytest.mark.django_db
def test_a_file_with_wrong_rows_still_ends_its_job_done_with_the_report(world, monkeypatch):
    monkeypatch.setitem(HANDLERS, "test.import", hostile_import)
    path = default_storage.save("test-uploads/a.xlsx", ContentFile(xlsx([good(0), good(0)])))
    params = {"upload": path, "language": "en"}
    job = job_run(job_create(by=world.users["enterprise"], kind="test.import", params=params))
    job.refresh_from_db()
    assert job.state == JobState.DONE and not default_storage.exists(path)


# The error copy --------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_error_copy_of_a_file_openpyxl_cannot_open_writes_its_values_as_text(monkeypatch):
    link = '=HYPERLINK("https://evil.example","x")'
    texts = [link, "1", "2026-03-01", "焊接", "不确定"]
    data = workbook(sheet_xml(row(1, HEADERS) + row(2, texts)))
    result = run_import(SPEC, data, Context())

    def cannot_open(*args: Any, **kwargs: Any) -> Any:
        raise KeyError("an odd part openpyxl does not know")

    monkeypatch.setattr(report_module, "load_workbook", cannot_open)
    copy = error_workbook(data, result)
    sheet = load_workbook(io.BytesIO(copy)).active
    assert sheet.cell(2, 1).value == link and sheet.cell(2, 1).data_type == "s"
    with zipfile.ZipFile(io.BytesIO(copy)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
