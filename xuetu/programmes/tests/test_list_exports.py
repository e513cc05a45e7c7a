"""Exports a clerk can work with (issue 8 items 13 and 17): the roster export carries the class
name and district; dates are Excel dates shown as yyyy-mm-dd, not text; the sheet is named in
the reader's language; a name that looks like a formula stays text."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from openpyxl import load_workbook

from xuetu.core.excel import sheet_title, write_xlsx
from xuetu.core.models import Job, JobState
from xuetu.programmes.tests.factories import make_cohort, make_enrollment
from xuetu.registry.models import Person

pytestmark = pytest.mark.django_db


def export(world, kind: str, captured, *, language: str = "zh-hans", as_user: str = "bureau"):
    """The workbook of `kind` as `as_user` downloads it, reading the site in `language`."""
    client = world.client(as_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with captured(execute=True):
        client.post(f"/export/{kind}/")
    job = Job.objects.filter(owner=world.users[as_user]).latest("pk")
    assert job.state == JobState.DONE, job.message
    data = b"".join(client.get(f"/jobs/{job.pk}/download/").streaming_content)
    return load_workbook(io.BytesIO(data))


@pytest.fixture
def roster(world):
    cohort = make_cohort(
        world, code="BJ-E1", name="焊工高级工班", planned_start=dt.date(2026, 3, 1)
    )
    enrollment = make_enrollment(world, cohort, contract_start=dt.date(2026, 1, 5))
    return cohort, enrollment


def test_the_roster_export_carries_the_class_name_and_district(
    world, roster, django_capture_on_commit_callbacks
):
    _, enrollment = roster
    sheet = export(world, "enrollment", django_capture_on_commit_callbacks).active
    headers = [cell.value for cell in sheet[1]]
    row = dict(zip(headers, [cell.value for cell in sheet[2]], strict=True))
    assert row["培训班名称"] == "焊工高级工班" and row["培训班编号"] == "BJ-E1"
    assert row["区县"] == world.jiangbei.name
    assert row["姓名"] == enrollment.person.name


def test_the_roster_export_writes_dates_as_dates(world, roster, django_capture_on_commit_callbacks):
    sheet = export(world, "enrollment", django_capture_on_commit_callbacks, language="en").active
    headers = [cell.value for cell in sheet[1]]
    start = sheet.cell(2, headers.index("labour contract start") + 1)
    assert start.is_date and start.value.date() == dt.date(2026, 1, 5)
    assert start.number_format == "yyyy-mm-dd"
    empty = sheet.cell(2, headers.index("withdrawn on") + 1)
    assert empty.value is None


def test_the_class_export_writes_planned_dates_as_dates(
    world, roster, django_capture_on_commit_callbacks
):
    sheet = export(world, "cohort", django_capture_on_commit_callbacks, language="en").active
    headers = [cell.value for cell in sheet[1]]
    start = sheet.cell(2, headers.index("planned start") + 1)
    end = sheet.cell(2, headers.index("planned end") + 1)
    assert start.is_date and start.value.date() == dt.date(2026, 3, 1)
    assert end.is_date and end.number_format == "yyyy-mm-dd"
    assert sheet.cell(2, headers.index("district") + 1).value == world.jiangbei.name


@pytest.mark.parametrize(
    ("kind", "chinese", "english"),
    [
        ("cohort", "培训班", "Classes"),
        ("enrollment", "学徒花名册", "Rosters"),
        ("person", None, "People"),
        ("enterprise", "企业", "Enterprises"),
    ],
)
def test_the_sheet_is_named_in_the_readers_language(
    world, roster, django_capture_on_commit_callbacks, kind, chinese, english
):
    zh = export(world, kind, django_capture_on_commit_callbacks).active.title
    en = export(world, kind, django_capture_on_commit_callbacks, language="en").active.title
    assert zh != kind and en != kind and zh != en
    assert chinese is None or zh == chinese
    assert english is None or en == english


def test_the_audit_export_sheet_is_named_in_the_readers_language(
    world, roster, django_capture_on_commit_callbacks
):
    client = world.client("bureau")
    for language, title in (("zh-hans", "审计日志"), ("en", "Audit log")):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/audit/")
        job = Job.objects.filter(owner=world.users["bureau"]).latest("pk")
        data = b"".join(client.get(f"/jobs/{job.pk}/download/").streaming_content)
        assert load_workbook(io.BytesIO(data)).active.title == title


def test_a_name_that_looks_like_a_formula_stays_text_beside_a_real_date(
    world, roster, django_capture_on_commit_callbacks
):
    _, enrollment = roster
    Person.objects.filter(pk=enrollment.person.pk).update(name='=HYPERLINK("x","y")')
    sheet = export(world, "enrollment", django_capture_on_commit_callbacks, language="en").active
    headers = [cell.value for cell in sheet[1]]
    name = sheet.cell(2, headers.index("full name") + 1)
    assert name.data_type == "s" and name.value == '=HYPERLINK("x","y")'
    assert sheet.cell(2, headers.index("labour contract start") + 1).is_date


@pytest.mark.parametrize(
    ("title", "expected"),
    [("培训班", "培训班"), ("a/b:c*d?[e]", "a b c d  e"), ("x" * 40, "x" * 31), ("", "Sheet1")],
)
def test_a_sheet_name_is_one_excel_accepts(title, expected):
    assert sheet_title(title) == expected
    data = write_xlsx(["h"], [[dt.date(2026, 1, 1)]], title=title)
    assert load_workbook(io.BytesIO(data)).active.title == expected
