"""Long work runs as a job whose progress pages poll; an export's file is its owner's alone."""

import io

import pytest

from xuetu.core.excel import read_rows
from xuetu.core.jobs import JobProgress, job_create, job_run, terminal_bar
from xuetu.core.models import Job, JobState


@pytest.mark.django_db
def test_a_job_and_its_file_are_404_to_anyone_but_its_owner(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        world.client("enterprise").post("/export/enterprise/")
    job = Job.objects.get(owner=world.users["enterprise"])
    for url in (f"/jobs/{job.pk}/", f"/jobs/{job.pk}/download/"):
        assert world.client("enterprise2").get(url).status_code == 404
        assert world.client("enterprise").get(url).status_code == 200


@pytest.mark.django_db
def test_the_progress_partial_polls_until_the_job_finishes(world):
    job = job_create(by=world.users["bureau"], kind="export", params={"list": "district"})
    client = world.client("bureau")
    running = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="load delay:1s"' in running
    job_run(job)
    done = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and "100%" in done


@pytest.mark.django_db
def test_a_failing_job_says_it_failed_and_keeps_the_error_for_the_log(world, caplog):
    job = job_create(by=world.users["bureau"], kind="export", params={"list": "nope"})
    job_run(job)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.text and "nope" not in job.message
    assert "no export for nope" in caplog.text


@pytest.mark.django_db
def test_the_terminal_progress_bar_draws_to_the_end(world):
    job = job_create(by=world.users["bureau"], kind="export", params={"list": "district"})
    stream = io.StringIO()
    progress = JobProgress(job, stream=stream, step=1)
    progress.start(4)
    for _ in range(4):
        progress.advance()
    progress.finish("ok")
    assert stream.getvalue().rstrip().endswith(terminal_bar(4, 4))
    assert terminal_bar(1, 4).startswith("[" + "#" * 7 + ".")


@pytest.mark.django_db
def test_the_export_command_draws_a_bar_and_writes_the_file(world, tmp_path):
    from django.core.management import call_command

    out = io.StringIO()
    target = tmp_path / "enterprises.xlsx"
    call_command("export_list", "enterprise", user="district", out=target, stdout=out)
    assert "100% 1/1" in out.getvalue()
    rows = read_rows(target.read_bytes())
    assert [row[0] for row in rows[1:]] == [world.enterprise.name]


@pytest.mark.django_db
def test_old_finished_jobs_and_their_files_are_purged(world):
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    old = job_create(by=world.users["bureau"], kind="export", params={"list": "district"})
    job_run(old)
    new = job_create(by=world.users["bureau"], kind="export", params={"list": "district"})
    job_run(new)
    old.refresh_from_db()
    path = old.result_file.path
    Job.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=40))
    call_command("purge_jobs", days=30, stdout=io.StringIO())
    assert list(Job.objects.values_list("pk", flat=True)) == [new.pk]
    import os

    assert not os.path.exists(path)


@pytest.mark.django_db
def test_a_job_page_names_the_work_in_the_users_language(world):
    job = job_create(by=world.users["bureau"], kind="export", params={"list": "district"})
    page = world.client("bureau").get(f"/jobs/{job.pk}/").content.decode()
    assert "导出Excel" in page and ">export<" not in page


# Jobs that stopped without ending, uploads nobody waits for ----------------------------------
def aged(path: str, hours: float) -> str:
    import os
    import time

    from django.core.files.storage import default_storage

    stamp = time.time() - hours * 3600
    os.utime(default_storage.path(path), (stamp, stamp))
    return path


def saved(path: str) -> str:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    return default_storage.save(path, ContentFile(b"PK personal data"))


@pytest.mark.django_db
def test_a_job_stuck_queued_or_running_fails_with_a_message_and_its_upload_is_deleted(world):
    import datetime as dt

    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from django.utils import timezone

    def job(language: str, state: str, hours: float) -> Job:
        params = {"list": "district", "upload": saved("roster-uploads/a.xlsx")}
        made = job_create(by=world.users["bureau"], kind="export", params=params)
        made.params["language"] = language
        made.save()
        updated = timezone.now() - dt.timedelta(hours=hours)
        Job.objects.filter(pk=made.pk).update(state=state, updated_at=updated)
        return made

    queued = job("zh-hans", JobState.QUEUED, 3)
    running = job("en", JobState.RUNNING, 3)
    recent = job("en", JobState.RUNNING, 1)
    out = io.StringIO()
    call_command("purge_jobs", stuck_hours=2, stdout=out)
    assert "2 stuck jobs failed" in out.getvalue()
    for stuck in (queued, running):
        stuck.refresh_from_db()
        assert stuck.state == JobState.FAILED and not default_storage.exists(stuck.params["upload"])
    assert "restarted" in running.message and "restarted" not in queued.message
    assert queued.message.strip()
    recent.refresh_from_db()
    assert recent.state == JobState.RUNNING and default_storage.exists(recent.params["upload"])


@pytest.mark.django_db
def test_an_upload_no_unfinished_job_names_is_deleted_once_old_enough(world):
    from django.core.files.storage import default_storage

    from xuetu.core.uploads import uploads_purge_orphans

    orphan = aged(saved("roster-uploads/orphan.xlsx"), 3)
    nested = aged(saved("uploads/2026/orphan.xlsx"), 3)
    waiting = aged(saved("roster-uploads/waiting.xlsx"), 3)
    job_create(by=world.users["bureau"], kind="export", params={"list": "x", "upload": waiting})
    fresh = saved("roster-uploads/fresh.xlsx")  # its job may not be created yet
    other = aged(saved("appointments/2026/letter.pdf"), 3)
    import datetime as dt

    assert uploads_purge_orphans(older_than=dt.timedelta(hours=2)) == 2
    assert not default_storage.exists(orphan) and not default_storage.exists(nested)
    assert all(default_storage.exists(path) for path in (waiting, fresh, other))


@pytest.mark.django_db
def test_a_job_that_ends_deletes_its_upload_even_when_its_handler_fails(world):
    from django.core.files.storage import default_storage

    path = saved("roster-uploads/a.xlsx")
    job = job_create(by=world.users["bureau"], kind="export", params={"list": "no", "upload": path})
    job_run(job)
    assert job.state == JobState.FAILED and not default_storage.exists(path)
