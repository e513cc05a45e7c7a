"""Background jobs: a `Job` row records progress that pages poll and terminals draw.

A task only loads the job and calls the handler registered for its kind; the handler calls
services and reports progress through `JobProgress`. A job that works on an uploaded file
names it in `params["upload"]` (a path in the default storage, in a folder named `uploads`
or `…-uploads`); the file is deleted when the job ends, however it ends, and
`manage.py purge_jobs` fails jobs that stopped without ending and deletes the uploads no
unfinished job names.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.management.base import OutputWrapper
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from xuetu.core.models import Job, JobState
from xuetu.core.notices import freeze
from xuetu.core.uploads import job_upload_delete

logger = logging.getLogger(__name__)

HANDLERS: dict[str, Callable[[Job, JobProgress], None]] = {}


LABELS: dict[str, Any] = {}


def job_handler(kind: str, label: Any = None):
    """Registers the function that does a kind of job; `label` is what pages call it."""

    def register(function: Callable[[Job, JobProgress], None]):
        HANDLERS[kind] = function
        LABELS[kind] = label or kind
        return function

    return register


class JobProgress:
    """Writes progress to the job row (at most every `step` items) and, when given a stream,
    draws a bar in the terminal."""

    def __init__(
        self, job: Job, *, stream: IO[str] | OutputWrapper | None = None, step: int = 50
    ) -> None:
        self.job, self.stream, self.step = job, stream, step

    def start(self, total: int, message: str | Promise = "") -> None:
        self.job.total, self.job.done = total, 0
        self._say(message)
        self.job.state = JobState.RUNNING
        self._publish("total", "done", "message", "stored_message", "state")
        self._draw()

    def advance(self, count: int = 1) -> None:
        self.job.done = min(self.job.done + count, self.job.total or self.job.done + count)
        if self.job.done % self.step == 0 or self.job.done == self.job.total:
            self._publish("done")
        self._draw()

    def _publish(self, *fields: str) -> None:
        """Writes only the progress fields, so a concurrent change to the job is not lost."""
        values = {name: getattr(self.job, name) for name in fields}
        Job.objects.filter(pk=self.job.pk).update(updated_at=timezone.now(), **values)

    def _draw(self) -> None:
        if self.stream is not None:
            line = "\r" + terminal_bar(self.job.done, self.job.total)
            if isinstance(self.stream, OutputWrapper):  # a management command's stdout
                self.stream.write(line, ending="")
            else:
                self.stream.write(line)
            self.stream.flush()

    def _say(self, message: str | Promise) -> None:
        # Kept as an id and parameters for each reader, and as said in the owner's language
        # (the handler runs in it) for the admin and the log.
        self.job.message, self.job.stored_message = str(message), freeze(message) or None

    def refuse(self, message: str | Promise) -> None:
        """The job's input is refused as a whole (a file too big, of the wrong kind, without
        the columns it needs): the job fails with `message`, whatever the handler reports
        after."""
        self.job.state = JobState.FAILED
        self._say(message)
        self._publish("state", "message", "stored_message")

    def finish(
        self,
        message: str | Promise = "",
        *,
        result: Any = None,
        file: tuple[str, bytes] | None = None,
    ):
        if self.job.state != JobState.FAILED:  # a refused job stays failed
            self.job.state = JobState.DONE
        self._say(message)
        self.job.result = result
        self.job.done = self.job.total
        if file is not None:
            self.job.result_file.save(file[0], ContentFile(file[1]), save=False)
        self.job.save()
        self._draw()
        if self.stream is not None:
            self.stream.write("\n")


def job_result_file(job: Job) -> tuple[str, bytes]:
    """The job's file for whoever downloads it: an import's error copy has its error column
    in the downloader's language (the language active now)."""
    from xuetu.core.imports.report import error_workbook_in_language

    name = job.result_file.name.rsplit("/", 1)[-1]
    with job.result_file.open("rb") as stored:
        data = stored.read()
    problems = (job.result or {}).get("problems") if isinstance(job.result, dict) else None
    if problems and name.endswith(".xlsx"):
        data = error_workbook_in_language(data, problems)
    return name, data


def terminal_bar(done: int, total: int, width: int = 30) -> str:
    filled = int(width * done / total) if total else width
    percent = int(100 * done / total) if total else 100
    return f"[{'#' * filled}{'.' * (width - filled)}] {percent:3d}% {done}/{total}"


def job_create(*, by, kind: str, params: dict[str, Any], organisation=None) -> Job:
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind {kind}")
    return Job.objects.create(kind=kind, owner=by, organisation=organisation, params=params)


def job_enqueue(job: Job) -> None:
    from xuetu.core.tasks import run_job

    transaction.on_commit(lambda: run_job.delay(job.pk))


def job_run(job: Job, *, stream: IO[str] | OutputWrapper | None = None) -> Job:
    progress = JobProgress(job, stream=stream)
    try:
        HANDLERS[job.kind](job, progress)
    except Exception:
        # Users read that it failed and what to do; what went wrong (a traceback, SQL, a
        # path) goes to the log only.
        logger.exception("job %s failed", job.pk)
        with override(job_language(job)):
            job.state, job.message = JobState.FAILED, str(CRASHED)
        job.stored_message = freeze(CRASHED)
        job.save(update_fields=["state", "message", "stored_message", "updated_at"])
    finally:
        job_upload_delete(job)
    return job


def job_language(job: Job) -> str:
    from django.conf import settings

    return str(job.params.get("language") or settings.LANGUAGE_CODE)


CRASHED = _(
    "The job stopped because of an error on our side. Try again; if it fails again, give "
    "the support team the job's number."
)
STOPPED = _(
    "This job stopped without finishing, perhaps because the server restarted. Start it again."
)


def jobs_fail_stuck(*, older_than: dt.timedelta) -> int:
    """Jobs queued or running with no progress for `older_than` (their process died: a
    crash, a restart) fail with a message in their owner's language, and their uploads are
    deleted. Returns how many."""
    cutoff = timezone.now() - older_than
    stuck = Job.objects.filter(updated_at__lt=cutoff, state__in=[JobState.QUEUED, JobState.RUNNING])
    count = 0
    for job in stuck.iterator():
        with override(job_language(job)):
            message = str(STOPPED)
        # Only if it is still stuck: a job that moved meanwhile is left alone.
        moved = Job.objects.filter(pk=job.pk, state=job.state, updated_at=job.updated_at)
        changed = moved.update(
            state=JobState.FAILED,
            message=message,
            stored_message=freeze(STOPPED),
            updated_at=timezone.now(),
        )
        if changed:
            job_upload_delete(job)
            count += 1
    return count


def jobs_purge(*, older_than: dt.timedelta) -> tuple[int, int]:
    """Deletes finished jobs older than `older_than` and their files: they hold personal data
    and are copies of what the database keeps anyway. Returns (jobs, files) deleted."""
    from xuetu.core.models import Job, JobState

    cutoff = timezone.now() - older_than
    old = Job.objects.filter(updated_at__lt=cutoff, state__in=[JobState.DONE, JobState.FAILED])
    files = 0
    for job in old.iterator():
        if job.result_file:
            job.result_file.delete(save=False)
            files += 1
    count, _ = old.delete()
    return count, files
