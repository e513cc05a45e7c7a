"""Reads: a class's plan with its modules, its hours by place and kind against the policy's
minimums, in a fixed number of queries however many modules it has."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet, Sum

from xuetu.core.dates import duration_months
from xuetu.programmes.models import Cohort, Mentor, ProgrammePolicy
from xuetu.programmes.selectors import current_policy
from xuetu.training import rules
from xuetu.training.choices import ModuleKind, ModulePlace
from xuetu.training.models import Module, PlanTemplate, TrainingPlan


def plan_of(cohort: Cohort) -> TrainingPlan | None:
    return TrainingPlan.objects.filter(cohort=cohort).first()


def plan_modules(plan: TrainingPlan) -> QuerySet[Module]:
    return plan.modules.select_related("responsible__person")


def hours_by_place(cohort: Cohort) -> dict[str, int]:
    rows = (
        Module.objects.filter(plan__cohort=cohort)
        .values("place")
        .annotate(hours=Sum("hours"))
        .values_list("place", "hours")
    )
    return {place: hours or 0 for place, hours in rows}


def plan_facts(cohort: Cohort) -> rules.PlanFacts:
    """The facts the filing check judges: two queries."""
    return rules.PlanFacts(
        exists=TrainingPlan.objects.filter(cohort=cohort).exists(),
        months=duration_months(cohort.planned_start, cohort.planned_end),
        hours_by_place=hours_by_place(cohort),
    )


@dataclass(frozen=True)
class HoursLine:
    label: str
    hours: int
    least: int | None = None  # the policy's minimum, where it sets one
    most_share: int | None = None  # the policy's largest share (%), where it sets one

    @property
    def short(self) -> bool:
        return self.least is not None and self.hours < self.least


@dataclass(frozen=True)
class PlanSummary:
    total: int
    by_place: list[HoursLine]
    by_kind: list[HoursLine]
    least_total: int | None
    policy: ProgrammePolicy


def plan_summary(cohort: Cohort, modules: list[Module]) -> PlanSummary:
    """Hours by place and by kind (from the modules already read) with the policy's minimums
    for the class's duration."""
    policy = current_policy(cohort.planned_start)
    least = rules.minimums(duration_months(cohort.planned_start, cohort.planned_end), policy)
    places: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for module in modules:
        places[module.place] += module.hours
        kinds[module.kind] += module.hours
    by_place = [
        HoursLine(
            str(place.label),
            places[place.value],
            least=least.centralised if place == ModulePlace.SCHOOL else None,
            most_share=least.online_share if place == ModulePlace.ONLINE else None,
        )
        for place in ModulePlace
    ]
    by_kind = [HoursLine(str(kind.label), kinds[kind.value]) for kind in ModuleKind]
    return PlanSummary(sum(places.values()), by_place, by_kind, least.hours, policy)


def responsible_choices(plan: TrainingPlan) -> QuerySet[Mentor]:
    """Who may be responsible for a module: the active teachers of the class's institution
    and mentors of its enterprise."""
    cohort = plan.cohort
    return (
        Mentor.objects.filter(
            organisation_id__in=(cohort.enterprise_id, cohort.institution_id), is_active=True
        )
        .select_related("person")
        .order_by("kind", "person__name")
    )


def templates_for(cohort: Cohort) -> QuerySet[PlanTemplate]:
    return PlanTemplate.objects.filter(occupation_id=cohort.occupation_id)
