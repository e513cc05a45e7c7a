"""The worked examples of `docs/rules/subsidies.md`, written once as data: the tests run each
one through `rules.assess` and hold the document's section to `render()` of this list, so the
document and the tests cannot drift. Regenerate the section with
`.venv/bin/python -m xuetu.subsidies.examples --write` (it runs under the project's settings).

Every example starts from `BASE` (a welder in a two-year senior class under the Chongqing
policy of 2020) and changes the facts it names."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from xuetu.subsidies.choices import CHECK_CODES
from xuetu.subsidies.rules import (
    CHONGQING_STANDARDS,
    CertificateFacts,
    EnrollmentFacts,
    Outcome,
    PaymentFacts,
    PolicyFacts,
    SpecialApproval,
    assess,
    years_text,
)

D = dt.date
WELDER, ELECTRICIAN = "6-18-02-04", "6-31-01-03"
POLICY = PolicyFacts(
    version="重庆市企业新型学徒制培训补贴 (2020-01-01)", standards=CHONGQING_STANDARDS
)


def senior(
    issued: dt.date, *, level: int = 3, status: str = "accepted", **more: Any
) -> CertificateFacts:
    return CertificateFacts(
        kind="skill_level",
        occupation_code=more.pop("occupation_code", WELDER),
        level=level,
        issued_on=issued,
        review_status=status,
        number=more.pop("number", f"S00015000012324{level}000045"),
        **more,
    )


BASE = EnrollmentFacts(
    status="completed",
    started_on=D(2024, 3, 1),
    planned_start=D(2024, 3, 1),
    planned_end=D(2026, 2, 28),
    ended_on=D(2026, 2, 20),
    planned_months=24,
    target_level=3,
    occupation_code=WELDER,
    contract_start=D(2023, 7, 1),
    contract_end=D(2027, 6, 30),
    birth_date=D(1998, 5, 12),
    gender="M",
    claim_date=D(2026, 4, 10),
    certificates=(senior(D(2026, 1, 15)),),
)


@dataclass(frozen=True)
class Example:
    id: str
    title: str
    facts_text: str  # the case in words
    changes: dict[str, Any]  # the facts that differ from BASE
    amount: Decimal  # the amount the line pays, in yuan
    results: dict[str, str] = field(default_factory=dict)  # the checks that do not pass
    policy: PolicyFacts = POLICY

    @property
    def facts(self) -> EnrollmentFacts:
        return dataclasses.replace(BASE, **self.changes)

    def run(self) -> Outcome:
        return assess(self.facts, self.policy)

    def expected_results(self) -> dict[str, str]:
        return {code: self.results.get(code, "pass") for code in CHECK_CODES}


INTERMEDIATE = senior(D(2026, 1, 15), level=4)
APPROVAL = SpecialApproval(
    by="江北区人力社保局 李审核", on=D(2024, 2, 10), reason="车身焊装高级工三年培养方案（经审定）"
)
THREE_YEARS = {
    "planned_end": D(2027, 2, 28),
    "ended_on": D(2027, 2, 20),
    "planned_months": 36,
    "certificates": (senior(D(2027, 1, 20)),),
    "claim_date": D(2027, 4, 1),
}
NONE_LEFT = {
    code: "fail"
    for code in ("certificate_occupation", "certificate_after_start", "certificate_in_window")
} | {"claim_in_time": "fail", "certificate_verified": "fail"}

EXAMPLES: tuple[Example, ...] = (
    Example(
        "S01",
        "Completer at senior level",
        "A two-year senior class (24 planned months); the apprentice completed and holds a "
        "senior (level 3) skill level certificate issued a month before the end.",
        {},
        Decimal("12000.00"),
    ),
    Example(
        "S02",
        "Completer at intermediate level",
        "An intermediate class (target level 4), an intermediate certificate.",
        {"target_level": 4, "certificates": (INTERMEDIATE,)},
        Decimal("10000.00"),
    ),
    Example(
        "S03",
        "Certificate above the target level",
        "An intermediate class (target 4); the apprentice reached senior (3): paid at the "
        "target level.",
        {"target_level": 4},
        Decimal("10000.00"),
    ),
    Example(
        "S04",
        "Certificate below the target level",
        "A senior class (target 3); the apprentice reached intermediate (4): paid at the "
        "level achieved.",
        {"certificates": (INTERMEDIATE,)},
        Decimal("10000.00"),
    ),
    Example(
        "S05",
        "Completer without a certificate",
        "Completed, but holds no certificate.",
        {"certificates": ()},
        Decimal("0.00"),
        {"certificate_holder": "fail", **NONE_LEFT},
    ),
    Example(
        "S06",
        "Special ability certificate",
        "Completed with a special ability certificate (no level) in the class's occupation.",
        {
            "certificates": (
                CertificateFacts(
                    "special_ability", WELDER, None, D(2026, 1, 15), number="ZX5000202600123"
                ),
            )
        },
        Decimal("8000.00"),
    ),
    Example(
        "S07",
        "Withdrawn apprentice",
        "Left the enterprise in the first year; no certificate.",
        {"status": "withdrawn", "ended_on": None, "certificates": ()},
        Decimal("0.00"),
        {"completed": "fail", "certificate_holder": "fail", **NONE_LEFT},
    ),
    Example(
        "S08",
        "Paused: the planned end moved",
        "A three-month pause moved the apprentice's end to 2026-05-20; the certificate, issued "
        "2027-04-30, is more than 12 months after the class's planned end but within 12 months "
        "of the apprentice's own end. The years stay the class's planned 24 months.",
        {
            "ended_on": D(2026, 5, 20),
            "certificates": (senior(D(2027, 4, 30)),),
            "claim_date": D(2027, 6, 15),
        },
        Decimal("12000.00"),
    ),
    Example(
        "S09",
        "Certificate issued before the start",
        "The senior certificate predates the class (issued 2023-11-20).",
        {"certificates": (senior(D(2023, 11, 20)),)},
        Decimal("0.00"),
        {
            "certificate_after_start": "fail",
            "certificate_in_window": "fail",
            "claim_in_time": "fail",
            "certificate_verified": "fail",
        },
    ),
    Example(
        "S10",
        "Certificate too late",
        "Issued 2027-05-10, more than 12 months after the training ended (2026-02-28).",
        {"certificates": (senior(D(2027, 5, 10)),), "claim_date": D(2027, 6, 1)},
        Decimal("0.00"),
        {"certificate_in_window": "fail", "claim_in_time": "fail", "certificate_verified": "fail"},
    ),
    Example(
        "S11",
        "Second claim for the same occupation and level",
        "The person was paid for welding at senior level in 2021.",
        {"prior_payments": (PaymentFacts(WELDER, 3, 2021),)},
        Decimal("0.00"),
        {"not_subsidised_before": "fail"},
    ),
    Example(
        "S12",
        "A higher certificate paid earlier",
        "An intermediate class; the person was paid for welding at senior level (3) in 2022.",
        {
            "target_level": 4,
            "certificates": (INTERMEDIATE,),
            "prior_payments": (PaymentFacts(WELDER, 3, 2022),),
        },
        Decimal("0.00"),
        {"not_subsidised_before": "fail"},
    ),
    Example(
        "S13",
        "Two subsidised trainings in one calendar year",
        "An electrician's training of the person that started in 2024 was subsidised already.",
        {"prior_payments": (PaymentFacts(ELECTRICIAN, 4, 2024),)},
        Decimal("0.00"),
        {"once_per_year": "fail"},
    ),
    Example(
        "S14",
        "Contract shorter than a year",
        "The labour contract runs 2024-02-01 to 2024-12-31 (11 months).",
        {"contract_start": D(2024, 2, 1), "contract_end": D(2024, 12, 31)},
        Decimal("0.00"),
        {"contract_length": "fail"},
    ),
    Example(
        "S15",
        "Three-year class without a special approval",
        "36 planned months, no approval recorded: at most 2 years are paid.",
        THREE_YEARS,
        Decimal("12000.00"),
    ),
    Example(
        "S16",
        "Three-year class with a special approval",
        "36 planned months; the district reviewer recorded a special approval: 3 years.",
        {**THREE_YEARS, "special_approval": APPROVAL},
        Decimal("18000.00"),
    ),
    Example(
        "S17",
        "Certificate in the review queue",
        "The certificate's number has an unknown layout and waits for the bureau: the line is "
        "held for a reviewer, with the amount a pass would pay.",
        {"certificates": (senior(D(2026, 1, 15), status="pending_review", number="CQ-2026-0042"),)},
        Decimal("12000.00"),
        {"certificate_verified": "review"},
    ),
    Example(
        "S18",
        "Eighteen months at intermediate level",
        "An 18-month intermediate class: 1.5 years.",
        {
            "target_level": 4,
            "planned_end": D(2025, 8, 31),
            "ended_on": D(2025, 8, 20),
            "planned_months": 18,
            "certificates": (senior(D(2025, 8, 1), level=4),),
            "claim_date": D(2025, 10, 1),
        },
        Decimal("7500.00"),
    ),
    Example(
        "S19",
        "Thirteen months: rounded to the fen",
        "A 13-month intermediate class: 5,000 × 13/12 = 5,416.666… yuan, 5,416.67 half up.",
        {
            "target_level": 4,
            "planned_end": D(2025, 3, 31),
            "ended_on": D(2025, 3, 20),
            "planned_months": 13,
            "certificates": (senior(D(2025, 3, 10), level=4),),
            "claim_date": D(2025, 5, 1),
        },
        Decimal("5416.67"),
    ),
    Example(
        "S20",
        "Elementary certificate",
        "A senior class; the apprentice reached elementary (level 5) only: every check passes, "
        "the standard is 0.",
        {"certificates": (senior(D(2026, 1, 15), level=5),)},
        Decimal("0.00"),
    ),
    Example(
        "S21",
        "Hours below the plan's minimum",
        "The policy sets 1,200 hours over the class; 1,150 are confirmed.",
        {"required_hours": Decimal("1200"), "confirmed_hours": Decimal("1150")},
        Decimal("0.00"),
        {"hours_confirmed": "fail"},
    ),
    Example(
        "S22",
        "Hours under dispute",
        "1,250 hours confirmed against a minimum of 1,200, but two disputed entries are not "
        "resolved: held for a reviewer.",
        {"required_hours": Decimal("1200"), "confirmed_hours": Decimal("1250"), "open_disputes": 2},
        Decimal("12000.00"),
        {"hours_confirmed": "review"},
    ),
    Example(
        "S23",
        "Claim too late",
        "The claim is made on 2027-03-01, more than 12 months after the certificate (2026-01-15).",
        {"claim_date": D(2027, 3, 1)},
        Decimal("0.00"),
        {"claim_in_time": "fail"},
    ),
    Example(
        "S24",
        "Contract begins after the start",
        "The labour contract began on 2024-04-01, a month after the training started.",
        {"contract_start": D(2024, 4, 1), "contract_end": D(2028, 3, 31)},
        Decimal("0.00"),
        {"contract_covers_start": "fail"},
    ),
    Example(
        "S25",
        "Too young at enrolment",
        "Born 2008-06-01: 15 at the start of training.",
        {"birth_date": D(2008, 6, 1)},
        Decimal("0.00"),
        {"age_at_enrolment": "fail"},
    ),
)


# The document's section -------------------------------------------------------------------------
START, END = "<!-- examples:start -->", "<!-- examples:end -->"
DOC = Path(__file__).resolve().parents[2] / "docs" / "rules" / "subsidies.md"


def value_text(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + "; ".join(value_text(v) for v in value) + "]" if value else "none"
    if isinstance(value, CertificateFacts):
        level = f" level {value.level}" if value.level else ""
        return (
            f"{value.kind}{level}, {value.occupation_code}, issued {value.issued_on}, "
            f"{value.review_status}"
        )
    if isinstance(value, PaymentFacts):
        return f"paid {value.occupation_code} level {value.level} in {value.year}"
    if isinstance(value, SpecialApproval):
        return f"approved by {value.by} on {value.on}"
    if value is None:
        return "none"
    return str(value)


def render_one(example: Example) -> str:
    from django.utils import translation

    outcome = example.run()
    line = outcome.line
    changes = "; ".join(f"`{k}` = {value_text(v)}" for k, v in example.changes.items())
    not_passing = [f"`{c.code}` {c.result}" for c in outcome.checks if c.result != "pass"]
    with translation.override("en"):
        explanation = str(line.explanation)
    return "\n".join(
        [
            f"### {example.id}: {example.title}",
            "",
            example.facts_text,
            "",
            f"- Facts changed from the base: {changes or 'none'}",
            f"- Checks: {', '.join(not_passing) if not_passing else 'all pass'}",
            f"- Years: {years_text(line.years)}; level paid: {line.level or '—'}; "
            f"amount: **{line.amount:,.2f} yuan**",
            f"- Explanation: {explanation}",
            "",
        ]
    )


def render() -> str:
    return "\n".join([START, "", *map(render_one, EXAMPLES), END])


def documented_ids(text: str) -> list[str]:
    section = text.split(START, 1)[-1].split(END, 1)[0]
    return [
        line.split(":")[0].removeprefix("### ")
        for line in section.splitlines()
        if line.startswith("### ")
    ]


def write() -> None:
    text = DOC.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    DOC.write_text(head + render() + tail, encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    import os
    import sys

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuetu.settings")
    django.setup()
    if "--write" in sys.argv:
        write()
    else:
        print(render())
