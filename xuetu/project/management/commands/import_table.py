"""Prints who imports whom: import statements between apps, the upward or sideways ones
marked, and every import, template or URL name that breaks the layers (xuetu/layers.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xuetu.layers import all_violations, report


class Command(BaseCommand):
    help = "Print the table of imports between apps and any that break the layers."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--check", action="store_true", help="exit with an error if any import breaks them"
        )

    def handle(self, *args: Any, check: bool, **options: Any) -> None:
        self.stdout.write(report())
        if check and all_violations():
            raise CommandError("imports break the layers (see above)")
