"""What an import finds: a `RowProblem` per bad cell on the `Row` it belongs to, and the
`ImportFileError` of a file that cannot be used at all."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise

from xuetu.core.imports.cells import CellError, shown
from xuetu.core.notices import freeze
from xuetu.core.problems import Problem, say

if TYPE_CHECKING:
    from xuetu.core.imports.sheet import Sheet

ERROR = "error"
WARNING = "warning"
REPORT_CHARS = 100  # of a cell's value in the report: enough to find it, never the whole


class ImportFileError(Exception):
    """The file as a whole cannot be used (not an xlsx, corrupt, too big, no header row,
    required columns missing): no row was looked at. `missing` names the required columns
    the file lacks, when that is why."""

    def __init__(self, message: str | Promise, *, code: str, missing: str | Promise = "") -> None:
        super().__init__(message)
        self.message, self.code, self.missing = message, code, missing

    def __str__(self) -> str:
        return str(self.message)


class FileRefused(ImportFileError):
    """The file is refused for its size or shape (it unpacks too big, reaches too far, or
    the reader ran out of the memory it may use) before any row was read: the job that
    received it fails."""


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
            "text": freeze(self.message),  # the message again, for any reader's language
            "value": self.value,
            "field": self.column,
            "code": self.code,
            "level": self.level,
        }


@dataclass(slots=True)
class Row:
    """One data row: the cells as read (by column key), the clean values, the problems."""

    number: int
    sheet: Sheet
    raw: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(problem.is_error for problem in self.problems)

    def get(self, key: str) -> Any:
        """A clean value; None when the cell was refused."""
        return self.values.get(key)

    def add(self, column: str, message: str | Promise, *, code: str, level: str = ERROR) -> None:
        value = shown(self.raw.get(column, ""))
        if len(value) > REPORT_CHARS:
            value = value[:REPORT_CHARS] + "…"
        header = self.sheet.header(column)
        self.problems.append(RowProblem(self.number, column, header, message, value, code, level))

    def add_problems(
        self, problems: Iterable[Problem], column_for: Callable[[str | None], str]
    ) -> None:
        """A service's refusal, each problem on the column its field lands in."""
        for problem in problems:
            self.add(column_for(problem.field), problem.message, code=problem.code)


def validation_problems(error: ValidationError) -> list[Problem]:
    """A model's `ValidationError` in the shared vocabulary: one `Problem` per message."""
    by_field = getattr(error, "error_dict", None) or {None: error.error_list}
    problems = []
    for name, errors in by_field.items():
        for item in errors:
            cell = CellError.from_validation(item)
            problems.append(Problem(cell.code, cell.message, name))
    return problems


def flag_duplicates(
    rows: Iterable[Row],
    column: str,
    message: str | Promise,
    *,
    identity: Callable[[Any], Hashable] = lambda value: value,
    code: str = "duplicate_in_file",
) -> None:
    """The second and later rows with the same value in `column` are refused, naming the
    first; `message` has a %(row)s placeholder."""
    first: dict[Hashable, int] = {}
    for row in rows:
        value = row.get(column)
        if value is None:
            continue
        key = identity(value)
        if key in first:
            row.add(column, say(message, row=first[key]), code=code)
        else:
            first[key] = row.number
