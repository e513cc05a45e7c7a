"""The programmes lists a bureau works with, as spreadsheets (see xuetu.core.exports); dates
are written as dates (core.excel gives them the yyyy-mm-dd format)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuetu.core.exports import list_export
from xuetu.programmes.models import Cohort, Enrollment
from xuetu.registry.masking import PersonalView


def district_name(enterprise) -> str:
    return enterprise.district.name if enterprise.district else ""


@list_export("cohort")
def cohorts(user):
    queryset = Cohort.objects.for_user(user).select_related(
        "enterprise__district", "institution", "occupation"
    )
    return queryset.order_by("-planned_start", "code"), [
        (_("class code"), lambda c: c.code),
        (_("class name"), lambda c: c.name),
        (_("enterprise"), lambda c: c.enterprise.name),
        (_("district"), lambda c: district_name(c.enterprise)),
        (_("institution"), lambda c: c.institution.name),
        (_("occupation"), lambda c: f"{c.occupation.code} {c.occupation.name}"),
        (_("target level"), lambda c: c.get_target_level_display()),
        (_("planned start"), lambda c: c.planned_start),
        (_("planned end"), lambda c: c.planned_end),
        (_("planned headcount"), lambda c: c.planned_headcount),
        (_("status"), lambda c: c.get_status_display()),
    ]


@list_export("enrollment", title=gettext_lazy("Rosters"))
def enrollments(user):
    seen = PersonalView(user)
    queryset = Enrollment.objects.for_user(user).select_related(
        "cohort__enterprise__district",
        "person",
        "enterprise_mentor__person",
        "institution_mentor__person",
    )
    return queryset.order_by("cohort__code", "person__name", "pk"), [
        (_("class code"), lambda e: e.cohort.code),
        (_("class name"), lambda e: e.cohort.name),
        (_("enterprise"), lambda e: e.cohort.enterprise.name),
        (_("district"), lambda e: district_name(e.cohort.enterprise)),
        (_("full name"), lambda e: e.person.name),
        (_("resident ID number"), lambda e: seen.id_number(e.person)),
        (_("category"), lambda e: e.get_category_display()),
        (_("labour contract start"), lambda e: e.contract_start),
        (_("labour contract end"), lambda e: e.contract_end),
        (_("social insurance paid"), lambda e: _("yes") if e.social_insurance else _("no")),
        (
            _("enterprise mentor"),
            lambda e: e.enterprise_mentor.person.name if e.enterprise_mentor else "",
        ),
        (
            _("institution teacher"),
            lambda e: e.institution_mentor.person.name if e.institution_mentor else "",
        ),
        (_("status"), lambda e: e.get_status_display()),
        (_("withdrawn on"), lambda e: e.withdrawn_on),
    ]
