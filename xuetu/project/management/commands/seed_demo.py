"""The Chongqing demo data set: every app's `demo.seed()`, lowest layer first, in one
transaction; then the demo logins. Idempotent: running it again changes nothing that is
already there."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from xuetu.layers import LAYERS
from xuetu.registry.demo import logins


def demo_modules() -> list[ModuleType]:
    """The installed apps' demo modules, in layer order from the bottom (core) up."""
    installed = {config.label: config.name for config in apps.get_app_configs()}
    found = []
    for row in reversed(LAYERS):
        for label in row:
            name = installed.get(label)
            if name and find_spec(f"{name}.demo") is not None:
                found.append(import_module(f"{name}.demo"))
    return found


class Command(BaseCommand):
    help = "Create (or complete) the Chongqing demo data set and the demo users."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        for module in demo_modules():
            module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS(logins()))
