"""The table of who sees and does what, generated from the apps' access tables
(core.access): one section per role, one row per model, one column per action. It is
written to docs/access.md (`manage.py access_table --write`), and a test holds that file
to the tables, so the documentation cannot drift from what the code enforces."""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.utils import translation

from xuetu.accounts.choices import Role
from xuetu.core.access import ANYONE, CHANGE, VIEW, access_tables

DOC = Path(__file__).resolve().parents[2] / "docs" / "access.md"
INTRO = """# Who sees and does what

Generated from the access tables (`xuetu/*/access.py`, read by `core.access`) by
`manage.py access_table --write`; a test fails when this file and the tables disagree.
Each cell lists the rows a role reaches for that action; an empty cell is none. The city
administrator reaches every row for every action. "Anyone signed in" rows follow a relation
to the user (their own records) and apply whatever their role. Every route, page and API,
asks one of these actions (`xuetu/tests/test_access_matrix.py` holds each route to it).
Shared reference data (districts, clusters, chains, occupations, institutions) is read by
every signed-in user.
"""


def _model_name(label: str) -> str:
    model = apps.get_model(label)
    return str(model._meta.verbose_name_plural).capitalize()


def render() -> str:
    tables = access_tables()
    actions = [VIEW, CHANGE]
    for table in tables.values():
        actions += [a for a in table.actions() if a not in actions]
    lines = [INTRO]
    with translation.override("en"):
        roles = [(role.value, str(role.label)) for role in Role if role != Role.CITY_ADMIN]
        for role, role_label in [*roles, (ANYONE, "Anyone signed in")]:
            lines += [f"\n## {role_label}\n", "| Rows | " + " | ".join(actions) + " |"]
            lines.append("|---" * (len(actions) + 1) + "|")
            for label, table in tables.items():
                cells = ["; ".join(r.label for r in table.reaches(a, role)) for a in actions]
                if any(cells):
                    lines.append(f"| {_model_name(label)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
