"""Excel exports of the lists a bureau works with, run as background jobs.

Each app registers its lists with `@list_export("name")`: a function that, for a user, returns
the rows (always from `for_user`) and the columns. Resident ID numbers are masked by the
column functions for roles that do not need them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from xuetu.core.excel import write_xlsx
from xuetu.core.jobs import JobProgress, job_handler
from xuetu.core.models import Job

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Column = tuple[str, Callable[[Any], Any]]
# A list's rows and columns for a user; a list that can be filtered also takes the filters
# the page had (`filters=`), which it checks again as the page does.
ListExport = Callable[
    ..., tuple[Any, list[Column]]
]  # a QuerySet, or what counts and iterates as one
EXPORTS: dict[str, ListExport] = {}
# A sheet's name, when it is not the rows' model's plural name (the audit log's rows are
# described events).
SHEET_TITLES: dict[str, StrOrPromise] = {}
EXPORT_JOB = "export"
AUDIT_EXPORT = "audit"


def list_export(
    name: str, *, title: StrOrPromise | None = None
) -> Callable[[ListExport], ListExport]:
    def register(function: ListExport) -> ListExport:
        EXPORTS[name] = function
        if title is not None:
            SHEET_TITLES[name] = title
        return function

    return register


@job_handler(EXPORT_JOB, gettext_lazy("Excel export"))
def export_list(job: Job, progress: JobProgress) -> None:
    user = get_user_model().objects.get(pk=job.owner_id)
    name = job.params["list"]
    if name not in EXPORTS:
        raise ValueError(f"no export for {name}")
    with override(job.params.get("language", "zh-hans")):
        filters = job.params.get("filters")
        queryset, columns = EXPORTS[name](user, **({"filters": filters} if filters else {}))
        progress.start(queryset.count())
        rows = []
        for obj in queryset.iterator(chunk_size=500):
            rows.append([column[1](obj) for column in columns])
            progress.advance()
        title = sheet_title_for(name, queryset)
        data = write_xlsx([column[0] for column in columns], rows, title=title)
        message = _("%(count)d rows exported.") % {"count": len(rows)}
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    progress.finish(message, file=(f"{name}-{stamp}.xlsx", data))


def sheet_title_for(name: str, queryset: Any) -> str:
    """The sheet's name in the reader's language: the list's own title, else the plural
    name of its rows ("培训班", "Classes"), else the list's name."""
    model = getattr(queryset, "model", None)
    title = SHEET_TITLES.get(name) or (model._meta.verbose_name_plural if model else name)
    return capfirst(str(title))


@list_export(AUDIT_EXPORT, title=gettext_lazy("audit log"))
def audit_export(user: Any, filters: dict[str, str] | None = None) -> tuple[Any, list[Column]]:
    """The audit log as the city bureau filtered it, in words (core.audit_labels)."""
    from xuetu.core.models import AuditEvent
    from xuetu.core.pages import AuditFilterForm, filter_audit

    queryset = AuditEvent.objects.for_user(user).select_related("actor")
    form = AuditFilterForm(filters or None)
    if filters and not form.is_valid():
        raise ValueError(_("The audit log filter is not valid."))
    if filters:
        queryset = filter_audit(queryset, form.cleaned_data)
    return _Described(queryset), [
        (_("time"), lambda e: timezone.localtime(e.event.at).replace(tzinfo=None)),
        (_("actor"), lambda e: e.actor),
        (_("action"), lambda e: e.action),
        (_("object type"), lambda e: e.type_label),
        (_("object"), lambda e: e.object_text),
        (_("changes"), _changes_text),
        (_("IP address"), lambda e: e.event.ip or ""),
    ]


def _changes_text(entry: Any) -> str:
    return "\n".join(f"{c.label}: {c.before or '—'} → {c.after or '—'}" for c in entry.changes)


class _Described:
    """A queryset whose rows come out described, a chunk at a time (a fixed number of
    queries per chunk, never one per row)."""

    def __init__(self, queryset: QuerySet) -> None:
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def iterator(self, chunk_size: int = 500):
        from xuetu.core.audit_labels import describe

        chunk = []
        for event in self.queryset.iterator(chunk_size=chunk_size):
            chunk.append(event)
            if len(chunk) == chunk_size:
                yield from describe(chunk)
                chunk = []
        if chunk:
            yield from describe(chunk)
