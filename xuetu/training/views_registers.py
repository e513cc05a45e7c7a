"""The register pages (issue 9 item 3), made for a phone: today's register of a class, a
register's page (its lines, evidence and corrections), the hours and progress of a class, the
apprentice's own hours, the hours a mentor confirms and the disputes to resolve. Every write
is a service of training.services.registers; the refusals come back in the reader's language,
the apprentice's row highlighted."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import generic

from xuetu.accounts.auth import signed_in
from xuetu.core.access import VIEW, can
from xuetu.core.problems import Refused
from xuetu.core.views import (
    ActionView,
    ObjectFormView,
    ScopedDetailView,
    ScopedDownloadView,
    add_problems,
    apply_errors,
)
from xuetu.programmes.models import Cohort, Enrollment
from xuetu.training.access import CONFIRM, CORRECT, DISPUTE, REGISTER, RESOLVE
from xuetu.training.choices import DisputeOutcome, HoursStatus
from xuetu.training.forms_registers import (
    DEFAULT_END,
    DEFAULT_START,
    CorrectForm,
    DisputeForm,
    EvidenceForm,
    HoursFilterForm,
    RegisterForm,
    ResolveForm,
)
from xuetu.training.models import Evidence, Hours, Module, Session
from xuetu.training.services import registers

HOURS_PAGE = 50


def _hours_rows(queryset: models.QuerySet) -> models.QuerySet:
    return queryset.select_related("enrollment__person", "session__module")


def _ids(user: Any, action: str, queryset: models.QuerySet) -> set[int]:
    """Which of `queryset`'s rows the user may take `action` on, in one query."""
    return set(
        Hours.objects.for_user(user, action)
        .filter(pk__in=queryset.values("pk"))
        .values_list("pk", flat=True)
    )


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return target
    return None


# ---- Today's register ------------------------------------------------------------------------


class RegisterRecord(ObjectFormView):
    """Today's register of a class: the module the user teaches, today, the times of their
    last register, every apprentice on the roster of that date present until tapped absent."""

    model = Cohort
    access = REGISTER
    form_class = RegisterForm
    template_name = "training/register_form.html"
    service = registers.session_record
    title = _("Today's register")

    def get_form_kwargs(self) -> dict[str, Any]:
        self.modules = registers.recordable_modules(signed_in(self.request), self.object)
        kwargs = super().get_form_kwargs()
        kwargs["modules"] = self.modules
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        user, cohort = signed_in(self.request), self.object
        last = (
            Session.objects.filter(cohort=cohort, recorded_by=user)
            .order_by("-recorded_at", "-pk")
            .only("start_time", "end_time")
            .first()
        )
        modules = list(self.modules)
        own = [m for m in modules if m.responsible and m.responsible.person.user_id == user.pk]
        module = (own or modules)[0] if modules else None
        return {
            "module": module.pk if module else None,
            "date": self.chosen_date(),
            "start_time": last.start_time if last else DEFAULT_START,
            "end_time": last.end_time if last else DEFAULT_END,
        }

    def chosen_date(self):
        """The date asked for (a reload when the date changes), else today."""
        field = RegisterForm.base_fields["date"]
        raw = self.request.POST.get("date") or self.request.GET.get("date")
        if raw:
            try:
                return field.clean(raw)
            except ValidationError:
                pass
        return timezone.localdate()

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            session = self.perform(form)
        except ValidationError as error:
            apply_errors(form, error)
        except Refused as refused:
            add_problems(form, refused)
            self.refused = refused
        else:
            marks = form.cleaned_data["attendance"]
            present = sum(1 for mark in marks if mark.present)
            messages.success(
                self.request,
                _("The register is recorded: %(present)s present, %(absent)s absent.")
                % {"present": present, "absent": len(marks) - present},
            )
            return redirect(session.get_absolute_url())
        return self.form_invalid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        date = self.chosen_date()
        roster = registers.register_roster(self.object, date)
        refused = getattr(self, "refused", None)
        flagged = {
            problem.field
            for problem in (refused.problems if refused else [])
            if problem.field and problem.field.startswith("attendance.")
        }
        posted = self.request.method == "POST"
        present = set(self.request.POST.getlist("present")) if posted else None
        rows = [
            {
                "enrollment": e,
                "present": present is None or str(e.pk) in present,
                "flagged": f"attendance.{i}" in flagged,
            }
            for i, e in enumerate(roster)
        ]
        context.update(
            rows=rows,
            refused=refused,
            has_modules=bool(form.fields["module"].queryset),
            date_shown=date,
        )
        return context


# ---- One register ----------------------------------------------------------------------------


class SessionDetail(ScopedDetailView):
    """A register: its heading, the lines the reader may read (an apprentice: their own), its
    evidence for those who may see it; the forms for evidence and corrections."""

    model = Session
    template_name = "training/session_detail.html"

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("cohort", "module", "mentor__person")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        session, user = self.object, self.request.user
        lines = list(
            _hours_rows(Hours.objects.for_user(user, VIEW).filter(session=session)).order_by(
                "enrollment__person__name", "pk"
            )
        )
        correctable = _ids(user, CORRECT, Hours.objects.filter(session=session))
        may_register = can(user, REGISTER, session)
        context.update(
            lines=lines,
            correctable=correctable,
            present=sum(1 for line in lines if line.present and line.status != "cancelled"),
            evidence=list(Evidence.objects.for_user(user, VIEW).filter(session=session)),
            may_register=may_register,
            evidence_form=EvidenceForm() if may_register else None,
        )
        return context


class EvidenceAdd(ObjectFormView):
    model = Session
    access = REGISTER  # those who may record the class's registers (the service asks the same)
    form_class = EvidenceForm
    service = registers.evidence_add
    title = _("Add evidence")
    done = _("The evidence is added.")

    def success_url(self, result: Any) -> str:  # type: ignore[override]  # the kit's: a method
        return self.object.get_absolute_url()


class EvidenceDownload(ScopedDownloadView):
    model = Evidence
    file_field = "file"

    def download_name(self, obj: Any) -> str:
        return obj.original_name or super().download_name(obj)


# ---- One hours entry and its actions ---------------------------------------------------------


class HoursDetail(ScopedDetailView):
    model = Hours
    template_name = "training/hours_detail.html"

    def get_queryset(self) -> models.QuerySet:
        return (
            super()
            .get_queryset()
            .select_related("enrollment__person", "session__module", "cohort", "cancels")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user, hours = self.request.user, self.object
        pending = hours.status == HoursStatus.PENDING
        context.update(
            may_confirm=pending and can(user, CONFIRM, hours),
            may_dispute=pending and can(user, DISPUTE, hours),
            may_resolve=hours.status == HoursStatus.DISPUTED and can(user, RESOLVE, hours),
            may_correct=hours.status != HoursStatus.CANCELLED and can(user, CORRECT, hours),
            dispute_form=DisputeForm(),
            resolve_form=ResolveForm(),
            correct_form=CorrectForm(),
        )
        return context


class HoursAction(ActionView, HoursDetail):
    service_object = "hours"

    def object_url(self, obj: models.Model) -> str:
        return _safe_next(self.request) or super().object_url(obj)

    def told(self, data: dict[str, Any]) -> list[str]:
        return []


class HoursConfirm(HoursAction):
    access = CONFIRM
    service = registers.hours_confirm
    title = _("Confirm the hours")
    done = _("The hours are confirmed.")


class HoursDispute(HoursAction):
    access = DISPUTE
    service = registers.hours_dispute
    form_class = DisputeForm
    title = _("Dispute the hours")
    done = _("The hours are disputed.")


class HoursResolve(HoursAction):
    access = RESOLVE
    service = registers.hours_resolve
    form_class = ResolveForm
    title = _("Resolve the dispute")
    done = _("The dispute is resolved.")


class HoursCorrect(HoursAction):
    access = CORRECT
    service = registers.hours_correct
    form_class = CorrectForm
    title = _("Correct the hours")
    done = _("The correction is recorded.")


# ---- A class's hours, progress and disputes --------------------------------------------------


class ClassPage(ScopedDetailView):
    model = Cohort

    def roster(self) -> list[Enrollment]:
        return list(
            Enrollment.objects.for_user(self.request.user, VIEW)
            .filter(cohort=self.object)
            .select_related("person")
            .order_by("person__name", "pk")
        )


class ClassHours(ClassPage):
    """The class's hours, newest first, a page at a time (the (cohort, -date, -id) index)."""

    template_name = "training/hours_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user, cohort = self.request.user, self.object
        enrollments = self.roster()
        form = HoursFilterForm(self.request.GET or None, enrollments=enrollments)
        rows: models.QuerySet[Hours] = Hours.objects.for_user(user, VIEW).filter(cohort=cohort)
        if form.is_bound and form.is_valid():
            chosen = form.cleaned_data
            if chosen["status"]:
                rows = rows.filter(status=chosen["status"])
            if chosen["apprentice"]:
                rows = rows.filter(enrollment_id=chosen["apprentice"])
            if chosen["date"]:
                rows = rows.filter(date=chosen["date"])
        rows = _hours_rows(rows).order_by("-date", "-id")
        page = Paginator(rows, HOURS_PAGE).get_page(self.request.GET.get("page"))
        params = self.request.GET.copy()
        params.pop("page", None)
        context.update(
            filter_form=form,
            page_obj=page,
            lines=list(page.object_list),
            querystring=params.urlencode(),
            may_register=can(user, REGISTER, cohort),
        )
        return context


class ClassProgress(ClassPage):
    """Each apprentice's hours per module against the plan: confirmed, and awaiting."""

    template_name = "training/hours_progress.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        modules = list(Module.objects.filter(plan__cohort=self.object).order_by("order", "pk"))
        context.update(
            modules=modules,
            progress=progress_rows(self.object, self.roster(), modules),
        )
        return context


def progress_rows(cohort: Cohort, enrollments: list[Enrollment], modules: list[Module]):
    """Per apprentice: the hours per module (confirmed, awaiting, planned) and in all."""
    planned = sum(m.hours for m in modules)
    rows = []
    for line in registers.progress(cohort, enrollments):
        rows.append(
            {
                "enrollment": line.enrollment,
                "confirmed": f"{line.confirmed_hours():g}",
                "pending": f"{line.pending_hours():g}",
                "planned": planned,
                "modules": [
                    {
                        "module": m,
                        "confirmed": f"{line.confirmed_hours(m.pk):g}",
                        "pending": f"{line.pending_hours(m.pk):g}",
                    }
                    for m in modules
                ],
            }
        )
    return rows


class ClassDisputes(ClassPage):
    """The class's disputed hours the reader may resolve, each with its form."""

    template_name = "training/hours_disputes.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = Hours.objects.for_user(self.request.user, RESOLVE).filter(
            cohort=self.object, status=HoursStatus.DISPUTED
        )
        context.update(
            lines=list(_hours_rows(rows).order_by("-date", "-id")[:HOURS_PAGE]),
            outcomes=DisputeOutcome.choices,
        )
        return context


# ---- The apprentice's own hours, and the hours a mentor confirms -----------------------------


class MyHours(generic.TemplateView):
    """The reader's own hours (newest first, the pending ones to confirm or dispute) and their
    progress; for a mentor, their apprentices' hours awaiting their confirmation."""

    template_name = "training/hours_mine.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        own = _hours_rows(
            Hours.objects.for_user(user, VIEW).filter(enrollment__person__user_id=user.pk)
        ).order_by("-date", "-id")
        page = Paginator(own, HOURS_PAGE).get_page(self.request.GET.get("page"))
        enrollments = list(
            Enrollment.objects.for_user(user, VIEW)
            .filter(person__user_id=user.pk)
            .select_related("cohort", "person")
        )
        to_confirm = _hours_rows(to_confirm_by(user)).select_related("cohort")
        context.update(
            page_obj=page,
            lines=list(page.object_list),
            pending=own.filter(status=HoursStatus.PENDING).exists(),
            progress=[
                (e, progress_rows(e.cohort, [e], list(_modules(e.cohort)))[0]) for e in enrollments
            ],
            to_confirm=list(to_confirm.order_by("-date", "-id")[:HOURS_PAGE]),
            querystring="",
        )
        return context


def _modules(cohort: Cohort) -> models.QuerySet[Module]:
    return Module.objects.filter(plan__cohort=cohort).order_by("order", "pk")


def to_confirm_by(user: Any) -> models.QuerySet[Hours]:
    """The pending hours a mentor may confirm: their apprentices', not recorded by them."""
    return (
        Hours.objects.for_user(user, CONFIRM)
        .filter(status=HoursStatus.PENDING)
        .exclude(enrollment__person__user_id=user.pk)
        .exclude(session__mentor__person__user_id=user.pk)
    )


class ConfirmAll(generic.View):
    """The apprentice's "confirm all" (and a mentor's for their apprentices): every pending
    entry the reader may confirm, at once."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = signed_in(request)
        if request.POST.get("confirmed") == "1":
            mine = Hours.objects.for_user(user, CONFIRM).filter(status=HoursStatus.PENDING)
            if request.POST.get("whose") != "apprentices":
                mine = mine.filter(enrollment__person__user_id=user.pk)
            count = registers.hours_confirm_many(by=user, hours=mine)
            messages.success(
                request, _("%(count)s hours entries are confirmed.") % {"count": count}
            )
        return redirect(reverse("training:my_hours"))


# ---- The home panel --------------------------------------------------------------------------


def home_hours(request: HttpRequest) -> dict[str, Any]:
    """The apprentice's hours to confirm; a mentor's classes to record today's register for,
    their apprentices' hours to confirm and the disputes they may resolve."""
    user = request.user
    if not user.is_authenticated:
        return {"hours_panel": None}
    own = Hours.objects.for_user(user, CONFIRM).filter(
        status=HoursStatus.PENDING, enrollment__person__user_id=user.pk
    )
    classes = list(
        Cohort.objects.for_user(user, REGISTER)
        .filter(status="in_training")
        .order_by("code")
        .only("pk", "code", "name")[:20]
    )
    disputes = Hours.objects.for_user(user, RESOLVE).filter(status=HoursStatus.DISPUTED)
    dispute_classes = list(
        Cohort.objects.filter(pk__in=disputes.values("cohort_id")).only("pk", "code", "name")[:20]
    )
    panel = {
        "own": own.count(),
        "apprentices": to_confirm_by(user).count(),
        "classes": classes,
        "disputes": dispute_classes,
    }
    shown = panel["own"] or panel["apprentices"] or classes or dispute_classes
    return {"hours_panel": panel if shown else None}
