"""The parser's child process: `parse.py` run by the same Python, isolated (`-I -S`: no
Django, no project import, a few milliseconds to start), under a memory and a CPU limit it
sets itself before it reads a byte. Jobs run inside the web process when there is no Celery
broker, so a limit set in this process would cap the server; a child that exceeds its limit
dies alone (the reader aborts, or the kernel stops it) and the parent refuses the file.

The limits are settings: `IMPORT_CHILD_MEMORY_MB` (default 512; the widest table an import
takes, 2,000 rows of 100 columns, reads within 128) and `IMPORT_CHILD_SECONDS` (CPU seconds,
default 120).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from xuetu.core.imports import parse

logger = logging.getLogger(__name__)

PARSER = Path(parse.__file__)
MEMORY_MB = 512
CPU_SECONDS = 120


@dataclass(frozen=True)
class Outcome:
    """How the child ended: its exit status and its answer (None when it died)."""

    status: int
    answer: dict[str, Any] | None

    @property
    def refused(self) -> str:
        return str(self.answer.get("refused", "")) if self.answer else ""


def run_parser(data: bytes, **limits: Any) -> Outcome:
    """`parse.parse(data, **limits)` in the child."""
    seconds = int(getattr(settings, "IMPORT_CHILD_SECONDS", CPU_SECONDS))
    memory = int(getattr(settings, "IMPORT_CHILD_MEMORY_MB", MEMORY_MB)) * 1024 * 1024
    header = {**limits, "memory": memory, "cpu_seconds": seconds}
    header["markers"] = sorted(header["markers"])
    command = [sys.executable, "-I", "-S", str(PARSER), _site_packages()]
    stdin = json.dumps(header).encode() + b"\n" + data
    try:
        # The wall clock only stops a child that waits on nothing: the CPU limit comes first.
        done = subprocess.run(
            command, input=stdin, capture_output=True, timeout=seconds * 3, env=_environment()
        )
    except subprocess.TimeoutExpired:
        logger.warning("the import's parser ran out of time")
        return Outcome(-9, None)
    if done.returncode not in (0, parse.EXIT_REFUSED):
        logger.warning("the import's parser stopped (%s): %s", done.returncode, done.stderr[:300])
        return Outcome(done.returncode, None)
    return Outcome(done.returncode, json.loads(done.stdout, object_hook=parse.decode))


def _environment() -> dict[str, str]:
    """Next to nothing: the child reads a stranger's file and needs no secret (no database
    address, no key). The library path only for a Python built to need one."""
    kept = {"RUST_BACKTRACE": "0", "LC_ALL": "C.UTF-8"}
    if "LD_LIBRARY_PATH" in os.environ:
        kept["LD_LIBRARY_PATH"] = os.environ["LD_LIBRARY_PATH"]
    return kept


@cache
def _site_packages() -> str:
    """Where python-calamine is installed: the one path the isolated child adds."""
    import python_calamine

    return str(Path(python_calamine.__file__).resolve().parent.parent)
