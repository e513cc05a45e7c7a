"""Background work of the certification app. A task only loads its job and calls the service.

The certificate import page calls `certificate_import_start`; the job's result is the
row-by-row report (`job.result["problems"]`) and, when nothing was imported because of
errors, `job.result_file` is the uploaded file with an error column.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.certification.imports import certificate_check_can_import, certificate_import
from xuetu.core.imports import ImportFileError, error_workbook
from xuetu.core.jobs import JobProgress, job_create, job_enqueue, job_handler
from xuetu.core.models import Job

# The roster's: the result of a file refused as a whole is the same for every import.
from xuetu.programmes.tasks import _refused_result

CERTIFICATE_IMPORT = "certification.certificate_import"
UPLOAD_DIR = "certificate-uploads"
NOT_ALLOWED = _("You may not import certificates.")


def certificate_import_start(
    *,
    by: User,
    filename: str,
    data: bytes,
    dry_run: bool = False,
    language: str | None = None,
) -> Job:
    """Store the upload and queue its import; refuses at once whoever may not import."""
    certificate_check_can_import(by=by)
    # A random name: the original may hold a person's name, and must not collide.
    path = default_storage.save(f"{UPLOAD_DIR}/{uuid.uuid4().hex}.xlsx", ContentFile(data))
    params = {
        "upload": path,
        "filename": PurePath(filename).name[:200],
        "dry_run": dry_run,
        "language": language or get_language() or settings.LANGUAGE_CODE,
    }
    job = job_create(by=by, kind=CERTIFICATE_IMPORT, params=params)
    job_enqueue(job)
    return job


@job_handler(CERTIFICATE_IMPORT, _("Certificate import"))
def certificate_import_job(job: Job, progress: JobProgress) -> None:
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
        result = certificate_import(
            by=by, data=data, dry_run=job.params.get("dry_run", False), progress=progress
        )
    except (ImportFileError, PermissionDenied) as error:
        # Refused as a whole (or the importer's rights changed since the upload): a failure.
        message = error.message if isinstance(error, ImportFileError) else NOT_ALLOWED
        progress.refuse(message)
        progress.finish(message, result=_refused_result(message, error))
        return
    report = None
    if not result.ok:
        stem = PurePath(job.params.get("filename") or "certificates").stem
        report = (f"{stem}-errors.xlsx", error_workbook(data, result))
    progress.finish(result.summary_message(), result=result.as_dict(), file=report)
