"""Background work of the programmes app. A task only loads its job and calls the service.

The roster upload page calls `roster_import_start`; the job's result is the row-by-row report
(`job.result["problems"]`) and, when nothing was imported because of errors, `job.result_file`
is the uploaded file with an error column.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.imports import ImportFileError, error_workbook
from xuetu.core.jobs import JobProgress, job_create, job_enqueue, job_handler
from xuetu.core.models import Job
from xuetu.core.notices import freeze
from xuetu.core.problems import Refused
from xuetu.programmes.models import Cohort
from xuetu.programmes.roster import roster_check_can_import, roster_import

ROSTER_IMPORT = "programmes.roster_import"
UPLOAD_DIR = "roster-uploads"


def roster_import_start(
    *,
    by: User,
    cohort: Cohort,
    filename: str,
    data: bytes,
    dry_run: bool = False,
    language: str | None = None,
) -> Job:
    """Store the upload and queue its import. Refuses at once (404, 403, closed roster)
    what the job would refuse anyway, before anything is stored."""
    roster_check_can_import(by=by, cohort=cohort)
    # A random name: the original may hold a person's name, and must not collide.
    path = default_storage.save(f"{UPLOAD_DIR}/{uuid.uuid4().hex}.xlsx", ContentFile(data))
    params = {
        "cohort": cohort.pk,
        "upload": path,
        "filename": PurePath(filename).name[:200],
        "dry_run": dry_run,
        "language": language or get_language() or settings.LANGUAGE_CODE,
    }
    job = job_create(by=by, kind=ROSTER_IMPORT, params=params, organisation=cohort.enterprise)
    job_enqueue(job)
    return job


@job_handler(ROSTER_IMPORT, _("Roster import"))
def roster_import_job(job: Job, progress: JobProgress) -> None:
    params = job.params
    by = User.objects.get(pk=job.owner_id)
    cohort = Cohort.objects.get(pk=params["cohort"])
    with default_storage.open(params["upload"], "rb") as upload:
        data = upload.read()
    try:
        with override(params.get("language") or settings.LANGUAGE_CODE):
            _import(job, progress, by=by, cohort=cohort, data=data)
    finally:
        # The upload holds ID numbers: once imported (or reported on) it has no further use.
        default_storage.delete(params["upload"])


def _import(job: Job, progress: JobProgress, *, by: User, cohort: Cohort, data: bytes) -> None:
    try:
        result = roster_import(
            by=by,
            cohort=cohort,
            data=data,
            dry_run=job.params.get("dry_run", False),
            progress=progress,
        )
    except (ImportFileError, Refused, PermissionDenied, Http404) as error:
        # The file or the class was refused as a whole: nothing was imported, and the job
        # says so as a failure (red), naming the required columns the file lacks.
        message = _refusal(error)
        progress.refuse(message)
        progress.finish(message, result=_refused_result(message, error))
        return
    report = None
    if not result.ok:
        stem = PurePath(job.params.get("filename") or "roster").stem
        report = (f"{stem}-errors.xlsx", error_workbook(data, result))
    progress.finish(result.summary_message(), result=result.as_dict(), file=report)


def _refusal(error: Exception) -> str | Promise:
    if isinstance(error, ImportFileError):
        return error.message
    if isinstance(error, Refused):
        messages = [problem.message for problem in error.problems]
        return messages[0] if len(messages) == 1 else "; ".join(str(m) for m in messages)
    # Membership may have changed since the upload; Http404 says nothing, on purpose.
    return _("You may not import into this class.")


def _refused_result(message: str | Promise, error: Exception) -> dict[str, Any]:
    """No row was looked at; `missing` (stored per language) names the columns to add."""
    missing = error.missing if isinstance(error, ImportFileError) else ""
    return {
        "ok": False,
        "error": freeze(message),
        "code": getattr(error, "code", "") or "",
        "missing": freeze(missing) if missing else None,
        "rows": 0,
        "imported": 0,
        "problems": [],
    }
