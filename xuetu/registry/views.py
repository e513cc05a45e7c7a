"""Registry pages: lists with search, filters and pagination; detail; create and edit. Each
page declares its model, form and service; the scoped base views do the rest."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.db import models

from xuetu.core.access import MANAGER_ROLES, scope_for
from xuetu.core.views import (
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
    any_manager,
)
from xuetu.registry import filters, forms, services
from xuetu.registry.masking import PersonalView, audit_id_views, id_search_allowed
from xuetu.registry.models import (
    District,
    Enterprise,
    IndustryChain,
    IndustryCluster,
    Institution,
    Occupation,
    Person,
)


class ReferenceCreate(ScopedCreateView):
    """Reference data has no rules beyond the model's: the registry's reference service."""

    service = services.reference_create

    def service_kwargs(self, form: django_forms.BaseForm) -> dict[str, Any]:
        return {"model": self.model, **super().service_kwargs(form)}


class ReferenceEdit(ScopedUpdateView):
    service = services.reference_update
    service_object = "instance"


# Districts ---------------------------------------------------------------------------------
class DistrictList(ScopedListView):
    model = District
    search_fields = ("code", "name", "name_en")
    template_name = "registry/district_list.html"


class DistrictDetail(ScopedDetailView):
    model = District
    template_name = "registry/district_detail.html"

    def get_queryset(self):
        return super().get_queryset().annotate(organisation_count=models.Count("organisations"))


class DistrictCreate(ReferenceCreate):
    model = District
    form_class = forms.DistrictForm


class DistrictEdit(ReferenceEdit):
    model = District
    form_class = forms.DistrictForm


# Industry clusters and chains ------------------------------------------------------------------
class IndustryChainList(ScopedListView):
    model = IndustryChain
    search_fields = ("code", "name", "name_en", "cluster__name")
    filterset_class = filters.IndustryChainFilter
    template_name = "registry/industrychain_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("cluster")


class IndustryChainDetail(ScopedDetailView):
    model = IndustryChain
    template_name = "registry/industrychain_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("cluster")


class IndustryChainCreate(ReferenceCreate):
    model = IndustryChain
    form_class = forms.IndustryChainForm


class IndustryChainEdit(ReferenceEdit):
    model = IndustryChain
    form_class = forms.IndustryChainForm


class IndustryClusterList(ScopedListView):
    model = IndustryCluster
    search_fields = ("code", "name", "name_en")
    template_name = "registry/industrycluster_list.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(chain_count=models.Count("chains"))
            .order_by("sort", "code")
        )


class IndustryClusterDetail(ScopedDetailView):
    model = IndustryCluster
    template_name = "registry/industrycluster_detail.html"


class IndustryClusterCreate(ReferenceCreate):
    model = IndustryCluster
    form_class = forms.IndustryClusterForm


class IndustryClusterEdit(ReferenceEdit):
    model = IndustryCluster
    form_class = forms.IndustryClusterForm


# Occupations ------------------------------------------------------------------------------
class OccupationList(ScopedListView):
    model = Occupation
    search_fields = ("code", "name", "name_en")
    filterset_class = filters.OccupationFilter
    template_name = "registry/occupation_list.html"


class OccupationDetail(ScopedDetailView):
    model = Occupation
    template_name = "registry/occupation_detail.html"


class OccupationCreate(ReferenceCreate):
    model = Occupation
    form_class = forms.OccupationForm


class OccupationEdit(ReferenceEdit):
    model = Occupation
    form_class = forms.OccupationForm


# Enterprises ------------------------------------------------------------------------------
class EnterpriseList(ScopedListView):
    model = Enterprise
    search_fields = ("name", "uscc")
    filterset_class = filters.EnterpriseFilter
    template_name = "registry/enterprise_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("district").distinct()


class EnterpriseDetail(ScopedDetailView):
    model = Enterprise
    template_name = "registry/enterprise_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("district").prefetch_related("chains")


class EnterpriseCreate(ScopedCreateView):
    model = Enterprise
    form_class = forms.EnterpriseForm
    service = services.enterprise_create


class EnterpriseEdit(ScopedUpdateView):
    model = Enterprise
    form_class = forms.EnterpriseForm
    service = services.enterprise_update


# Institutions -----------------------------------------------------------------------------
class InstitutionList(ScopedListView):
    model = Institution
    search_fields = ("name", "uscc")
    filterset_class = filters.InstitutionFilter
    template_name = "registry/institution_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("district")


class InstitutionDetail(ScopedDetailView):
    model = Institution
    template_name = "registry/institution_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("district")


class InstitutionCreate(ScopedCreateView):
    model = Institution
    form_class = forms.InstitutionForm
    service = services.institution_create


class InstitutionEdit(ScopedUpdateView):
    model = Institution
    form_class = forms.InstitutionForm
    service = services.institution_update


# People -----------------------------------------------------------------------------------
class PersonList(ScopedListView):
    """People as the user may see them (registry.masking): a role that sees masked numbers
    searches by name only and cannot filter by gender."""

    model = Person
    template_name = "registry/person_list.html"
    may_create = any_manager

    @property
    def search_fields(self) -> tuple[str, ...]:  # type: ignore[override]
        full = id_search_allowed(self.request.user)
        return ("name", "id_number", "phone") if full else ("name",)

    @property
    def filterset_class(self) -> Any:  # type: ignore[override]
        return filters.PersonFilter if id_search_allowed(self.request.user) else None

    def get_queryset(self):
        return super().get_queryset().select_related("registered_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        people = list(context["object_list"])
        seen = PersonalView(self.request.user, people)
        audit_id_views(self.request.user, Person, people, "list")
        context["rows"] = [(person, seen.fields(person)) for person in people]
        context["full_ids"] = id_search_allowed(self.request.user)
        return context


class PersonDetail(ScopedDetailView):
    model = Person
    template_name = "registry/person_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("registered_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["shown"] = PersonalView(self.request.user, [self.object]).fields(self.object)
        audit_id_views(self.request.user, Person, [self.object], "page")
        return context


class PersonCreate(ScopedCreateView):
    """A person is registered under the user's organisation (`registering_organisation`)."""

    model = Person
    form_class = forms.PersonForm
    service = services.person_create
    may_create = any_manager

    def service_kwargs(self, form: django_forms.BaseForm) -> dict[str, Any]:
        organisation = registering_organisation(self.request.user)
        return {"organisation": organisation, **super().service_kwargs(form)}


class PersonEdit(ScopedUpdateView):
    model = Person
    form_class = forms.PersonForm
    service = services.person_update


def registering_organisation(user):
    """The organisation a new person is registered under: the user's first managed one, or the
    city bureau for a city administrator."""
    from xuetu.accounts.models import Membership

    scope = scope_for(user)
    roles = [*MANAGER_ROLES, "city_admin"]
    membership = (
        Membership.objects.filter(user=user, role__in=roles)
        .select_related("organisation")
        .order_by("created_at")
        .first()
    )
    return membership.organisation if membership and (scope.city or scope.managed_org_ids) else None
