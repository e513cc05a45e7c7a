"""Class (cohort) pages: filing, review, roster."""

from __future__ import annotations

from typing import Any, cast

from django import forms as django_forms
from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.auth import signed_in
from xuetu.core.access import CHANGE, can
from xuetu.core.models import Job
from xuetu.core.views import (
    ActionView,
    ObjectFormView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedDownloadView,
    ScopedListView,
    ScopedUpdateView,
    file_response,
    passes,
    visible_to,
)
from xuetu.programmes import choices, documents, filters, forms, services
from xuetu.programmes.access import FILING, REVIEW, RUN
from xuetu.programmes.choices import CohortStatus, EnrollmentStatus
from xuetu.programmes.models import Cohort, Enrollment
from xuetu.programmes.roster import TEMPLATE_HEADERS, roster_template
from xuetu.programmes.tasks import ROSTER_IMPORT, roster_import_start
from xuetu.programmes.views.common import manages_an_enterprise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CohortList(ScopedListView):
    model = Cohort
    may_create = manages_an_enterprise
    search_fields = ("code", "name", "enterprise__name", "institution__name")
    filterset_class = filters.CohortFilter
    template_name = "programmes/cohort_list.html"

    def get_queryset(self) -> QuerySet:
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
    manager = can(user, CHANGE, cohort)
    runner = can(user, RUN, cohort)
    reviewer = passes(services.require_reviewer, user, cohort)  # the table, and no party
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


class CohortDetail(ScopedDetailView):
    model = Cohort
    template_name = "programmes/cohort_detail.html"

    def get_queryset(self) -> QuerySet:
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
        review_form = kwargs.pop("failed_form", None) or forms.ReviewForm()
        context = super().get_context_data(**kwargs)
        cohort = self.object
        actions = cohort_actions(self.request.user, cohort)
        context.update(actions=actions, can_edit=actions["edit"], review_form=review_form)
        # The roster as the user may see it (an apprentice sees only their own line).
        roster = list(
            visible_to(Enrollment, self.request.user)
            .filter(cohort=cohort)
            .select_related("person", "enterprise_mentor__person", "institution_mentor__person")
            .order_by("person__name", "pk")
        )
        context["roster"] = roster
        context["on_roster"] = sum(e.status != EnrollmentStatus.WITHDRAWN for e in roster)
        context.setdefault("refused", None)
        if context["refused"] is None and actions["submit"] and self.request.GET.get("check"):
            context["checked"] = services.filing_problems(cohort)
        return context


class CohortAction(ActionView, CohortDetail):
    """A filing button; `button` is its key in `cohort_actions` (whether the page shows it)."""

    button: str

    def available(self) -> bool:
        return cohort_actions(self.request.user, self.object)[self.button]


class CohortSubmit(CohortAction):
    service, button = services.cohort_submit, "submit"
    title = _("Submit for review")
    done = _("The filing was submitted for review.")


class CohortApprove(CohortAction):
    access = REVIEW
    service, button, form_class = services.cohort_approve, "review", forms.ReviewForm
    title = _("Approve")
    done = _("The class is approved.")


class CohortReturn(CohortAction):
    access = REVIEW
    service, button, form_class = services.cohort_return, "review", forms.ReviewForm
    title = _("Return with comment")
    done = _("The filing was returned to the enterprise with your comment.")


class CohortReject(CohortAction):
    access = REVIEW
    service, button, form_class = services.cohort_reject, "review", forms.ReviewForm
    title = _("Reject with comment")
    done = _("The filing was rejected.")


class CohortWithdraw(CohortAction):
    service, button = services.cohort_withdraw, "withdraw"
    title = _("Withdraw the filing")
    done = _("The filing was withdrawn.")


class CohortStart(CohortAction):
    access = RUN
    service, button, form_class = services.cohort_start, "start", forms.StartForm
    title = _("Start training")
    done = _("The class started training.")


class CohortComplete(CohortAction):
    access = RUN
    service, button, form_class = services.cohort_complete, "complete", forms.CohortCompleteForm
    title = _("Complete training")
    done = _("The class completed training.")


class CohortClose(CohortAction):
    access = REVIEW
    service, button = services.cohort_close, "close"
    title = _("Close the file")
    done = _("The class is closed.")


class CohortCreate(ScopedCreateView):
    model = Cohort
    may_create = manages_an_enterprise
    form_class = forms.CohortForm
    template_name = "programmes/cohort_form.html"
    service = services.cohort_create


class CohortEdit(ScopedUpdateView):
    model = Cohort
    form_class = forms.CohortForm
    template_name = "programmes/cohort_form.html"
    service = services.cohort_update

    def perform(self, form: django_forms.BaseForm) -> Any:
        # The form leaves the status alone; the service may not.
        was = cast(django_forms.BaseModelForm, form).instance.status
        cohort = super().perform(form)
        if was != CohortStatus.DRAFT and cohort.status == CohortStatus.DRAFT:
            messages.warning(self.request, _("The filing is a draft again; submit it when ready."))
        return cohort


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

    def perform(self, form: django_forms.BaseForm) -> HttpResponse:
        upload = form.cleaned_data["file"]
        job = roster_import_start(
            by=signed_in(self.request),
            cohort=self.object,
            filename=upload.name,
            data=upload.read(),
            language=self.request.LANGUAGE_CODE,
        )
        return redirect("core:job_detail", pk=job.pk)


class CohortRosterTemplate(ScopedDownloadView):
    model = Cohort
    access = CHANGE  # for whoever fills the roster in

    def download(self, cohort: Cohort) -> FileResponse:
        data = roster_template(cohort, language=self.request.LANGUAGE_CODE)
        return file_response(data, f"{cohort.code}-roster.xlsx", XLSX)


class CohortFilingPdf(ScopedDownloadView):
    """The filing form (开班申请表) with the roster and the apprentices' ID numbers: for the
    parties to the filing and its reviewer (the access table's `filing`), not for everyone who
    sees the class."""

    model = Cohort
    access = FILING

    def download(self, cohort: Cohort) -> FileResponse:
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
    form_object = "cohort"
    service = services.enrollment_create_with_person
    restrict = False  # the class's own mentors and teachers, whoever employs them

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("Add an apprentice to %(class)s") % {"class": self.object}
        context["warning"] = roster_warning(self.object)
        return context

    def done_message(self, enrollment: Enrollment) -> str:
        return _("%(name)s is on the roster.") % {"name": enrollment.person.name}
