"""Registry pages: lists with search, filters and pagination; detail; create and edit. Each
page declares its model, form and service; the scoped base views do the rest."""

from __future__ import annotations

from typing import Any, cast

from django import forms as django_forms
from django.contrib import messages
from django.db import models
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xuetu.core.access import MANAGER_ROLES, can_manage, scope_for
from xuetu.core.views import (
    ActionView,
    ObjectFormView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
    any_manager,
    visible_to,
)
from xuetu.registry import filters, forms, services
from xuetu.registry.access import FACTS
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


def related_for_user(obj: models.Model, name: str, user: Any) -> models.QuerySet:
    """The rows of an app above the registry that point at `obj` (its classes, agreements,
    mentors, enrollments), as `user` may see them: reached through the reverse relation
    `name`, so the registry imports nothing of that app and each row still passes for_user."""
    return getattr(obj, name).for_user(user)


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

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["change_request"] = services.pending_facts_request(self.object)
        user, enterprise = self.request.user, self.object
        context["cohorts"] = (
            related_for_user(enterprise, "cohorts", user)
            .select_related("institution", "occupation")
            .order_by("-planned_start", "code")
        )
        context["agreements"] = (
            related_for_user(enterprise, "agreements", user)
            .select_related("institution")
            .order_by("-valid_from", "number")
        )
        context["mentors"] = (
            related_for_user(enterprise, "mentors", user)
            .select_related("person", "occupation")
            .order_by("-is_active", "person__name", "pk")
        )
        context["may_request_change"] = context["can_edit"] and not services.may_change_facts(
            self.request.user, self.object
        )
        return context


class EnterpriseCreate(ScopedCreateView):
    model = Enterprise
    form_class = forms.EnterpriseForm
    service = services.enterprise_create


class EnterpriseEdit(ScopedUpdateView):
    model = Enterprise
    form_class = forms.EnterpriseForm
    service = services.enterprise_update
    template_name = "registry/enterprise_form.html"


# The bureau's facts: an enterprise asks, the bureau decides -------------------------------------
class EnterpriseRequestChange(ObjectFormView):
    """The enterprise's manager asks for a new name, USCC or district, with a reason."""

    model = Enterprise
    form_class = forms.FactsRequestForm
    service = services.enterprise_request_facts
    service_object = "enterprise"
    title = _("Ask the bureau to change the name, USCC or district")
    done = _("The request was sent to the bureau.")

    def get_initial(self) -> dict[str, Any]:
        enterprise = self.object
        return {"name": enterprise.name, "uscc": enterprise.uscc, "district": enterprise.district}


class EnterpriseChangeRequest(EnterpriseDetail):
    """The request awaiting a decision: what is asked beside what is registered."""

    template_name = "registry/enterprise_change_request.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        request = context["change_request"]
        user = self.request.user
        context["asked"] = asked_facts(self.object, request.payload) if request else []
        context["may_decide"] = bool(request) and services.may_change_facts(user, self.object)
        context["may_withdraw"] = bool(request) and can_manage(user, self.object)
        failed = kwargs.get("failed_form")  # a decision refused: its form, with the errors
        for key, form_class in (
            ("decision_form", forms.DecisionForm),
            ("refusal_form", forms.RefusalForm),
        ):
            context[key] = failed if isinstance(failed, form_class) else form_class()
        return context


def asked_facts(enterprise: Enterprise, payload: dict[str, Any]) -> list[tuple[Any, Any, Any]]:
    """(label, registered, asked) for each fact the request would change."""
    rows = []
    for name in services.BUREAU_FACTS:
        if name not in payload:
            continue
        asked = payload[name]
        if name == "district":
            asked = District.objects.filter(pk=asked).first() or asked
        label = cast(models.Field, Enterprise._meta.get_field(name)).verbose_name
        rows.append((label, getattr(enterprise, name), asked))
    return rows


class ChangeDecision(ActionView, EnterpriseChangeRequest):
    """Granting or refusing: the city administrator or the reviewer of the district."""

    access = FACTS
    service_object = "enterprise"

    def available(self) -> bool:
        return services.pending_facts_request(self.object) is not None


class EnterpriseGrantChange(ChangeDecision):
    service = services.enterprise_facts_grant
    form_class = forms.DecisionForm
    title = _("Grant the change")
    done = _("The change was granted and applied.")


class EnterpriseRefuseChange(ChangeDecision):
    service = services.enterprise_facts_refuse
    form_class = forms.RefusalForm
    title = _("Refuse the change")
    done = _("The request was refused.")


class EnterpriseWithdrawChange(ActionView, EnterpriseChangeRequest):
    """The enterprise takes its request back."""

    service = services.enterprise_facts_withdraw
    service_object = "enterprise"
    title = _("Withdraw the request")
    done = _("The request was withdrawn.")

    def available(self) -> bool:
        return services.pending_facts_request(self.object) is not None


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

    @property
    def sort_fields(self) -> dict[str, str]:  # type: ignore[override]
        keys = {"name": "name", "registered_by": "registered_by__name"}
        if id_search_allowed(self.request.user):  # a masked number is no order to probe
            keys |= {"id_number": "id_number", "birth_date": "birth_date"}
        return keys

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
        context["enrollments"] = (
            related_for_user(self.object, "enrollments", self.request.user)
            .select_related("cohort__enterprise")
            .annotate(until=Coalesce("withdrawn_on", "planned_end", "cohort__planned_end"))
            .order_by("-cohort__planned_start", "pk")
        )
        audit_id_views(self.request.user, Person, [self.object], "page")
        return context


class PersonCreate(ScopedCreateView):
    """A person is registered under the user's organisation (`registering_organisation`);
    someone already registered under the same name is linked as they are."""

    model = Person
    form_class = forms.PersonForm
    service = services.person_create
    may_create = any_manager

    def service_kwargs(self, form: django_forms.BaseForm) -> dict[str, Any]:
        organisation = registering_organisation(self.request.user)
        return {"organisation": organisation, **super().service_kwargs(form)}

    def perform(self, form: django_forms.BaseForm) -> Any:
        user = self.request.user
        registration = services.person_register(by=user, **self.service_kwargs(form))
        self.object = person = registration.person
        if not registration.linked:
            return person
        messages.info(self.request, LINKED)
        if visible_to(Person, user).filter(pk=person.pk).exists():
            return redirect(person.get_absolute_url())
        return redirect(reverse("registry:person_list"))


LINKED = _(
    "This person is already registered; nothing in their record was changed. Put them on a "
    "class's roster or appoint them as a mentor with their ID number and name."
)


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
