"""Programmes pages: agreements, mentors and their appointment letters, classes (cohorts)
with their filing and review, rosters and enrollments, and notices.

Every page starts from `Model.objects.for_user(user)` through the scoped base views, so
another organisation's object is a 404 and one the user sees but may not change is a 403.
Views stay thin: each write is one service call, and a refused transition is shown with every
problem on the page it came from, in the reader's language.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import generic
from django.views.generic.detail import BaseDetailView, SingleObjectMixin

from xuetu.core.access import can_manage, restrict_choices, scope_for
from xuetu.core.models import Job, Notice
from xuetu.core.views import (
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedMixin,
    ScopedUpdateView,
    apply_errors,
)
from xuetu.programmes import documents, filters, forms, rules, selectors, services
from xuetu.programmes.choices import (
    AgreementSide,
    CohortStatus,
    EnrollmentEventKind,
    EnrollmentStatus,
    WithdrawalReason,
)
from xuetu.programmes.models import (
    Appointment,
    Cohort,
    CooperationAgreement,
    Enrollment,
    EnrollmentEvent,
    Mentor,
)
from xuetu.programmes.roster import TEMPLATE_HEADERS, roster_template
from xuetu.programmes.tasks import ROSTER_IMPORT, roster_import_start
from xuetu.registry.services import person_create

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TransitionRefused = services.TransitionRefused


# Shared pieces -------------------------------------------------------------------------------
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


def add_problems(form, refused: TransitionRefused) -> None:
    for problem in refused.problems:
        form.add_error(None, problem.message)


class ProgrammePage:
    """Success goes to the object's page: `programmes:<url_name>_detail`."""

    url_name: str
    object: models.Model

    def get_success_url(self) -> str:
        return reverse(f"programmes:{self.url_name}_detail", args=[self.object.pk])


class ServiceForm(ProgrammePage):
    """Create and edit pages: the user reaches the form, a refusal lands on the form."""

    template_name = "programmes/form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form) -> HttpResponse:
        try:
            return super().form_valid(form)
        except TransitionRefused as refused:
            add_problems(form, refused)
            return self.form_invalid(form)


class ObjectFormView(ScopedMixin, SingleObjectMixin, generic.FormView):
    """A form about one object the user must manage (issue a letter, import a roster…):
    another organisation's object is a 404, one the user only sees is a 403."""

    template_name = "programmes/form.html"
    restrict = True  # narrow the form's choices to what the user sees

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
        except TransitionRefused as refused:
            add_problems(form, refused)
        return self.form_invalid(form)

    def perform(self, form) -> HttpResponse:
        raise NotImplementedError


class ActionMixin:
    """A POST button on a detail page. A refused transition re-renders the page with every
    problem (409); a form error re-renders it with the form's errors; success redirects."""

    http_method_names = ["post"]
    form_class: type | None = None
    done: Any = _("Done.")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        self.check_allowed()
        form = self.make_form(request.POST)
        if form is not None and not form.is_valid():
            return self.again(form=form)
        try:
            self.perform(form.cleaned_data if form is not None else {})
        except TransitionRefused as refused:
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


# Agreements ---------------------------------------------------------------------------------
class AgreementPage:
    model = CooperationAgreement
    url_name = "agreement"

    def user_can_create(self) -> bool:
        return manages_an_enterprise(self.request.user)


class AgreementList(AgreementPage, ScopedListView):
    search_fields = ("number", "enterprise__name", "institution__name")
    filterset_class = filters.AgreementFilter
    template_name = "programmes/agreement_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "institution")


class AgreementDetail(AgreementPage, ScopedDetailView):
    template_name = "programmes/agreement_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "institution")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_confirm"] = may_confirm(self.request.user, self.object)
        context["cohorts"] = self.object.cohorts.for_user(self.request.user).order_by("code")
        return context


def confirming_organisation(agreement: CooperationAgreement) -> int:
    """The side that did not draft the agreement confirms it."""
    if agreement.drafted_by == AgreementSide.ENTERPRISE:
        return agreement.institution_id
    return agreement.enterprise_id


def may_confirm(user, agreement: CooperationAgreement) -> bool:
    if agreement.confirmed:
        return False
    return confirming_organisation(agreement) in scope_for(user).managed_org_ids


class AgreementConfirm(ActionMixin, AgreementDetail):
    done = _("The agreement is confirmed.")

    def perform(self, data: dict[str, Any]) -> None:
        services.agreement_confirm(by=self.request.user, agreement=self.object)

    def object_url(self) -> str:
        return reverse("programmes:agreement_detail", args=[self.object.pk])


class AgreementSave(AgreementPage, ServiceForm):
    form_class = forms.AgreementForm

    def perform_save(self, form) -> models.Model:
        fields = form.service_fields()
        if form.instance.pk is None:
            return services.agreement_create(by=self.request.user, **fields)
        return services.agreement_update(by=self.request.user, agreement=form.instance, **fields)


class AgreementCreate(AgreementSave, ScopedCreateView):
    pass


class AgreementEdit(AgreementSave, ScopedUpdateView):
    pass


class AgreementScan(AgreementPage, ScopedMixin, BaseDetailView):
    """The signed scan, served only to those who see the agreement (never a public URL)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        agreement = self.get_object()
        if not agreement.scan:
            raise Http404
        name = agreement.scan.name.rsplit("/", 1)[-1]
        return FileResponse(agreement.scan.open("rb"), as_attachment=True, filename=name)


# Mentors and appointment letters -----------------------------------------------------------
def open_enrollments(role: str) -> Coalesce:
    rows = (
        Enrollment.objects.filter(
            **{role: OuterRef("pk")}, status__in=rules.OPEN_ENROLLMENT_STATUSES
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
    model = Mentor
    url_name = "mentor"

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
            .filter(status__in=rules.OPEN_ENROLLMENT_STATUSES)
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
        with transaction.atomic():
            person = form.person or person_create(
                by=self.request.user, organisation=organisation, name=name, id_number=number
            )
            return services.mentor_create(
                by=self.request.user, organisation=organisation, person=person, **data
            )


class MentorEdit(MentorPage, ServiceForm, ScopedUpdateView):
    form_class = forms.MentorForm

    def perform_save(self, form) -> models.Model:
        return services.mentor_update(
            by=self.request.user, mentor=form.instance, **form.cleaned_data
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
            by=self.request.user, mentor=self.object, **form.cleaned_data
        )
        messages.success(
            self.request, _("Appointment letter %(number)s issued.") % {"number": letter.number}
        )
        return redirect("programmes:mentor_detail", pk=self.object.pk)


class AppointmentPdf(ScopedMixin, BaseDetailView):
    """The letter's PDF for those who see the letter; the stored copy if there is one."""

    model = Appointment

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        letter = self.get_object()
        name = f"{letter.number}.pdf"
        if letter.pdf:
            return FileResponse(
                letter.pdf.open("rb"), filename=name, content_type="application/pdf"
            )
        pdf = documents.appointment_pdf(letter)
        return file_response(pdf, name, "application/pdf", inline=True)


# Classes (cohorts) ------------------------------------------------------------------------
class CohortPage:
    model = Cohort
    url_name = "cohort"

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
    allowed = rules.TRANSITIONS.get(cohort.status, frozenset())
    manager = passes(services.require_manager, user, cohort.enterprise_id)
    runner = passes(services.require_manager, user, cohort.enterprise_id, cohort.institution_id)
    reviewer = passes(services.require_reviewer, user, cohort)
    editable = manager and cohort.status in rules.EDITABLE_STATUSES
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
    template_name = "programmes/cohort_form.html"

    def perform_save(self, form) -> models.Model:
        if form.instance.pk is None:
            return services.cohort_create(by=self.request.user, **form.cleaned_data)
        return services.cohort_update(
            by=self.request.user, cohort=form.instance, **form.cleaned_data
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
        context["editable"] = self.object.status in rules.EDITABLE_STATUSES
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
            by=self.request.user,
            cohort=self.object,
            filename=upload.name,
            data=upload.read(),
            language=self.request.LANGUAGE_CODE,
        )
        return redirect("core:job_detail", pk=job.pk)


class CohortRosterTemplate(ScopedMixin, BaseDetailView):
    model = Cohort

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        cohort = self.get_object()
        data = roster_template(cohort, language=request.LANGUAGE_CODE)
        return file_response(data, f"{cohort.code}-roster.xlsx", XLSX)


class CohortFilingPdf(ScopedMixin, BaseDetailView):
    """The filing form (开班申请表) with the roster, for whoever sees the class."""

    model = Cohort

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        cohort = self.get_object()
        pdf = documents.filing_form_pdf(cohort)
        return file_response(pdf, f"{cohort.code}-开班申请表.pdf", "application/pdf", inline=True)


def roster_warning(cohort: Cohort) -> str | None:
    if cohort.status not in rules.EDITABLE_STATUSES:
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
        cohort, by = self.object, self.request.user
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


# Enrollments ------------------------------------------------------------------------------
ENROLLMENT_ACTIONS: dict[str, tuple[Any, frozenset[str]]] = {
    # action: (the status it moves to, or None; the statuses it applies to)
    "withdraw": (EnrollmentStatus.WITHDRAWN, frozenset()),
    "pause": (EnrollmentStatus.PAUSED, frozenset()),
    "resume": (EnrollmentStatus.ACTIVE, frozenset({EnrollmentStatus.PAUSED})),
    "change_mentor": (None, rules.OPEN_ENROLLMENT_STATUSES),
}


def enrollment_actions(user, enrollment: Enrollment) -> list[str]:
    if not passes(services.require_manager, user, enrollment.cohort.enterprise_id):
        return []
    allowed = rules.ENROLLMENT_TRANSITIONS.get(enrollment.status, frozenset())
    found = []
    for name, (target, only) in ENROLLMENT_ACTIONS.items():
        if (target is None or target in allowed) and (not only or enrollment.status in only):
            found.append(name)
    return found


def event_summary(event: EnrollmentEvent) -> str:
    details = event.details or {}
    if event.kind == EnrollmentEventKind.WITHDRAWN:
        reason = details.get("reason", "")
        label = WithdrawalReason(reason).label if reason in WithdrawalReason.values else reason
        return " · ".join(str(part) for part in (label, details.get("note")) if part)
    if event.kind == EnrollmentEventKind.MENTOR_CHANGED:
        return f"{details.get('previous_name') or '—'} → {details.get('mentor_name', '')}"
    if event.kind == EnrollmentEventKind.RESUMED and "paused_days" in details:
        return str(_("after a pause of %(days)s days") % {"days": details["paused_days"]})
    return ""


class EnrollmentDetail(ScopedDetailView):
    model = Enrollment
    template_name = "programmes/enrollment_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "cohort__enterprise",
                "cohort__institution",
                "person",
                "enterprise_mentor__person",
                "institution_mentor__person",
            )
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        refused = kwargs.pop("refused", None)
        failed = kwargs.pop("failed_form", None)
        context = super().get_context_data(**kwargs)
        enrollment = self.object
        history = list(selectors.enrollment_history(enrollment))
        for event in history:
            event.summary = event_summary(event)
        names = enrollment_actions(self.request.user, enrollment)
        context.update(history=history, refused=refused, can_edit=False)
        context["action_forms"] = [
            (
                name,
                failed
                if getattr(failed, "action", None) == name
                else action_form(name, enrollment),
            )
            for name in names
        ]
        return context


def action_form(name: str, enrollment: Enrollment, data=None):
    form_class = forms.ENROLLMENT_ACTION_FORMS[name]
    extra = {"enrollment": enrollment} if name == "change_mentor" else {}
    form = form_class(data, prefix=name, **extra)
    form.action = name
    return form


class EnrollmentAction(ActionMixin, EnrollmentDetail):
    action: str
    service: Callable[..., Any]

    def check_allowed(self) -> None:
        services.require_manager(self.request.user, self.object.cohort.enterprise_id)

    def make_form(self, data):
        return action_form(self.action, self.object, data)

    def perform(self, data: dict[str, Any]) -> None:
        type(self).service(by=self.request.user, enrollment=self.object, **data)

    def object_url(self) -> str:
        return reverse("programmes:enrollment_detail", args=[self.object.pk])


class EnrollmentWithdraw(EnrollmentAction):
    action, service = "withdraw", services.enrollment_withdraw
    done = _("The apprentice was withdrawn.")


class EnrollmentPause(EnrollmentAction):
    action, service = "pause", services.enrollment_pause
    done = _("The training is paused.")


class EnrollmentResume(EnrollmentAction):
    action, service = "resume", services.enrollment_resume
    done = _("The training resumed; the planned end moved by the pause.")


class EnrollmentChangeMentor(EnrollmentAction):
    action, service = "change_mentor", services.enrollment_change_mentor
    done = _("The mentor was changed.")


# Notices ----------------------------------------------------------------------------------
class NoticeList(ScopedListView):
    """What changed for the user's organisations; shown notices are marked read."""

    model = Notice
    search_fields = ("text",)
    template_name = "programmes/notice_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("organisation")

    def user_can_create(self) -> bool:
        return False

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        unread = [n.pk for n in context["object_list"] if n.read_at is None]
        context["unread"] = set(unread)
        mark_read(self.request.user, unread)
        return context


def mark_read(user, ids: list[int]) -> None:
    # A read mark is the reader's bookkeeping, not a change to audit.
    if ids:
        Notice.objects.for_user(user).filter(pk__in=ids, read_at__isnull=True).update(
            read_at=timezone.now()
        )
