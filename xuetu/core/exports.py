"""Excel exports of the lists a bureau works with, run as background jobs.

Each app registers its lists with `@list_export("name")`: a function that, for a user, returns
the rows (always from `for_user`) and the columns. Resident ID numbers are masked by the
column functions for roles that do not need them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from xuetu.core.excel import write_xlsx
from xuetu.core.jobs import JobProgress, job_handler
from xuetu.core.models import Job

Column = tuple[str, Callable[[Any], Any]]
ListExport = Callable[[Any], tuple[QuerySet, list[Column]]]
EXPORTS: dict[str, ListExport] = {}
EXPORT_JOB = "export"


def list_export(name: str) -> Callable[[ListExport], ListExport]:
    def register(function: ListExport) -> ListExport:
        EXPORTS[name] = function
        return function

    return register


@job_handler(EXPORT_JOB, gettext_lazy("Excel export"))
def export_list(job: Job, progress: JobProgress) -> None:
    user = get_user_model().objects.get(pk=job.owner_id)
    name = job.params["list"]
    if name not in EXPORTS:
        raise ValueError(f"no export for {name}")
    with override(job.params.get("language", "zh-hans")):
        queryset, columns = EXPORTS[name](user)
        progress.start(queryset.count())
        rows = []
        for obj in queryset.iterator(chunk_size=500):
            rows.append([column[1](obj) for column in columns])
            progress.advance()
        data = write_xlsx([column[0] for column in columns], rows, title=name)
        message = _("%(count)d rows exported.") % {"count": len(rows)}
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    progress.finish(message, file=(f"{name}-{stamp}.xlsx", data))
