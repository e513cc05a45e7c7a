"""`manage.py import_roster FILE --cohort CODE [--dry-run] [--report OUT.xlsx] [--user NAME]`

Exit status: 0 imported (or valid, with --dry-run); 1 rows have errors and nothing was
imported; 2 nothing was looked at (the file cannot be read, or the class, the user or the
permission is wrong: the same code argparse gives a bad command line).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, OutputWrapper
from django.utils.translation import gettext as _
from django.utils.translation import override

from xuetu.accounts.choices import Role
from xuetu.accounts.models import User
from xuetu.core.imports import ImportFileError, error_workbook
from xuetu.core.jobs import terminal_bar
from xuetu.core.problems import Refused
from xuetu.programmes.models import Cohort
from xuetu.programmes.roster import RosterResult, roster_import

EXIT_ROW_ERRORS = 1
EXIT_NOT_READ = 2


class TerminalProgress:
    """The job page's progress bar, drawn in the terminal."""

    def __init__(self, stream: OutputWrapper) -> None:
        self.stream, self.done, self.total = stream, 0, 0

    def start(self, total: int, message: str = "") -> None:
        self.total, self.done = total, 0
        self._draw()

    def advance(self, count: int = 1) -> None:
        self.done = min(self.done + count, self.total)
        self._draw()

    def finish(self) -> None:
        self.stream.write("\n")

    def _draw(self) -> None:
        self.stream.write("\r" + terminal_bar(self.done, self.total), ending="")
        self.stream.flush()


class Command(BaseCommand):
    help = "Import a class roster from an .xlsx file: every row, or none if any has an error."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="the roster (.xlsx)")
        parser.add_argument("--cohort", required=True, metavar="CODE", help="the class code")
        parser.add_argument("--dry-run", action="store_true", help="check only, store nothing")
        parser.add_argument(
            "--report", type=Path, metavar="OUT.xlsx", help="write the file with an error column"
        )
        parser.add_argument(
            "--user", metavar="USERNAME", help="acting user (default: the first city admin)"
        )
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
        )

    def handle(self, *args, file: Path, cohort: str, language: str, **options) -> None:
        with override(language):
            by = self._acting_user(options["user"])
            target = self._cohort(by, cohort)
            data = self._read(file)
            result = self._import(by, target, data, dry_run=options["dry_run"])
            self._print(result)
            if options["report"]:
                options["report"].write_bytes(error_workbook(data, result))
                self.stdout.write(_("Report written to %(path)s.") % {"path": options["report"]})
        if not result.ok:
            sys.exit(EXIT_ROW_ERRORS)

    def _fail(self, message: str, code: int = EXIT_NOT_READ) -> NoReturn:
        self.stderr.write(message)
        sys.exit(code)

    def _acting_user(self, username: str | None) -> User:
        users = User.objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
        else:
            admins = users.filter(memberships__role=Role.CITY_ADMIN).order_by("pk")
            user = admins.first()
        if user is None:
            self._fail(_("No such user: %(user)s.") % {"user": username or Role.CITY_ADMIN})
        return user

    def _cohort(self, by: User, code: str) -> Cohort:
        cohort = Cohort.objects.for_user(by).filter(code=code).first()
        if cohort is None:
            self._fail(_("No class with code %(code)s.") % {"code": code})
        return cohort

    def _read(self, file: Path) -> bytes:
        try:
            return file.read_bytes()
        except OSError as error:
            self._fail(_("Cannot read %(path)s: %(error)s") % {"path": file, "error": error})

    def _import(self, by: User, cohort: Cohort, data: bytes, *, dry_run: bool) -> RosterResult:
        progress = TerminalProgress(self.stdout)
        try:
            result = roster_import(
                by=by, cohort=cohort, data=data, dry_run=dry_run, progress=progress
            )
        except ImportFileError as error:
            self._fail(str(error))
        except (PermissionDenied, Refused) as error:
            self._fail(_refusal(error))
        progress.finish()
        return result

    def _print(self, result: RosterResult) -> None:
        for problem in result.report():
            line = _("Row %(row)s, %(column)s: %(message)s (%(value)s)") % problem
            if problem["level"] == "error":
                self.stderr.write(line)
            else:
                self.stdout.write(self.style.WARNING(_("Warning: %(text)s") % {"text": line}))
        style = self.style.SUCCESS if result.ok else self.style.ERROR
        self.stdout.write(style(result.summary()))


def _refusal(error: Exception) -> str:
    problems = getattr(error, "problems", None)
    if problems:
        return "; ".join(str(problem.message) for problem in problems)
    return str(error) or _("You may not import into this class.")
