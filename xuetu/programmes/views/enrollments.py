"""Enrollment pages: history and changes after approval."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xuetu.core.access import CHANGE, can, restrict_choices
from xuetu.core.views import ActionView, ScopedDetailView
from xuetu.programmes import choices, forms, selectors, services
from xuetu.programmes.choices import (
    APPROVED_COHORT_STATUSES,
    EnrollmentEventKind,
    EnrollmentStatus,
    WithdrawalReason,
)
from xuetu.programmes.models import Enrollment, EnrollmentEvent

ENROLLMENT_ACTIONS: dict[str, tuple[Any, frozenset[str]]] = {
    # action: (the status it moves to, or None; the statuses it applies to)
    "withdraw": (EnrollmentStatus.WITHDRAWN, frozenset()),
    "pause": (EnrollmentStatus.PAUSED, frozenset()),
    "resume": (EnrollmentStatus.ACTIVE, frozenset({EnrollmentStatus.PAUSED})),
    "complete": (EnrollmentStatus.COMPLETED, frozenset({EnrollmentStatus.ACTIVE})),
    "change_mentor": (None, choices.OPEN_ENROLLMENT_STATUSES),
    "transfer": (None, choices.OPEN_ENROLLMENT_STATUSES),
    "substitute": (None, frozenset({EnrollmentStatus.WITHDRAWN})),
}
ACTION_TITLES = {
    "withdraw": _("Withdraw"),
    "pause": _("Pause the training"),
    "resume": _("Resume the training"),
    "complete": _("Training completed"),
    "change_mentor": _("Change the mentor"),
    "transfer": _("Transfer to another class"),
    "substitute": _("Substitute another apprentice"),
}


def enrollment_actions(user, enrollment: Enrollment) -> list[str]:
    if not can(user, CHANGE, enrollment):
        return []
    allowed = choices.ENROLLMENT_FLOW.allowed.get(enrollment.status, frozenset())
    found = []
    for name, (target, only) in ENROLLMENT_ACTIONS.items():
        if (target is None or target in allowed) and (not only or enrollment.status in only):
            found.append(name)
    if "substitute" in found and not may_be_substituted(enrollment):
        found.remove("substitute")
    return found


def may_be_substituted(enrollment: Enrollment) -> bool:
    """Worth offering: the class is approved or training and nobody replaced this one yet
    (the cut-off date is the service's to check, with its reason)."""
    return (
        enrollment.cohort.status in APPROVED_COHORT_STATUSES
        and not Enrollment.objects.filter(substitute_for=enrollment).exists()
    )


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

    def get_queryset(self) -> QuerySet:
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
        failed = kwargs.pop("failed_form", None)
        context = super().get_context_data(**kwargs)
        enrollment = self.object
        history = list(selectors.enrollment_history(enrollment, self.request.user))
        for event in history:
            event.summary = event_summary(event)  # type: ignore[attr-defined]  # for the page
        names = enrollment_actions(self.request.user, enrollment)
        context.update(history=history, can_edit=False)
        context.setdefault("refused", None)
        context["action_forms"] = [
            {
                "name": name,
                "title": ACTION_TITLES[name],
                "url": reverse(f"programmes:enrollment_{name}", args=[enrollment.pk]),
                "form": failed
                if getattr(failed, "action", None) == name
                else action_form(name, enrollment, user=self.request.user),
            }
            for name in names
        ]
        return context


def action_form(
    name: str, enrollment: Enrollment, data: Any = None, *, user: Any = None
) -> django_forms.Form:
    form_class = forms.ENROLLMENT_ACTION_FORMS[name]
    needs_enrollment = {"change_mentor", "transfer", "substitute"}
    extra: dict[str, Any] = {"enrollment": enrollment} if name in needs_enrollment else {}
    form = form_class(data, prefix=name, **extra)
    form.action = name  # type: ignore[attr-defined]  # which action's form failed
    if user is not None:  # the page's copy; the action's own is narrowed by ActionView
        restrict_choices(form.fields.values(), user)
    return form


class EnrollmentAction(ActionView, EnrollmentDetail):
    """A dated change to one enrollment; `action` names its form and its place on the page.
    A transfer or a substitution redirects to the new record the service returns."""

    action: str

    def available(self) -> bool:
        return self.action in enrollment_actions(self.request.user, self.object)

    def make_form(self, data: Any) -> django_forms.Form:
        return action_form(self.action, self.object, data)


class EnrollmentWithdraw(EnrollmentAction):
    action, service = "withdraw", services.enrollment_withdraw
    title = ACTION_TITLES["withdraw"]
    done = _("The apprentice was withdrawn.")


class EnrollmentPause(EnrollmentAction):
    action, service = "pause", services.enrollment_pause
    title = ACTION_TITLES["pause"]
    done = _("The training is paused.")


class EnrollmentResume(EnrollmentAction):
    action, service = "resume", services.enrollment_resume
    title = ACTION_TITLES["resume"]
    done = _("The training resumed; the planned end moved by the pause.")


class EnrollmentChangeMentor(EnrollmentAction):
    action, service = "change_mentor", services.enrollment_change_mentor
    title = ACTION_TITLES["change_mentor"]
    done = _("The mentor was changed.")


class EnrollmentTransfer(EnrollmentAction):
    action, service = "transfer", services.enrollment_transfer
    title = ACTION_TITLES["transfer"]
    done = _("The apprentice was transferred; this is the new class's record.")


class EnrollmentSubstitute(EnrollmentAction):
    action, service = "substitute", services.enrollment_substitute_with_person
    service_object = "withdrawn"
    title = ACTION_TITLES["substitute"]
    done = _("The substitute is on the roster.")


class EnrollmentComplete(EnrollmentAction):
    """One apprentice finishing on their own date (one who resumed after the class ended)."""

    action, service = "complete", services.enrollment_complete
    title = ACTION_TITLES["complete"]
    done = _("The apprentice completed the training.")
