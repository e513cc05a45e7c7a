"""What programmes adds to the shared site at start-up: its menu entries and home panels,
and its answers to the hooks of the apps below it."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xuetu.core import site
from xuetu.core.context import unread_notices
from xuetu.core.hooks import JOB_RETURN
from xuetu.core.models import Job
from xuetu.programmes.models import Cohort, CooperationAgreement, Mentor
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
    site.register_home_panel("programmes/_home_classes.html", order=40, context=my_classes)
    site.register_home_panel("programmes/_home_apprentices.html", order=50, context=apprentices)
    JOB_RETURN.register(back_to_the_class)


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
