"""settlement_20k (issue 10, item 11): `compute()` of a settlement claim of 20,000 enrollments
with all its checks, stored (its lines rewritten) each repetition.

The class completed (2024-09-01 to 2026-08-31, target senior level) with 20,000 apprentices:
nine in ten hold a certificate issued in July 2026 (senior or intermediate), every one has two
registers of hours (present or not, confirmed or pending) against a minimum the programme
policy sets for the bench, and one in twenty has a row of imported history (the same
occupation and level, or another occupation the year the class started). The baseline is a
class of 10 such apprentices; the query count must be one fixed set per batch of
`facts.BATCH` enrollments: a third class of BATCH + 10 gives the set's size, and the full
size must count exactly baseline + (batches − 1) × that set.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from suite.config import BASELINE, log
from suite.data import Data, IdNumbers, bulk_enroll, bulk_people, cohort_rows
from suite.measure import count_queries
from suite.registers import fill_hours
from suite.scenarios import Bench

KEY = "settlement_20k"
LABEL = "Settlement of 20,000 (compute and store)"
START, END = dt.date(2024, 9, 1), dt.date(2026, 8, 31)
ISSUED = dt.date(2026, 7, 15)
TODAY = dt.date(2026, 9, 29)


def settlement_class(data: Data, size: int, ids: IdNumbers) -> Any:
    """A completed class of `size` apprentices with their certificates, hours and history,
    and its draft settlement claim (computed once)."""
    from django.db import transaction

    from xuetu.certification.models import Certificate
    from xuetu.programmes.choices import CohortStatus
    from xuetu.programmes.models import Enrollment
    from xuetu.subsidies.choices import ClaimKind, GrantSource
    from xuetu.subsidies.models import SubsidyGrant
    from xuetu.subsidies.services.claims import claim_create
    from xuetu.training.models import Module, TrainingPlan

    world = data.world
    (cohort,) = cohort_rows(data, 1, world.enterprise, data.agreement)
    cohort.status = CohortStatus.COMPLETED
    cohort.planned_start, cohort.planned_end, cohort.planned_headcount = START, END, size
    cohort.reviewed_at = dt.datetime(2024, 8, 1, tzinfo=dt.UTC)
    cohort.save(update_fields=["status", "planned_start", "planned_end", "planned_headcount"])
    people = bulk_people(ids, size, world.enterprise, offset=ids.count)
    bulk_enroll([(cohort, p) for p in people], lambda c, i: (data.mentors[0], data.teachers[0]))
    serial = ids.count
    with transaction.atomic():
        certificates = [
            Certificate(
                holder_id=person.pk,
                kind="skill_level",
                occupation=data.occupation,
                level=3 if i % 3 else 4,
                number=f"S00015000012326{3 if i % 3 else 4}{serial + i:07d}",
                issuer="重庆市职业技能鉴定指导中心",
                organisation=world.institution,
                issued_on=ISSUED,
            )
            for i, person in enumerate(people)
            if i % 10 != 9
        ]
        Certificate.objects.bulk_create(certificates, batch_size=1000)
        grants = [
            SubsidyGrant(
                id_number=person.id_number,
                occupation_code=data.occupation.code if i % 40 == 0 else "4-01-02-01",
                level=3,
                year=2021 if i % 40 == 0 else START.year,
                slot=1,
                amount="6000.00",
                source=GrantSource.HISTORY,
                source_text="bench history",
            )
            for i, person in enumerate(people)
            if i % 20 == 0
        ]
        SubsidyGrant.objects.bulk_create(grants, batch_size=1000)
        plan = TrainingPlan.objects.create(cohort=cohort)
        module = Module.objects.create(
            plan=plan, order=0, title="岗位实训", kind="practical", hours=800, place="workplace"
        )
    enrollments = sorted(Enrollment.objects.filter(cohort=cohort).values_list("pk", flat=True))
    fill_hours(data, (cohort, enrollments, module), 2, 0)
    return claim_create(by=None, cohort=cohort, kind=ClaimKind.SETTLEMENT, today=TODAY)


def measure_settlement(bench: Bench, data: Data, size: int) -> None:
    from django.db import transaction

    from xuetu.programmes.selectors import current_policy
    from xuetu.subsidies import facts
    from xuetu.subsidies.services.claims import compute
    from xuetu.subsidies.tests.factories import subsidy_policy

    log(f"8. settlement of {size:,} enrollments (compute and store, all checks)")
    subsidy_policy()
    policy = current_policy(START)
    type(policy).objects.filter(pk=policy.pk).update(min_hours_per_year=4)
    ids = IdNumbers("500153", dt.date(1990, 1, 1))

    def run_for(claim: Any):
        def run() -> Any:
            with transaction.atomic():
                compute(claim, today=TODAY)
            return claim

        return run

    small = settlement_class(data, BASELINE, ids)
    bench.record(KEY, LABEL, run_for(small), full=False, size=f"{BASELINE} enrollments")
    two = settlement_class(data, facts.BATCH + BASELINE, ids)
    import os

    with count_queries() as counted:
        run_for(two)()
    if os.environ.get("BENCH_PROFILE"):  # where the time of one batch goes
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(run_for(two))
        pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
        return
    scenario = bench.scenario(KEY, LABEL)
    if scenario.small is None:
        return
    per_batch = counted.count - scenario.small.queries
    began_build = dt.datetime.now()
    full = settlement_class(data, size, ids)
    log(f"  built {size:,} enrollments in {(dt.datetime.now() - began_build).seconds} s")
    from suite.database import analyse

    analyse()
    scenario = bench.record(
        KEY, LABEL, run_for(full), full=True, size=f"{size:,} enrollments", reps=3
    )
    if scenario is None or scenario.full is None:
        return
    batches = math.ceil(size / facts.BATCH)
    expected = scenario.small.queries + (batches - 1) * per_batch
    lines = full.lines.count()
    log(
        f"  {lines:,} lines; {scenario.full.queries} queries = {scenario.small.queries} + "
        f"({batches} - 1) x {per_batch}? expected {expected}; entitled {full.entitled}"
    )
    scenario.extra.update(
        batch=facts.BATCH,
        batches=batches,
        queries_per_batch=per_batch,
        queries_expected=expected,
        lines=lines,
        lines_pass=lines == size,
        per_batch_pass=scenario.full.queries == expected,
    )
