"""The filters of the claim pages' lists (a forged value is ignored with the form's error,
never a 500)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import District
from xuetu.core.filters import SafeModelChoiceFilter
from xuetu.subsidies.choices import ClaimKind, ClaimStatus, LedgerKind, RefundStatus
from xuetu.subsidies.models import Budget, Claim, LedgerEntry, RefundObligation

OVERDUE = "overdue"


class ClaimFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=ClaimStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=ClaimKind.choices)

    class Meta:
        model = Claim
        fields = ["status", "kind"]


class RefundFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("status"),
        choices=[*RefundStatus.choices, (OVERDUE, _("Overdue"))],
        method="filter_state",
    )

    class Meta:
        model = RefundObligation
        fields = ["state"]

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == OVERDUE:
            return queryset.filter(status=RefundStatus.OPEN, due_on__lt=timezone.localdate())
        return queryset.filter(status=value)


class BudgetFilter(django_filters.FilterSet):
    district = SafeModelChoiceFilter(label=_("district"), queryset=District.objects.all())

    class Meta:
        model = Budget
        fields = ["district"]


class LedgerFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=LedgerKind.choices)

    class Meta:
        model = LedgerEntry
        fields = ["kind"]
