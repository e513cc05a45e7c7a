"""Prints (or writes to docs/access.md) the table of who sees and does what."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xuetu.project.access_table import DOC, render


class Command(BaseCommand):
    help = "Print the table of who sees and does what, from the access tables."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--write", action="store_true", help=f"write it to {DOC.name}")
        parser.add_argument(
            "--check", action="store_true", help=f"fail if {DOC.name} is not up to date"
        )

    def handle(self, *args: Any, write: bool, check: bool, **options: Any) -> None:
        text = render()
        if write:
            DOC.write_text(text, encoding="utf-8")
        elif check:
            if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
                raise CommandError(f"{DOC} is out of date: run manage.py access_table --write")
        else:
            self.stdout.write(text)
