"""What the registry adds to the shared site at start-up: the registries drop-down and its
home panels (the counts, one's own person record, enterprises by district)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xuetu.core import site
from xuetu.core.access import Scope
from xuetu.core.links import register_page
from xuetu.registry.models import District, Enterprise, Institution, Person

REGISTRIES = "registries"


def register() -> None:
    # The pages of the places and parties that accounts keeps and the registry shows.
    register_page("accounts.district", "registry:district_detail")
    register_page("accounts.organisation.enterprise", "registry:enterprise_detail")
    register_page("accounts.organisation.institution", "registry:institution_detail")
    # In one drop-down, so the bar fits a laptop screen in either language.
    site.register_menu_group(REGISTRIES, _("Registries"), order=100)
    for order, (label, name, visible) in enumerate(
        [
            (_("Enterprises"), "registry:enterprise_list", site.reaches(Enterprise)),
            (_("Institutions"), "registry:institution_list", site.always),
            (_("People"), "registry:person_list", site.reaches(Person)),
            (_("Occupations"), "registry:occupation_list", site.always),
            (_("Industry chains"), "registry:industrychain_list", site.always),
            (_("Districts"), "registry:district_list", site.always),
        ]
    ):
        site.register_menu(label, name, order=order, group=REGISTRIES, visible=visible)
    site.register_home_panel("registry/_home_counts.html", order=20, context=counts)
    site.register_home_panel("registry/_home_my_record.html", order=30, context=my_record)
    site.register_home_panel(
        "registry/_home_by_district.html", order=60, context=by_district, visible=reviews
    )


def reviews(scope: Scope) -> bool:
    """The bureaus: the city and the district reviewers."""
    return scope.city or bool(scope.district_ids)


def counts(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "counts": {
            "enterprises": Enterprise.objects.for_user(user).count(),
            "institutions": Institution.objects.for_user(user).count(),
            "people": Person.objects.for_user(user).count(),
        }
    }


def my_record(request: HttpRequest) -> dict[str, Any]:
    return {"my_person": getattr(request.user, "person", None)}


def by_district(request: HttpRequest) -> dict[str, Any]:
    """The ten districts with the most enterprises the user sees, named in the reader's language."""
    rows = (
        Enterprise.objects.for_user(request.user)
        .values("district")
        .annotate(n=Count("pk"))
        .order_by("-n", "district")[:10]
    )
    counts = [(row["district"], row["n"]) for row in rows]
    names = District.objects.in_bulk([pk for pk, _ in counts if pk is not None])
    return {"by_district": [{"district": names.get(pk), "n": n} for pk, n in counts]}
