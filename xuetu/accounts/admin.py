from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from xuetu.accounts.models import Membership, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class XuetuUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "district", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
