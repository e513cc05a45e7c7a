"""Certificate pages: the list (and the bureau's review queue), a certificate's page with its
review history and scan, the record and correct forms, the bureau's verify and reject, and the
import of an evaluation organisation's results (a job, as the roster's)."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views import generic

from xuetu.accounts.auth import signed_in
from xuetu.certification import filters, forms, services
from xuetu.certification.access import REVIEW
from xuetu.certification.choices import REVIEWABLE
from xuetu.certification.imports import COLUMNS, certificate_template, may_import
from xuetu.certification.models import Certificate
from xuetu.certification.tasks import CERTIFICATE_IMPORT, certificate_import_start
from xuetu.core.access import can
from xuetu.core.audit_labels import describe
from xuetu.core.models import AuditEvent, Job
from xuetu.core.problems import Refused
from xuetu.core.uploads import XLSX, check_upload
from xuetu.core.views import (
    ActionView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedDownloadView,
    ScopedListView,
    ScopedMixin,
    ScopedUpdateView,
    ServiceFormMixin,
    apply_errors,
    file_response,
)
from xuetu.programmes.forms import ROSTER_MAX_BYTES
from xuetu.registry.masking import PersonalView

# The city bureau and institution managers record (and import) certificates; for whom: the
# service, row by row for an import.
may_record = may_import


def may_review(user: Any, certificate: Certificate) -> bool:
    return (
        certificate.review_status in REVIEWABLE
        and certificate.recorded_by_id != getattr(user, "pk", None)
        and can(user, REVIEW, certificate)
    )


class FieldProblemsMixin:
    """A refusal's problems land on the fields they name (the number), the rest above."""

    def form_valid(self, form: django_forms.BaseForm) -> HttpResponse:
        try:
            result = self.perform(form)  # type: ignore[attr-defined]
        except ValidationError as error:
            apply_errors(form, error)
        except Refused as refused:
            for problem in refused.problems:
                field = problem.field if problem.field in form.fields else None
                form.add_error(field, str(problem.message))
        else:
            return self.succeeded(result)  # type: ignore[attr-defined]
        return self.form_invalid(form)  # type: ignore[attr-defined]


class CertificateList(ScopedListView):
    model = Certificate
    may_create = may_record
    search_fields = ("number", "holder__name", "issuer")
    filterset_class = filters.CertificateFilter
    template_name = "certification/certificate_list.html"

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("holder", "occupation")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = list(context["object_list"])
        personal = PersonalView(self.request.user)
        context["rows"] = [(c, personal.id_number(c.holder)) for c in page]
        return context


class CertificateDetail(ScopedDetailView):
    model = Certificate
    url_name = "certificate"
    template_name = "certification/certificate_detail.html"

    def get_queryset(self) -> QuerySet:
        related = ("holder", "occupation", "organisation", "recorded_by", "reviewed_by")
        return super().get_queryset().select_related(*related)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        certificate = self.object
        user = self.request.user
        context["id_number"] = PersonalView(user).id_number(certificate.holder)
        context["may_review"] = may_review(user, certificate)
        context["verify_form"] = forms.VerifyForm()
        context["reject_form"] = forms.RejectForm()
        events = AuditEvent.objects.filter(
            object_type=Certificate._meta.label_lower, object_id=str(certificate.pk)
        ).select_related("actor")
        context["history"] = describe(events.order_by("at", "pk"))
        return context


class CertificateRecord(FieldProblemsMixin, ScopedCreateView):
    model = Certificate
    url_name = "certificate"
    may_create = may_record
    form_class = forms.CertificateForm
    service = services.certificate_record
    title = _("Record a certificate")
    done = _("The certificate is recorded.")


class CertificateEdit(FieldProblemsMixin, ScopedUpdateView):
    model = Certificate
    url_name = "certificate"
    form_class = forms.CertificateForm
    service = services.certificate_update
    done = _("The certificate is corrected.")


class CertificateScan(ScopedDownloadView):
    """The scan, served only to those who see the certificate (never a public URL)."""

    model = Certificate
    file_field = "scan"


class CertificateVerify(ActionView, CertificateDetail):
    access = REVIEW
    service = services.certificate_verify
    form_class = forms.VerifyForm
    title = _("Verify the certificate")
    done = _("The certificate is verified.")

    def available(self) -> bool:
        return may_review(self.request.user, self.object)


class CertificateReject(ActionView, CertificateDetail):
    access = REVIEW
    service = services.certificate_reject
    form_class = forms.RejectForm
    title = _("Reject the certificate")
    done = _("The certificate is rejected.")

    def available(self) -> bool:
        return may_review(self.request.user, self.object)


class CertificateImportForm(django_forms.Form):
    file = django_forms.FileField(
        label=_("Results file (.xlsx)"),
        widget=django_forms.FileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        check_upload(upload, kinds=[XLSX], max_bytes=ROSTER_MAX_BYTES)  # a roster's limit
        return upload


class CertificateImport(ServiceFormMixin, ScopedMixin, generic.FormView):
    """Upload an evaluation organisation's results (.xlsx): the import runs as a job whose
    page shows its progress and the report. The bureau and institution managers only."""

    model = Certificate
    may_create = may_import
    form_class = CertificateImportForm
    template_name = "certification/import.html"
    entry_denied = services.NOT_RECORDER

    def user_may_enter(self) -> bool:
        return self.user_can_create()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["columns"] = [(column.header, column.key) for column in COLUMNS]
        context["last_job"] = (
            Job.objects.for_user(self.request.user)
            .filter(kind=CERTIFICATE_IMPORT, owner=self.request.user)
            .order_by("-created_at", "-pk")
            .first()
        )
        return context

    def perform(self, form: django_forms.BaseForm) -> HttpResponse:
        upload = form.cleaned_data["file"]
        job = certificate_import_start(
            by=signed_in(self.request),
            filename=upload.name,
            data=upload.read(),
            language=self.request.LANGUAGE_CODE,
        )
        return redirect("core:job_detail", pk=job.pk)


class CertificateImportTemplate(ScopedMixin, generic.View):
    """The blank results file, for whoever may import."""

    model = Certificate
    may_create = may_import
    entry_denied = services.NOT_RECORDER

    def user_may_enter(self) -> bool:
        return self.user_can_create()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        data = certificate_template(language=request.LANGUAGE_CODE)
        return file_response(data, "certificates-template.xlsx", XLSX.content_type)
