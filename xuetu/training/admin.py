"""Plan templates per occupation: shared reference data the bureau's operator loads."""

from django.contrib import admin

from xuetu.accounts.admin import AuditedAdminMixin
from xuetu.training.models import PlanTemplate, TemplateModule


class TemplateModuleInline(admin.TabularInline):
    model = TemplateModule
    extra = 0


@admin.register(PlanTemplate)
class PlanTemplateAdmin(AuditedAdminMixin):
    list_display = ["name", "occupation"]
    inlines = [TemplateModuleInline]
