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
    # Work–study calendar and three-party reviews (calreview)
    from xuetu.training import site_calreview

    site_calreview.register()
