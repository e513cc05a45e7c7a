"""The subsidies' files for staff (issue 10, item 10): a claim as PDF for whoever sees the
claim, and the finance bureau's payment list, the city's alone (the only file with the payee's
account number whole)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import generic

from xuetu.core.audit import audit_many
from xuetu.core.validators import EARLIEST_DATE, LATEST_DATE, validate_entered_date
from xuetu.core.views import ScopedDownloadView, ScopedMixin, city_only, file_response
from xuetu.subsidies import exports
from xuetu.subsidies.models import Claim, ClaimLine, LedgerEntry
from xuetu.subsidies.views_public import XLSX


class ClaimPdf(ScopedDownloadView):
    """The claim with its lines and explanations in the reader's language; account masked."""

    model = Claim

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("cohort__enterprise", "policy")

    def download(self, claim: Claim) -> HttpResponseBase:
        lines = (
            ClaimLine.objects.for_user(self.request.user)
            .filter(claim=claim)
            .select_related("person")
            .order_by("person__name", "pk")
        )
        pdf = exports.claim_pdf(claim, lines)
        return file_response(pdf, f"{claim.cohort.code}-claim-{claim.pk}.pdf", "application/pdf")


class PeriodForm(forms.Form):
    """A year, or a date range; nothing: the current year."""

    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=EARLIEST_DATE.year,
        max_value=LATEST_DATE.year,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        validators=[validate_entered_date],
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        validators=[validate_entered_date],
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period comes before its start."))
        return data

    def period(self, today: dt.date) -> tuple[dt.date, dt.date]:
        data = self.cleaned_data
        if data.get("start") or data.get("end"):
            return data.get("start") or EARLIEST_DATE, data.get("end") or LATEST_DATE
        year = data.get("year") or today.year
        return dt.date(year, 1, 1), dt.date(year, 12, 31)


class FinanceExport(ScopedMixin, generic.View):
    """The payments of a period as Excel for the finance bureau (the city's alone)."""

    model = LedgerEntry
    entry_denied = _("Only the city bureau exports the payment list.")

    def user_may_enter(self) -> bool:
        return city_only(self.request.user)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        form = PeriodForm(request.GET)
        if not form.is_valid():
            context = {"form": form, "title": _("Payment list for the finance bureau")}
            return render(request, "subsidies/finance_export.html", context, status=400)
        start, end = form.period(timezone.localdate())
        entries = exports.payments(start, end).filter(pk__in=self.get_queryset().values("pk"))
        data = exports.finance_xlsx(entries, start, end)
        # The one place a payee's whole account number leaves the system: each claim's
        # export is in the audit log (who, when, which period).
        claim_ids = sorted(set(entries.values_list("claim_id", flat=True)))
        audit_many(
            by=request.user,
            action="claim.account_exported",
            model=Claim,
            changes=[
                (pk, None, {"period": f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"}) for pk in claim_ids
            ],
        )
        response = file_response(data, f"payments-{start:%Y%m%d}-{end:%Y%m%d}.xlsx", XLSX)
        response["Cache-Control"] = "private, no-store"
        return response
