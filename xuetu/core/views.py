"""Base page views. Each starts from `Model.objects.for_user(user)`, so a view cannot forget
tenancy: another organisation's object is a 404, one you see but may not change is a 403."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views import generic

from xuetu.core.access import can_manage, restrict_choices, scope_for


class ScopedMixin(generic.base.ContextMixin):
    model: Any  # a model class; Any agrees with both ListView's optional and DetailView's own
    request: HttpRequest

    def get_queryset(self) -> models.QuerySet:
        return self.model._default_manager.for_user(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["opts"] = self.model._meta
        context["can_create"] = self.user_can_create()
        return context

    def user_can_create(self) -> bool:
        """Who may create this kind of object; the city bureau by default."""
        return scope_for(self.request.user).city


class ScopedListView(ScopedMixin, generic.ListView):
    """A searchable, filterable, paginated list of what the user may see."""

    paginate_by = 25
    search_fields: tuple[str, ...] = ()
    filterset_class: type[Any] | None = None  # a django-filter FilterSet

    def get_queryset(self) -> models.QuerySet:
        queryset = super().get_queryset()
        query = self.request.GET.get("q", "").strip()
        if query and self.search_fields:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": query})
            queryset = queryset.filter(condition)
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(
                self.request.GET, queryset=queryset, request=self.request
            )
            restrict_choices(self.filterset.form.fields.values(), self.request.user)
            label_empty_choices(self.filterset.form)
            queryset = self.filterset.qs
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filterset"] = getattr(self, "filterset", None)
        context["query"] = self.request.GET.get("q", "")
        params = self.request.GET.copy()
        params.pop("page", None)
        context["querystring"] = params.urlencode()
        return context


class ScopedDetailView(ScopedMixin, generic.DetailView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_edit"] = can_manage(self.request.user, self.object)
        return context


class ScopedFormMixin(generic.edit.FormMixin):
    """Gives forms the user, and narrows every choice field to what the user may see."""

    object: Any  # CreateView's may be None, UpdateView's may not
    request: HttpRequest

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        restrict_choices(form.fields.values(), self.request.user)
        return form

    def form_valid(self, form) -> HttpResponse:
        try:
            self.object = self.perform_save(form)
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.get_success_url())

    def perform_save(self, form) -> models.Model:
        raise NotImplementedError


class ScopedCreateView(ScopedFormMixin, ScopedMixin, generic.CreateView):
    template_name: str | None = "core/form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not self.user_can_create():
            raise PermissionDenied(_("You may not create this."))
        return super().dispatch(request, *args, **kwargs)


class ScopedUpdateView(ScopedFormMixin, ScopedMixin, generic.UpdateView):
    template_name: str | None = "core/form.html"

    def get_object(self, queryset=None) -> models.Model:
        obj = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if not can_manage(self.request.user, obj):
            raise PermissionDenied(_("You may see this but not change it."))
        return obj


def apply_errors(form, error: ValidationError) -> None:
    """Puts a service's ValidationError onto the form, field by field where it can."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def label_empty_choices(form) -> None:
    """A filter's empty choice says what it filters ("District: all"), not "---------"."""
    for field in form.fields.values():
        label = _("%(label)s: all") % {"label": capfirst(field.label)}
        if hasattr(field, "empty_label"):
            field.empty_label = label
            field.widget.choices = field.choices  # a plain choice widget keeps its own copy
        elif getattr(field, "choices", None) and next(iter(field.choices))[0] == "":
            field.choices = [("", label), *list(field.choices)[1:]]
