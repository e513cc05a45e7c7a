"""The operator's admin for users and memberships. Every save writes an audit event, like
the services do; organisations are created through the registries, so they are read-only here."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from xuetu.accounts.models import Membership, Organisation, User
from xuetu.core.audit import audit_record, changed, snapshot


class AuditedAdminMixin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        old, new = changed(before, snapshot(obj))
        action = f"{obj._meta.model_name}.{'update' if change else 'create'}"
        if new or not change:
            audit_record(by=request.user, action=action, obj=obj, before=old or None, after=new)

    def save_formset(self, request, form, formset, change) -> None:
        instances = formset.save()
        for obj in instances:
            audit_record(
                by=request.user, action=f"{obj._meta.model_name}.save", obj=obj, after=snapshot(obj)
            )
        for obj in formset.deleted_objects:
            audit_record(by=request.user, action=f"{obj._meta.model_name}.delete", obj=obj)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class XuetuUserAdmin(AuditedAdminMixin, UserAdmin):
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "district", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
