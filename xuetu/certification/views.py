"""Certificate pages: the list (and the bureau's review queue), a certificate's page with its
review history and scan, the record and correct forms, and the bureau's verify and reject."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.choices import Role
from xuetu.certification import filters, forms, services
from xuetu.certification.access import REVIEW
from xuetu.certification.choices import REVIEWABLE
from xuetu.certification.models import Certificate
from xuetu.core.access import can, scope_for
from xuetu.core.audit_labels import describe
from xuetu.core.models import AuditEvent
from xuetu.core.problems import Refused
from xuetu.core.views import (
    ActionView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedDownloadView,
    ScopedListView,
    ScopedUpdateView,
    apply_errors,
)
from xuetu.registry.masking import PersonalView


def may_record(user: Any) -> bool:
    """The city bureau and institution managers record certificates (for whom: the service)."""
    scope = scope_for(user)
    return scope.city or scope.has_role(Role.INSTITUTION_MANAGER)


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

    def download(self, certificate: Certificate) -> FileResponse:
        if not certificate.scan:
            raise Http404
        name = certificate.scan.name.rsplit("/", 1)[-1]
        return FileResponse(certificate.scan.open("rb"), as_attachment=True, filename=name)


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
