from django.contrib import admin

from xuetu.core.access import scope_for
from xuetu.core.audit import audit_record, changed, snapshot
from xuetu.core.models import AuditEvent, Job, WorkdayOverride, WorkdayYear


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only, also here."""

    list_display = ["at", "actor", "action", "object_type", "object_id", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "object_repr", "actor__username"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "owner", "state", "done", "total", "created_at"]
    list_filter = ["kind", "state"]


class CityBureauAdmin(admin.ModelAdmin):
    """Shared reference data the city bureau keeps: its members alone see and change it here,
    and every save and deletion writes an audit event, as accounts.admin.AuditedAdminMixin
    does (core cannot import it: it is a layer above)."""

    def save_model(self, request, obj, form, change) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        old, new = changed(before, snapshot(obj))
        action = f"{obj._meta.model_name}.{'update' if change else 'create'}"
        if new or not change:
            audit_record(by=request.user, action=action, obj=obj, before=old or None, after=new)

    def _city(self, request) -> bool:
        return bool(request.user.is_active and scope_for(request.user).city)

    def has_module_permission(self, request) -> bool:
        return self._city(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._city(request)

    def has_add_permission(self, request) -> bool:
        return self._city(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._city(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._city(request)

    def delete_model(self, request, obj) -> None:
        audit_record(
            by=request.user,
            action=f"{obj._meta.model_name}.delete",
            obj=obj,
            before=snapshot(obj),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(WorkdayYear)
class WorkdayYearAdmin(CityBureauAdmin):
    list_display = ["year", "complete", "note"]
    list_filter = ["complete"]


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(CityBureauAdmin):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
