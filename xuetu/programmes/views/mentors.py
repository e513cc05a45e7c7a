"""Mentor pages and appointment letters."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import models, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic.detail import BaseDetailView

from xuetu.accounts.auth import signed_in
from xuetu.core.views import (
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedMixin,
    ScopedUpdateView,
)
from xuetu.programmes import choices, documents, filters, forms, rules, selectors, services
from xuetu.programmes.models import (
    Appointment,
    Enrollment,
    Mentor,
)
from xuetu.programmes.views.common import (
    ObjectFormView,
    ServiceForm,
    file_response,
    manages_something,
)
from xuetu.registry.services import person_create


def open_enrollments(role: str) -> Coalesce:
    rows = (
        Enrollment.objects.filter(
            **{role: OuterRef("pk")}, status__in=choices.OPEN_ENROLLMENT_STATUSES
        )
        .order_by()
        .values(role)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def with_load(queryset):
    """Each mentor's open enrollments in either role, in the same query."""
    load = open_enrollments("enterprise_mentor") + open_enrollments("institution_mentor")
    return queryset.select_related("person", "organisation", "occupation").annotate(load=load)


def set_limits(mentors) -> None:
    policy = selectors.current_policy(timezone.localdate())
    for mentor in mentors:
        mentor.limit = rules.mentor_limit(mentor.kind, mentor.capacity, policy)


class MentorPage:
    model: Any = Mentor  # Any agrees with both ListView's and DetailView's declarations
    url_name = "mentor"
    request: HttpRequest

    def user_can_create(self) -> bool:
        return manages_something(self.request.user)


class MentorList(MentorPage, ScopedListView):
    search_fields = ("person__name", "organisation__name", "certificate_number")
    filterset_class = filters.MentorFilter
    template_name = "programmes/mentor_list.html"

    def get_queryset(self):
        return with_load(super().get_queryset())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        set_limits(context["object_list"])
        return context


class MentorDetail(MentorPage, ScopedDetailView):
    template_name = "programmes/mentor_detail.html"

    def get_queryset(self):
        return with_load(super().get_queryset())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        mentor = self.object
        set_limits([mentor])
        context["appointments"] = mentor.appointments.select_related("cohort")
        context["apprentices"] = (
            Enrollment.objects.for_user(self.request.user)
            .filter(Q(enterprise_mentor=mentor) | Q(institution_mentor=mentor))
            .filter(status__in=choices.OPEN_ENROLLMENT_STATUSES)
            .select_related("person", "cohort")
            .order_by("cohort__code", "person__name")
        )
        return context


class MentorCreate(MentorPage, ServiceForm, ScopedCreateView):
    form_class = forms.MentorCreateForm

    def perform_save(self, form) -> models.Model:
        data = dict(form.cleaned_data)
        organisation = data.pop("organisation")
        number, name = data.pop("id_number"), data.pop("person_name")
        by = signed_in(self.request)
        with transaction.atomic():
            person = form.person or person_create(
                by=by, organisation=organisation, name=name, id_number=number
            )
            return services.mentor_create(by=by, organisation=organisation, person=person, **data)


class MentorEdit(MentorPage, ServiceForm, ScopedUpdateView):
    form_class = forms.MentorForm

    def perform_save(self, form) -> models.Model:
        return services.mentor_update(
            by=signed_in(self.request), mentor=form.instance, **form.cleaned_data
        )


class MentorAppoint(ObjectFormView):
    """Issue an appointment letter (聘书): term, and the class if it is for one."""

    model = Mentor
    form_class = forms.AppointmentForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "mentor": self.object}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("Issue an appointment letter")
        context["cancel_url"] = reverse("programmes:mentor_detail", args=[self.object.pk])
        return context

    def perform(self, form) -> HttpResponse:
        letter = services.appointment_issue(
            by=signed_in(self.request), mentor=self.object, **form.cleaned_data
        )
        messages.success(
            self.request, _("Appointment letter %(number)s issued.") % {"number": letter.number}
        )
        return redirect("programmes:mentor_detail", pk=self.object.pk)


class AppointmentPdf(ScopedMixin, BaseDetailView):
    """The letter's PDF for those who see the letter; the stored copy if there is one."""

    model = Appointment

    # A file, not a page: the stubs type BaseDetailView.get as rendering a template.
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:  # type: ignore[override]
        letter = self.get_object()
        name = f"{letter.number}.pdf"
        if letter.pdf:
            return FileResponse(
                letter.pdf.open("rb"), filename=name, content_type="application/pdf"
            )
        pdf = documents.appointment_pdf(letter)
        return file_response(pdf, name, "application/pdf", inline=True)
