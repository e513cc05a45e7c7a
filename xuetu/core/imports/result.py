"""The result of importing one file: the row-by-row report, and what was stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xuetu.core.imports.rows import RowProblem
from xuetu.core.imports.sheet import Sheet
from xuetu.core.problems import say

NO_ROWS = _("The file has a header row but no rows.")
IMPORTED = _("%(count)s rows imported.")
WORKING = _("Importing")


@dataclass(frozen=True)
class Texts:
    """The words an import uses for its file as a whole; each import may say them in its own
    terms ("apprentices" rather than "rows")."""

    no_rows: str | Promise = NO_ROWS
    imported: str | Promise = IMPORTED  # with %(count)s
    working: str | Promise = WORKING


@dataclass(frozen=True)
class Stored:
    """What an import's `write` stored: the rows, their ids, and any other counts."""

    count: int
    ids: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class ImportResult:
    sheet: Sheet
    problems: list[RowProblem]
    rows: int
    dry_run: bool = False
    texts: Texts = field(default_factory=Texts)
    stored: Stored | None = None  # None on a dry run or when any row has an error

    @property
    def imported(self) -> int:
        return self.stored.count if self.stored else 0

    @property
    def errors(self) -> list[RowProblem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[RowProblem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def report(self) -> list[dict[str, Any]]:
        """The row-by-row report for a page: {row, column, message, value, …} per problem."""
        ordered = sorted(self.problems, key=lambda p: (p.row, self.sheet.position(p.column)))
        return [problem.as_dict() for problem in ordered]

    def summary(self) -> str:
        return str(self.summary_message())

    def summary_message(self) -> Promise:
        """The summary, still lazy: a job stores it as its id and parameters."""
        if not self.ok:
            rows = len({p.row for p in self.errors})
            text = _("Nothing was imported: %(count)s problems in %(rows)s rows.")
            return say(text, count=len(self.errors), rows=rows)
        if self.dry_run:
            text = _("All %(count)s rows are valid; nothing was imported (trial run).")
            return say(text, count=self.rows)
        return say(self.texts.imported, count=self.imported)

    def as_dict(self) -> dict[str, Any]:
        """The job's result: plain JSON, rendered in the active language."""
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "imported": self.imported,
            **(self.stored.counts if self.stored else {}),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "problems": self.report(),
            "error": None,
        }
