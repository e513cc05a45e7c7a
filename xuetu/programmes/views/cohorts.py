"""Class (cohort) pages: filing, review, roster."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import models, transaction
from django.db.models import Count, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.generic.detail import BaseDetailView

from xuetu.accounts.auth import signed_in
from xuetu.core.models import Job
from xuetu.core.views import (
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedMixin,
    ScopedUpdateView,
)
from xuetu.programmes import choices, documents, filters, forms, services
from xuetu.programmes.choices import (
    CohortStatus,
    EnrollmentStatus,
)
from xuetu.programmes.models import (
    Cohort,
)
from xuetu.programmes.roster import TEMPLATE_HEADERS, roster_template
from xuetu.programmes.tasks import ROSTER_IMPORT, roster_import_start
from xuetu.programmes.views.common import (
    ActionMixin,
    ObjectFormView,
    ServiceForm,
    file_response,
    manages_an_enterprise,
    passes,
)
from xuetu.registry.services import person_create

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CohortPage:
    model: Any = Cohort  # Any agrees with both ListView's and DetailView's declarations
    url_name = "cohort"
    request: HttpRequest

    def user_can_create(self) -> bool:
        return manages_an_enterprise(self.request.user)


class CohortList(CohortPage, ScopedListView):
    search_fields = ("code", "name", "enterprise__name", "institution__name")
    filterset_class = filters.CohortFilter
    template_name = "programmes/cohort_list.html"

    def get_queryset(self):
        on_roster = Count("enrollments", filter=~Q(enrollments__status=EnrollmentStatus.WITHDRAWN))
        return (
            super()
            .get_queryset()
            .select_related("enterprise", "institution", "occupation")
            .annotate(roster_count=on_roster)
            .order_by("-planned_start", "code")  # GROUP BY drops the model's ordering
        )


def cohort_actions(user, cohort: Cohort) -> dict[str, bool]:
    """Which buttons the user gets: the services' own permission checks, and the status."""
    allowed = choices.COHORT_FLOW.allowed.get(cohort.status, frozenset())
    manager = passes(services.require_manager, user, cohort.enterprise_id)
    runner = passes(services.require_manager, user, cohort.enterprise_id, cohort.institution_id)
    reviewer = passes(services.require_reviewer, user, cohort)
    editable = manager and cohort.status in choices.EDITABLE_COHORT_STATUSES
    return {
        "submit": manager and CohortStatus.SUBMITTED in allowed,
        "review": reviewer and cohort.status == CohortStatus.SUBMITTED,
        "withdraw": manager and CohortStatus.WITHDRAWN in allowed,
        "start": runner and CohortStatus.IN_TRAINING in allowed,
        "complete": runner and CohortStatus.COMPLETED in allowed,
        "close": reviewer and CohortStatus.CLOSED in allowed,
        "edit": editable,
        "roster": editable,
    }


class CohortDetail(CohortPage, ScopedDetailView):
    template_name = "programmes/cohort_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "enterprise__district",
                "institution",
                "agreement",
                "occupation",
                "submitted_by",
                "reviewed_by",
            )
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        refused = kwargs.pop("refused", None)
        review_form = kwargs.pop("failed_form", None) or forms.ReviewForm()
        context = super().get_context_data(**kwargs)
        cohort = self.object
        actions = cohort_actions(self.request.user, cohort)
        context.update(actions=actions, can_edit=actions["edit"], review_form=review_form)
        roster = list(
            cohort.enrollments.select_related(
                "person", "enterprise_mentor__person", "institution_mentor__person"
            ).order_by("person__name", "pk")
        )
        context["roster"] = roster
        context["on_roster"] = sum(e.status != EnrollmentStatus.WITHDRAWN for e in roster)
        context["refused"] = refused
        if refused is None and actions["submit"] and self.request.GET.get("check"):
            context["checked"] = services.filing_problems(cohort)
        return context


class CohortAction(ActionMixin, CohortDetail):
    service: Callable[..., Any]

    def perform(self, data: dict[str, Any]) -> None:
        type(self).service(by=self.request.user, cohort=self.object, **data)

    def object_url(self) -> str:
        return reverse("programmes:cohort_detail", args=[self.object.pk])


class CohortSubmit(CohortAction):
    service = services.cohort_submit
    done = _("The filing was submitted for review.")


class CohortReview(CohortAction):
    form_class = forms.ReviewForm


class CohortApprove(CohortReview):
    service = services.cohort_approve
    done = _("The class is approved.")


class CohortReturn(CohortReview):
    service = services.cohort_return
    done = _("The filing was returned to the enterprise with your comment.")


class CohortReject(CohortReview):
    service = services.cohort_reject
    done = _("The filing was rejected.")


class CohortWithdraw(CohortAction):
    service = services.cohort_withdraw
    done = _("The filing was withdrawn.")


class CohortStart(CohortAction):
    service = services.cohort_start
    done = _("The class started training.")


class CohortComplete(CohortAction):
    service = services.cohort_complete
    done = _("The class completed training.")


class CohortClose(CohortAction):
    service = services.cohort_close
    done = _("The class is closed.")


class CohortSave(CohortPage, ServiceForm):
    form_class = forms.CohortForm
    template_name: str | None = "programmes/cohort_form.html"

    def perform_save(self, form) -> models.Model:
        if form.instance.pk is None:
            return services.cohort_create(by=signed_in(self.request), **form.cleaned_data)
        return services.cohort_update(
            by=signed_in(self.request), cohort=form.instance, **form.cleaned_data
        )


class CohortCreate(CohortSave, ScopedCreateView):
    pass


class CohortEdit(CohortSave, ScopedUpdateView):
    def form_valid(self, form) -> HttpResponse:
        was = form.instance.status
        response = super().form_valid(form)
        if was != CohortStatus.DRAFT and self.object.status == CohortStatus.DRAFT:
            messages.warning(self.request, _("The filing is a draft again; submit it when ready."))
        return response


class CohortRosterImport(ObjectFormView):
    """Upload a roster (.xlsx): the import runs as a job whose page shows its progress."""

    model = Cohort
    form_class = forms.RosterImportForm
    template_name = "programmes/roster_import.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["headers"] = TEMPLATE_HEADERS
        context["editable"] = self.object.status in choices.EDITABLE_COHORT_STATUSES
        context["last_job"] = (
            Job.objects.for_user(self.request.user)
            .filter(kind=ROSTER_IMPORT, params__cohort=self.object.pk)
            .order_by("-created_at", "-pk")
            .first()
        )
        return context

    def perform(self, form) -> HttpResponse:
        upload = form.cleaned_data["file"]
        job = roster_import_start(
            by=signed_in(self.request),
            cohort=self.object,
            filename=upload.name,
            data=upload.read(),
            language=self.request.LANGUAGE_CODE,
        )
        return redirect("core:job_detail", pk=job.pk)


class CohortRosterTemplate(ScopedMixin, BaseDetailView):
    model = Cohort

    # A file, not a page: the stubs type BaseDetailView.get as rendering a template.
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:  # type: ignore[override]
        cohort = self.get_object()
        data = roster_template(cohort, language=request.LANGUAGE_CODE)
        return file_response(data, f"{cohort.code}-roster.xlsx", XLSX)


class CohortFilingPdf(ScopedMixin, BaseDetailView):
    """The filing form (开班申请表) with the roster, for whoever sees the class."""

    model = Cohort

    # A file, not a page: the stubs type BaseDetailView.get as rendering a template.
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:  # type: ignore[override]
        cohort = self.get_object()
        pdf = documents.filing_form_pdf(cohort)
        return file_response(pdf, f"{cohort.code}-开班申请表.pdf", "application/pdf", inline=True)


def roster_warning(cohort: Cohort) -> str | Promise | None:
    if cohort.status not in choices.EDITABLE_COHORT_STATUSES:
        return _(
            "The roster of an approved class changes through its roster actions, "
            "one apprentice at a time."
        )
    if cohort.status != CohortStatus.DRAFT:
        return _("Changing the roster returns a submitted filing to draft.")
    return None


class EnrollmentAdd(ObjectFormView):
    """Add one apprentice to a class's roster before approval, by ID number and name."""

    model = Cohort
    form_class = forms.EnrollmentCreateForm
    restrict = False  # the class's own mentors and teachers, whoever employs them

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "cohort": self.object}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("Add an apprentice to %(class)s") % {"class": self.object}
        context["cancel_url"] = reverse("programmes:cohort_detail", args=[self.object.pk])
        context["warning"] = roster_warning(self.object)
        return context

    def perform(self, form) -> HttpResponse:
        cohort, by = self.object, signed_in(self.request)
        with transaction.atomic():
            person = form.person or person_create(
                by=by,
                organisation=cohort.enterprise,
                name=form.cleaned_data["person_name"],
                id_number=form.cleaned_data["id_number"],
            )
            services.enrollment_create(by=by, cohort=cohort, person=person, **form.service_fields())
        messages.success(self.request, _("%(name)s is on the roster.") % {"name": person.name})
        return redirect("programmes:cohort_detail", pk=cohort.pk)
