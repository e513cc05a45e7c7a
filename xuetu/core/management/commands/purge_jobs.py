"""Delete finished jobs and their files (exports, error reports) after a retention period:
they hold personal data and are copies of what the database keeps anyway. Schedule it daily."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from xuetu.core.models import Job, JobState


class Command(BaseCommand):
    help = "Delete finished jobs older than --days (default 30) and their result files."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, days: int, **options) -> None:
        cutoff = timezone.now() - dt.timedelta(days=days)
        old = Job.objects.filter(updated_at__lt=cutoff, state__in=[JobState.DONE, JobState.FAILED])
        files = 0
        for job in old.iterator():
            if job.result_file:
                job.result_file.delete(save=False)
                files += 1
        count, _ = old.delete()
        self.stdout.write(f"{count} jobs and {files} files deleted (older than {days} days).")
