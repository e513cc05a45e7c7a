"""Delete finished jobs and their files (exports, error reports) after a retention period:
they hold personal data and are copies of what the database keeps anyway. Schedule it daily."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from xuetu.core.jobs import jobs_purge


class Command(BaseCommand):
    help = "Delete finished jobs older than --days (default 30) and their result files."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, days: int, **options) -> None:
        count, files = jobs_purge(older_than=dt.timedelta(days=days))
        self.stdout.write(f"{count} jobs and {files} files deleted (older than {days} days).")
