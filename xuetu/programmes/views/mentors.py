"""Mentor pages and appointment letters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.core.problems import say
from xuetu.core.views import (
    ObjectFormView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedDownloadView,
    ScopedListView,
    ScopedUpdateView,
    ServiceFormMixin,
    any_manager,
    file_response,
    visible_to,
)
from xuetu.programmes import choices, documents, filters, forms, rules, selectors, services
from xuetu.programmes.models import Appointment, Enrollment, Mentor


def set_loads(mentors: Iterable[Mentor]) -> None:
    """Each mentor's load as the capacity rule counts it (`selectors.mentor_loads`: open
    enrollments of classes that have not ended) and their limit, in a fixed number of
    queries however many mentors are shown."""
    mentors = list(mentors)
    loads = selectors.mentor_loads(m.pk for m in mentors)
    policy = selectors.current_policy(timezone.localdate())
    for mentor in mentors:
        mentor.load = loads[mentor.pk]  # type: ignore[attr-defined]  # for the page
        mentor.limit = rules.mentor_limit(mentor.kind, mentor.capacity, policy)  # type: ignore[attr-defined]  # for the page


class MentorList(ScopedListView):
    model = Mentor
    may_create = any_manager
    search_fields = ("person__name", "organisation__name", "certificate_number")
    filterset_class = filters.MentorFilter
    template_name = "programmes/mentor_list.html"

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("person", "organisation", "occupation")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        set_loads(context["object_list"])
        return context


class MentorDetail(ScopedDetailView):
    model = Mentor
    template_name = "programmes/mentor_detail.html"

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("person", "organisation", "occupation")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        mentor = self.object
        set_loads([mentor])
        context["not_assignable"] = not_assignable(mentor)
        context["appointments"] = (
            visible_to(Appointment, self.request.user)
            .filter(mentor=mentor)
            .select_related("cohort")
        )
        context["apprentices"] = (
            Enrollment.objects.for_user(self.request.user)
            .filter(Q(enterprise_mentor=mentor) | Q(institution_mentor=mentor))
            .filter(status__in=choices.OPEN_ENROLLMENT_STATUSES)
            .select_related("person", "cohort")
            .order_by("cohort__code", "person__name")
        )
        return context


def not_assignable(mentor: Mentor) -> list:
    """Why no picker offers `mentor` whatever their load: `rules.mentor_problems`."""
    policy = selectors.current_policy(timezone.localdate())
    return rules.mentor_problems(selectors.mentor_facts(mentor), policy)


class SavedMentor(ServiceFormMixin):
    """A saved mentor who does not qualify is kept (someone to be mentor once certified), and
    the page says plainly that no picker offers them yet, and why."""

    def succeeded(self, result: Mentor) -> HttpResponse:
        for problem in not_assignable(result):
            message = say(
                _(
                    "Saved, but %(name)s cannot be assigned to apprentices until this "
                    "changes: %(reason)s"
                ),
                name=result.person.name,
                reason=problem.message,
            )
            messages.warning(self.request, message)
        return super().succeeded(result)


class MentorCreate(SavedMentor, ScopedCreateView):
    """A mentor named by ID number and name; someone new is registered in the same step."""

    model = Mentor
    may_create = any_manager
    form_class = forms.MentorCreateForm
    service = services.mentor_create_with_person


class MentorEdit(SavedMentor, ScopedUpdateView):
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

    def download(self, letter: Appointment) -> FileResponse:
        name = f"{letter.number}.pdf"
        if letter.pdf:
            return FileResponse(
                letter.pdf.open("rb"), filename=name, content_type="application/pdf"
            )
        pdf = documents.appointment_pdf(letter)
        return file_response(pdf, name, "application/pdf", inline=True)
