"""Pages of the shared machinery: the audit log, jobs and their progress."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from xuetu.core.audit_labels import describe, object_types_with_events
from xuetu.core.exports import AUDIT_EXPORT, EXPORT_JOB, EXPORTS
from xuetu.core.jobs import job_create, job_enqueue, job_result_file
from xuetu.core.models import AuditEvent, Job
from xuetu.core.validators import EnteredDateField
from xuetu.core.views import ScopedListView, city_only, nobody, scoped_object, visible_to


class AuditFilterForm(forms.Form):
    # A chooser of the kinds of object the log has events about, named in the reader's words.
    object_type = forms.ChoiceField(label=_("object type"), required=False)
    object_id = forms.CharField(label=_("object id"), required=False)
    actor = forms.ModelChoiceField(
        label=_("actor"), queryset=get_user_model().objects.order_by("username"), required=False
    )
    action = forms.CharField(label=_("action"), required=False)
    # Bounded: a date past the calendar's end is a field error, not a crash in the filter.
    date_from = EnteredDateField(label=_("from"), required=False)
    date_to = EnteredDateField(label=_("to"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chooser = self.fields["object_type"]
        assert isinstance(chooser, forms.ChoiceField)
        chooser.choices = [("", "—"), *object_types_with_events()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the range is before its start."))
        return data


class AuditList(ScopedListView):
    """The city bureau's view of the audit log, filtered by object, actor and date."""

    model = AuditEvent
    template_name = "core/audit_list.html"
    paginate_by = 50
    may_create = nobody
    entry_denied = _("Only the city bureau reads the audit log.")
    sort_fields = {"at": "at", "actor": ("actor__last_name", "actor__username"), "action": "action"}

    def user_may_enter(self) -> bool:
        return city_only(self.request.user)

    def get_queryset(self):
        queryset = super().get_queryset().select_related("actor", "organisation")
        self.form = AuditFilterForm(self.request.GET or None)
        if self.form.is_valid():
            queryset = filter_audit(queryset, self.form.cleaned_data)
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        context["entries"] = describe(context["object_list"])
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """The filtered log as an Excel file, made in the background (core.exports)."""
        form = AuditFilterForm(request.GET or None)
        filters = {k: v for k, v in request.GET.items() if k in form.fields}
        if filters and not form.is_valid():
            return self.get(request, *args, **kwargs)
        job = job_create(
            by=request.user,
            kind=EXPORT_JOB,
            params={"list": AUDIT_EXPORT, "language": request.LANGUAGE_CODE, "filters": filters},
        )
        job_enqueue(job)
        return redirect("core:job_detail", pk=job.pk)


def filter_audit(queryset, data: dict[str, Any]):
    if data.get("object_type"):
        queryset = queryset.filter(object_type=data["object_type"])
    if data.get("object_id"):
        queryset = queryset.filter(object_id=data["object_id"])
    if data.get("actor"):
        queryset = queryset.filter(actor=data["actor"])
    if data.get("action"):
        queryset = queryset.filter(action__icontains=data["action"])
    if data.get("date_from"):
        queryset = queryset.filter(at__date__gte=data["date_from"])
    if data.get("date_to"):
        queryset = queryset.filter(at__date__lt=data["date_to"] + dt.timedelta(days=1))
    return queryset


def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = scoped_object(request.user, visible_to(Job, request.user), pk=pk)
    template = "core/job_progress.html" if request.headers.get("HX-Request") else "core/job.html"
    return render(request, template, {"job": job})


def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = scoped_object(request.user, visible_to(Job, request.user), pk=pk)
    if not job.result_file:
        raise Http404
    name, data = job_result_file(job)  # an import's error copy in the downloader's language
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=name)


@require_POST
def export_start(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in EXPORTS:
        raise Http404
    job = job_create(
        by=request.user,
        kind=EXPORT_JOB,
        params={"list": kind, "language": request.LANGUAGE_CODE},
    )
    job_enqueue(job)
    return redirect("core:job_detail", pk=job.pk)
