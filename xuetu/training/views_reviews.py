"""Three-party review pages: a class's reviews (one row per apprentice), a review with its
sign button, the mentor's start and edit forms, and the overdue list across what the user
sees. Every write is a review service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.auth import signed_in
from xuetu.core.access import CHANGE, VIEW, can
from xuetu.core.validators import validate_text
from xuetu.core.views import (
    ActionView,
    ObjectFormView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
)
from xuetu.programmes.models import Cohort, Enrollment
from xuetu.training.access import SIGN
from xuetu.training.models import Review
from xuetu.training.services import reviews


def text_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )


class ReviewForm(forms.Form):
    progress = text_field(_("progress"))
    next_goals = text_field(_("goals for the next period"))

    def __init__(self, *args: Any, enrollment: Enrollment | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)


class ReviewEditForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["progress", "next_goals"]

    def _post_clean(self) -> None:
        pass


class CohortReviews(ScopedDetailView):
    model = Cohort
    template_name = "training/review_cohort.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        enrollments = list(
            Enrollment.objects.for_user(self.request.user, VIEW)
            .filter(cohort=self.object)
            .select_related("person", "cohort", "enterprise_mentor__person")
            .order_by("person__name", "pk")
        )
        user = signed_in(self.request)
        context["rows"] = reviews.class_rows(enrollments, timezone.localdate())
        context["may_start"] = {e.pk for e in enrollments if reviews.is_mentor(user, e)}
        return context


class ReviewDetail(ScopedDetailView):
    model = Review
    template_name = "training/review_detail.html"

    def get_queryset(self) -> models.QuerySet:
        return reviews.with_people(super().get_queryset())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        review, user = self.object, signed_in(self.request)
        waiting = reviews.next_signer(review)
        role, _problems = reviews.sign_problems(user, review)
        context.update(
            cohort_id=review.enrollment.cohort_id,
            waiting=reviews.SIGNER_NAMES[waiting] if waiting else None,
            may_sign=role is not None and can(user, SIGN, review),
            may_edit=review.mentor_signed_at is None and can(user, CHANGE, review),
            overdue=reviews.overdue(review, timezone.localdate(), review.signed),
        )
        return context


class ReviewStart(ObjectFormView):
    model = Enrollment
    access = VIEW  # the rule (the enrollment's enterprise mentor) is the service's: not_mentor
    form_class = ReviewForm
    form_object = "enrollment"
    service = reviews.review_start
    service_object = "enrollment"
    title = _("Start the progress review")
    done = _("The review is started.")

    def success_url(self, result: Any) -> str:  # type: ignore[override]  # the kit's: a method
        return result.get_absolute_url()


class ReviewEdit(ScopedUpdateView):
    model = Review
    form_class = ReviewEditForm
    service = reviews.review_update
    service_object = "review"
    title = _("Change the review")
    done = _("The review is saved.")


class ReviewSign(ActionView, ReviewDetail):
    access = SIGN
    service = reviews.review_sign
    service_object = "review"
    title = _("Sign the review")
    done = _("The review is signed.")

    def consequence(self, data: dict[str, Any]) -> Any:
        return _("You sign %(review)s of %(name)s.") % {
            "review": self.object,
            "name": self.object.enrollment.person.name,
        }

    def told(self, data: dict[str, Any]) -> list[str]:
        return []

    def perform(self, data: dict[str, Any]) -> Any:
        return reviews.review_sign(by=signed_in(self.request), review=self.object)


class OverdueReviews(ScopedListView):
    """The review periods past due without all three signatures, of the apprentices in
    training the user sees, started or not (a list, not a queryset: a period nobody began
    has no row), the longest overdue first."""

    model = Review
    template_name = "training/review_overdue.html"

    def get_queryset(self) -> Any:
        return reviews.overdue_reviews(signed_in(self.request), timezone.localdate())

    def sorted(self, queryset: Any) -> Any:
        return queryset
