"""What programmes adds to the shared site at start-up: its answers to the hooks of the apps
below it."""

from __future__ import annotations

from django.db.models import Q

from xuetu.core.access import Scope
from xuetu.programmes.models import Enrollment
from xuetu.registry.hooks import PERSON_REACH


def register() -> None:
    PERSON_REACH.register(people_on_rosters)


def people_on_rosters(scope: Scope) -> Q:
    """The people on the rosters of the scope's classes (as enterprise, institution or the
    enterprise's district), whoever registered them; a subquery, so no duplicate rows."""
    rostered = Enrollment.objects.filter(
        Q(cohort__enterprise_id__in=scope.org_ids)
        | Q(cohort__institution_id__in=scope.org_ids)
        | Q(cohort__enterprise__district_id__in=scope.district_ids)
    ).values("person_id")
    return Q(pk__in=rostered)
