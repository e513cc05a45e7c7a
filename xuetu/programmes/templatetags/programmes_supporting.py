"""The supporting-documents panel on a class's or an apprentice's page (views.supporting):
included with one line, so the page's own view need not know of it."""

from __future__ import annotations

from typing import Any

from django import template

from xuetu.core.access import CHANGE, can, role_reaches, scope_for
from xuetu.core.views import passes
from xuetu.programmes import services
from xuetu.programmes.choices import (
    EDITABLE_COHORT_STATUSES,
    LIVE_COHORT_STATUSES,
    CohortStatus,
    DocumentRequestStatus,
)
from xuetu.programmes.models import Cohort, DocumentRequest, Enrollment, SupportingDocument
from xuetu.programmes.services.supporting import REQUESTABLE_COHORT_STATUSES

register = template.Library()


@register.simple_tag(takes_context=True)
def supporting_documents(context: template.Context, about: Cohort | Enrollment) -> dict[str, Any]:
    """`{% supporting_documents object as panel %}`: what the user may see of the requests
    and documents of a class (the apprentices' too) or of one enrollment, and the buttons
    they may press. A fixed number of queries."""
    user = context["request"].user
    shown = role_reaches(scope_for(user), SupportingDocument)
    if not shown:
        return {"shown": False}
    cohort = about.cohort if isinstance(about, Enrollment) else about
    where: dict[str, Cohort | Enrollment] = (
        {"enrollment": about} if isinstance(about, Enrollment) else {"cohort": about}
    )
    requests = list(
        DocumentRequest.objects.for_user(user)
        .filter(**where)
        .select_related("enrollment__person", "requested_by")
    )
    documents = list(
        SupportingDocument.objects.for_user(user)
        .filter(**where)
        .select_related("enrollment__person", "uploaded_by", "request")
    )
    reviewer = passes(services.require_reviewer, user, cohort)
    may_request = reviewer and cohort.status in (
        REQUESTABLE_COHORT_STATUSES if isinstance(about, Cohort) else LIVE_COHORT_STATUSES
    )
    attachable = EDITABLE_COHORT_STATUSES | (
        LIVE_COHORT_STATUSES if isinstance(about, Enrollment) else frozenset()
    )
    open_requests = [r for r in requests if r.status == DocumentRequestStatus.OPEN]
    return {
        "shown": True,
        "about": about,
        "cohort": cohort,
        "cohort_pk": cohort.pk,  # templates read no relation in a URL argument
        "enrollment_pk": about.pk if isinstance(about, Enrollment) else None,
        "requests": requests,
        "open_requests": open_requests,
        "documents": documents,
        "may_request": may_request,
        "may_withdraw": reviewer,
        "may_attach": cohort.status in attachable and can(user, CHANGE, cohort),
        "warn_reviewer": reviewer and cohort.status == CohortStatus.SUBMITTED and open_requests,
        "enrollment": about if isinstance(about, Enrollment) else None,
    }
