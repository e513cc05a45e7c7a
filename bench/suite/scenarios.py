"""A scenario's figures and targets, and the bench that records them."""

from __future__ import annotations

import argparse
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from suite.config import (
    BIG_IMPORT_TARGET_S,
    FILING_PDF_TARGET_MS,
    IMPORT_TARGET_ROWS_PER_S,
    PAGE_TARGET_MS,
    SETTLEMENT_TARGET_S,
    TIME_TARGETS_MS,
    Volumes,
    log,
)
from suite.measure import Timing, measure


@dataclass
class Scenario:
    key: str
    label: str
    kind: str  # "page", "import", "pdf", "big_import"
    small_size: str = ""
    size: str = ""
    small: Timing | None = None
    full: Timing | None = None
    rows: int = 0  # for the import: rows per run
    small_rows: int = 0
    rows_per_s: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    # Targets -------------------------------------------------------------------------------
    def time_target(self) -> tuple[str, bool | None]:
        if self.full is None:
            return "", None
        if self.key == "settlement_20k":
            target = SETTLEMENT_TARGET_S * 1000
            return f"<= {SETTLEMENT_TARGET_S:.0f} s", self.full.median_ms <= target
        if self.key in TIME_TARGETS_MS:
            target = TIME_TARGETS_MS[self.key]
            return f"<= {target:.0f} ms", self.full.median_ms <= target
        if self.kind == "page":
            return f"< {PAGE_TARGET_MS:.0f} ms", self.full.median_ms < PAGE_TARGET_MS
        if self.kind == "import" and self.rows_per_s is not None:
            target = IMPORT_TARGET_ROWS_PER_S
            return f">= {target:.0f} rows/s", self.rows_per_s >= target
        if self.key == "filing_form_pdf":
            target = FILING_PDF_TARGET_MS
            return f"< {target / 1000:.0f} s", self.full.median_ms < target
        if self.kind == "big_import":
            target = BIG_IMPORT_TARGET_S * 1000
            return f"<= {BIG_IMPORT_TARGET_S:.0f} s", self.full.median_ms <= target
        return "", None

    def passes(self) -> list[bool | None]:
        """Every target's mark: the time, the queries, and any other (memory, ratio)."""
        marks = [self.time_target()[1], self.query_target()[1]]
        extra = [v for k, v in self.extra.items() if k.endswith("_pass") and k != "per_batch_pass"]
        return marks + extra

    def query_target(self) -> tuple[str, bool | None]:
        if self.small is None or self.full is None:
            return "", None
        if "per_batch_pass" in self.extra:  # a fixed set of queries per batch (settlement)
            per = self.extra["queries_per_batch"]
            return f"10 rows + {per}/batch", self.extra["per_batch_pass"]
        # The import too: it checks the whole file in a fixed number of queries.
        return "= at 10 rows", self.full.queries == self.small.queries

    def as_dict(self) -> dict[str, Any]:
        time_target, time_ok = self.time_target()
        query_target, query_ok = self.query_target()
        data = {
            "key": self.key,
            "label": self.label,
            "kind": self.kind,
            "size": self.size,
            "baseline_size": self.small_size,
            "full": asdict(self.full) if self.full else None,
            "baseline": asdict(self.small) if self.small else None,
            "time_target": time_target,
            "time_pass": time_ok,
            "query_target": query_target,
            "query_pass": query_ok,
            "error": self.error or None,
        }
        if self.kind == "import":
            data.update(rows=self.rows, rows_per_s=self.rows_per_s)
        data.update(self.extra)
        return data


class Bench:
    def __init__(self, args: argparse.Namespace, volumes: Volumes) -> None:
        self.args = args
        self.volumes = volumes
        self.scenarios: dict[str, Scenario] = {}

    def scenario(self, key: str, label: str, kind: str = "page") -> Scenario:
        if key not in self.scenarios:
            self.scenarios[key] = Scenario(key, label, kind)
        return self.scenarios[key]

    def record(
        self,
        key: str,
        label: str,
        run: Callable[[], Any],
        *,
        full: bool,
        size: str,
        kind: str = "page",
        reps: int | None = None,
    ) -> Scenario | None:
        scenario = self.scenario(key, label, kind)
        if scenario.error:
            return None
        reps = reps or (self.args.reps if full else 3)
        try:
            timing = measure(run, reps)
        except Exception as error:
            scenario.error = f"{type(error).__name__}: {error}"
            log(f"ERROR in {label}: {scenario.error}")
            traceback.print_exc()
            return None
        if full:
            scenario.full, scenario.size = timing, size
        else:
            scenario.small, scenario.small_size = timing, size
        log(
            f"  {label} [{size}]: median {timing.median_ms:.1f} ms, "
            f"p95 {timing.p95_ms:.1f} ms, {timing.queries} queries"
        )
        return scenario
