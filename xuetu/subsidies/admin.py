"""Subsidy policies in the operator's admin (the city bureau). A version in force today or
earlier is read-only, and the page says so: a change is a new version from a later date."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from xuetu.accounts.admin import AuditedAdminMixin
from xuetu.subsidies.models import SubsidyPolicy, SubsidyStandard
from xuetu.subsidies.services import IN_USE, PAST_DATE, YEARS_ORDER


def in_use(obj: SubsidyPolicy | None) -> bool:
    return obj is not None and obj.pk is not None and obj.in_use(timezone.localdate())


class PolicyForm(forms.ModelForm):
    class Meta:
        model = SubsidyPolicy
        fields = [
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
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start = data.get("effective_from")
        if start is not None and start <= timezone.localdate():
            self.add_error("effective_from", str(PAST_DATE.message))
        years, approved = data.get("max_years"), data.get("max_years_with_approval")
        if years is not None and approved is not None and approved < years:
            self.add_error("max_years_with_approval", str(YEARS_ORDER.message))
        return data


class StandardInline(admin.TabularInline):
    model = SubsidyStandard
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return not in_use(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return not in_use(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not in_use(obj) and super().has_delete_permission(request, obj)


@admin.register(SubsidyPolicy)
class SubsidyPolicyAdmin(AuditedAdminMixin):
    form = PolicyForm
    list_display = ["name", "effective_from", "district", "advance_ratio", "max_years"]
    ordering = ["-effective_from"]
    inlines = [StandardInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return not in_use(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not in_use(obj) and super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if in_use(obj):
            messages.info(request, str(IN_USE.message))
        return super().change_view(request, object_id, form_url, extra_context)
