"""The registry lists as spreadsheets (see xuetu.core.exports)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from xuetu.core.exports import list_export
from xuetu.registry.masking import PersonalView, audit_id_views, id_search_allowed
from xuetu.registry.models import District, Enterprise, Institution, Occupation, Person


@list_export("enterprise")
def enterprises(user):
    return Enterprise.objects.for_user(user).select_related("district"), [
        (_("name"), lambda e: e.name),
        (_("unified social credit code"), lambda e: e.uscc),
        (_("district"), lambda e: e.district.name if e.district else ""),
        (_("size"), lambda e: e.get_size_display()),
        (_("skilled-worker share (%)"), lambda e: e.skilled_worker_share),
        (_("contact person"), lambda e: e.contact_name),
        (_("contact phone"), lambda e: e.contact_phone),
    ]


@list_export("institution")
def institutions(user):
    return Institution.objects.for_user(user).select_related("district"), [
        (_("name"), lambda i: i.name),
        (_("unified social credit code"), lambda i: i.uscc or ""),
        (_("institution type"), lambda i: i.get_institution_type_display()),
        (_("district"), lambda i: i.district.name if i.district else ""),
    ]


@list_export("person")
def people(user):
    """The people the user reaches, each field as they may see it (registry.masking); a
    bureau's export of full numbers is audited, one event per person."""
    queryset = Person.objects.for_user(user).select_related("registered_by")
    seen = PersonalView(user)
    seen.know_all(queryset)
    holders = queryset.select_related(None).only("pk", "user_id", "id_number")
    audit_id_views(user, Person, holders.iterator(), "export")
    columns = [
        (_("full name"), lambda p: p.name),
        (_("resident ID number"), seen.id_number),
    ]
    if id_search_allowed(user):
        columns += [
            (_("gender"), lambda p: p.get_gender_display()),
            (_("birth date"), lambda p: p.birth_date),
        ]
    return queryset, [
        *columns,
        (_("mobile phone"), seen.phone),
        (_("registered by"), lambda p: p.registered_by.name if p.registered_by else ""),
    ]


@list_export("occupation")
def occupations(user):
    return Occupation.objects.for_user(user), [
        (_("code"), lambda o: o.code),
        (_("name"), lambda o: o.name),
        (_("levels offered"), lambda o: " ".join(o.level_labels)),
    ]


@list_export("district")
def districts(user):
    return District.objects.for_user(user), [
        (_("code"), lambda d: d.code),
        (_("name"), lambda d: d.name),
    ]
