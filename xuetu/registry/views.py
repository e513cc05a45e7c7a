"""Registry pages: lists with search, filters and pagination; detail; create and edit."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.urls import reverse

from xuetu.core.access import MANAGER_ROLES, scope_for
from xuetu.core.services import record_create, record_update
from xuetu.core.views import (
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
)
from xuetu.registry import filters, forms, services
from xuetu.registry.models import (
    District,
    Enterprise,
    IndustryChain,
    IndustryCluster,
    Institution,
    Occupation,
    Person,
)


class RegistryPage:
    """What every registry page shares: its URL names come from the model name."""

    model: type[models.Model]
    object: Any
    request: HttpRequest

    def get_success_url(self) -> str:
        return reverse(f"registry:{self.model._meta.model_name}_detail", args=[self.object.pk])


class ReferenceSave(RegistryPage):
    """Reference data has no rules beyond the model's: the shared create/edit services."""

    def perform_save(self, form) -> models.Model:
        instance = form.save(commit=False)
        m2m = {f.name: form.cleaned_data[f.name] for f in instance._meta.many_to_many}
        m2m = {name: values for name, values in m2m.items() if name in form.cleaned_data}
        if instance.pk is None:
            return record_create(by=self.request.user, instance=instance, m2m=m2m)
        return record_update(by=self.request.user, instance=instance, m2m=m2m)


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


class DistrictCreate(ReferenceSave, ScopedCreateView):
    model = District
    form_class = forms.DistrictForm


class DistrictEdit(ReferenceSave, ScopedUpdateView):
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


class IndustryChainCreate(ReferenceSave, ScopedCreateView):
    model = IndustryChain
    form_class = forms.IndustryChainForm


class IndustryChainEdit(ReferenceSave, ScopedUpdateView):
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


class IndustryClusterCreate(ReferenceSave, ScopedCreateView):
    model = IndustryCluster
    form_class = forms.IndustryClusterForm


class IndustryClusterEdit(ReferenceSave, ScopedUpdateView):
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


class OccupationCreate(ReferenceSave, ScopedCreateView):
    model = Occupation
    form_class = forms.OccupationForm


class OccupationEdit(ReferenceSave, ScopedUpdateView):
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


class EnterpriseSave(RegistryPage):
    def perform_save(self, form) -> models.Model:
        data = dict(form.cleaned_data)
        if form.instance.pk is None:
            return services.enterprise_create(by=self.request.user, **data)
        return services.enterprise_update(by=self.request.user, enterprise=form.instance, **data)


class EnterpriseCreate(EnterpriseSave, ScopedCreateView):
    model = Enterprise
    form_class = forms.EnterpriseForm


class EnterpriseEdit(EnterpriseSave, ScopedUpdateView):
    model = Enterprise
    form_class = forms.EnterpriseForm


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


class InstitutionSave(RegistryPage):
    def perform_save(self, form) -> models.Model:
        data = dict(form.cleaned_data)
        if form.instance.pk is None:
            return services.institution_create(by=self.request.user, **data)
        return services.institution_update(by=self.request.user, institution=form.instance, **data)


class InstitutionCreate(InstitutionSave, ScopedCreateView):
    model = Institution
    form_class = forms.InstitutionForm


class InstitutionEdit(InstitutionSave, ScopedUpdateView):
    model = Institution
    form_class = forms.InstitutionForm


# People -----------------------------------------------------------------------------------
class PersonList(ScopedListView):
    model = Person
    search_fields = ("name", "id_number", "phone")
    filterset_class = filters.PersonFilter
    template_name = "registry/person_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("registered_by")

    def user_can_create(self) -> bool:
        return can_register_people(self.request.user)


class PersonDetail(ScopedDetailView):
    model = Person
    template_name = "registry/person_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("registered_by")


class PersonSave(RegistryPage):
    def perform_save(self, form) -> models.Model:
        data = dict(form.cleaned_data)
        if form.instance.pk is None:
            organisation = registering_organisation(self.request.user)
            return services.person_create(by=self.request.user, organisation=organisation, **data)
        return services.person_update(by=self.request.user, person=form.instance, **data)

    def user_can_create(self) -> bool:
        return can_register_people(self.request.user)


class PersonCreate(PersonSave, ScopedCreateView):
    model = Person
    form_class = forms.PersonForm


class PersonEdit(PersonSave, ScopedUpdateView):
    model = Person
    form_class = forms.PersonForm


def can_register_people(user) -> bool:
    scope = scope_for(user)
    return scope.city or bool(scope.managed_org_ids)


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
