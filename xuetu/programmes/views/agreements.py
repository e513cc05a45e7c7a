"""Cooperation agreement pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xuetu.core.access import can
from xuetu.core.views import (
    ActionView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedDownloadView,
    ScopedListView,
    ScopedUpdateView,
)
from xuetu.programmes import filters, forms, services
from xuetu.programmes.access import CONFIRM
from xuetu.programmes.choices import AgreementSide
from xuetu.programmes.models import CooperationAgreement
from xuetu.programmes.views.cohorts import managers_of
from xuetu.programmes.views.common import manages_an_enterprise


class AgreementList(ScopedListView):
    model = CooperationAgreement
    may_create = manages_an_enterprise
    search_fields = ("number", "enterprise__name", "institution__name")
    filterset_class = filters.AgreementFilter
    template_name = "programmes/agreement_list.html"

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("enterprise", "institution")


class AgreementDetail(ScopedDetailView):
    model = CooperationAgreement
    url_name = "agreement"
    template_name = "programmes/agreement_detail.html"

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("enterprise", "institution")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_confirm"] = may_confirm(self.request.user, self.object)
        context["cohorts"] = self.object.cohorts.for_user(self.request.user).order_by("code")
        return context


def may_confirm(user, agreement: CooperationAgreement) -> bool:
    return not agreement.confirmed and can(user, CONFIRM, agreement)


class AgreementConfirm(ActionView, AgreementDetail):
    access = CONFIRM
    service = services.agreement_confirm
    title = _("Confirm the agreement")
    done = _("The agreement is confirmed.")

    def available(self) -> bool:
        return may_confirm(self.request.user, self.object)

    def consequence(self, data: dict[str, Any]) -> str:
        return _(
            "Agreement %(number)s is confirmed by your side: classes may then be filed under "
            "it. Any later edit asks both sides to confirm again."
        ) % {"number": self.object.number}

    def told(self, data: dict[str, Any]) -> list[str]:
        # As the service: the side that drafted it hears that it is confirmed.
        agreement = self.object
        drafted_by_enterprise = agreement.drafted_by == AgreementSide.ENTERPRISE
        drafter = agreement.enterprise if drafted_by_enterprise else agreement.institution
        return managers_of([drafter])


class AgreementCreate(ScopedCreateView):
    model = CooperationAgreement
    url_name = "agreement"
    may_create = manages_an_enterprise
    form_class = forms.AgreementForm
    service = services.agreement_create


class AgreementEdit(ScopedUpdateView):
    model = CooperationAgreement
    url_name = "agreement"
    form_class = forms.AgreementForm
    service = services.agreement_update


class AgreementScan(ScopedDownloadView):
    """The signed scan, served only to those who see the agreement (never a public URL)."""

    model = CooperationAgreement
    file_field = "scan"
