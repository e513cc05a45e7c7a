"""Timings and query counts."""

from __future__ import annotations

import contextlib
import gc
import math
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from suite.config import log


@dataclass
class Timing:
    median_ms: float
    p95_ms: float
    min_ms: float
    reps: int
    queries: int


def percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class QueryCount:
    count: int = 0


@contextlib.contextmanager
def count_queries() -> Iterator[QueryCount]:
    """Django's CaptureQueriesContext, read as soon as the block ends (the captured list is a
    slice of the connection's log, which the next request clears), checked against an
    execute_wrapper tally so that a truncated log cannot go unnoticed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result, tally = QueryCount(), QueryCount()

    def wrapper(execute, sql, params, many, context):
        tally.count += 1
        return execute(sql, params, many, context)

    connection.queries_log.clear()
    with connection.execute_wrapper(wrapper), CaptureQueriesContext(connection) as captured:
        yield result
    result.count = len(captured)
    # The log also holds COMMIT and ROLLBACK, which the wrapper does not see; fewer logged
    # than executed means the log lost some.
    if result.count < tally.count:
        log(f"  WARNING: CaptureQueriesContext saw {result.count}, the tally {tally.count}")
        result.count = tally.count


def measure(run: Callable[[], Any], reps: int) -> Timing:
    """One untimed run that counts the queries (and warms caches), then `reps` timed runs."""
    with count_queries() as queries:
        run()
    gc.collect()
    times = []
    for _ in range(reps):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return Timing(
        median_ms=statistics.median(times),
        p95_ms=percentile(times, 0.95),
        min_ms=min(times),
        reps=reps,
        queries=queries.count,
    )


def get_ok(client: Any, url: str) -> Callable[[], Any]:
    def run() -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return response

    return run
