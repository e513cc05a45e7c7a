"""Subsidy policies through the API: `/api/v1/policies/`, read-only, for every signed-in user,
each version with its standards nested; amounts are decimal strings (never floats)."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.routers import BaseRouter

from xuetu.core.api import ScopedReadOnlyViewSet
from xuetu.subsidies.models import SubsidyPolicy, SubsidyStandard


class StandardSerializer(serializers.ModelSerializer):
    amount_per_year = serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=True, read_only=True
    )

    class Meta:
        model = SubsidyStandard
        fields = ["kind", "level", "amount_per_year"]
        read_only_fields = fields


class PolicySerializer(serializers.ModelSerializer):
    standards = StandardSerializer(many=True, read_only=True)
    advance_ratio = serializers.DecimalField(
        max_digits=3, decimal_places=2, coerce_to_string=True, read_only=True
    )

    class Meta:
        model = SubsidyPolicy
        fields = [
            "id",
            "name",
            "effective_from",
            "district",
            "advance_ratio",
            "max_years",
            "max_years_with_approval",
            "certificate_window_months",
            "claim_window_months",
            "notice_working_days",
            "refund_months",
            "trainings_per_year",
            "standards",
        ]
        read_only_fields = fields


class PolicyViewSet(ScopedReadOnlyViewSet):
    """The subsidy policy versions (city and district), newest first, with their standards."""

    model = SubsidyPolicy
    serializer_class = PolicySerializer

    def get_queryset(self) -> QuerySet:
        return (
            super().get_queryset().prefetch_related("standards").order_by("-effective_from", "pk")
        )


def register(router: BaseRouter) -> None:
    router.register("policies", PolicyViewSet, basename="subsidypolicy")
    from xuetu.subsidies import api_claims  # claims, lines, refunds, budgets, the ledger

    api_claims.register(router)
