"""The roster's checks: one row on its own, the file as a whole (duplicates), the rows
against what is stored (people, this class's roster, the mentors), and the enrollment rules
of the class, judged for every row at once by `roster_plan`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.identifiers import make_resident_id, normalise_id_number
from xuetu.core.imports import WARNING, CellError, Row, cells, flag_duplicates
from xuetu.core.problems import say
from xuetu.programmes import selectors
from xuetu.programmes.choices import MentorKind
from xuetu.programmes.models import Cohort, Mentor
from xuetu.programmes.roster.columns import COLUMNS
from xuetu.programmes.services import Applicant, RosterFacts, RosterPlan, roster_facts, roster_plan
from xuetu.registry.models import Person
from xuetu.registry.services import (
    NAME_MISMATCH,
    TOO_MANY_MISMATCHES,
    identity_locked,
    identity_spend,
)

# The template's example row: a made-up person with a valid check character. A file that
# still holds it is refused, or a fictional apprentice would be registered.
EXAMPLE_ID = make_resident_id("500105", dt.date(2001, 1, 1), 0, gender="M")

_ID_LIKE = re.compile(r"[0-9]{17}[0-9X]")
MENTOR_COLUMNS = ("enterprise_mentor", "institution_mentor")


def check_row(row: Row) -> None:
    """What one row's clean values say on their own."""
    start, end = row.get("contract_start"), row.get("contract_end")
    if start is not None and end is not None and end < start:
        message = _("The labour contract ends before it starts.")
        row.add("contract_end", message, code="contract_reversed")
    number = row.get("id_number")
    if number is not None and number.number == EXAMPLE_ID:
        message = _("This is the template's example row; delete it.")
        row.add("id_number", message, code="example_row")


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
            raise CellError(message, code="mentor_unknown")
        if len(found) > 1:
            message = say(
                _("%(count)s mentors are called %(value)s; enter the mentor's ID number."),
                count=len(found),
                value=text,
            )
            raise CellError(message, code="mentor_ambiguous")
        return found[0]


@dataclass
class RosterContext:
    """The import's actor and class, what is stored that the rows are checked against (read
    in a fixed number of queries), and the plan the rows are stored by."""

    by: User
    cohort: Cohort
    facts: RosterFacts | None = None
    mentors: dict[str, MentorIndex] = field(default_factory=dict)
    plan: RosterPlan | None = None
    # Names that did not match a registered ID number, counted against the user's hourly
    # limit (registry.services.identity_spend); past it, no row is looked up.
    mismatches: int = 0
    identity_locked: bool = False


def check_rows(rows: list[Row], context: RosterContext) -> None:
    """Duplicates, the rows against what is stored, then the class's rules for the rows that
    are clean so far (as the per-row services would judge them, one after the other)."""
    flag_duplicates(
        rows,
        "id_number",
        _("The same ID number is already in row %(row)s."),
        identity=lambda number: number.number,
    )
    load_stored(context, rows)
    for row in rows:
        check_against_stored(row, context)
    clean = [row for row in rows if row.ok]
    context.plan = roster_plan(
        by=context.by,
        cohort=context.cohort,
        applicants=[applicant(row) for row in clean],
        facts=context.facts,
    )
    for row, problems in zip(clean, context.plan.problems, strict=True):
        row.add_problems(problems, column_for)


def load_stored(context: RosterContext, rows: list[Row]) -> None:
    cohort = context.cohort
    numbers = [row.get("id_number").number for row in rows if row.get("id_number") is not None]
    context.facts = roster_facts(by=context.by, cohort=cohort, id_numbers=numbers)
    context.identity_locked = identity_locked(context.by)
    mentors = selectors.active_mentors([cohort.enterprise_id, cohort.institution_id])

    def index(organisation_id: int, kind: str, name: str) -> MentorIndex:
        found = [m for m in mentors if m.organisation_id == organisation_id and m.kind == kind]
        return MentorIndex(found, name)

    context.mentors = {
        "enterprise_mentor": index(
            cohort.enterprise_id, MentorKind.ENTERPRISE, cohort.enterprise.name
        ),
        "institution_mentor": index(
            cohort.institution_id, MentorKind.INSTITUTION, cohort.institution.name
        ),
    }


def check_against_stored(row: Row, context: RosterContext) -> None:
    number = row.get("id_number")
    if number is not None:
        _check_person(row, number, context)
    for key, index in context.mentors.items():
        _resolve_mentor(row, key, index)


def _check_person(row: Row, number: cells.IdNumber, context: RosterContext) -> None:
    assert context.facts is not None  # read by check_rows before any row is checked
    if context.identity_locked:
        row.add("id_number", TOO_MANY_MISMATCHES, code="too_many_mismatches")
        return
    if number.number in context.facts.enrolled:
        message = _("This person is already on this class's roster.")
        row.add("id_number", message, code="already_enrolled")
    person = context.facts.people.get(number.number)
    if number.legacy:
        _check_legacy(row, number, person)
    name = row.get("name")
    if person is not None and name and cells.squeeze(name) != cells.squeeze(person.name):
        # Either the name or the number is mistyped; enrolling would attach the row to
        # someone else, so the user must look.
        if identity_spend(context.by):
            context.mismatches += 1
            row.add("name", NAME_MISMATCH, code="name_mismatch")
        else:
            context.identity_locked = True
            row.add("id_number", TOO_MANY_MISMATCHES, code="too_many_mismatches")


def _check_legacy(row: Row, number: cells.IdNumber, person: Person | None) -> None:
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


def _resolve_mentor(row: Row, key: str, index: MentorIndex) -> None:
    text = row.get(key)
    row.values[key] = None
    if not text:
        return  # mentors are optional at import; the submit check asks for them
    try:
        row.values[key] = index.find(text)
    except CellError as error:
        row.add(key, error.message, code=error.code)


def applicant(row: Row) -> Applicant:
    return Applicant(
        id_number=row.get("id_number").number,
        name=row.get("name"),
        category=row.get("category"),
        contract_start=row.get("contract_start"),
        contract_end=row.get("contract_end"),
        social_insurance=row.get("social_insurance"),
        phone=row.get("phone") or "",
        enterprise_mentor=row.get("enterprise_mentor"),
        institution_mentor=row.get("institution_mentor"),
        resident=row.get("id_number").resident,
    )


# Where the services' field names land in the file; anything about the person as a whole
# (age, another class, a subsidy already paid) is shown on the ID number.
_SERVICE_COLUMNS = {
    "person": "id_number",
    "birth_date": "id_number",
    "mentor": "enterprise_mentor",
    "certificate_level": "enterprise_mentor",
}


def column_for(field_name: str | None) -> str:
    name = (field_name or "").rsplit(".", 1)[-1]
    return name if name in COLUMNS else _SERVICE_COLUMNS.get(name, "id_number")
