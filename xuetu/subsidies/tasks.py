"""Background work of the subsidies app. A task only loads its job and calls the service.

- the subsidy history import (`history_import_start`): the job's result is the row-by-row
  report, and `job.result_file` the uploaded file with an error column when nothing was
  imported because of errors;
- the yearly settlement (`settlement_start`): a draft settlement for every class completed in
  the year, with a progress bar;
- `remind_refunds`, a task for Celery beat (or `manage.py remind_refunds` from cron).
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePath

from celery import shared_task
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.imports import ImportFileError, error_workbook
from xuetu.core.jobs import JobProgress, job_create, job_enqueue, job_handler
from xuetu.core.models import Job
from xuetu.core.problems import say

# The roster's: the result of a file refused as a whole is the same for every import.
from xuetu.programmes.tasks import _refused_result
from xuetu.subsidies.imports import NOT_ALLOWED, history_check_can_import, history_import
from xuetu.subsidies.services.claims import require_city
from xuetu.subsidies.services.refunds import remind_overdue
from xuetu.subsidies.services.settlement import CITY_ONLY as SETTLE_CITY_ONLY
from xuetu.subsidies.services.settlement import settle_year

HISTORY_IMPORT = "subsidies.history_import"
SETTLEMENT = "subsidies.settlement"
UPLOAD_DIR = "history-uploads"
SETTLED = _("%(created)s draft settlements created for %(year)s; %(skipped)s classes skipped.")


def _language(language: str | None) -> str:
    return language or get_language() or settings.LANGUAGE_CODE


def history_import_start(
    *, by: User, filename: str, data: bytes, dry_run: bool = False, language: str | None = None
) -> Job:
    """Store the upload and queue its import; refuses at once whoever may not import."""
    history_check_can_import(by=by)
    # A random name: the original may hold a person's name, and must not collide.
    path = default_storage.save(f"{UPLOAD_DIR}/{uuid.uuid4().hex}.xlsx", ContentFile(data))
    params = {
        "upload": path,
        "filename": PurePath(filename).name[:200],
        "dry_run": dry_run,
        "language": _language(language),
    }
    job = job_create(by=by, kind=HISTORY_IMPORT, params=params)
    job_enqueue(job)
    return job


@job_handler(HISTORY_IMPORT, _("Subsidy history import"))
def history_import_job(job: Job, progress: JobProgress) -> None:
    params = job.params
    by = User.objects.get(pk=job.owner_id)
    with default_storage.open(params["upload"], "rb") as upload:
        data = upload.read()
    try:
        with override(params.get("language") or settings.LANGUAGE_CODE):
            _import(job, progress, by=by, data=data)
    finally:
        # The upload holds ID numbers: once imported (or reported on) it has no further use.
        default_storage.delete(params["upload"])


def _import(job: Job, progress: JobProgress, *, by: User, data: bytes) -> None:
    try:
        result = history_import(
            by=by, data=data, dry_run=job.params.get("dry_run", False), progress=progress
        )
    except (ImportFileError, PermissionDenied) as error:
        message = error.message if isinstance(error, ImportFileError) else NOT_ALLOWED
        progress.refuse(message)
        progress.finish(message, result=_refused_result(message, error))
        return
    report = None
    if not result.ok:
        stem = PurePath(job.params.get("filename") or "history").stem
        report = (f"{stem}-errors.xlsx", error_workbook(data, result))
    progress.finish(result.summary_message(), result=result.as_dict(), file=report)


def settlement_start(
    *, by: User, year: int, today: dt.date | None = None, language: str | None = None
) -> Job:
    """Queue the yearly settlement of `year`; refuses at once whoever is not the city."""
    if not by.is_authenticated:
        raise PermissionDenied(SETTLE_CITY_ONLY)
    require_city(by, SETTLE_CITY_ONLY)
    params = {
        "year": year,
        "today": (today or timezone.localdate()).isoformat(),
        "language": _language(language),
    }
    job = job_create(by=by, kind=SETTLEMENT, params=params)
    job_enqueue(job)
    return job


@job_handler(SETTLEMENT, _("Yearly settlement"))
def settlement_job(job: Job, progress: JobProgress) -> None:
    params = job.params
    by = User.objects.get(pk=job.owner_id)
    with override(params.get("language") or settings.LANGUAGE_CODE):
        counts = settle_year(
            by=by,
            year=int(params["year"]),
            today=dt.date.fromisoformat(params["today"]),
            start=lambda total: progress.start(total, _("Computing the settlements")),
            advance=progress.advance,
        )
        progress.finish(say(SETTLED, **counts), result=counts)


@shared_task
def remind_refunds() -> int:
    """For Celery beat: the weekly reminders of overdue refund obligations."""
    return remind_overdue()
