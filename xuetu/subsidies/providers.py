"""What subsidies answers for the apps below it (core.providers): the earlier subsidies of a
person (programmes.hooks.PRIOR_SUBSIDIES), from the grant register, matched on the resident ID
number, so a roster check sees imported history from the first day."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from xuetu.programmes.hooks import PRIOR_SUBSIDIES
from xuetu.subsidies.models import SubsidyGrant


def prior_subsidies(people: Iterable[Any]) -> dict[str, list[tuple[str, int]]]:
    """ID number → (occupation code, level) pairs of the people's grants, paid here or
    imported: one query for them all."""
    numbers = {p.id_number for p in people if p.id_number}
    found: dict[str, list[tuple[str, int]]] = defaultdict(list)
    if not numbers:
        return found
    rows = SubsidyGrant.objects.filter(id_number__in=numbers).order_by("id_number", "year", "slot")
    for number, code, level in rows.values_list("id_number", "occupation_code", "level"):
        found[number].append((code, level))
    return found


def register() -> None:
    PRIOR_SUBSIDIES.register(prior_subsidies)
