"""What training adds to the shared site: the class page's link to its training plan."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xuetu.core import site
from xuetu.core.access import VIEW
from xuetu.core.links import ObjectLink, register_object_link


def register() -> None:
    from xuetu.training.portal import my_training

    site.register_home_panel("training/_home_my_training.html", order=42, context=my_training)
    register_object_link(
        "programmes.cohort",
        ObjectLink(_("Training plan"), "training:cohort_plan", VIEW, testid="cohort-plan"),
    )
