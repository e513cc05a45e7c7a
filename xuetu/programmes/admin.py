"""The programme policies, for the operator to read. A policy in use is never edited (a
change is a new version from a date, through a service), so the admin only shows them."""

from django.contrib import admin

from xuetu.programmes.models import ProgrammePolicy


@admin.register(ProgrammePolicy)
class ProgrammePolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "effective_from", "mentor_max_apprentices", "min_contract_months"]
    ordering = ["-effective_from"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
