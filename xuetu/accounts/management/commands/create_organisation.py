"""Create the city bureau or a district bureau (enterprises and institutions are created on
the registry pages or through the API)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from xuetu.accounts.choices import OrganisationKind
from xuetu.accounts.models import District
from xuetu.accounts.services import organisation_create

BUREAUS = [OrganisationKind.CITY_BUREAU, OrganisationKind.DISTRICT_BUREAU]


class Command(BaseCommand):
    help = "Create the city bureau or a district bureau (with --district CODE)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=[str(k) for k in BUREAUS])
        parser.add_argument("name")
        parser.add_argument("--district", help="GB/T 2260 code, for a district bureau")

    def handle(self, *args, kind: str, name: str, district: str | None, **options) -> None:
        area = None
        if district:
            area = District.objects.filter(code=district).first()
            if area is None:
                raise CommandError(f"no district with code {district}")
        try:
            organisation = organisation_create(by=None, kind=kind, name=name, district=area)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"created {organisation} (id {organisation.pk})"))
