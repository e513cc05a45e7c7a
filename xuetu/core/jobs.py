"""Background jobs: a `Job` row records progress that pages poll and terminals draw.

A task only loads the job and calls the handler registered for its kind; the handler calls
services and reports progress through `JobProgress`.
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

from xuetu.core.models import Job, JobState

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

    def start(self, total: int, message: str = "") -> None:
        self.job.total, self.job.done, self.job.message = total, 0, message
        self.job.state = JobState.RUNNING
        self._publish("total", "done", "message", "state")
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

    def finish(
        self, message: str = "", *, result: Any = None, file: tuple[str, bytes] | None = None
    ):
        self.job.state, self.job.message, self.job.result = JobState.DONE, message, result
        self.job.done = self.job.total
        if file is not None:
            self.job.result_file.save(file[0], ContentFile(file[1]), save=False)
        self.job.save()
        self._draw()
        if self.stream is not None:
            self.stream.write("\n")


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
    except Exception as error:
        # A failed job says why on its page; the traceback goes to the log.
        logger.exception("job %s failed", job.pk)
        job.state, job.message = JobState.FAILED, str(error)[:2000]
        job.save(update_fields=["state", "message", "updated_at"])
    return job


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
