"""What every programmes page shares."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import generic
from django.views.generic.detail import SingleObjectMixin

from xuetu.core.access import can_manage, restrict_choices, scope_for
from xuetu.core.problems import Refused
from xuetu.core.views import (
    ScopedMixin,
    apply_errors,
)


def passes(check: Callable[..., None], *args: Any) -> bool:
    """Whether a service's permission check lets the user through (buttons follow it)."""
    try:
        check(*args)
    except PermissionDenied:
        return False
    return True


def manages_something(user) -> bool:
    scope = scope_for(user)
    return scope.city or bool(scope.managed_org_ids)


def manages_an_enterprise(user) -> bool:
    """Agreements and classes are drafted by an enterprise (an institution cannot even list
    the enterprises it might pick) or by the city bureau."""
    scope = scope_for(user)
    return scope.city or scope.has_role("enterprise_manager")


def add_problems(form, refused: Refused) -> None:
    for problem in refused.problems:
        form.add_error(None, problem.message)


class ProgrammePage:
    """Success goes to the object's page: `programmes:<url_name>_detail`."""

    url_name: str
    object: Any  # CreateView's may be None, UpdateView's may not

    def get_success_url(self) -> str:
        return reverse(f"programmes:{self.url_name}_detail", args=[self.object.pk])


class ServiceForm(ProgrammePage, generic.edit.FormMixin):
    """Create and edit pages: the user reaches the form, a refusal lands on the form."""

    template_name: str | None = "programmes/form.html"
    request: HttpRequest

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form) -> HttpResponse:
        try:
            return super().form_valid(form)
        except Refused as refused:
            add_problems(form, refused)
            return self.form_invalid(form)


class ObjectFormView(ScopedMixin, SingleObjectMixin, generic.FormView):
    """A form about one object the user must manage (issue a letter, import a roster…):
    another organisation's object is a 404, one the user only sees is a 403."""

    template_name = "programmes/form.html"
    restrict = True  # narrow the form's choices to what the user sees
    object: Any

    def get_object(self, queryset=None) -> models.Model:
        obj = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if not can_manage(self.request.user, obj):
            raise PermissionDenied(_("You may see this but not change it."))
        return obj

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.restrict:
            restrict_choices(form.fields.values(), self.request.user)
        return form

    def form_valid(self, form) -> HttpResponse:
        try:
            return self.perform(form)
        except ValidationError as error:
            apply_errors(form, error)
        except Refused as refused:
            add_problems(form, refused)
        return self.form_invalid(form)

    def perform(self, form) -> HttpResponse:
        raise NotImplementedError


class ActionMixin(generic.DetailView):
    """A POST button on a detail page. A refused transition re-renders the page with every
    problem (409); a form error re-renders it with the form's errors; success redirects."""

    http_method_names = ["post"]
    form_class: type | None = None
    done: Any = _("Done.")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        self.check_allowed()
        form = self.form = self.make_form(request.POST)
        if form is not None and not form.is_valid():
            return self.again(form=form)
        try:
            self.perform(form.cleaned_data if form is not None else {})
        except Refused as refused:
            return self.again(form=form, refused=refused, status=409)
        except ValidationError as error:
            if form is None:
                for message in error.messages:
                    messages.error(request, message)
            else:
                apply_errors(form, error)
            return self.again(form=form)
        messages.success(request, self.done)
        return redirect(self.object_url())

    def check_allowed(self) -> None:
        """Refuse (403) before reading the form; the service checks again."""

    def make_form(self, data):
        return self.form_class(data) if self.form_class is not None else None

    def again(self, *, form=None, refused=None, status: int = 200) -> HttpResponse:
        self.object = self.get_object()  # what is stored, not what the service half-set
        context = self.get_context_data(failed_form=form, refused=refused)
        return self.render_to_response(context, status=status)

    def perform(self, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def object_url(self) -> str:
        raise NotImplementedError


def file_response(data: bytes, filename: str, content_type: str, *, inline: bool = False):
    return FileResponse(
        io.BytesIO(data),
        as_attachment=not inline,
        filename=filename,
        content_type=content_type,
    )
