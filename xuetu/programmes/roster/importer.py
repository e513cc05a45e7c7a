"""The import: every row checked, then all rows stored in one transaction, or none.

Rows with errors are not written, but the clean rows still go through `enrollment_create` (in
savepoints) so the eligibility rules report on them too: the user gets one report with every
problem, and the transaction is rolled back whenever there is any.
"""

from __future__ import annotations

from typing import Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.access import can_manage
from xuetu.core.audit import audit_record
from xuetu.core.problems import Problem, Refused
from xuetu.programmes import choices
from xuetu.programmes.models import Cohort
from xuetu.programmes.roster.cells import CellError
from xuetu.programmes.roster.checks import (
    RosterContext,
    RosterRow,
    check_against_stored,
    check_duplicates,
    load_context,
    parse_row,
)
from xuetu.programmes.roster.columns import BY_KEY
from xuetu.programmes.roster.problems import RosterResult
from xuetu.programmes.roster.sheet import read_roster
from xuetu.programmes.services import enrollment_create
from xuetu.registry.models import Person
from xuetu.registry.services import person_create


class Progress(Protocol):
    """`xuetu.core.jobs.JobProgress` or a terminal bar."""

    def start(self, total: int, message: str = "") -> None: ...

    def advance(self, count: int = 1) -> None: ...


class _NoProgress:
    def start(self, total: int, message: str = "") -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass


def roster_check_can_import(*, by: User, cohort: Cohort) -> None:
    """Another organisation's class does not exist for `by` (404, as everywhere); one they
    can see but not manage (a reviewer, the institution) is a 403; a class whose roster is
    closed (approved and after) changes through its roster actions instead."""
    if not Cohort.objects.for_user(by).filter(pk=cohort.pk).exists():
        raise Http404
    if not can_manage(by, cohort):
        raise PermissionDenied(_("Only a manager of the class's enterprise can import a roster."))
    if cohort.status not in choices.EDITABLE_COHORT_STATUSES:
        message = _("The roster of an approved class changes through its roster actions.")
        raise Refused([Problem("roster_closed", message, "status")])


def roster_import(
    *,
    by: User,
    cohort: Cohort,
    data: bytes,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> RosterResult:
    """Check and import the roster in `data` (an .xlsx). Raises RosterFileError when the file
    cannot be used at all; otherwise returns the result, whose `problems` name every bad cell.
    Nothing is stored on a dry run or when any row has an error."""
    roster_check_can_import(by=by, cohort=cohort)
    sheet = read_roster(data)
    rows = [parse_row(sheet, source) for source in sheet.rows]
    context = check_rows(cohort, rows)
    progress = progress or _NoProgress()
    progress.start(len(rows), str(_("Importing the roster")))
    result = RosterResult(sheet=sheet, problems=[], rows=len(rows), dry_run=dry_run)
    with transaction.atomic():
        for row in rows:
            if row.ok:
                _write_row(row, by=by, context=context, result=result)
            progress.advance()
        result.problems = [problem for row in rows for problem in row.problems]
        _commit_or_roll_back(by=by, cohort=cohort, result=result)
    return result


def check_rows(cohort: Cohort, rows: list[RosterRow]) -> RosterContext:
    """The checks that need the whole file and what is stored, in a fixed number of queries."""
    check_duplicates(rows)
    context = load_context(cohort, rows)
    for row in rows:
        check_against_stored(row, context)
    return context


def _write_row(row: RosterRow, *, by: User, context: RosterContext, result: RosterResult) -> None:
    # A savepoint per row: a refused row leaves the transaction usable (PostgreSQL aborts a
    # transaction after an error otherwise) so the rows after it are still checked.
    try:
        with transaction.atomic():
            person, created = _person_for(row, by=by, context=context)
            enrollment = enrollment_create(
                by=by,
                cohort=context.cohort,
                person=person,
                category=row.get("category"),
                contract_start=row.get("contract_start"),
                contract_end=row.get("contract_end"),
                social_insurance=row.get("social_insurance"),
                enterprise_mentor=row.get("enterprise_mentor"),
                institution_mentor=row.get("institution_mentor"),
            )
    except Refused as refused:
        for problem in refused.problems:
            row.add(_column_for(problem.field), problem.message, code=problem.code)
        return
    except ValidationError as error:
        _add_validation_error(row, error)
        return
    result.imported += 1
    result.created_people += created
    result.enrollment_ids.append(enrollment.pk)


def _person_for(row: RosterRow, *, by: User, context: RosterContext) -> tuple[Person, bool]:
    number = row.get("id_number").number
    person = context.people.get(number)
    if person is not None:
        # Someone already registered is enrolled as registered: an import does not quietly
        # change the registry (their phone is edited on their own page).
        return person, False
    person = person_create(
        by=by,
        organisation=context.cohort.enterprise,
        name=row.get("name"),
        id_number=number,
        phone=row.get("phone") or "",
    )
    return person, True


# Where the services' field names land in the file; anything about the person as a whole
# (age, another class, a subsidy already paid) is shown on the ID number.
_SERVICE_COLUMNS = {
    "person": "id_number",
    "birth_date": "id_number",
    "mentor": "enterprise_mentor",
    "certificate_level": "enterprise_mentor",
}


def _column_for(field: str | None) -> str:
    name = (field or "").rsplit(".", 1)[-1]
    return name if name in BY_KEY else _SERVICE_COLUMNS.get(name, "id_number")


def _add_validation_error(row: RosterRow, error: ValidationError) -> None:
    by_field = getattr(error, "error_dict", None) or {None: error.error_list}
    for field, errors in by_field.items():
        for item in errors:
            cell = CellError.from_validation(item)
            row.add(_column_for(field), cell.message, code=cell.code)


def _commit_or_roll_back(*, by: User, cohort: Cohort, result: RosterResult) -> None:
    if result.ok and not result.dry_run:
        audit_record(
            by=by,
            action="cohort.roster_import",
            obj=cohort,
            after={"rows": result.rows, "created_people": result.created_people},
            organisation=cohort.enterprise,
        )
        return
    transaction.set_rollback(True)
    result.imported, result.created_people, result.enrollment_ids = 0, 0, []
