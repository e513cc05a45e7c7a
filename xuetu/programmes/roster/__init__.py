"""Roster import from Excel (issue 3, item 6): the template, the all-or-nothing import with
its row-by-row report, and the report as a copy of the file with an error column.

    data = roster_template(cohort)                        # the .xlsx users fill in
    result = roster_import(by=user, cohort=cohort, data=upload)
    result.ok, result.report()                            # [{row, column, message, value, …}]
    error_workbook(upload, result)                        # the file with `错误 / Errors`

The terminal runs `manage.py import_roster`, the page `xuetu.programmes.tasks`.
"""

from xuetu.programmes.roster.checks import EXAMPLE_ID
from xuetu.programmes.roster.columns import COLUMNS, TEMPLATE_HEADERS
from xuetu.programmes.roster.importer import Progress, roster_check_can_import, roster_import
from xuetu.programmes.roster.problems import RosterFileError, RosterResult, RowProblem
from xuetu.programmes.roster.report import ERROR_HEADER, error_workbook
from xuetu.programmes.roster.template import roster_template

__all__ = [
    "COLUMNS",
    "ERROR_HEADER",
    "EXAMPLE_ID",
    "TEMPLATE_HEADERS",
    "Progress",
    "RosterFileError",
    "RosterResult",
    "RowProblem",
    "error_workbook",
    "roster_check_can_import",
    "roster_import",
    "roster_template",
]
