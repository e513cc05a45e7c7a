"""What training adds to the shared site: the class page's links to its training plan, its
register, hours and progress; the home panel of hours to confirm and registers to record."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xuetu.core import site
from xuetu.core.access import VIEW
from xuetu.core.links import ObjectLink, register_object_link
from xuetu.training.access import REGISTER


def register() -> None:
    from xuetu.training.portal import my_training

    site.register_home_panel("training/_home_my_training.html", order=42, context=my_training)
    register_object_link(
        "programmes.cohort",
        ObjectLink(_("Training plan"), "training:cohort_plan", VIEW, testid="cohort-plan"),
    )
    # Registers and hours (views_registers)
    from xuetu.training.views_registers import home_hours

    for label, name, action, testid in (
        (_("Today's register"), "training:register", REGISTER, "cohort-register"),
        (_("Hours"), "training:cohort_hours", VIEW, "cohort-hours"),
        (_("Progress"), "training:progress", VIEW, "cohort-progress"),
    ):
        register_object_link("programmes.cohort", ObjectLink(label, name, action, testid=testid))
    site.register_home_panel("training/_home_hours.html", order=44, context=home_hours)
    register_object_link(
        "programmes.cohort",
        ObjectLink(
            _("Assessments"), "training:cohort_assessments", VIEW, testid="cohort-assessments"
        ),
    )
    # Work–study calendar and three-party reviews (calreview)
    from xuetu.training import site_calreview

    site_calreview.register()
