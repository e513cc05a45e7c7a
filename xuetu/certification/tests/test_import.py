"""Certificate import from an evaluation organisation's results file: as the bureau and the
institution manager who use it, and as those who may not."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils.translation import override
from openpyxl import load_workbook

from xuetu.certification.imports import COLUMNS, certificate_import, certificate_template
from xuetu.certification.models import Certificate
from xuetu.certification.tasks import certificate_import_start
from xuetu.certification.tests.factories import skill_number
from xuetu.core.identifiers import make_resident_id
from xuetu.core.imports import ImportFileError
from xuetu.core.models import AuditEvent, JobState
from xuetu.programmes.tests.factories import build_programme
from xuetu.programmes.tests.test_roster import empty_workbook
from xuetu.programmes.tests.test_roster import xlsx as workbook
from xuetu.registry.models import Person

pytestmark = pytest.mark.django_db

HEADERS = [column.header for column in COLUMNS]
ISSUED = "2024-06-28"
STRANGER = make_resident_id("500112", dt.date(2000, 2, 2), 7, gender="M")  # nobody registered
OLD_LAYOUT = "CQ2019000123"  # an old provincial number: no published layout
TWO_LETTERS = "YS0015000012324100045"  # a 特级技师 number: two letters


@pytest.fixture
def programme(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_programme(world)


def line(person: Person, **values: Any) -> dict[str, Any]:
    """One correct row: a level-3 skill level certificate of `person`."""
    row = {
        "身份证号": person.id_number,
        "姓名": person.name,
        "证书类别": "职业技能等级证书",
        "职业编码": "6-18-02-04",
        "等级": "三级/高级工",
        "证书编号": skill_number(3),
        "评价机构": "重庆市职业技能鉴定指导中心",
        "发证日期": ISSUED,
    }
    return row | values


def xlsx(rows: list[dict[str, Any]], headers: list[str] = HEADERS) -> bytes:
    return workbook(rows, headers)


def people(count: int) -> list[Person]:
    born = dt.date(1995, 1, 1)
    made = [
        Person(
            name=f"学员{chr(0x4E00 + i)}",
            id_number=make_resident_id("500112", born + dt.timedelta(days=i), i % 100, gender="M"),
            gender="M",
            birth_date=born + dt.timedelta(days=i),
        )
        for i in range(count)
    ]
    return Person.objects.bulk_create(made)


def codes(result) -> list[tuple[int, str, str]]:
    return [(p["row"], p["field"], p["code"]) for p in result.report()]


# What a file holds --------------------------------------------------------------------------
def test_wrong_level_digits_and_unknown_holders_get_a_report_per_row_and_nothing_is_imported(
    world, programme
):
    apprentice, worker = world.people["apprentice"], world.people["worker"]
    rows = [
        line(apprentice),
        line(apprentice, 等级="五级"),  # the number's 16th character says level 3
        line(apprentice, 身份证号=STRANGER),
        line(worker, 姓名="王五"),  # registered, but with another name
        line(apprentice, 证书编号="1950012003300001", 证书类别="职业资格证书", 等级=4),
    ]
    result = certificate_import(by=world.users["bureau"], data=xlsx(rows))
    assert not result.ok and result.imported == 0
    assert codes(result) == [
        (3, "number", "number_level_mismatch"),
        (4, "id_number", "holder_unknown"),
        (5, "name", "name_mismatch"),
        (6, "number", "number_level_mismatch"),
    ]
    level = result.report()[0]
    assert level["column"] == "证书编号"
    with override("zh-hans"):
        assert "等级" in str(result.problems[0].message)
    with override("en"):
        assert "level digit is 3" in str(result.problems[0].message)
    assert not Certificate.objects.exists()


def test_unknown_layouts_alone_are_imported_into_the_review_queue_with_a_warning_each(
    world, programme
):
    apprentice = world.people["apprentice"]
    rows = [
        line(apprentice),
        line(apprentice, 证书编号=OLD_LAYOUT),
        line(apprentice, 证书编号=TWO_LETTERS),
    ]
    result = certificate_import(by=world.users["school"], data=xlsx(rows))
    assert result.ok, [(p["code"], p["message"], p["value"]) for p in result.report()]
    assert result.imported == 3 and result.queued == 2
    assert codes(result) == [
        (3, "number", "number_layout_unknown"),
        (4, "number", "number_layout_unknown"),
    ]
    assert {p["level"] for p in result.report()} == {"warning"}
    queued = Certificate.objects.in_review_queue()
    assert queued.count() == 2
    assert {c.organisation_id for c in Certificate.objects.all()} == {world.institution.pk}
    actions = AuditEvent.objects.filter(object_type="certification.certificate")
    assert sorted(actions.values_list("action", flat=True)) == [
        "certificate.create",
        "certificate.queue",
        "certificate.queue",
    ]
    with override("en"):
        assert all("bureau will check" in c.review_reason for c in queued)


def test_a_duplicate_number_in_the_file_or_already_stored_is_an_error(world, programme):
    apprentice = world.people["apprentice"]
    first = line(apprentice)
    certificate_import(by=world.users["bureau"], data=xlsx([first]))
    again = line(apprentice)
    rows = [again, again | {}, first]
    result = certificate_import(by=world.users["bureau"], data=xlsx(rows))
    assert codes(result) == [
        (3, "number", "duplicate_in_file"),
        (4, "number", "duplicate_number"),
    ]
    assert Certificate.objects.count() == 1


def test_the_model_checks_each_row_level_kind_and_occupation(world, programme):
    apprentice = world.people["apprentice"]
    rows = [
        line(apprentice, 证书类别="培训合格证书", 证书编号="PX2024-0001"),  # has a level
        line(apprentice, 职业编码="9-99-99-99"),
        line(apprentice, 证书类别="专项职业能力证书", 等级=None, 证书编号="ZX-1"),
        line(apprentice, 发证日期="2099-01-01"),
    ]
    result = certificate_import(by=world.users["bureau"], data=xlsx(rows))
    found = codes(result)
    assert (2, "level", "invalid") in found or any(r == 2 and f == "level" for r, f, _ in found)
    assert (3, "occupation", "occupation_unknown") in found
    assert any(r == 5 and f == "issued_on" for r, f, _ in found)
    assert not any(r == 4 for r, _, _ in found)  # a special ability certificate has no level


def test_the_institution_records_only_for_its_classes_apprentices(world, programme):
    rows = [line(world.people["apprentice"]), line(world.people["worker"])]
    result = certificate_import(by=world.users["school"], data=xlsx(rows))
    assert codes(result) == [(3, "id_number", "not_recorder")]
    assert not Certificate.objects.exists()


def test_the_enterprise_manager_cannot_import(world, programme):
    with pytest.raises(PermissionDenied):
        certificate_import(
            by=world.users["enterprise"], data=xlsx([line(world.people["apprentice"])])
        )
    response = world.client("enterprise").get("/certification/certificates/import/")
    assert response.status_code == 403
    assert (
        world.client("enterprise").get("/certification/certificates/import/template/").status_code
        == 403
    )
    assert not Certificate.objects.exists()


def test_english_headers_are_accepted_and_levels_in_any_of_their_names(world, programme):
    apprentice = world.people["apprentice"]
    keys = [column.key for column in COLUMNS]
    rows = []
    for level in ("3", "高级工", "三级", "3级", "senior"):
        row = line(apprentice)
        row["等级"] = level
        rows.append({key: row[header] for key, header in zip(keys, HEADERS, strict=True)})
    result = certificate_import(by=world.users["bureau"], data=xlsx(rows, headers=keys))
    assert result.ok and result.imported == 5
    assert set(Certificate.objects.values_list("level", flat=True)) == {3}


@pytest.mark.parametrize("count", [5, 200])
def test_a_correct_file_imports_in_a_fixed_number_of_queries(
    world, programme, count, django_assert_max_num_queries
):
    data = xlsx([line(person) for person in people(count)])
    with django_assert_max_num_queries(12):
        result = certificate_import(by=world.users["bureau"], data=data)
    assert result.ok and result.imported == count
    assert Certificate.objects.count() == count
    events = AuditEvent.objects.filter(action="certificate.create")
    assert events.count() == count


# Hostile files ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"id_number,name\n", "not_xlsx"),
        (b"PK\x03\x04 not really a zip", "corrupt"),
        (b"", "not_xlsx"),
        (empty_workbook(), "no_header"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_as_a_roster_is(world, programme, data, code):
    with pytest.raises(ImportFileError) as refused:
        certificate_import(by=world.users["bureau"], data=data)
    assert refused.value.code == code and str(refused.value)


def test_a_file_without_a_required_column_names_it_in_both_languages(world, programme):
    headers = [h for h in HEADERS if h != "发证日期"]
    with pytest.raises(ImportFileError) as refused:
        certificate_import(by=world.users["bureau"], data=xlsx([], headers=headers))
    with override("zh-hans"):
        assert str(refused.value.missing) == "发证日期"
    with override("en"):
        assert str(refused.value.missing) == "issued_on"


# Messages in the reader's language ---------------------------------------------------------
def test_the_report_is_in_the_readers_language(world, programme):
    rows = [line(world.people["apprentice"], 身份证号=STRANGER)]
    result = certificate_import(by=world.users["bureau"], data=xlsx(rows))
    [problem] = result.report()
    with override("zh-hans"):
        assert str(result.problems[0].message) == "没有以此身份证号和姓名登记的人员。"
    with override("en"):
        assert (
            str(result.problems[0].message) == "No registered person has this ID number and name."
        )
    assert set(problem["text"]) >= {"id"} or problem["text"]


# The template -------------------------------------------------------------------------------
def test_the_template_has_the_headers_and_imports_once_its_example_is_replaced(world, programme):
    sheet = load_workbook(io.BytesIO(certificate_template())).active
    assert [c.value for c in sheet[1]] == HEADERS
    sheet.delete_rows(2)
    values = line(world.people["apprentice"])
    sheet.append([values[h] for h in HEADERS])
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    result = certificate_import(by=world.users["school"], data=buffer.getvalue())
    assert result.ok and result.imported == 1


# The command --------------------------------------------------------------------------------
def command(path: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_certificates", str(path), *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_the_command_imports_a_good_file_and_exits_0(world, programme, tmp_path):
    path = tmp_path / "results.xlsx"
    path.write_bytes(xlsx([line(world.people["apprentice"])]))
    status, out, _err = command(path, "--dry-run")
    assert status == 0 and not Certificate.objects.exists()
    status, out, _err = command(path, "--as", "school", "--language", "en")
    assert status == 0 and "1 certificates imported" in out
    assert Certificate.objects.get().recorded_by == world.users["school"]


def test_the_command_exits_1_with_the_row_errors_and_writes_the_report(world, programme, tmp_path):
    path, report = tmp_path / "results.xlsx", tmp_path / "errors.xlsx"
    path.write_bytes(xlsx([line(world.people["apprentice"], 等级="五级")]))
    status, _out, err = command(path, "--report", str(report))
    assert status == 1 and "证书编号" in err
    assert report.exists() and not Certificate.objects.exists()


@pytest.mark.parametrize("content", [None, b"not a spreadsheet", empty_workbook()])
def test_the_command_exits_2_when_nothing_could_be_read(world, programme, tmp_path, content):
    path = tmp_path / "results.xlsx"
    if content is not None:
        path.write_bytes(content)
    status, _out, err = command(path)
    assert status == 2 and err


def test_the_command_exits_2_for_a_user_who_may_not_import(world, programme, tmp_path):
    path = tmp_path / "results.xlsx"
    path.write_bytes(xlsx([line(world.people["apprentice"])]))
    assert command(path, "--as", "enterprise")[0] == 2
    assert command(path, "--as", "nobody-at-all")[0] == 2


# The page and the job -----------------------------------------------------------------------
def test_the_page_uploads_and_the_job_reports_rows_and_offers_the_marked_copy(
    world, programme, django_capture_on_commit_callbacks
):
    data = xlsx([line(world.people["apprentice"], 等级="五级")])
    with django_capture_on_commit_callbacks(execute=True):
        job = certificate_import_start(by=world.users["school"], filename="成绩.xlsx", data=data)
    job.refresh_from_db()
    assert job.result is not None
    assert job.state == JobState.DONE and not job.result["ok"]
    assert job.result["problems"][0]["column"] == "证书编号"
    assert job.result_file.name.endswith("成绩-errors.xlsx")
    page = world.client("school").get("/certification/certificates/import/")
    assert page.status_code == 200 and b"last-import" in page.content


def test_the_job_of_an_unreadable_file_fails_and_says_why(
    world, programme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = certificate_import_start(by=world.users["bureau"], filename="x.xlsx", data=b"no")
    job.refresh_from_db()
    assert job.result is not None
    assert job.state == JobState.FAILED and job.result["code"] == "not_xlsx"


def test_the_bureau_opens_the_page_and_downloads_the_template(world, programme):
    client = world.client("bureau")
    assert client.get("/certification/certificates/import/").status_code == 200
    response = client.get("/certification/certificates/import/template/")
    assert response.status_code == 200
    assert (
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active["A1"].value
        == "身份证号"
    )
