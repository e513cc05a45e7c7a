"""A mentor or an apprentice named by resident ID number and name: someone registered is
found, someone new is registered, and the mentor or roster line is created in the same
transaction, so a refusal leaves nobody half-registered."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from xuetu.accounts.models import Organisation, User
from xuetu.core.identifiers import parse_resident_id
from xuetu.programmes.models import Cohort, Enrollment, Mentor
from xuetu.programmes.services.changes import enrollment_substitute
from xuetu.programmes.services.enrollments import enrollment_create
from xuetu.programmes.services.mentors import mentor_create
from xuetu.registry.models import Person
from xuetu.registry.services import person_create, person_lookup


def person_by_id_number(
    *, by: User | None, organisation: Organisation | None, id_number: str, name: str
) -> Person:
    """The person registered with this ID number, who must have this name (so nobody learns
    whose number it is), or a new person registered under `organisation`."""
    return _person(by, organisation, _known_person(by, organisation, id_number, name), name)


def _known_person(
    by: User | None, organisation: Organisation | None, id_number: str, name: str
) -> tuple[str, Person | None]:
    """The normalised number and whoever it is registered to, if the name is theirs. Asked
    before the write's transaction, so that a mismatch's audit event outlives the refusal."""
    try:
        number = parse_resident_id(id_number).number
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from error
    known = person_lookup(
        by=by, organisation=organisation, id_number=number, name=name, name_field="person_name"
    )
    return number, known


def _person(
    by: User | None, organisation: Organisation | None, found: tuple[str, Person | None], name: str
) -> Person:
    number, known = found
    return known or person_create(by=by, organisation=organisation, name=name, id_number=number)


def mentor_create_with_person(
    *,
    by: User | None,
    organisation: Organisation,
    id_number: str,
    person_name: str,
    **fields: Any,
) -> Mentor:
    """Appoints a mentor, registering the person first if they are new."""
    found = _known_person(by, organisation, id_number, person_name)
    with transaction.atomic():
        person = _person(by, organisation, found, person_name)
        return mentor_create(by=by, organisation=organisation, person=person, **fields)


def enrollment_create_with_person(
    *, by: User | None, cohort: Cohort, id_number: str, person_name: str, **fields: Any
) -> Enrollment:
    """Puts an apprentice on a class's roster, registering them first if they are new."""
    found = _known_person(by, cohort.enterprise, id_number, person_name)
    with transaction.atomic():
        person = _person(by, cohort.enterprise, found, person_name)
        return enrollment_create(by=by, cohort=cohort, person=person, **fields)


def enrollment_substitute_with_person(
    *, by: User | None, withdrawn: Enrollment, id_number: str, person_name: str, **fields: Any
) -> Enrollment:
    """A new apprentice takes a withdrawn one's place, registered first if they are new."""
    organisation = withdrawn.cohort.enterprise
    found = _known_person(by, organisation, id_number, person_name)
    with transaction.atomic():
        person = _person(by, organisation, found, person_name)
        return enrollment_substitute(by=by, withdrawn=withdrawn, person=person, **fields)
