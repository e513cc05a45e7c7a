"""Tidy the jobs: fail the ones that stopped without ending (their process died: a crash, a
restart), delete the uploads no unfinished job names, and delete finished jobs and their files
(exports, error reports) after a retention period: they hold personal data and are copies of
what the database keeps anyway. Schedule it hourly or daily."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from xuetu.core.jobs import jobs_fail_stuck, jobs_purge
from xuetu.core.uploads import uploads_purge_orphans


class Command(BaseCommand):
    help = (
        "Fail jobs with no progress for --stuck-hours (default 2), delete uploads no "
        "unfinished job names (as old), and delete finished jobs older than --days "
        "(default 30) with their result files."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--stuck-hours", type=float, default=2.0)

    def handle(self, *args, days: int, stuck_hours: float, **options) -> None:
        stuck_age = dt.timedelta(hours=stuck_hours)
        stuck = jobs_fail_stuck(older_than=stuck_age)
        orphans = uploads_purge_orphans(older_than=stuck_age)
        count, files = jobs_purge(older_than=dt.timedelta(days=days))
        self.stdout.write(
            f"{stuck} stuck jobs failed (no progress for {stuck_hours:g} hours), "
            f"{orphans} orphaned uploads deleted, "
            f"{count} jobs and {files} files deleted (older than {days} days)."
        )
