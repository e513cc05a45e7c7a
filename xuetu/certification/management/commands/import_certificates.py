"""`manage.py import_certificates FILE [--dry-run] [--report OUT.xlsx] [--as USERNAME]`

An evaluation organisation's results file, imported as the bureau (or `--as` an institution
manager). Exit status, as `import_roster`'s: 0 imported (or valid, with --dry-run); 1 rows
have errors and nothing was imported; 2 nothing was looked at (the file cannot be read, or
the user or their right to import is wrong).
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import override

from xuetu.accounts.models import User
from xuetu.certification.imports import CertificateResult, certificate_import
from xuetu.core.imports import ImportFileError, error_workbook
from xuetu.programmes.management.commands import import_roster
from xuetu.programmes.management.commands.import_roster import EXIT_ROW_ERRORS, TerminalProgress


class Command(import_roster.Command):
    """The roster command's acting user, reading, printing and exit codes; no class."""

    help = "Import certificates from an .xlsx file: every row, or none if any has an error."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="the results file (.xlsx)")
        parser.add_argument("--dry-run", action="store_true", help="check only, store nothing")
        parser.add_argument(
            "--report", type=Path, metavar="OUT.xlsx", help="write the file with an error column"
        )
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help="acting user (default: the first city admin)",
        )
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
        )

    def handle(self, *args, file: Path, language: str, **options) -> None:
        with override(language):
            by = self._acting_user(options["username"])
            data = self._read(file)
            result = self._import_file(by, data, dry_run=options["dry_run"])
            # The roster's printer reads only what every import's result has (report, summary).
            self._print(result)  # type: ignore[arg-type]
            if options["report"]:
                options["report"].write_bytes(error_workbook(data, result))
                self.stdout.write(_("Report written to %(path)s.") % {"path": options["report"]})
        if not result.ok:
            sys.exit(EXIT_ROW_ERRORS)

    def _import_file(self, by: User, data: bytes, *, dry_run: bool) -> CertificateResult:
        progress = TerminalProgress(self.stdout)
        try:
            result = certificate_import(by=by, data=data, dry_run=dry_run, progress=progress)
        except (ImportFileError, PermissionDenied) as error:
            self._fail(str(error))
        progress.finish()
        return result
