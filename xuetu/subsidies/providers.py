"""What subsidies answers for the apps below it (core.providers): the earlier subsidies of a
person (programmes.hooks.PRIOR_SUBSIDIES), from the grant register, matched on the resident ID
number, so a roster check sees imported history from the first day."""

from __future__ import annotations

from xuetu.programmes.hooks import PRIOR_SUBSIDIES
from xuetu.registry.models import Person
from xuetu.subsidies.models import SubsidyGrant


def prior_subsidies(person: Person) -> list[tuple[str, int]]:
    """(occupation code, level) pairs of the person's grants, paid here or imported."""
    if not person.id_number:
        return []
    rows = SubsidyGrant.objects.filter(id_number=person.id_number).order_by("year", "slot")
    return list(rows.values_list("occupation_code", "level"))


def register() -> None:
    PRIOR_SUBSIDIES.register(prior_subsidies)
