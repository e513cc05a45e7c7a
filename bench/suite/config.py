"""Volumes, targets and the order of the table."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results.json"

# Full-size volumes at --scale 1.0.
COHORTS = 1_000  # of the enterprise manager's enterprise; the other enterprise has a tenth
ENROLLMENTS = 20_000
IMPORT_ROWS = 500
AUDIT_EVENTS = 50_000
ROSTER = 40  # one class: the detail page and the filing form (not scaled)
BASELINE = 10  # "10 rows": the size whose query counts the full size must match
BIG_IMPORT_ROWS = 20_000  # roster_import_20k (scaled too, for a quick look)
SETTLEMENT_ROWS = 20_000  # settlement_20k (scaled too)
SETTLEMENT_TARGET_S = 10.0

# The table's order (the audit log is measured before the real import adds to it).
ORDER = [
    "cohort_list_bureau",
    "cohort_list_enterprise",
    "api_enrollments_first",
    "api_enrollments_middle",
    "api_enrollments_enterprise",
    "cohort_detail_enterprise",
    "cohort_detail_bureau",
    "roster_import_dry",
    "roster_import_real",
    "certificate_import_5k",
    "register_30",
    "register_30_api",
    "hours_list_2m",
    "filing_form_pdf",
    "appointment_pdf",
    "audit_first",
    "audit_middle",
    "roster_import_20k",
    "settlement_20k",
]

PAGE_TARGET_MS = 300.0
IMPORT_TARGET_ROWS_PER_S = 100.0
FILING_PDF_TARGET_MS = 3_000.0
BIG_IMPORT_TARGET_S = 8.0
BIG_IMPORT_TARGET_MB = 400.0
BIG_IMPORT_TARGET_RATIO = 3.0
# Medians of the register scenarios (bench/suite/registers.py).
TIME_TARGETS_MS = {"register_30": 300.0, "register_30_api": 300.0, "hours_list_2m": 100.0}

START_TIME = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - START_TIME:7.1f}s] {message}", flush=True)


@dataclass
class Volumes:
    cohorts: int
    other_cohorts: int  # of the second enterprise, so that scoping has rows to leave out
    enrollments: int
    import_rows: int
    audit_events: int
    big_import_rows: int
    settlement_rows: int = SETTLEMENT_ROWS
    roster: int = ROSTER

    @classmethod
    def at(cls, scale: float) -> Volumes:
        cohorts = max(BASELINE + 2, round(COHORTS * scale))
        return cls(
            cohorts=cohorts,
            other_cohorts=max(1, cohorts // 10),
            enrollments=max(ROSTER + BASELINE, round(ENROLLMENTS * scale)),
            # The roster import declares a limit of 2,000 rows (roster.ROW_LIMIT).
            import_rows=min(2_000, max(BASELINE, round(IMPORT_ROWS * scale))),
            audit_events=max(BASELINE, round(AUDIT_EVENTS * scale)),
            big_import_rows=max(100, round(BIG_IMPORT_ROWS * scale)),
            settlement_rows=max(100, round(SETTLEMENT_ROWS * scale)),
        )
