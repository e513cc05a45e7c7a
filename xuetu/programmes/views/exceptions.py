"""Pages for the recorded departures from the default rules (services.exceptions): a class's
mentor ratio and its early start or completion, decided by its reviewer; a person's original
retirement age, set by whoever may change the person; and the reversal of an enrollment's
mistaken last change (services.lifecycle). Each asks for the reason and shows the value in
force with its reason."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from xuetu.core.views import ActionView, ObjectFormView
from xuetu.programmes import forms, services
from xuetu.programmes.access import REVIEW
from xuetu.programmes.models import Cohort
from xuetu.programmes.views.enrollments import EnrollmentDetail
from xuetu.registry.models import Person

__all__ = [
    "CohortEarlyCompletion",
    "CohortEarlyStart",
    "CohortMentorRatio",
    "EnrollmentReverse",
    "PersonRetirementTrack",
]


class ExceptionFormView(ObjectFormView):
    """A decision about one object, with its reason; back to the object's own page."""

    template_name = "programmes/exception_form.html"
    current: tuple[str, str] = ("", "")  # the object's fields holding the value and its reason

    def object_url(self, obj: models.Model) -> str:
        return obj.get_absolute_url()  # type: ignore[attr-defined]  # every page's object has one

    def get_initial(self) -> dict[str, Any]:
        value, reason = self.current
        return {
            self.value_name(): getattr(self.object, value),
            "reason": getattr(self.object, reason),
        }

    def value_name(self) -> str:
        return next(iter(self.get_form_class().base_fields))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        value, reason = self.current
        field = self.object._meta.get_field(value)
        shown = getattr(self.object, f"get_{value}_display", lambda: getattr(self.object, value))
        context.update(
            current_label=field.verbose_name,
            current_value=shown() or self.blank_shown(),
            current_reason=getattr(self.object, reason),
        )
        return context

    def blank_shown(self) -> Any:
        """What applies when no exception is recorded."""
        return _("not allowed")


class CohortMentorRatio(ExceptionFormView):
    model = Cohort
    access = REVIEW
    form_class = forms.MentorRatioForm
    service = services.cohort_mentor_ratio_set
    current = ("mentor_ratio_exception", "mentor_ratio_reason")
    title = _("Mentor ratio exception")
    done = _("The mentor ratio for this class was recorded.")

    def blank_shown(self) -> Any:
        ratio = services.current_policy(self.object.planned_start).mentor_max_apprentices
        return _("%(n)s (the policy's)") % {"n": ratio}


class CohortEarlyConsent(ExceptionFormView):
    model = Cohort
    access = REVIEW
    form_class = forms.EarlyConsentForm
    service = services.cohort_early_consent_set
    kind = ""

    def service_kwargs(self, form: django_forms.BaseForm) -> dict[str, Any]:
        return {**form.cleaned_data, "kind": self.kind}


class CohortEarlyStart(CohortEarlyConsent):
    kind, current = "start", ("early_start_from", "early_start_reason")
    title = _("Consent to an early start")
    done = _("The consent to an early start was recorded; the parties are told.")


class CohortEarlyCompletion(CohortEarlyConsent):
    kind, current = "completion", ("early_completion_from", "early_completion_reason")
    title = _("Consent to an early completion")
    done = _("The consent to an early completion was recorded; the parties are told.")


class PersonRetirementTrack(ExceptionFormView):
    model = Person
    form_class = forms.RetirementTrackForm
    form_object = "person"
    service = services.person_retirement_track_set
    service_object = "person"
    current = ("retirement_track", "retirement_track")  # the reason is in the audit log
    title = _("Original retirement age")
    done = _("The original retirement age was recorded.")

    def get_initial(self) -> dict[str, Any]:
        return {"track": self.object.retirement_track}

    def blank_shown(self) -> Any:
        return _("the default for the gender")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["current_reason"] = services.retirement_track_reason(self.object)
        return context


class EnrollmentReverse(ActionView, EnrollmentDetail):
    """Corrects the enrollment's mistaken last change: its confirmation names the change."""

    service = services.enrollment_reverse
    confirm_template = "programmes/enrollment_reverse.html"
    title = _("Reverse the last change")
    done = _("The change was reversed; both entries stay in the history.")

    def available(self) -> bool:
        return services.reversible_event(self.object) is not None

    def make_form(self, data: Any) -> django_forms.Form:
        last = services.reversible_event(self.object)
        initial = {"event": last.pk} if last is not None else {}
        return forms.ReversalForm(data, enrollment=self.object, initial=initial)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        response.context_data["reversed"] = services.reversible_event(self.object)  # type: ignore[attr-defined]  # a TemplateResponse
        return response
