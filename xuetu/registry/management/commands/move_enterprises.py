"""`manage.py move_enterprises --from CODE --to CODE --user NAME [--uscc CODE ...]`

The city bureau moves the enterprises of an abolished district (all of them, or those named
by USCC) to one of its successors, e.g. `--from 500105 --to 500157`. Each move is audited
under the named city administrator; nothing moves if anything is refused."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from xuetu.accounts.models import District, User
from xuetu.core.identifiers import normalise_uscc
from xuetu.registry.models import Enterprise
from xuetu.registry.services import district_move_enterprises


class Command(BaseCommand):
    help = "Move the enterprises of an abolished district to one of its successors."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="source", required=True, metavar="CODE")
        parser.add_argument("--to", dest="target", required=True, metavar="CODE")
        parser.add_argument("--user", required=True, help="the city administrator who moves")
        parser.add_argument(
            "--uscc", action="append", default=None, help="only this enterprise (repeatable)"
        )

    def handle(self, *args, source: str, target: str, user: str, uscc, **options) -> None:
        by = User.objects.filter(username=user, is_active=True).first()
        if by is None:
            raise CommandError(_("There is no active user %(user)s.") % {"user": user})
        chosen = None
        if uscc:
            numbers = {normalise_uscc(n) for n in uscc}
            chosen = list(Enterprise.objects.filter(uscc__in=numbers))
            missing = numbers - {e.uscc for e in chosen}
            if missing:
                raise CommandError(
                    _("No enterprise has the USCC %(uscc)s.") % {"uscc": ", ".join(sorted(missing))}
                )
        try:
            moved = district_move_enterprises(
                by=by, source=_district(source), target=_district(target), enterprises=chosen
            )
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(" ".join(_messages(error))) from error
        self.stdout.write(
            _("%(count)d enterprises moved from %(source)s to %(target)s.")
            % {"count": len(moved), "source": source, "target": target}
        )


def _district(code: str) -> District:
    found = District.objects.filter(code=code.strip()).first()
    if found is None:
        raise CommandError(_("There is no district with the code %(code)s.") % {"code": code})
    return found


def _messages(error: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(error, PermissionDenied):
        return [str(error)]
    return [str(m) for m in error.messages]
