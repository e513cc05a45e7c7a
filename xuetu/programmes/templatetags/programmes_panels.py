"""What the panels of recorded exceptions and corrections show on pages other apps own
(a class, an enrollment, a person): the values in force with their reasons, and the link for
whoever may change them (the same checks as the services)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template import Context

from xuetu.core.access import CHANGE, can
from xuetu.core.views import passes
from xuetu.programmes import selectors, services
from xuetu.programmes.choices import EnrollmentEventKind
from xuetu.programmes.models import Cohort, Enrollment
from xuetu.registry.models import Person

register = template.Library()


@register.simple_tag(takes_context=True)
def cohort_exceptions(context: Context, cohort: Cohort) -> dict[str, Any]:
    user = context["request"].user
    return {
        "reviewer": passes(services.require_reviewer, user, cohort),
        "policy_ratio": services.current_policy(cohort.planned_start).mentor_max_apprentices,
    }


@register.simple_tag(takes_context=True)
def enrollment_corrections(context: Context, enrollment: Enrollment) -> dict[str, Any]:
    user = context["request"].user
    reversals = (
        selectors.enrollment_history(enrollment, user)
        .filter(kind=EnrollmentEventKind.REVERSED)
        .select_related("reverses")
    )
    last = services.reversible_event(enrollment) if can(user, CHANGE, enrollment) else None
    return {"reversals": list(reversals), "reversible": last}


@register.simple_tag(takes_context=True)
def person_retirement(context: Context, person: Person) -> dict[str, Any]:
    user = context["request"].user
    return {
        "can_change": can(user, CHANGE, person),
        "reason": services.retirement_track_reason(person),
    }
