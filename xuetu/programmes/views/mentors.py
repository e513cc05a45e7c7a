"""Mentor pages and appointment letters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.core.views import (
    ObjectFormView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedDownloadView,
    ScopedListView,
    ScopedUpdateView,
    any_manager,
    file_response,
)
from xuetu.programmes import choices, documents, filters, forms, rules, selectors, services
from xuetu.programmes.models import Appointment, Enrollment, Mentor


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


def with_load(queryset: QuerySet) -> QuerySet:
    """Each mentor's open enrollments in either role, in the same query."""
    load = open_enrollments("enterprise_mentor") + open_enrollments("institution_mentor")
    return queryset.select_related("person", "organisation", "occupation").annotate(load=load)


def set_limits(mentors: Iterable[Mentor]) -> None:
    policy = selectors.current_policy(timezone.localdate())
    for mentor in mentors:
        mentor.limit = rules.mentor_limit(mentor.kind, mentor.capacity, policy)


class MentorList(ScopedListView):
    model = Mentor
    may_create = any_manager
    search_fields = ("person__name", "organisation__name", "certificate_number")
    filterset_class = filters.MentorFilter
    template_name = "programmes/mentor_list.html"

    def get_queryset(self) -> QuerySet:
        return with_load(super().get_queryset())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        set_limits(context["object_list"])
        return context


class MentorDetail(ScopedDetailView):
    model = Mentor
    template_name = "programmes/mentor_detail.html"

    def get_queryset(self) -> QuerySet:
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


class MentorCreate(ScopedCreateView):
    """A mentor named by ID number and name; someone new is registered in the same step."""

    model = Mentor
    may_create = any_manager
    form_class = forms.MentorCreateForm
    service = services.mentor_create_with_person


class MentorEdit(ScopedUpdateView):
    model = Mentor
    form_class = forms.MentorForm
    service = services.mentor_update


class MentorAppoint(ObjectFormView):
    """Issue an appointment letter (聘书): term, and the class if it is for one."""

    model = Mentor
    form_class = forms.AppointmentForm
    form_object = "mentor"
    service = services.appointment_issue
    title = _("Issue an appointment letter")

    def done_message(self, letter: Appointment) -> str:
        return _("Appointment letter %(number)s issued.") % {"number": letter.number}


class AppointmentPdf(ScopedDownloadView):
    """The letter's PDF for those who see the letter; the stored copy if there is one."""

    model = Appointment

    def download(self, letter: Appointment) -> HttpResponse:
        name = f"{letter.number}.pdf"
        if letter.pdf:
            return FileResponse(
                letter.pdf.open("rb"), filename=name, content_type="application/pdf"
            )
        pdf = documents.appointment_pdf(letter)
        return file_response(pdf, name, "application/pdf", inline=True)
