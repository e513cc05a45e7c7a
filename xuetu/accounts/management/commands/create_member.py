"""Give a user (created if new) a role in an organisation: how an operator makes the first
city administrator and the district reviewers."""

from __future__ import annotations

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from xuetu.accounts.choices import Role
from xuetu.accounts.models import Organisation, User
from xuetu.accounts.services import membership_create, user_create


class Command(BaseCommand):
    help = (
        "Give USERNAME a ROLE in the organisation named ORGANISATION (the user is created if new)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("organisation", help="the organisation's exact name")
        parser.add_argument("role", choices=[str(r) for r in Role])
        parser.add_argument("--full-name", default="")
        parser.add_argument("--password", help="for a new user; asked for when omitted")

    def handle(self, *args, username: str, organisation: str, role: str, **options) -> None:
        found = Organisation.objects.filter(name=organisation)
        if found.count() != 1:
            raise CommandError(f"{found.count()} organisations are named {organisation!r}")
        try:
            with transaction.atomic():
                user = self.user(username, options["full_name"], options["password"])
                membership_create(by=None, user=user, organisation=found.get(), role=role)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"{username} is {role} of {organisation}"))

    def user(self, username: str, full_name: str, password: str | None) -> User:
        user = User.objects.filter(username=username).first()
        if user is not None:
            return user
        password = password or getpass.getpass(f"Password for {username}: ")
        return user_create(by=None, username=username, password=password, full_name=full_name)
