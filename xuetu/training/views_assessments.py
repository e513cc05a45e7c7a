"""A class's assessment sheet (every apprentice, their status and assessment), recording an
active apprentice's assessment (the teaching institution's manager or the bureau), an
assessment's page and its correction. Every write is a service of training.assessments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.core.access import CHANGE, can
from xuetu.core.validators import validate_line, validate_text
from xuetu.core.views import ObjectFormView, ScopedDetailView, ScopedUpdateView
from xuetu.programmes.choices import CohortStatus, EnrollmentStatus
from xuetu.programmes.forms import date_field
from xuetu.programmes.models import Cohort, Enrollment
from xuetu.training.access import ASSESS
from xuetu.training.models import Assessment
from xuetu.training.services import assessments

SCORE_WIDGET = forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": "100"})


def apprentice_name(enrollment: Enrollment) -> str:
    return enrollment.person.name


class AssessmentForm(forms.ModelForm):
    enrollment = forms.ModelChoiceField(label=_("apprentice"), queryset=Enrollment.objects.none())
    assessed_on = date_field(_("assessed on"))

    class Meta:
        model = Assessment
        fields = ["enrollment", "theory_score", "practical_score", "outcome", "assessed_on"]
        fields += ["assessor"]
        widgets = {"theory_score": SCORE_WIDGET, "practical_score": SCORE_WIDGET}

    def __init__(self, *args: Any, cohort: Cohort, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["enrollment"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            cohort.enrollments.filter(status=EnrollmentStatus.ACTIVE, assessment__isnull=True)
            .select_related("person")
            .order_by("person__name", "pk")
        )
        field.label_from_instance = apprentice_name  # type: ignore[assignment,method-assign]
        self.fields["assessor"].validators.append(validate_line)
        self.fields["assessed_on"].initial = timezone.localdate()

    def _post_clean(self) -> None:
        # The model's own checks run in the service (record_create), and "already assessed"
        # is its refusal with a code: the form checks only its fields.
        pass

    def service_fields(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class CorrectionForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("reason for the correction"), max_length=300, validators=[validate_text]
    )

    class Meta:
        model = Assessment
        fields = ["theory_score", "practical_score", "outcome", "assessor"]
        widgets = {"theory_score": SCORE_WIDGET, "practical_score": SCORE_WIDGET}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessor"].validators.append(validate_line)


class AssessmentSheet(ScopedDetailView):
    """Every apprentice of one class: their status and, once assessed, scores and outcome."""

    model = Cohort
    template_name = "training/assessment_sheet.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cohort, user = self.object, self.request.user
        visible = set(
            Enrollment.objects.for_user(user).filter(cohort=cohort).values_list("pk", flat=True)
        )
        rows = [r for r in assessments.sheet(cohort) if r.enrollment.pk in visible]
        may = cohort.status == CohortStatus.IN_TRAINING and assessments.may_assess(user, cohort)
        context.update(rows=rows, may_assess=may)
        return context


class AssessmentRecord(ObjectFormView):
    model = Cohort
    access = ASSESS
    form_class = AssessmentForm
    form_object = "cohort"
    service = assessments.assessment_record_in
    title = _("Record an assessment")
    done = _("The assessment is recorded; the apprentice completed the training.")

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        value = self.request.GET.get("enrollment", "")
        if value.isdigit() and len(value) < 19:
            initial["enrollment"] = int(value)
        return initial

    def success_url(self, result: Any) -> str:  # type: ignore[override]  # the kit's: a method
        return reverse("training:cohort_assessments", args=[self.object.pk])


class AssessmentDetail(ScopedDetailView):
    model = Assessment
    template_name = "training/assessment_detail.html"

    def get_queryset(self) -> models.QuerySet:
        return assessments.with_relations(super().get_queryset())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cohort = context["cohort"] = self.object.enrollment.cohort
        context["may_correct"] = cohort.status != CohortStatus.CLOSED and can(
            self.request.user, CHANGE, self.object
        )
        return context


class AssessmentCorrect(ScopedUpdateView):
    model = Assessment
    form_class = CorrectionForm
    service = assessments.assessment_correct
    title = _("Correct the assessment")
    done = _("The assessment is corrected.")
