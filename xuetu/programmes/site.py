"""What programmes adds to the shared site at start-up: its menu entries and home panels,
and its answers to the hooks of the apps below it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.core import site
from xuetu.core.access import CHANGE, scope_for
from xuetu.core.context import unread_notices
from xuetu.core.hooks import JOB_RETURN
from xuetu.core.links import ObjectLink, register_object_link
from xuetu.core.models import Job
from xuetu.programmes import choices
from xuetu.programmes.access import REVIEW
from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.models import Appointment, Cohort, CooperationAgreement, Enrollment, Mentor
from xuetu.programmes.selectors import my_apprentices, my_enrollments


def register() -> None:
    lists: list[tuple[Any, str, type[Model]]] = [
        (_("Classes"), "programmes:cohort_list", Cohort),
        (_("Agreements"), "programmes:agreement_list", CooperationAgreement),
        (_("Mentors"), "programmes:mentor_list", Mentor),
    ]
    for order, (label, name, model) in enumerate(lists, start=20):
        site.register_menu(label, name, order=order, visible=site.reaches(model))
    site.register_menu(
        _("Notices"), "programmes:notice_list", order=30, visible=site.member, badge=unread_notices
    )
    site.register_menu(_("Accounts"), "programmes:account_home", order=27, visible=manages_any)
    site.register_home_panel("programmes/_home_work.html", order=35, context=work_to_do)
    # The person's page (registry) offers the original retirement age to whoever may change
    # the person (services.person_retirement_track_set checks the same).
    register_object_link(
        "registry.person",
        ObjectLink(
            _("Original retirement age"),
            "programmes:person_retirement_track",
            CHANGE,
            testid="retirement-track",
        ),
    )
    site.register_home_panel("programmes/_home_classes.html", order=40, context=my_classes)
    site.register_home_panel("programmes/_home_apprentices.html", order=50, context=apprentices)
    JOB_RETURN.register(back_to_the_class)


def manages_any(scope: Any) -> bool:
    """The managers of an enterprise or institution (accounts for their people)."""
    return bool(scope.managed_org_ids)


def back_to_the_class(job: Job) -> tuple[Any, str] | None:
    """A roster import's page leads back to its class."""
    cohort = (job.params or {}).get("cohort")
    if not cohort:
        return None
    return _("Back to the class"), reverse("programmes:cohort_detail", args=[cohort])


def my_classes(request: HttpRequest) -> dict[str, Any]:
    return {"my_enrollments": my_enrollments(request.user)[:10]}


def apprentices(request: HttpRequest) -> dict[str, Any]:
    return {"my_apprentices": my_apprentices(request.user)[:50]}


CONTRACTS_EXPIRING_WITHIN = dt.timedelta(days=60)


def work_to_do(request: HttpRequest) -> dict[str, Any]:
    """What waits for this user, each item linking to where it is done: filings to review (a
    reviewer), returned filings and labour contracts ending soon (a manager), one's own
    appointment letters (a mentor or teacher)."""
    user = request.user
    today = timezone.localdate()
    to_review = (
        Cohort.objects.for_user(user, REVIEW)
        .filter(status=CohortStatus.SUBMITTED)
        .exclude(enterprise__in=scope_for(user).org_ids)
        .select_related("enterprise")
        .order_by("submitted_at")
    )
    returned = (
        Cohort.objects.for_user(user, CHANGE)
        .filter(status=CohortStatus.RETURNED)
        .order_by("-reviewed_at")
    )
    expiring = (
        Enrollment.objects.for_user(user, CHANGE)
        .filter(
            status__in=choices.OPEN_ENROLLMENT_STATUSES,
            contract_end__gte=today,
            contract_end__lte=today + CONTRACTS_EXPIRING_WITHIN,
        )
        .select_related("person", "cohort")
        .order_by("contract_end")
    )
    letters = (
        Appointment.objects.for_user(user)
        .filter(mentor__person__user_id=user.pk or 0, term_end__gte=today)
        .select_related("cohort")
        .order_by("term_end")
    )
    return {
        "work": {
            "to_review": list(to_review[:20]),
            "returned": list(returned[:20]),
            "expiring": list(expiring[:20]),
            "letters": list(letters[:20]),
        }
    }
