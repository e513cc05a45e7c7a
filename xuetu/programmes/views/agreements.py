"""Cooperation agreement pages."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic.detail import BaseDetailView

from xuetu.accounts.auth import signed_in
from xuetu.core.access import scope_for
from xuetu.core.views import (
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedMixin,
    ScopedUpdateView,
)
from xuetu.programmes import filters, forms, services
from xuetu.programmes.choices import (
    AgreementSide,
)
from xuetu.programmes.models import (
    CooperationAgreement,
)
from xuetu.programmes.views.common import ActionMixin, ServiceForm, manages_an_enterprise


class AgreementPage:
    model: Any = (
        CooperationAgreement  # Any agrees with both ListView's and DetailView's declarations
    )
    url_name = "agreement"
    request: HttpRequest

    def user_can_create(self) -> bool:
        return manages_an_enterprise(self.request.user)


class AgreementList(AgreementPage, ScopedListView):
    search_fields = ("number", "enterprise__name", "institution__name")
    filterset_class = filters.AgreementFilter
    template_name = "programmes/agreement_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "institution")


class AgreementDetail(AgreementPage, ScopedDetailView):
    template_name = "programmes/agreement_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "institution")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_confirm"] = may_confirm(self.request.user, self.object)
        context["cohorts"] = self.object.cohorts.for_user(self.request.user).order_by("code")
        return context


def confirming_organisation(agreement: CooperationAgreement) -> int:
    """The side that did not draft the agreement confirms it."""
    if agreement.drafted_by == AgreementSide.ENTERPRISE:
        return agreement.institution_id
    return agreement.enterprise_id


def may_confirm(user, agreement: CooperationAgreement) -> bool:
    if agreement.confirmed:
        return False
    return confirming_organisation(agreement) in scope_for(user).managed_org_ids


class AgreementConfirm(ActionMixin, AgreementDetail):
    done = _("The agreement is confirmed.")

    def perform(self, data: dict[str, Any]) -> None:
        services.agreement_confirm(by=signed_in(self.request), agreement=self.object)

    def object_url(self) -> str:
        return reverse("programmes:agreement_detail", args=[self.object.pk])


class AgreementSave(AgreementPage, ServiceForm):
    form_class = forms.AgreementForm

    def perform_save(self, form) -> models.Model:
        fields, by = form.service_fields(), signed_in(self.request)
        if form.instance.pk is None:
            return services.agreement_create(by=by, **fields)
        return services.agreement_update(by=by, agreement=form.instance, **fields)


class AgreementCreate(AgreementSave, ScopedCreateView):
    pass


class AgreementEdit(AgreementSave, ScopedUpdateView):
    pass


class AgreementScan(AgreementPage, ScopedMixin, BaseDetailView):
    """The signed scan, served only to those who see the agreement (never a public URL)."""

    # A file, not a page: the stubs type BaseDetailView.get as rendering a template.
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:  # type: ignore[override]
        agreement = self.get_object()
        if not agreement.scan:
            raise Http404
        name = agreement.scan.name.rsplit("/", 1)[-1]
        return FileResponse(agreement.scan.open("rb"), as_attachment=True, filename=name)
