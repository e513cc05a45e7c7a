"""What training adds to the shared site: the class page's link to its training plan."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xuetu.core.access import VIEW
from xuetu.core.links import ObjectLink, register_object_link


def register() -> None:
    register_object_link(
        "programmes.cohort",
        ObjectLink(_("Training plan"), "training:cohort_plan", VIEW, testid="cohort-plan"),
    )
    register_object_link(
        "programmes.cohort",
        ObjectLink(
            _("Assessments"), "training:cohort_assessments", VIEW, testid="cohort-assessments"
        ),
    )
