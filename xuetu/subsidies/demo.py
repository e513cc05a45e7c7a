"""The demo subsidy policy: Chongqing's, in force since 2020-01-01 (and nothing else), with
the standards of DESIGN.md §4. Idempotent."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from xuetu.subsidies.models import SubsidyPolicy
from xuetu.subsidies.rules import CHONGQING_STANDARDS
from xuetu.subsidies.services import policy_create

NAME = "重庆市企业新型学徒制培训补贴"
SINCE = dt.date(2020, 1, 1)


def seed(out: TextIO | None = None) -> None:
    if SubsidyPolicy.objects.filter(district__isnull=True, effective_from=SINCE).exists():
        return
    policy_create(by=None, standards=CHONGQING_STANDARDS, name=NAME, effective_from=SINCE)
    if out is not None:
        out.write(f"subsidy policy: {NAME} ({SINCE})\n")
