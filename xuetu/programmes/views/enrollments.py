"""Enrollment pages: history and changes after approval."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms as django_forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xuetu.core.access import CHANGE, can, restrict_choices
from xuetu.core.views import ActionView, ScopedDetailView
from xuetu.programmes import choices, forms, rules, selectors, services
from xuetu.programmes.choices import (
    APPROVED_COHORT_STATUSES,
    CohortStatus,
    EnrollmentEventKind,
    EnrollmentStatus,
    MentorKind,
    WithdrawalReason,
)
from xuetu.programmes.models import Enrollment, EnrollmentEvent, Mentor
from xuetu.programmes.views.cohorts import managers_of

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
# A withdrawal from a filing in these makes it a draft again (`reopen`), and its reviewer is told.
REOPENED_BY_WITHDRAWAL = frozenset({CohortStatus.SUBMITTED, CohortStatus.RETURNED})
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


def people_told(enrollment: Enrollment, by: Any, also: Iterable[Mentor | None] = ()) -> list[str]:
    """The apprentice, their mentors and `also` (a new mentor) who have an account, less
    whoever acts (as `notify_enrollment`), in words."""
    roles = [
        (enrollment.person, _("apprentice")),
        *((m.person, _("enterprise mentor")) for m in [enrollment.enterprise_mentor] if m),
        *((m.person, _("institution teacher")) for m in [enrollment.institution_mentor] if m),
        *((m.person, _("new mentor")) for m in also if m),
    ]
    mine = getattr(by, "pk", None)
    return [
        f"{person.name} ({role})" for person, role in roles if person.user_id not in (None, mine)
    ]


class EnrollmentAction(ActionView, EnrollmentDetail):
    """A dated change to one enrollment; `action` names its form and its place on the page.
    A transfer or a substitution redirects to the new record the service returns."""

    action: str

    def available(self) -> bool:
        return self.action in enrollment_actions(self.request.user, self.object)

    def make_form(self, data: Any) -> django_forms.Form:
        return action_form(self.action, self.object, data)

    def facts(self, data: dict[str, Any], field: str = "on") -> dict[str, Any]:
        on = data.get(field)
        return {
            "name": self.object.person.name,
            "class": self.object.cohort,
            "on": f"{on:%Y-%m-%d}" if on else "—",
        }

    def told(self, data: dict[str, Any]) -> list[str]:
        return people_told(self.object, self.request.user)


class EnrollmentWithdraw(EnrollmentAction):
    action, service = "withdraw", services.enrollment_withdraw
    title = ACTION_TITLES["withdraw"]
    done = _("The apprentice was withdrawn.")

    def consequence(self, data: dict[str, Any]) -> str:
        text = _(
            "%(name)s leaves class %(class)s on %(on)s (%(reason)s); this cannot be undone. "
            "Their place may be taken by a substitute."
        ) % {**self.facts(data), "reason": WithdrawalReason(data["reason"]).label}
        if self.object.cohort.status in REOPENED_BY_WITHDRAWAL:
            text = "{} {}".format(text, _("The filing under review becomes a draft again."))
        return text

    def told(self, data: dict[str, Any]) -> list[str]:
        told = super().told(data)
        if self.object.cohort.status in REOPENED_BY_WITHDRAWAL:
            told += managers_of(selectors.reviewing_bureaus(self.object.cohort))
        return told


class EnrollmentPause(EnrollmentAction):
    action, service = "pause", services.enrollment_pause
    title = ACTION_TITLES["pause"]
    done = _("The training is paused.")

    def consequence(self, data: dict[str, Any]) -> str:
        return _(
            "The training of %(name)s in class %(class)s is paused from %(on)s; no hours are "
            "recorded until it resumes, and the planned end then moves by the pause."
        ) % self.facts(data)


class EnrollmentResume(EnrollmentAction):
    action, service = "resume", services.enrollment_resume
    title = ACTION_TITLES["resume"]
    done = _("The training resumed; the planned end moved by the pause.")

    def consequence(self, data: dict[str, Any]) -> str:
        enrollment = self.object
        paused_from = enrollment.paused_from or data["on"]
        planned_end = rules.resumed_planned_end(
            enrollment.planned_end or enrollment.cohort.planned_end,
            paused_from=paused_from,
            resumed_on=data["on"],
        )
        return _(
            "%(name)s resumes training in class %(class)s on %(on)s; the planned end moves "
            "to %(end)s."
        ) % {**self.facts(data), "end": f"{planned_end:%Y-%m-%d}"}


class EnrollmentChangeMentor(EnrollmentAction):
    action, service = "change_mentor", services.enrollment_change_mentor
    title = ACTION_TITLES["change_mentor"]
    done = _("The mentor was changed.")

    def consequence(self, data: dict[str, Any]) -> str:
        return _("%(mentor)s becomes the %(role)s of %(name)s from %(on)s.") % {
            **self.facts(data, "effective_date"),
            "mentor": data["mentor"].person.name,
            "role": MentorKind(data["kind"]).label,
        }

    def told(self, data: dict[str, Any]) -> list[str]:
        # The mentor leaving is told too: they are among the current ones here.
        return people_told(self.object, self.request.user, also=[data["mentor"]])


class EnrollmentTransfer(EnrollmentAction):
    action, service = "transfer", services.enrollment_transfer
    title = ACTION_TITLES["transfer"]
    done = _("The apprentice was transferred; this is the new class's record.")

    def consequence(self, data: dict[str, Any]) -> str:
        return _(
            "%(name)s leaves class %(class)s on %(on)s and joins class %(to)s; this record "
            "ends and a new one starts in that class. This cannot be undone."
        ) % {**self.facts(data, "effective_date"), "to": data["to"]}

    def told(self, data: dict[str, Any]) -> list[str]:
        return []  # the service notifies nobody: both classes' pages show the move


class EnrollmentSubstitute(EnrollmentAction):
    action, service = "substitute", services.enrollment_substitute_with_person
    service_object = "withdrawn"
    title = ACTION_TITLES["substitute"]
    done = _("The substitute is on the roster.")

    def consequence(self, data: dict[str, Any]) -> str:
        return _(
            "%(new)s takes the place of %(name)s in class %(class)s from %(on)s; only one "
            "substitute may replace a withdrawn apprentice."
        ) % {**self.facts(data, "effective_date"), "new": data.get("name", "")}

    def told(self, data: dict[str, Any]) -> list[str]:
        return []  # the service notifies nobody


class EnrollmentComplete(EnrollmentAction):
    """One apprentice finishing on their own date (one who resumed after the class ended)."""

    action, service = "complete", services.enrollment_complete
    title = ACTION_TITLES["complete"]
    done = _("The apprentice completed the training.")

    def consequence(self, data: dict[str, Any]) -> str:
        return _(
            "%(name)s completes the training in class %(class)s on %(on)s; this cannot be undone."
        ) % self.facts(data)
