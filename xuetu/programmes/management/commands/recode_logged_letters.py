"""manage.py recode_logged_letters: new verification codes for the appointment letters whose
code the audit log holds; the old codes stop working. Safe to run again (it then re-codes
nothing)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from xuetu.programmes.services.mentors import recode_logged_letters


class Command(BaseCommand):
    help = "Gives new verification codes to the letters whose code the audit log holds."

    def handle(self, *args: Any, **options: Any) -> None:
        count = recode_logged_letters()
        self.stdout.write(_("%(count)d letters got new verification codes.") % {"count": count})
