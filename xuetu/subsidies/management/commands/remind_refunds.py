"""manage.py remind_refunds [--today YYYY-MM-DD]: a reminder notice to the enterprise of each
overdue refund obligation (at most once a week per obligation), for cron or Celery beat
(`xuetu.subsidies.tasks.remind_refunds`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuetu.subsidies.services.refunds import remind_overdue


class Command(BaseCommand):
    help = "Remind the enterprises of their overdue refund obligations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="the day to count from (YYYY-MM-DD; default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("today"):
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("Give --today as YYYY-MM-DD.") from None
        sent = remind_overdue(today=today)
        self.stdout.write(f"{sent} reminder(s) sent.")
