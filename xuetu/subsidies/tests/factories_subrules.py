"""Subsidy policies for tests, written through the service as the bureau's would be."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xuetu.subsidies.models import SubsidyPolicy
from xuetu.subsidies.rules import CHONGQING_STANDARDS
from xuetu.subsidies.services import policy_create


def make_policy(
    *,
    effective_from: dt.date = dt.date(2020, 1, 1),
    district: Any = None,
    name: str = "重庆市企业新型学徒制培训补贴",
    standards: Any = CHONGQING_STANDARDS,
    **values: Any,
) -> SubsidyPolicy:
    return policy_create(
        by=None,
        standards=standards,
        name=name,
        effective_from=effective_from,
        district=district,
        **values,
    )
