"""Class (cohort) pages: filing, review, roster."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from django import forms as django_forms
from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from xuetu.accounts.auth import signed_in
from xuetu.accounts.choices import OrganisationKind
from xuetu.accounts.models import Organisation
from xuetu.core.access import CHANGE, VIEW, can, scope_for
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
from xuetu.programmes import choices, documents, filters, forms, selectors, services
from xuetu.programmes.access import FILING, REVIEW, RUN
from xuetu.programmes.choices import CohortStatus, EnrollmentStatus
from xuetu.programmes.models import Cohort, Enrollment
from xuetu.programmes.roster import COLUMNS, roster_template
from xuetu.programmes.services.cohorts import COMMENT_NEEDED
from xuetu.programmes.tasks import ROSTER_IMPORT, roster_import_start
from xuetu.programmes.views.common import manages_an_enterprise

BUREAU_KINDS = frozenset({OrganisationKind.CITY_BUREAU, OrganisationKind.DISTRICT_BUREAU})
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
        # A draft never submitted is the enterprise's own plan: nobody to withdraw it from.
        "withdraw": manager
        and CohortStatus.WITHDRAWN in allowed
        and (cohort.status != CohortStatus.DRAFT or cohort.submitted_at is not None),
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
        # Links only to what the user may open (a mentor sees the class, not its agreement
        # or the filing form with every apprentice's ID number).
        user = self.request.user
        context["may_print_filing"] = can(user, FILING, cohort)
        context["may_see_agreement"] = cohort.agreement_id is not None and can(
            user, VIEW, cohort.agreement
        )
        # The roster as the user may see it (an apprentice sees only their own line).
        roster = list(
            visible_to(Enrollment, self.request.user)
            .filter(cohort=cohort)
            .select_related("person", "enterprise_mentor__person", "institution_mentor__person")
            .order_by("person__name", "pk")
        )
        context["roster"] = roster
        context["filing_history"] = selectors.filing_history(cohort)
        context["on_roster"] = sum(e.status != EnrollmentStatus.WITHDRAWN for e in roster)
        # Every apprentice finished (assessed or withdrawn): the class completes on the last
        # completion's date, before its planned end if need be (services.complete_problems).
        context["completion_on"] = finished_on(cohort) if actions["complete"] else None
        context.setdefault("refused", None)
        if context["refused"] is None and actions["submit"] and self.request.GET.get("check"):
            context["checked"] = services.filing_problems(cohort)
        return context


def managers_of(organisations: Iterable[Organisation | None]) -> list[str]:
    """Who a notice to these organisations reaches, in words: their managers (a bureau's
    reviewers), never every member."""
    told = []
    for organisation in organisations:
        if organisation is None:
            continue
        if organisation.kind in BUREAU_KINDS:
            told.append(_("the reviewers of %(name)s") % {"name": organisation.name})
        else:
            told.append(_("the managers of %(name)s") % {"name": organisation.name})
    return told


def with_comment(text: str, data: dict[str, Any]) -> str:
    comment = (data.get("comment") or "").strip()
    if not comment:
        return text
    return _("%(text)s Your comment: “%(comment)s”") % {"text": text, "comment": comment}


class CohortAction(ActionView, CohortDetail):
    """A filing button; `button` is its key in `cohort_actions` (whether the page shows it)."""

    button: str

    def available(self) -> bool:
        return cohort_actions(self.request.user, self.object)[self.button]

    def counted(self, status: str) -> int:
        return self.object.enrollments.filter(status=status).count()

    def parties(self) -> list[str]:
        return managers_of([self.object.enterprise, self.object.institution])

    def reviewers(self) -> list[str]:
        return managers_of(selectors.reviewing_bureaus(self.object))

    def others_and_reviewers(self) -> list[str]:
        """The party that is not acting and the district (as `_tell_parties_and_reviewer`)."""
        mine = scope_for(self.request.user).org_ids
        others = [o for o in (self.object.enterprise, self.object.institution) if o.pk not in mine]
        return [*managers_of(others), *self.reviewers()]


class CohortSubmit(CohortAction):
    service, button = services.cohort_submit, "submit"
    title = _("Submit for review")
    done = _("The filing was submitted for review.")

    def consequence(self, data: dict[str, Any]) -> str:
        return _(
            "Class %(class)s goes to review with the %(count)d apprentices on its roster; "
            "any change to it afterwards makes it a draft again."
        ) % {"class": self.object, "count": self.counted(EnrollmentStatus.ENROLLED)}

    def told(self, data: dict[str, Any]) -> list[str]:
        return self.reviewers()


class CohortApprove(CohortAction):
    access = REVIEW
    service, button, form_class = services.cohort_approve, "review", forms.ReviewForm
    title = _("Approve")
    done = _("The class is approved.")

    def consequence(self, data: dict[str, Any]) -> str:
        text = _(
            "Class %(class)s is approved for good: it may start training from %(start)s with "
            "its %(count)d apprentices, and its filing can no longer be edited or withdrawn."
        ) % {
            "class": self.object,
            "start": f"{self.object.planned_start:%Y-%m-%d}",
            "count": self.counted(EnrollmentStatus.ENROLLED),
        }
        return with_comment(text, data)

    def told(self, data: dict[str, Any]) -> list[str]:
        return self.parties()


class CommentedDecision(CohortAction):
    """A return or a rejection: the comment is asked before the confirmation, with the
    service's own words (the service asks again)."""

    access = REVIEW
    button, form_class = "review", forms.ReviewForm

    def make_form(self, data: Any) -> django_forms.BaseForm | None:
        form = super().make_form(data)
        if form is not None:
            comment = form.fields["comment"]
            comment.required = True
            comment.error_messages["required"] = COMMENT_NEEDED
        return form


class CohortReturn(CommentedDecision):
    service = services.cohort_return
    title = _("Return with comment")
    done = _("The filing was returned to the enterprise with your comment.")

    def consequence(self, data: dict[str, Any]) -> str:
        text = _(
            "The filing of class %(class)s goes back to the enterprise to be changed; "
            "it comes back to review when they submit it again."
        ) % {"class": self.object}
        return with_comment(text, data)

    def told(self, data: dict[str, Any]) -> list[str]:
        return self.parties()


class CohortReject(CommentedDecision):
    service = services.cohort_reject
    title = _("Reject with comment")
    done = _("The filing was rejected.")

    def consequence(self, data: dict[str, Any]) -> str:
        text = _(
            "The filing of class %(class)s is rejected for good: it cannot be submitted again "
            "and its %(count)d apprentices are free to join another class."
        ) % {"class": self.object, "count": self.counted(EnrollmentStatus.ENROLLED)}
        return with_comment(text, data)

    def told(self, data: dict[str, Any]) -> list[str]:
        return self.parties()


class CohortWithdraw(CohortAction):
    service, button = services.cohort_withdraw, "withdraw"
    title = _("Withdraw the filing")
    done = _("The filing was withdrawn.")

    def consequence(self, data: dict[str, Any]) -> str:
        return _(
            "The filing of class %(class)s is withdrawn for good: the review stops, the class "
            "cannot be submitted again, and its %(count)d apprentices are free to join "
            "another class."
        ) % {"class": self.object, "count": self.counted(EnrollmentStatus.ENROLLED)}

    def told(self, data: dict[str, Any]) -> list[str]:
        # As the service: the reviewers only hear of a filing that awaits them.
        return self.reviewers() if self.object.status == CohortStatus.SUBMITTED else []


class CohortStart(CohortAction):
    access = RUN
    service, button, form_class = services.cohort_start, "start", forms.StartForm
    title = _("Start training")
    done = _("The class started training.")

    def consequence(self, data: dict[str, Any]) -> str:
        return _(
            "Class %(class)s becomes “in training” from %(on)s; its %(count)d enrolled "
            "apprentices become active from that day. This cannot be undone."
        ) % {
            "class": self.object,
            "on": f"{data['on']:%Y-%m-%d}",
            "count": self.counted(EnrollmentStatus.ENROLLED),
        }

    def told(self, data: dict[str, Any]) -> list[str]:
        return self.others_and_reviewers()


def finished_on(cohort: Cohort) -> dt.date | None:
    """The date a class whose every apprentice has finished completes on, by default."""
    return selectors.latest_completion(cohort) if selectors.roster_finished(cohort) else None


class CohortComplete(CohortAction):
    access = RUN
    service, button, form_class = services.cohort_complete, "complete", forms.CohortCompleteForm
    title = _("Complete training")
    done = _("The class completed training.")

    def make_form(self, data: Any) -> django_forms.BaseForm | None:
        on = finished_on(self.object) if data is None else None
        return forms.CohortCompleteForm(data, initial={"on": on} if on else None)

    def consequence(self, data: dict[str, Any]) -> str:
        text = _(
            "Class %(class)s completes its training on %(on)s; its %(count)d active "
            "apprentices complete on that day. This cannot be undone."
        ) % {
            "class": self.object,
            "on": f"{data['on']:%Y-%m-%d}",
            "count": self.counted(EnrollmentStatus.ACTIVE),
        }
        paused = self.counted(EnrollmentStatus.PAUSED)
        if not paused:
            return text
        more = ngettext(
            "%(count)d paused apprentice stays paused until they resume and complete.",
            "%(count)d paused apprentices stay paused until they resume and complete.",
            paused,
        ) % {"count": paused}
        return f"{text} {more}"

    def told(self, data: dict[str, Any]) -> list[str]:
        return self.others_and_reviewers()


class CohortClose(CohortAction):
    access = REVIEW
    service, button = services.cohort_close, "close"
    title = _("Close the file")
    done = _("The class is closed.")

    def consequence(self, data: dict[str, Any]) -> str:
        return _(
            "The file of class %(class)s is closed for good: nothing more is recorded for it."
        ) % {"class": self.object}

    def told(self, data: dict[str, Any]) -> list[str]:
        return self.parties()


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
        # The template's headers are Chinese (the form's own); the English keys are accepted too.
        context["columns"] = [(column.header, column.key) for column in COLUMNS]
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
