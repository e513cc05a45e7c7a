"""The plan's part of the filing check (pure): its modules against the class's hours and the
policy's minimums. Plain values in, Problems out (docs/rules/training.md)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.translation import gettext_lazy as _

from xuetu.core.problems import Problem, say

SCHOOL, WORKPLACE, ONLINE = "school", "workplace", "online"


class PlanPolicy(Protocol):
    """The policy values the plan rules read (a `ProgrammePolicy` has them all)."""

    min_hours_per_year: int | None
    min_centralised_hours_per_year: int | None
    max_online_share: int | None


@dataclass(frozen=True)
class PlanFacts:
    """What the filing check reads about a class's plan."""

    exists: bool
    months: int  # the class's planned duration
    hours_by_place: Mapping[str, int] = field(default_factory=dict)
    planned_hours: int | None = None  # the class's own total, where it states one

    @property
    def total(self) -> int:
        return sum(self.hours_by_place.values())


@dataclass(frozen=True)
class Minimums:
    """The policy's minimums for the class's duration (None: the policy sets none)."""

    hours: int | None
    centralised: int | None
    online_share: int | None


def minimums(months: int, policy: PlanPolicy) -> Minimums:
    """The yearly minimums, pro rata over the class's months (rounded up)."""

    def over(per_year: int | None) -> int | None:
        return None if per_year is None else math.ceil(per_year * months / 12)

    return Minimums(
        over(policy.min_hours_per_year),
        over(policy.min_centralised_hours_per_year),
        policy.max_online_share,
    )


def plan_problems(facts: PlanFacts, policy: PlanPolicy) -> list[Problem]:
    """Every reason the plan does not carry the filing, in the order a reviewer reads them."""
    if not facts.exists:
        return [Problem("no_plan", _("The class has no training plan."), "training_plan")]
    total = facts.total
    if facts.planned_hours is not None and total != facts.planned_hours:
        message = say(
            _("The plan's modules add up to %(total)s hours; the class plans %(planned)s."),
            total=total,
            planned=facts.planned_hours,
        )
        return [Problem("plan_hours_mismatch", message, "modules")]
    if total <= 0:
        message = _("The plan's modules add up to no hours: add the modules with their hours.")
        return [Problem("plan_hours_mismatch", message, "modules")]
    return minimum_problems(facts, minimums(facts.months, policy))


def minimum_problems(facts: PlanFacts, least: Minimums) -> list[Problem]:
    problems = []
    total, school = facts.total, facts.hours_by_place.get(SCHOOL, 0)
    if least.hours is not None and total < least.hours:
        message = say(
            _("The plan has %(total)s hours; the policy asks for at least %(least)s."),
            total=total,
            least=least.hours,
        )
        problems.append(Problem("plan_below_minimum", message, "modules"))
    if least.centralised is not None and school < least.centralised:
        message = say(
            _(
                "The plan has %(school)s centralised hours at the institution; the policy asks "
                "for at least %(least)s."
            ),
            school=school,
            least=least.centralised,
        )
        problems.append(Problem("plan_below_minimum", message, "modules.school"))
    online = facts.hours_by_place.get(ONLINE, 0)
    if least.online_share is not None and online * 100 > least.online_share * total:
        message = say(
            _("%(share)s%% of the plan's hours are online; the policy allows at most %(most)s%%."),
            share=math.ceil(online * 100 / total),
            most=least.online_share,
        )
        problems.append(Problem("plan_online_over_share", message, "modules.online"))
    return problems
