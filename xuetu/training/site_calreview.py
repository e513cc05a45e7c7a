"""The calendar's and the reviews' links on the class page and the home panel."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core import site
from xuetu.core.access import VIEW, scope_for
from xuetu.core.links import ObjectLink, register_object_link
from xuetu.training.services import reviews


def register() -> None:
    register_object_link(
        "programmes.cohort",
        ObjectLink(
            _("Work–study calendar"), "training:cohort_calendar", VIEW, testid="cohort-calendar"
        ),
    )
    register_object_link(
        "programmes.cohort",
        ObjectLink(_("Progress reviews"), "training:cohort_reviews", VIEW, testid="cohort-reviews"),
    )
    register_object_link(
        "programmes.enrollment",
        ObjectLink(
            _("Work–study calendar"),
            "training:enrollment_calendar",
            VIEW,
            testid="enrollment-calendar",
        ),
    )
    site.register_home_panel("training/_home_reviews.html", order=45, context=home_reviews)


def home_reviews(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not isinstance(user, User):
        return {}
    today = timezone.localdate()
    waiting = list(reviews.to_sign(user).order_by("due_on", "pk").values_list("pk", flat=True)[:2])
    count = reviews.to_sign(user).count() if waiting else 0
    context: dict[str, Any] = {"reviews_to_sign": count}
    if waiting:
        context["reviews_to_sign_url"] = reverse("training:review_detail", args=[waiting[0]])
    scope = scope_for(user)
    if scope.managed_org_ids or scope.district_ids or scope.city:
        context["reviews_overdue"] = len(reviews.overdue_reviews(user, today))
    return context
