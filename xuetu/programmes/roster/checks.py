"""Checking the rows of a roster: each cell, the file as a whole (duplicates), and the rows
against what is already stored (people, this class's roster, the mentors)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xuetu.core.identifiers import make_resident_id, normalise_id_number
from xuetu.core.problems import say
from xuetu.programmes.choices import MentorKind
from xuetu.programmes.models import Cohort, Enrollment, Mentor
from xuetu.programmes.roster import cells
from xuetu.programmes.roster.problems import ERROR, WARNING, RowProblem
from xuetu.programmes.roster.sheet import RosterSheet, SheetRow
from xuetu.registry.models import Person

# The template's example row: a made-up person with a valid check character. A file that
# still holds it is refused, or a fictional apprentice would be registered.
EXAMPLE_ID = make_resident_id("500105", dt.date(2001, 1, 1), 0, gender="M")

_ID_LIKE = re.compile(r"[0-9]{17}[0-9X]")


@dataclass
class RosterRow:
    number: int
    sheet: RosterSheet
    raw: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(problem.is_error for problem in self.problems)

    def add(self, column: str, message: str | Promise, *, code: str, level: str = ERROR) -> None:
        value = cells.shown(self.raw.get(column, ""))
        header = self.sheet.header(column)
        self.problems.append(RowProblem(self.number, column, header, message, value, code, level))

    def get(self, key: str) -> Any:
        """A clean value; None when the cell was refused."""
        return self.values.get(key)


PARSERS: dict[str, Callable[[Any], Any]] = {
    "name": cells.parse_name,
    "id_number": cells.parse_id_number,
    "phone": cells.parse_phone,
    "category": cells.parse_category,
    "contract_start": partial(cells.parse_date, required_cell=True),
    "contract_end": partial(cells.parse_date, required_cell=False),
    "social_insurance": cells.parse_yes_no,
    "enterprise_mentor": cells.mentor_text,
    "institution_mentor": cells.mentor_text,
}


def parse_row(sheet: RosterSheet, source: SheetRow) -> RosterRow:
    row = RosterRow(source.number, sheet, source.cells)
    for key, parse in PARSERS.items():
        try:
            row.values[key] = parse(source.cells.get(key, ""))
        except cells.CellError as error:
            row.add(key, error.message, code=error.code)
    _check_dates(row)
    if row.get("id_number") is not None and row.get("id_number").number == EXAMPLE_ID:
        message = _("This is the template's example row; delete it.")
        row.add("id_number", message, code="example_row")
    return row


def _check_dates(row: RosterRow) -> None:
    start, end = row.get("contract_start"), row.get("contract_end")
    if start is not None and end is not None and end < start:
        message = _("The labour contract ends before it starts.")
        row.add("contract_end", message, code="contract_reversed")


def check_duplicates(rows: list[RosterRow]) -> None:
    """The second and later rows with one ID number are refused, naming the first."""
    first: dict[str, int] = {}
    for row in rows:
        if row.get("id_number") is None:
            continue
        number = row.get("id_number").number
        if number in first:
            message = say(_("The same ID number is already in row %(row)s."), row=first[number])
            row.add("id_number", message, code="duplicate_in_file")
        else:
            first[number] = row.number


class MentorIndex:
    """The mentors one column may name: by ID number, or by a name only one of them has."""

    def __init__(self, mentors: list[Mentor], organisation: str) -> None:
        self.organisation = organisation
        self.by_id = {m.person.id_number: m for m in mentors}
        self.by_name: dict[str, list[Mentor]] = {}
        for mentor in mentors:
            self.by_name.setdefault(cells.squeeze(mentor.person.name), []).append(mentor)

    def find(self, text: str) -> Mentor:
        number = normalise_id_number(text)
        if len(number) == 15 and number.isdigit():
            number = cells.legacy_to_18(number)
        if _ID_LIKE.fullmatch(number):
            found = [self.by_id[number]] if number in self.by_id else []
        else:
            found = self.by_name.get(cells.squeeze(text), [])
        if not found:
            message = say(
                _("%(organisation)s has no active mentor called or numbered %(value)s."),
                organisation=self.organisation,
                value=text,
            )
            raise cells.CellError(message, code="mentor_unknown")
        if len(found) > 1:
            message = say(
                _("%(count)s mentors are called %(value)s; enter the mentor's ID number."),
                count=len(found),
                value=text,
            )
            raise cells.CellError(message, code="mentor_ambiguous")
        return found[0]


@dataclass
class RosterContext:
    """What is already stored that the rows are checked against, read in a few queries."""

    cohort: Cohort
    people: dict[str, Person]
    enrolled: frozenset[str]
    mentors: dict[str, MentorIndex]


def load_context(cohort: Cohort, rows: list[RosterRow]) -> RosterContext:
    numbers = {row.get("id_number").number for row in rows if row.get("id_number") is not None}
    people = {p.id_number: p for p in Person.objects.filter(id_number__in=numbers)}
    enrolled = Enrollment.objects.filter(cohort=cohort, person__id_number__in=numbers)
    return RosterContext(
        cohort=cohort,
        people=people,
        enrolled=frozenset(enrolled.values_list("person__id_number", flat=True)),
        mentors=_mentor_indexes(cohort),
    )


def _mentor_indexes(cohort: Cohort) -> dict[str, MentorIndex]:
    mentors = list(
        Mentor.objects.filter(
            is_active=True, organisation_id__in=[cohort.enterprise_id, cohort.institution_id]
        ).select_related("person")
    )

    def of(organisation_id: int, kind: str) -> list[Mentor]:
        return [m for m in mentors if m.organisation_id == organisation_id and m.kind == kind]

    return {
        "enterprise_mentor": MentorIndex(
            of(cohort.enterprise_id, MentorKind.ENTERPRISE), cohort.enterprise.name
        ),
        "institution_mentor": MentorIndex(
            of(cohort.institution_id, MentorKind.INSTITUTION), cohort.institution.name
        ),
    }


def check_against_stored(row: RosterRow, context: RosterContext) -> None:
    number = row.get("id_number")
    if number is not None:
        _check_person(row, number, context)
    for key, index in context.mentors.items():
        _resolve_mentor(row, key, index)


def _check_person(row: RosterRow, number: cells.IdNumber, context: RosterContext) -> None:
    if number.number in context.enrolled:
        message = _("This person is already on this class's roster.")
        row.add("id_number", message, code="already_enrolled")
    person = context.people.get(number.number)
    if number.legacy:
        _check_legacy(row, number, person)
    name = row.get("name")
    if person is not None and name and cells.squeeze(name) != cells.squeeze(person.name):
        # Either the name or the number is mistyped; enrolling would attach the row to
        # someone else, so the user must look.
        message = _(
            "This ID number is registered under another name; check the name and the number."
        )
        row.add("name", message, code="name_mismatch")


def _check_legacy(row: RosterRow, number: cells.IdNumber, person: Person | None) -> None:
    # DESIGN.md: 15-digit numbers only on import, with a warning. We accept one only when it
    # leads to someone already registered: the 18-digit number derived from it is then
    # confirmed by the registry, while for a new person it would be our guess.
    if person is None:
        message = _(
            "A 15-digit legacy ID number is accepted only for someone already registered "
            "with the 18-digit number; enter the 18-digit number."
        )
        row.add("id_number", message, code="legacy_15")
        return
    message = say(
        _("A 15-digit legacy ID number: read as the registered number %(number)s."),
        number=number.number,
    )
    row.add("id_number", message, code="legacy_15", level=WARNING)


def _resolve_mentor(row: RosterRow, key: str, index: MentorIndex) -> None:
    text = row.get(key)
    row.values[key] = None
    if not text:
        return  # mentors are optional at import; the submit check asks for them
    try:
        row.values[key] = index.find(text)
    except cells.CellError as error:
        row.add(key, error.message, code=error.code)
