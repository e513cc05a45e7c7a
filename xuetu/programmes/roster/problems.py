"""What the import found: one `RowProblem` per bad cell, and the result of a whole file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xuetu.core.problems import say

if TYPE_CHECKING:
    from xuetu.programmes.roster.sheet import RosterSheet

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class RowProblem:
    """One problem in one cell. `row` is the Excel row number the user sees (header = 1 in
    the template); `header` is the column's header as written in the file."""

    row: int
    column: str  # the column's key, e.g. "id_number"
    header: str
    message: str | Promise  # lazy: rendered in the language active when shown
    value: str = ""
    code: str = ""
    level: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.header,
            "message": str(self.message),
            "value": self.value,
            "field": self.column,
            "code": self.code,
            "level": self.level,
        }


class RosterFileError(Exception):
    """The file as a whole cannot be used (not an xlsx, corrupt, no header row, required
    columns missing): no row was looked at."""

    def __init__(self, message: str | Promise, *, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code

    def __str__(self) -> str:
        return str(self.message)


@dataclass
class RosterResult:
    sheet: RosterSheet
    problems: list[RowProblem]
    rows: int
    dry_run: bool = False
    imported: int = 0  # enrollments stored (0 on a dry run or when any row has an error)
    created_people: int = 0
    enrollment_ids: list[int] = field(default_factory=list)

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
        if not self.ok:
            rows = len({p.row for p in self.errors})
            text = _("Nothing was imported: %(count)s problems in %(rows)s rows.")
            return str(say(text, count=len(self.errors), rows=rows))
        if self.dry_run:
            text = _("All %(count)s rows are valid; nothing was imported (trial run).")
            return str(say(text, count=self.rows))
        return str(say(_("%(count)s apprentices imported."), count=self.imported))

    def as_dict(self) -> dict[str, Any]:
        """The job's result: plain JSON, rendered in the active language."""
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "imported": self.imported,
            "created_people": self.created_people,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "problems": self.report(),
            "error": None,
        }
