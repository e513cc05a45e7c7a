"""manage.py recompute_claim ID --check: recomputes a submitted or settled claim from the
stored evidence, its policy version and its claim date, without writing, and prints every
difference with what is stored. Exit 0 when equal, 1 on any difference, 2 on an unknown claim
(or one still a draft)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xuetu.subsidies.models import Claim
from xuetu.subsidies.services.history import RECOMPUTABLE, recompute_differences


class Command(BaseCommand):
    help = "Recompute a claim from the stored evidence and compare it with what is stored."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("claim", help="the claim's id")
        parser.add_argument(
            "--check",
            action="store_true",
            help="compare only (the default: nothing is ever written)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        raw = str(options["claim"])
        claim = None
        if raw.isdigit() and int(raw) < 2**63:
            claim = Claim.objects.select_related("cohort", "policy").filter(pk=int(raw)).first()
        if claim is None:
            self.stderr.write(f"No claim has the id {raw!r}.")
            raise SystemExit(2)
        if claim.status not in RECOMPUTABLE:
            self.stderr.write(f"Claim {claim.pk} is a draft: its lines are not final yet.")
            raise SystemExit(2)
        differences = recompute_differences(claim)
        if not differences:
            self.stdout.write(f"Claim {claim.pk}: the recomputation equals what is stored.")
            return
        rows = [("where", "field", "stored", "recomputed")]
        rows += [(d.where, d.field, d.stored, d.recomputed) for d in differences]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.stdout.write(f"Claim {claim.pk}: {len(differences)} difference(s).")
        for index, row in enumerate(rows):
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
            if index == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        raise SystemExit(1)
