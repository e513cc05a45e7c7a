"""What certification adds to the shared site: its menu entry and the bureau's review queue
on the home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xuetu.certification.access import REVIEW
from xuetu.certification.choices import ReviewStatus
from xuetu.certification.models import Certificate
from xuetu.core import site
from xuetu.core.access import scope_for


def register() -> None:
    site.register_menu(
        _("Certificates"),
        "certification:certificate_list",
        order=24,
        visible=site.reaches(Certificate),
    )
    site.register_home_panel("certification/_home_review.html", order=36, context=review_queue)
    site.register_home_panel("certification/_home_mine.html", order=48, context=my_certificates)


def review_queue(request: HttpRequest) -> dict[str, Any]:
    """How many certificates wait for the bureau's review (for the bureau alone)."""
    user = request.user
    if not scope_for(user).city:
        return {"certificate_queue": None}
    queue = Certificate.objects.for_user(user, REVIEW).filter(
        review_status=ReviewStatus.PENDING_REVIEW
    )
    return {"certificate_queue": queue.count()}


def my_certificates(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person's own certificates (the apprentice's page), newest first."""
    user = request.user
    mine = (
        Certificate.objects.for_user(user)
        .filter(holder__user_id=user.pk or 0)
        .select_related("occupation")
        .order_by("-issued_on", "-pk")
    )
    return {"my_certificates": list(mine[:10])}
