"""Loads reference data (districts, industry clusters and chains, occupations) from JSON
files; a city adopts Xuetu by pointing this at its own files. Idempotent."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from xuetu.core.services import record_put
from xuetu.registry.models import District, IndustryChain, IndustryCluster, Occupation

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "data"


class Command(BaseCommand):
    help = "Load districts, industry chains and occupations from JSON reference files."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)

    @transaction.atomic
    def handle(self, *args, dir: Path, **options) -> None:
        counts = {
            "districts": load_districts(dir / "districts.json"),
            "chains": load_industry(dir / "industry.json"),
            "occupations": load_occupations(dir / "occupations.json"),
        }
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))


def read(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def load_districts(path: Path) -> int:
    """Each row `{"code", "name", "name_en", "valid_from", "valid_to", "successors"}`: the
    dates (ISO, the first and last day in force) and successors (codes) describe a
    reorganisation, so a city loads one as data; rows are written first, successors after."""
    rows = read(path)
    for row in rows:
        values = {
            "name": row["name"],
            "name_en": row.get("name_en", ""),
            "valid_from": _date(row, "valid_from"),
            "valid_to": _date(row, "valid_to"),
        }
        record_put(by=None, model=District, key={"code": row["code"]}, values=values)
    codes = dict(District.objects.values_list("code", "pk"))
    for row in rows:
        unknown = [c for c in row.get("successors", []) if c not in codes]
        if unknown:
            raise CommandError(
                _("District %(code)s names unknown successors: %(unknown)s.")
                % {"code": row["code"], "unknown": ", ".join(unknown)}
            )
        record_put(
            by=None,
            model=District,
            key={"code": row["code"]},
            values={},
            m2m={"successors": [codes[c] for c in row.get("successors", [])]},
        )
    return len(rows)


def _date(row: dict, name: str) -> datetime.date | None:
    raw = row.get(name)
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except (TypeError, ValueError) as error:
        raise CommandError(
            _("District %(code)s: %(field)s is not a date (YYYY-MM-DD): %(value)s.")
            % {"code": row.get("code"), "field": name, "value": raw}
        ) from error


def load_industry(path: Path) -> int:
    count = 0
    for sort, cluster_row in enumerate(read(path)["clusters"]):
        cluster, _ = record_put(
            by=None,
            model=IndustryCluster,
            key={"code": cluster_row["code"]},
            values={
                "name": cluster_row["name"],
                "name_en": cluster_row.get("name_en", ""),
                "sort": cluster_row.get("sort", sort),
            },
        )
        for row in cluster_row["chains"]:
            record_put(
                by=None,
                model=IndustryChain,
                key={"code": row["code"]},
                values={"name": row["name"], "name_en": row.get("name_en", ""), "cluster": cluster},
            )
            count += 1
    return count


def load_occupations(path: Path) -> int:
    rows = read(path)
    chains = dict(IndustryChain.objects.values_list("code", "pk"))
    for row in rows:
        record_put(
            by=None,
            model=Occupation,
            key={"code": row["code"]},
            values={
                "name": row["name"],
                "name_en": row.get("name_en", ""),
                "levels": row.get("levels", "54321"),
            },
            m2m={"chains": [chains[c] for c in row.get("chains", []) if c in chains]},
        )
    return len(rows)
