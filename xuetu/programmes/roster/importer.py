"""The roster import: the roster's declarations for core's importer (columns, row limit,
checks, write), and who may import into which class.

Every row is checked, and the rows that are clean so far are judged by the class's
enrollment rules as a whole (`roster_plan`), so the user gets one report with every problem;
only when there is none are all rows stored, in one transaction (`roster_enroll`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.access import CHANGE
from xuetu.core.audit import audit_record
from xuetu.core.imports import ImportResult, ImportSpec, Progress, Row, Stored, Texts, run_import
from xuetu.core.imports.sheet import Upload
from xuetu.core.problems import Problem, Refused
from xuetu.core.views import scoped_object, visible_to
from xuetu.programmes import choices
from xuetu.programmes.models import Cohort
from xuetu.programmes.roster.checks import RosterContext, check_row, check_rows
from xuetu.programmes.roster.columns import COLUMNS
from xuetu.programmes.services import roster_enroll
from xuetu.registry.services import identity_mismatches_audit

# A class has tens or hundreds of apprentices; a bigger file is a mistake (a whole staff
# list), and one transaction over it would hold locks for too long.
ROW_LIMIT = 2000


@dataclass
class RosterResult(ImportResult):
    @property
    def created_people(self) -> int:
        return self.stored.counts["created_people"] if self.stored else 0

    @property
    def enrollment_ids(self) -> list[int]:
        return self.stored.ids if self.stored else []

    def as_dict(self) -> dict[str, Any]:
        return super().as_dict() | {"created_people": self.created_people}


def write_rows(rows: list[Row], context: RosterContext) -> Stored:
    """Stores the plan `check_rows` made, and the import as one event of the class."""
    assert context.plan is not None  # made by check_rows, which runs first
    stored = roster_enroll(by=context.by, plan=context.plan)
    created = len(stored.people)
    audit_record(
        by=context.by,
        action="cohort.roster_import",
        obj=context.cohort,
        after={"rows": len(rows), "created_people": created},
        organisation=context.cohort.enterprise,
    )
    ids = [enrollment.pk for enrollment in stored.enrollments]
    return Stored(count=len(ids), ids=ids, counts={"created_people": created})


ROSTER_SPEC: ImportSpec[RosterContext] = ImportSpec(
    columns=COLUMNS,
    row_limit=ROW_LIMIT,
    header_key="id_number",
    row_check=check_row,
    check=check_rows,
    write=write_rows,
    texts=Texts(
        no_rows=_("The file has a header row but no apprentices."),
        imported=_("%(count)s apprentices imported."),
        working=_("Importing the roster"),
    ),
    result_type=RosterResult,
)


def roster_check_can_import(*, by: User, cohort: Cohort) -> None:
    """Another organisation's class does not exist for `by` (404, as everywhere); one they
    can see but not manage (a reviewer, the institution) is a 403; a class whose roster is
    closed (approved and after) changes through its roster actions instead."""
    scoped_object(by, visible_to(Cohort, by), access=CHANGE, pk=cohort.pk)
    if cohort.status not in choices.EDITABLE_COHORT_STATUSES:
        message = _("The roster of an approved class changes through its roster actions.")
        raise Refused([Problem("roster_closed", message, "status")])


def roster_import(
    *,
    by: User,
    cohort: Cohort,
    data: Upload,
    dry_run: bool = False,
    progress: Progress | None = None,
    spec: ImportSpec[RosterContext] = ROSTER_SPEC,
) -> RosterResult:
    """Check and import the roster in `data` (an .xlsx). Raises ImportFileError when the file
    cannot be used at all; otherwise returns the result, whose `problems` name every bad
    cell. Nothing is stored on a dry run or when any row has an error."""
    roster_check_can_import(by=by, cohort=cohort)
    context = RosterContext(by=by, cohort=cohort)
    result = run_import(spec, data, context, dry_run=dry_run, progress=progress)
    # After the import's transaction, which a refused file rolls back: the log keeps them.
    identity_mismatches_audit(
        by=by, organisation=cohort.enterprise, count=context.mismatches, where="roster_import"
    )
    return cast(RosterResult, result)  # the spec's result_type
