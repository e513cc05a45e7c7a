"""Who reaches training plans and their modules (core.access). A plan is read by everyone who
sees its class (the class's table, programmes.access: the parties, the district, the mentors
and teachers of its apprentices, the apprentices themselves); it is changed by the class's two
parties, the enterprise manager and the teaching institution's manager (under a confirmed
agreement). Whether the class may still be changed (draft or returned) is the services'
question, refused with a code."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

from xuetu.accounts.choices import Role
from xuetu.core.access import CHANGE, VIEW, Grant, Reach, access_table, allow, in_organisations
from xuetu.programmes.access import partner_cohorts
from xuetu.programmes.models import Cohort
from xuetu.training.models import Module, TrainingPlan

EM, IM = Role.ENTERPRISE_MANAGER, Role.INSTITUTION_MANAGER
PLAN = "plan"  # on a class: drawing up its training plan

PARTIES: list[tuple[str, Callable[[str], Reach]]] = [
    (
        EM,
        lambda to: in_organisations(
            f"{to}enterprise_id", "their enterprise's classes, while the filing is open"
        ),
    ),
    (
        IM,
        lambda to: Reach(
            "the classes they teach under a confirmed agreement, while the filing is open",
            lambda g: Q(**{f"{to}pk__in": partner_cohorts(g).values("pk")}),
        ),
    ),
]


def through_class(path: str, reach: Reach) -> Reach:
    """The rows whose class (`path`) the class's own reach gives."""

    def q(grant: Grant, reach: Reach = reach) -> Q:
        return Q(**{f"{path}__in": Cohort.objects.filter(reach.q(grant)).values("pk")})

    return Reach(f"those of {reach.label}", q)


def register() -> None:
    table = access_table(Cohort)
    assert table is not None  # programmes registers before training (INSTALLED_APPS)
    for model, path in ((TrainingPlan, "cohort"), (Module, "plan__cohort")):
        for role, reaches in list(table.rules.get(VIEW, {}).items()):
            allow(model, VIEW, role, *(through_class(path, reach) for reach in reaches))
        for role, party in PARTIES:
            allow(model, CHANGE, role, party(f"{path}__"))
    for role, party in PARTIES:
        allow(Cohort, PLAN, role, party(""))
    # Plan templates are shared reference data (ReferenceQuerySet): read by every signed-in
    # user, changed by the city bureau; no table of their own.
