"""Subsidy claims' pages (issue 10): a claim with its lines, a refund obligation."""

from __future__ import annotations

from typing import Any

from django.db import models

from xuetu.core.views import ScopedDetailView
from xuetu.subsidies.models import Claim, ClaimLine, RefundObligation


class ClaimDetail(ScopedDetailView):
    model = Claim
    template_name = "subsidies/claim_detail.html"

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("cohort", "policy")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["lines"] = (
            ClaimLine.objects.for_user(self.request.user)
            .filter(claim=self.object)
            .select_related("person")
        )
        return context


class RefundDetail(ScopedDetailView):
    model = RefundObligation
    template_name = "subsidies/refund_detail.html"
