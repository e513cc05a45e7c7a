"""The city bureau's pages for the grant register's history and the yearly jobs (issue 10,
items 8 and 11): the register of subsidies granted (ID numbers masked; searched by a whole
ID number), the history import (an upload, its template, a job with a progress bar), and
the yearly settlement (a year, a job with a progress bar)."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import generic

from xuetu.accounts.auth import signed_in
from xuetu.core.identifiers import mask_id_number, normalise_id_number
from xuetu.core.models import Job
from xuetu.core.uploads import XLSX, check_upload
from xuetu.core.views import ScopedListView, ScopedMixin, ServiceFormMixin, file_response
from xuetu.programmes.forms import ROSTER_MAX_BYTES
from xuetu.subsidies.imports import COLUMNS, FIRST_YEAR, NOT_ALLOWED, history_template, may_import
from xuetu.subsidies.models import SubsidyGrant
from xuetu.subsidies.services.settlement import CITY_ONLY
from xuetu.subsidies.tasks import HISTORY_IMPORT, SETTLEMENT, history_import_start, settlement_start


class CityOnly(ScopedMixin):
    """A page of the city bureau alone (403 for everyone else signed in)."""

    model: Any = SubsidyGrant
    may_create = may_import
    entry_denied = NOT_ALLOWED

    def user_may_enter(self) -> bool:
        return self.user_can_create()

    def last_job(self, kind: str) -> Job | None:
        return (
            Job.objects.for_user(self.request.user)
            .filter(kind=kind, owner=self.request.user)
            .order_by("-created_at", "-pk")
            .first()
        )


class GrantList(CityOnly, ScopedListView):
    """The register of subsidies granted, paid here or imported: ID numbers masked; the search
    takes a whole ID number (never a part of one) or an occupation code."""

    template_name = "subsidies/history_list.html"
    sort_fields = {"year": ("year", "slot"), "occupation": "occupation_code", "amount": "amount"}

    def get_queryset(self) -> QuerySet:
        queryset = super(ScopedListView, self).get_queryset()
        query = self.request.GET.get("q", "").strip()[:40]
        if query:
            number = normalise_id_number(query)
            queryset = queryset.filter(id_number=number) | queryset.filter(occupation_code=query)
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rows"] = [(g, mask_id_number(g.id_number)) for g in context["object_list"]]
        return context


class HistoryImportForm(django_forms.Form):
    file = django_forms.FileField(
        label=_("Subsidy history file (.xlsx)"),
        widget=django_forms.FileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        check_upload(upload, kinds=[XLSX], max_bytes=ROSTER_MAX_BYTES)
        return upload


class HistoryImport(ServiceFormMixin, CityOnly, generic.FormView):
    """Upload past subsidy payments (.xlsx): the import runs as a job whose page shows its
    progress and the report."""

    form_class = HistoryImportForm
    template_name = "subsidies/history_import.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["columns"] = [(column.header, column.key) for column in COLUMNS]
        context["last_job"] = self.last_job(HISTORY_IMPORT)
        return context

    def perform(self, form: django_forms.BaseForm) -> HttpResponse:
        upload = form.cleaned_data["file"]
        job = history_import_start(
            by=signed_in(self.request),
            filename=upload.name,
            data=upload.read(),
            language=self.request.LANGUAGE_CODE,
        )
        return redirect("core:job_detail", pk=job.pk)


class HistoryTemplate(CityOnly, generic.View):
    """The blank history file."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        data = history_template(language=request.LANGUAGE_CODE)
        return file_response(data, "subsidy-history-template.xlsx", XLSX.content_type)


class SettlementForm(django_forms.Form):
    """A year from 2000 to this one (the classes completed in it are settled)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"] = django_forms.IntegerField(
            label=_("Year"), min_value=FIRST_YEAR, max_value=this_year, initial=this_year
        )


class SettlementStart(ServiceFormMixin, CityOnly, generic.FormView):
    """The city launches "compute the settlements of year Y": a draft settlement for each
    class completed that year, as a job with a progress bar."""

    form_class = SettlementForm
    template_name = "subsidies/settle_year.html"
    entry_denied = CITY_ONLY

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["last_job"] = self.last_job(SETTLEMENT)
        return context

    def perform(self, form: django_forms.BaseForm) -> HttpResponse:
        job = settlement_start(
            by=signed_in(self.request),
            year=form.cleaned_data["year"],
            language=self.request.LANGUAGE_CODE,
        )
        return redirect("core:job_detail", pk=job.pk)
