"""The table printed at the end, the machine it ran on, and bench/results.json."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
from pathlib import Path
from typing import Any

from suite.scenarios import Scenario


def mark(ok: bool | None) -> str:
    return "" if ok is None else ("PASS" if ok else "FAIL")


HEADER = ("Scenario", "Size", "Median", "p95", "Target", "", "Queries 10 → N", "")


def table(scenarios: list[Scenario]) -> str:
    lines = [line for s in scenarios if (line := table_line(s)) is not None]
    return aligned([HEADER, *lines], right=(2, 3), rule_after_first=True)


def table_line(s: Scenario) -> tuple[str, ...] | None:
    if s.error:
        return (s.label, s.size or s.small_size, "ERROR", "", s.error[:60], "", "", "")
    if s.full is None:
        return None
    target, ok = s.time_target()
    if s.kind == "import" and s.rows_per_s is not None:
        target = f"{target} (got {s.rows_per_s:,.0f})"
    _query_target, query_ok = s.query_target()
    queries = f"{s.small.queries} → {s.full.queries}" if s.small else f"— → {s.full.queries}"
    median, p95 = fmt_ms(s.full.median_ms), fmt_ms(s.full.p95_ms)
    return (s.label, s.size, median, p95, target, mark(ok), queries, mark(query_ok))


def aligned(
    rows: list[tuple[str, ...]], *, right: tuple[int, ...] = (), rule_after_first: bool = False
) -> str:
    """Columns padded to their widest cell (a Chinese character is two wide)."""
    widths = [max(display_width(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        cells = [pad(str(cell), widths[i], right=i in right) for i, cell in enumerate(row)]
        out.append("  ".join(cells).rstrip())
        if n == 0 and rule_after_first:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def fmt_ms(ms: float) -> str:
    return f"{ms / 1000:.2f} s" if ms >= 10_000 else f"{ms:.1f} ms"


def display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    space = " " * (width - display_width(text))
    return space + text if right else text + space


def machine_info(vendor: str) -> dict[str, Any]:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        db_version = cursor.fetchone()[0]
    cpu_model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "django": django.get_version(),
        "db_vendor": vendor,
        "db_version": db_version,
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model,
        "platform": platform.platform(),
        "hostname": platform.node(),
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def write_results(path: Path, vendor: str, run: dict[str, Any]) -> None:
    """One entry per database vendor, so a SQLite run and a PostgreSQL run sit side by side."""
    existing: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        existing = json.loads(path.read_text())
    runs = existing.get("runs", {}) if isinstance(existing, dict) else {}
    runs[vendor] = run
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"runs": runs}, ensure_ascii=False, indent=2) + "\n")


def big_import_table(scenario: Scenario | None) -> str:
    """roster_import_20k's three figures, each with its target."""
    if scenario is None:
        return ""
    title = f"\nroster_import_20k — {scenario.size or 'not run'}, validated and stored"
    if scenario.error or scenario.full is None:
        return f"{title}: ERROR {scenario.error}"
    body = aligned(big_import_lines(scenario))
    method = f"  (memory: {scenario.extra['memory_method']}; each figure from its own child)"
    return "\n".join([title, *("  " + line for line in body.split("\n")), method])


def big_import_lines(scenario: Scenario) -> list[tuple[str, ...]]:
    extra, full = scenario.extra, scenario.full
    time_target, time_ok = scenario.time_target()
    growth = extra["peak_rss_mb"] - extra["rss_before_mb"]
    before = extra["rss_before_mb"]
    return [
        (
            "time",
            f"{full.median_ms / 1000:.2f} s",
            time_target,
            mark(time_ok),
            f"{full.queries} queries",
        ),
        (
            "peak memory",
            f"{extra['peak_rss_mb']:.0f} MB",
            extra["memory_target"],
            mark(extra["memory_pass"]),
            f"+{growth:.0f} MB over the child's {before:.0f} MB before it",
        ),
        ("floor", f"{extra['floor_ms'] / 1000:.2f} s", "", "", FLOOR),
        ("CPU", cpu_figure(extra, "cpu_s", "server_cpu_s"), "", "", CPU),
        ("floor CPU", cpu_figure(extra, "floor_cpu_s", "floor_server_cpu_s"), "", "", ""),
        (
            "ratio",
            f"{extra['ratio']:.2f}x",
            extra["ratio_target"],
            mark(extra["ratio_pass"]),
            "import / floor, both in this run",
        ),
    ]


CPU = "the child's own CPU time (+ its PostgreSQL server process's, when local)"


def cpu_figure(extra: dict, own: str, server: str) -> str:
    if extra.get(own) is None:
        return "-"
    text = f"{extra[own]:.2f} s"
    return text if extra.get(server) is None else f"{text} + {extra[server]:.2f} s"


FLOOR = "python-calamine read + bulk_create of the same people and enrollments"
