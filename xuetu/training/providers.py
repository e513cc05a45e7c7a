"""What training answers for the apps below it (core.providers): the plan's part of the
filing check (programmes.hooks.PLAN_PROBLEMS)."""

from __future__ import annotations

from xuetu.core.problems import Problem
from xuetu.programmes.hooks import PLAN_PROBLEMS
from xuetu.programmes.models import Cohort
from xuetu.training import rules, selectors


def plan_problems(cohort: Cohort, policy: rules.PlanPolicy) -> list[Problem]:
    return rules.plan_problems(selectors.plan_facts(cohort), policy)


def register() -> None:
    PLAN_PROBLEMS.register(plan_problems)
