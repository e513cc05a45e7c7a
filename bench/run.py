#!/usr/bin/env python
"""Xuetu benchmark: page, API, import and PDF timings on a throwaway database.

    .venv/bin/python bench/run.py                # SQLite in a temporary file
    .venv/bin/python bench/run.py --postgres     # PostgreSQL: xuetu_bench, created and dropped
    DATABASE_URL=postgres://…/NAME bench/run.py  # PostgreSQL: NAME_bench on that server
    .venv/bin/python bench/run.py --scale 0.1    # a tenth of the data, for a quick look
    .venv/bin/python bench/run.py --only roster_import_20k   # one scenario, on 10-row data

Every scenario is measured twice: once with 10 rows (the baseline query count) and once at
full size. Timings are wall-clock medians and 95th percentiles over several repetitions,
after one untimed run that also counts the queries. roster_import_20k runs last, in child
processes, against its floor. Targets are printed as PASS or FAIL, but the script always
exits 0: it is a benchmark, not a test. Results go to bench/results.json, one entry per
database vendor. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from suite.config import (
    BASELINE,
    BIG_IMPORT_TARGET_MB,
    BIG_IMPORT_TARGET_RATIO,
    BIG_IMPORT_TARGET_S,
    FILING_PDF_TARGET_MS,
    IMPORT_TARGET_ROWS_PER_S,
    ORDER,
    PAGE_TARGET_MS,
    RESULTS,
    START_TIME,
    Volumes,
    log,
)

ONLY = ("roster_import_20k", "register_30", "hours_list_2m", "settlement_20k")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="use PostgreSQL (127.0.0.1:5432/xuetu_bench, created and dropped); also chosen "
        "when DATABASE_URL names a PostgreSQL database (then <its name>_bench is used)",
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply the data volumes (default 1.0)"
    )
    parser.add_argument(
        "--reps", type=int, default=10, help="timed repetitions per page (default 10)"
    )
    parser.add_argument(
        "--slow-reps",
        type=int,
        default=3,
        help="timed repetitions of the 500-row roster import and the PDFs (default 3)",
    )
    parser.add_argument(
        "--big-reps",
        type=int,
        default=1,
        help="rounds of floor + import for roster_import_20k, a fresh file each (default 1)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="roster_import_20k: the import child runs under cProfile and writes "
        "DIR/import-N.prof, and prints the statements that took longest (slower, so its time "
        "is not the figure to report)",
    )
    parser.add_argument("--only", choices=ONLY, help="run this scenario alone, on 10-row data")
    parser.add_argument(
        "--output", type=Path, default=RESULTS, help="results file (default bench/results.json)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)  # the bench's own child processes
    parser.add_argument("--params", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scale <= 0 or min(args.reps, args.slow_reps, args.big_reps) < 1:
        parser.error("--scale must be positive, --reps, --slow-reps and --big-reps at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        from suite.child import run_child

        return run_child(args.child, json.loads(args.params))
    from suite.database import Database, django_on, postgres_target
    from suite.scenarios import Bench

    volumes = Volumes.at(args.scale)
    bench = Bench(args, volumes)
    database = Database(postgres_target(args.postgres, os.environ.get("DATABASE_URL")))
    log(f"xuetu bench, scale {args.scale}: {volumes}")
    try:
        with django_on(database):
            run_benchmark(bench, volumes)
            report(args, bench, volumes)
    finally:
        database.remove()
    return 0


def run_benchmark(bench: Any, volumes: Volumes) -> None:
    from suite.big_import import measure_big_import
    from suite.data import build_base, grow, grow_audit

    log("building the world (10 rows of everything)")
    data = build_base()
    grow(data, cohorts=BASELINE, other_cohorts=1, roster=BASELINE, enrollments=BASELINE)
    grow_audit(data, BASELINE)
    from suite.registers import measure_hours_list, measure_register

    only = bench.args.only
    if only is None:
        measure_all(bench, data, volumes)
    if only in (None, "register_30"):
        measure_register(bench, data)
    if only in (None, "hours_list_2m"):
        measure_hours_list(bench, data)
    if only in (None, "roster_import_20k"):
        measure_big_import(
            bench, data, volumes.big_import_rows, bench.args.big_reps, profile=bench.args.profile
        )
    if only in (None, "settlement_20k"):
        from suite.settlement import measure_settlement

        measure_settlement(bench, data, volumes.settlement_rows)


def measure_all(bench: Any, data: Any, volumes: Volumes) -> None:
    from suite.certificates import CERTIFICATE_IMPORT_ROWS, measure_certificate_import
    from suite.data import grow, grow_audit
    from suite.database import analyse
    from suite.pages import measure_pages, measure_pdfs
    from suite.roster import measure_import

    log("--- baseline: 10 rows ---")
    measure_pages(bench, data, full=False)
    measure_pdfs(bench, data, full=False)
    measure_import(bench, data, BASELINE, full=False)
    measure_certificate_import(bench, data, BASELINE, full=False)

    log("--- growing to full size ---")
    grow(
        data,
        cohorts=volumes.cohorts,
        other_cohorts=volumes.other_cohorts,
        roster=volumes.roster,
        enrollments=volumes.enrollments,
    )
    grow_audit(data, volumes.audit_events)
    analyse()

    log("--- full size ---")
    measure_pages(bench, data, full=True)
    measure_pdfs(bench, data, full=True)
    measure_import(bench, data, volumes.import_rows, full=True)
    certificates = max(BASELINE, round(CERTIFICATE_IMPORT_ROWS * bench.args.scale))
    measure_certificate_import(bench, data, certificates, full=True)


def report(args: argparse.Namespace, bench: Any, volumes: Volumes) -> None:
    from django.db import connection
    from suite.report import big_import_table, machine_info, table, write_results

    vendor = connection.vendor
    info = machine_info(vendor)
    elapsed = time.perf_counter() - START_TIME
    scenarios = sorted(bench.scenarios.values(), key=lambda s: ORDER.index(s.key))
    results = [s.as_dict() for s in scenarios]
    run = {
        "machine": info,
        "config": config(args, volumes),
        "total_seconds": round(elapsed, 1),
        "results": results,
    }
    write_results(args.output, vendor, run)
    print()
    print(
        f"Xuetu bench — {vendor} {info['db_version']}, Python {info['python']}, "
        f"{info['cpu_count']} CPUs, scale {args.scale}, {args.reps} reps "
        f"({args.slow_reps} for import and PDFs, {args.big_reps} for the 20k import)"
    )
    print(table(scenarios))
    print(big_import_table(bench.scenarios.get("roster_import_20k")))
    failed = sum(1 for s in scenarios if s.error or False in s.passes())
    print(
        f"\n{failed} of {len(results)} scenarios miss a target or failed "
        f"(the benchmark exits 0 regardless). Took {elapsed:.0f} s; "
        f"results in {args.output}"
    )


def config(args: argparse.Namespace, volumes: Volumes) -> dict[str, Any]:
    return {
        "scale": args.scale,
        "reps": args.reps,
        "slow_reps": args.slow_reps,
        "big_reps": args.big_reps,
        "only": args.only,
        "volumes": asdict(volumes),
        "targets": {
            "page_median_ms": PAGE_TARGET_MS,
            "import_rows_per_s": IMPORT_TARGET_ROWS_PER_S,
            "filing_form_pdf_median_ms": FILING_PDF_TARGET_MS,
            "queries": "equal to the count at 10 rows",
            "roster_import_20k": {
                "seconds": BIG_IMPORT_TARGET_S,
                "peak_rss_mb": BIG_IMPORT_TARGET_MB,
                "ratio_to_floor": BIG_IMPORT_TARGET_RATIO,
            },
        },
    }


if __name__ == "__main__":
    sys.exit(main())
