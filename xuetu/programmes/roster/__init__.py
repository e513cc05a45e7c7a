"""Roster import from Excel: the roster's declarations for core's importer (`xuetu.core.imports`)
and the blank template.

    data = roster_template(cohort)                        # the .xlsx users fill in
    result = roster_import(by=user, cohort=cohort, data=upload)
    result.ok, result.report()                            # [{row, column, message, value, …}]
    error_workbook(upload, result)                        # the file with `错误 / Errors`

`columns` declares the columns and their cleaners, `checks` the row checks (one row, the
whole file, what is stored, and the class's enrollment rules through
`programmes.services.roster`), `importer` the spec and who may import. The terminal runs
`manage.py import_roster`, the page `xuetu.programmes.tasks`.
"""

from xuetu.programmes.roster.checks import EXAMPLE_ID
from xuetu.programmes.roster.columns import COLUMNS, TEMPLATE_HEADERS
from xuetu.programmes.roster.importer import (
    ROSTER_SPEC,
    ROW_LIMIT,
    RosterResult,
    roster_check_can_import,
    roster_import,
)
from xuetu.programmes.roster.template import roster_template

__all__ = [
    "COLUMNS",
    "EXAMPLE_ID",
    "ROSTER_SPEC",
    "ROW_LIMIT",
    "TEMPLATE_HEADERS",
    "RosterResult",
    "roster_check_can_import",
    "roster_import",
    "roster_template",
]
