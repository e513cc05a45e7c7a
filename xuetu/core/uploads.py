"""Uploaded files, checked before anything reads them: the name's type, the content's type
(sniffed from the first bytes, so a renamed file is caught), and the size.

Each kind is declared once (`PDF`, `JPEG`, `PNG`, `XLSX`, `MP4`); a form field names the kinds
it takes and its size limit. An upload a job will read waits in an upload folder and is named
in the job's parameters; it is deleted when the job ends, and `purge_jobs` deletes the ones
no unfinished job names.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from xuetu.core.models import Job

HEAD_BYTES = 64


@dataclass(frozen=True)
class FileKind:
    label: str | Promise
    suffixes: tuple[str, ...]
    content_type: str
    sniff: Callable[[bytes, Any], bool]


def _starts(*magic: bytes) -> Callable[[bytes, Any], bool]:
    return lambda head, _file: any(head.startswith(m) for m in magic)


def _is_xlsx(head: bytes, upload: Any) -> bool:
    """An Office Open XML workbook: a zip whose directory names a workbook. Only the
    directory is read, never a compressed member."""
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


PDF = FileKind(_("PDF"), (".pdf",), "application/pdf", _starts(b"%PDF-"))
JPEG = FileKind(_("JPEG image"), (".jpg", ".jpeg"), "image/jpeg", _starts(b"\xff\xd8\xff"))
PNG = FileKind(_("PNG image"), (".png",), "image/png", _starts(b"\x89PNG\r\n\x1a\n"))
XLSX = FileKind(
    _("Excel workbook (.xlsx)"),
    (".xlsx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    _is_xlsx,
)
MP4 = FileKind(_("MP4 video"), (".mp4",), "video/mp4", lambda head, _file: head[4:8] == b"ftyp")
SCAN_KINDS = (PDF, JPEG, PNG)


def suffixes_of(kinds: Sequence[FileKind]) -> tuple[str, ...]:
    return tuple(s for kind in kinds for s in kind.suffixes)


def check_upload(upload: Any, *, kinds: Sequence[FileKind], max_bytes: int) -> FileKind:
    """The kind of an acceptable upload; a `ValidationError` in the user's language if its
    name, content or size is not acceptable."""
    suffix = PurePath(upload.name or "").suffix.lower()
    kind = next((k for k in kinds if suffix in k.suffixes), None)
    if kind is None:
        raise ValidationError(
            _("Upload a file of one of these types: %(types)s."),
            code="file_type",
            params={"types": ", ".join(suffixes_of(kinds))},
        )
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("The file is larger than %(size)s MB."),
            code="file_size",
            params={"size": max(1, max_bytes // (1024 * 1024))},
        )
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="file_empty")
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if not kind.sniff(head, upload):
        raise ValidationError(
            _("The file's content is not a %(kind)s, although its name says so."),
            code="file_content",
            params={"kind": kind.label},
        )
    return kind


class UploadField(forms.FileField):
    """A file field that takes only the declared kinds, up to `max_bytes`."""

    def __init__(self, *, kinds: Sequence[FileKind], max_bytes: int, **kwargs: Any) -> None:
        self.kinds = tuple(kinds)
        self.max_bytes = max_bytes
        kwargs.setdefault("widget", forms.ClearableFileInput)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ",".join(suffixes_of(self.kinds)))

    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        if value and value is not initial and hasattr(value, "read"):
            check_upload(value, kinds=self.kinds, max_bytes=self.max_bytes)
        return value


# Uploads waiting for their job ---------------------------------------------------------------
UPLOAD_PARAM = "upload"  # the job parameter naming its upload (a path in the default storage)


def is_upload_folder(name: str) -> bool:
    """Uploads wait for their job in a top folder of the storage named `uploads` or
    `…-uploads` (`roster-uploads`); nothing else is kept there."""
    return name == "uploads" or name.endswith("-uploads")


def job_upload_delete(job: Job) -> None:
    """The job's upload, once the job has ended: it holds personal data, and no use is left."""
    path = job.params.get(UPLOAD_PARAM) if isinstance(job.params, dict) else None
    if isinstance(path, str) and path and is_upload_folder(PurePath(path).parts[0]):
        default_storage.delete(path)


def uploads_purge_orphans(*, older_than: dt.timedelta) -> int:
    """Deletes the uploads older than `older_than` that no queued or running job names
    (their job failed, was deleted, or was never created). Returns how many."""
    from xuetu.core.models import Job, JobState

    unfinished = Job.objects.filter(state__in=[JobState.QUEUED, JobState.RUNNING])
    wanted = set(unfinished.values_list(f"params__{UPLOAD_PARAM}", flat=True))
    cutoff = timezone.now() - older_than
    folders, _files = default_storage.listdir("") if default_storage.exists("") else ([], [])
    count = 0
    for path in (p for folder in folders if is_upload_folder(folder) for p in _walk(folder)):
        if path not in wanted and default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            count += 1
    return count


def _walk(folder: str) -> Iterator[str]:
    folders, files = default_storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for name in folders:
        yield from _walk(f"{folder}/{name}")
