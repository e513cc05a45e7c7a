"""The plan's part of the filing check, as a table (docs/rules/training.md)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import translation

from xuetu.training.rules import PlanFacts, minimums, plan_problems


@dataclass
class Policy:
    min_hours_per_year: int | None = None
    min_centralised_hours_per_year: int | None = None
    max_online_share: int | None = None


CHONGQING_2027 = Policy(600, 160, 50)
TWO_YEARS = {"school": 368, "workplace": 800, "online": 32}  # 1,200 hours


@pytest.mark.parametrize(
    ("facts", "policy", "codes"),
    [
        (PlanFacts(False, 24), Policy(), ["no_plan"]),
        (PlanFacts(True, 24), Policy(), ["plan_hours_mismatch"]),
        (PlanFacts(True, 24, {"school": 0}), Policy(), ["plan_hours_mismatch"]),
        (PlanFacts(True, 24, TWO_YEARS), Policy(), []),
        (PlanFacts(True, 24, TWO_YEARS), CHONGQING_2027, []),
        (PlanFacts(True, 24, TWO_YEARS, planned_hours=1200), Policy(), []),
        (PlanFacts(True, 24, TWO_YEARS, planned_hours=1300), Policy(), ["plan_hours_mismatch"]),
        # a one-year plan of 600 hours is short for two years (1,200)
        (PlanFacts(True, 24, {"school": 400, "workplace": 200}), CHONGQING_2027,
         ["plan_below_minimum"]),
        # 1,200 hours but only 100 centralised (320 asked for two years)
        (PlanFacts(True, 24, {"school": 100, "workplace": 1100}), CHONGQING_2027,
         ["plan_below_minimum"]),
        # 700 of 1,200 online: over 50%
        (PlanFacts(True, 24, {"school": 400, "online": 700, "workplace": 100}), CHONGQING_2027,
         ["plan_online_over_share"]),
        # exactly 50% online is allowed
        (PlanFacts(True, 12, {"school": 300, "online": 300}), CHONGQING_2027, []),
        (PlanFacts(True, 12, {"online": 600}), CHONGQING_2027,
         ["plan_below_minimum", "plan_online_over_share"]),
    ],
)  # fmt: skip
def test_the_plan_is_judged_by_its_modules_hours_and_the_policy(facts, policy, codes):
    assert [p.code for p in plan_problems(facts, policy)] == codes


def test_the_yearly_minimums_are_pro_rata_over_the_class_duration_rounded_up():
    least = minimums(18, CHONGQING_2027)
    assert (least.hours, least.centralised, least.online_share) == (900, 240, 50)
    assert minimums(7, Policy(100)).hours == 59  # 58.3 up
    assert minimums(24, Policy()).hours is None


@pytest.mark.parametrize(
    ("facts", "zh", "en"),
    [
        (PlanFacts(False, 12), "培训班没有培训计划。", "The class has no training plan."),
        (PlanFacts(True, 12), "各模块合计学时为零", "add up to no hours"),
        (
            PlanFacts(True, 12, {"school": 200, "workplace": 300}),
            "政策要求至少 600 学时",
            "at least 600",
        ),
        (PlanFacts(True, 12, {"school": 100, "workplace": 600}), "集中培训", "centralised"),
        (PlanFacts(True, 12, {"school": 200, "online": 500}), "线上学时占 72%", "72% of"),
    ],
)
def test_each_plan_problem_is_said_in_both_languages(facts, zh, en):
    [problem] = plan_problems(facts, CHONGQING_2027)
    with translation.override("zh-hans"):
        assert zh in str(problem.message)
    with translation.override("en"):
        assert en in str(problem.message)
