"""Notices, job messages, import summaries and row errors are stored as a message id with its
parameters and read in the reader's language, whatever language the sender worked in; a
failed import looks failed and names the columns the file lacks (issue 8, items 7 and 13)."""

from __future__ import annotations

import io
import logging

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.translation import override
from openpyxl import load_workbook

from xuetu.core.imports import ERROR_HEADER
from xuetu.core.jobs import HANDLERS, JobProgress, job_create, job_run, jobs_fail_stuck
from xuetu.core.models import Job, JobState, Notice
from xuetu.core.notices import freeze, message_text, notify
from xuetu.programmes.tests import test_roster
from xuetu.programmes.tests.test_roster import HEADERS, good_row, start_job, xlsx
from xuetu.registry.consents import ENTERPRISE_FACTS

setting = test_roster.setting  # the roster's class, mentors and people, as a fixture here
EN, ZH = "en", "zh-hans"


def reader(setting, language: str) -> Client:
    """The enterprise manager, having chosen `language` with the switch."""
    client = setting.world.client("enterprise")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def job_page(setting, job: Job, language: str) -> str:
    response = reader(setting, language).get(reverse("core:job_detail", args=[job.pk]))
    return response.content.decode()


def test_a_notice_sent_in_chinese_reads_in_each_readers_language(world):
    reader = world.users["enterprise"]
    with override("zh-hans"):  # the sender works in Chinese; the label is a parameter
        notify(
            kind="consent.granted",
            recipients=[reader],
            url="/",
            params={"what": ENTERPRISE_FACTS.label},
        )
    notice = Notice.objects.get(recipient=reader)
    assert notice.params["what"] == {"id": "change of the enterprise's name, USCC or district"}
    with override("en"):
        assert (
            notice.text
            == "Your request was granted: change of the enterprise's name, USCC or district"
        )
    with override("zh-hans"):
        assert notice.text.startswith("您的申请已获同意") or "同意" in notice.text
        assert "enterprise" not in notice.text


def test_a_finished_imports_summary_reads_in_each_readers_language(
    setting, django_capture_on_commit_callbacks
):
    with override("zh-hans"):
        job = start_job(
            setting, xlsx([good_row(0), good_row(1)]), django_capture_on_commit_callbacks
        )
    assert job.state == JobState.DONE and job.message == "已导入2名学徒。"
    assert "2 apprentices imported." in job_page(setting, job, EN)
    assert "已导入2名学徒。" in job_page(setting, job, ZH)


def test_a_row_error_reads_in_each_readers_language_on_the_page_and_in_the_report(
    setting, django_capture_on_commit_callbacks
):
    rows = [good_row(0), good_row(1) | {"学徒类别": "临时工"}]
    with override("zh-hans"):
        job = start_job(setting, xlsx(rows), django_capture_on_commit_callbacks)
    english, chinese = job_page(setting, job, EN), job_page(setting, job, ZH)
    assert (
        "Choose 新入职, 在岗 or 转岗" in english and "Nothing was imported: 1 problems" in english
    )
    assert "请填写新入职、在岗或转岗" in chinese and "Choose 新入职" not in chinese
    assert 'data-outcome="nothing-imported"' in english and "bg-danger" in english

    for language, expected in ((EN, "Choose 新入职"), (ZH, "请填写新入职")):
        client = reader(setting, language)
        response = client.get(reverse("core:job_download", args=[job.pk]))
        sheet = load_workbook(io.BytesIO(response.getvalue())).active
        assert sheet.cell(1, len(HEADERS) + 1).value == ERROR_HEADER
        assert expected in sheet.cell(3, len(HEADERS) + 1).value
        assert sheet.cell(2, len(HEADERS) + 1).value is None


def test_a_file_without_the_header_row_fails_and_names_the_columns_it_needs(
    setting, django_capture_on_commit_callbacks
):
    data = xlsx([{"name": "赵一", "foo": "x"}], headers=["name", "foo"])
    with override("zh-hans"):
        job = start_job(setting, data, django_capture_on_commit_callbacks)
    assert job.result is not None and job.result["imported"] == 0
    assert job.state == JobState.FAILED and job.nothing_imported
    english, chinese = job_page(setting, job, EN), job_page(setting, job, ZH)
    assert "Failed: nothing was imported." in english and "alert-danger" in english
    assert "The first row must name these columns: name, id_number, category" in english
    assert "首行须列明以下各列：姓名、身份证号、学徒类别" in chinese
    assert ">100%<" not in english and ">Failed<" in english and "Done" not in english


def test_a_file_missing_required_columns_fails_and_names_only_those(
    setting, django_capture_on_commit_callbacks
):
    headers = [h for h in HEADERS if h not in ("学徒类别", "是否缴纳社保")]
    with override("zh-hans"):
        job = start_job(setting, xlsx([good_row(0)], headers), django_capture_on_commit_callbacks)
    assert job.result is not None and job.result["code"] == "missing_columns"
    assert job.state == JobState.FAILED
    with override("en"):
        assert job.missing_columns == "category, social_insurance"
        assert job.text == "Required columns are missing: category, social_insurance."
    with override("zh-hans"):
        assert job.missing_columns == "学徒类别、是否缴纳社保"
    home = reader(setting, EN).get("/").content.decode()
    assert 'data-state="failed"' in home and "nothing imported" in home


def test_a_job_that_crashes_tells_its_owner_nothing_of_the_error(world, caplog):
    def crash(job: Job, progress: JobProgress) -> None:
        raise RuntimeError('relation "programmes_enrollment" does not exist; SELECT secret')

    HANDLERS["test.crash"] = crash
    try:
        job = job_create(by=world.users["enterprise"], kind="test.crash", params={})
        with caplog.at_level(logging.ERROR):
            job_run(job)
    finally:
        del HANDLERS["test.crash"]
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "SELECT" not in job.message and "relation" not in job.message
    with override("en"):
        assert job.text.startswith("The job stopped because of an error on our side.")
    assert "SELECT secret" in caplog.text  # the detail is in the log, for the operators


def test_a_stuck_job_fails_with_a_message_in_each_readers_language(world):
    import datetime as dt

    job = job_create(by=world.users["enterprise"], kind="export", params={})
    Job.objects.filter(pk=job.pk).update(updated_at=job.updated_at - dt.timedelta(days=1))
    assert jobs_fail_stuck(older_than=dt.timedelta(hours=1)) == 1
    job.refresh_from_db()
    with override("en"):
        assert job.text.startswith("This job stopped without finishing")
    with override("zh-hans"):
        assert "This job" not in job.text


def test_a_message_stored_before_message_ids_reads_as_it_was(world):
    job = job_create(by=world.users["enterprise"], kind="export", params={})
    Job.objects.filter(pk=job.pk).update(message="旧的消息", state=JobState.DONE)
    job.refresh_from_db()
    with override("en"):
        assert job.text == "旧的消息"
    assert message_text("plain text") == "plain text" and message_text(None) == ""


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_frozen_message_keeps_its_parameters_and_reads_in_any_language(language):
    from xuetu.core.imports.result import IMPORTED
    from xuetu.core.problems import say

    with override("zh-hans" if language == "en" else "en"):
        stored = freeze(say(IMPORTED, count=3))
    assert stored == {"id": "%(count)s rows imported.", "params": {"count": 3}}
    with override(language):
        assert message_text(stored) == str(say(IMPORTED, count=3))


def test_detail_labels_start_with_a_capital_in_english(world):
    person = world.people["worker"]
    client = world.client("bureau")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = EN
    page = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert ">Resident ID number</dt>" in page and ">Registered by</dt>" in page
    assert ">resident ID number<" not in page


def test_a_status_badge_wraps_rather_than_overflowing_a_narrow_column():
    from django.template.loader import render_to_string

    for name, status in (("_enrollment_status", "withdrawn"), ("_cohort_status", "withdrawn")):
        html = render_to_string(f"programmes/{name}.html", {"status": status, "label": "Withdrawn"})
        assert "text-wrap" in html and "mw-100" in html
