"""Writes to the registries. Views, API, imports and commands all call these."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.choices import OrganisationKind
from xuetu.accounts.models import Organisation
from xuetu.core.access import scope_for
from xuetu.core.identifiers import ResidentId, check_uscc, parse_resident_id, validate_mobile
from xuetu.core.imports.bulk import create_audited
from xuetu.core.imports.objects import FieldChecks, Maker
from xuetu.core.services import record_create, record_update
from xuetu.registry.models import Enterprise, Institution, Person

R = TypeVar("R", bound=models.Model)

PERSON_FIELDS = ("name", "phone", "education", "is_full_time_student", "is_pensioner")


def person_create(
    *, by, organisation: Organisation | None, name: str, id_number: str, **fields: Any
) -> Person:
    person = Person(name=name.strip(), registered_by=organisation)
    _apply_person_fields(person, {"id_number": id_number, **fields})
    return record_create(by=by, instance=person, organisation=organisation)


def person_update(*, by, person: Person, **fields: Any) -> Person:
    _apply_person_fields(person, fields)
    return record_update(by=by, instance=person, organisation=person.registered_by)


def _apply_person_fields(person: Person, fields: dict[str, Any]) -> None:
    if "id_number" in fields:
        try:
            resident = parse_resident_id(fields.pop("id_number"))
        except ValidationError as error:
            raise ValidationError({"id_number": error.messages}) from error
        person.id_number = resident.number
        person.gender = resident.gender
        person.birth_date = resident.birth_date
    if fields.get("phone"):
        try:
            fields["phone"] = validate_mobile(fields["phone"])
        except ValidationError as error:
            raise ValidationError({"phone": error.messages}) from error
    for name in PERSON_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(person, name, value.strip() if isinstance(value, str) else value)


def _checked_uscc(*, by, raw: str, accept_reason: str, current=None) -> tuple[str, str]:
    """The normalised code and the accepted reason; a failing check character needs a city
    administrator's reason (some real codes fail it)."""
    try:
        result = check_uscc(raw)
    except ValidationError as error:
        raise ValidationError({"uscc": error.messages}) from error
    if result.checksum_ok:
        return result.number, ""
    if current is not None and current.uscc == result.number and current.uscc_accepted_reason:
        return result.number, current.uscc_accepted_reason
    if not accept_reason.strip():
        raise ValidationError(
            {
                "uscc": _(
                    "The check character does not match (GB 32100). A city administrator "
                    "can accept the code with a reason."
                )
            }
        )
    if not scope_for(by).city:
        raise ValidationError(
            {"uscc": _("Only a city administrator can accept a failing check character.")}
        )
    return result.number, accept_reason.strip()


def enterprise_create(
    *, by, uscc: str, chains: Iterable = (), accept_reason: str = "", **fields: Any
) -> Enterprise:
    number, reason = _checked_uscc(by=by, raw=uscc, accept_reason=accept_reason)
    enterprise = Enterprise(kind=OrganisationKind.ENTERPRISE, uscc=number, **fields)
    enterprise.uscc_accepted_reason = reason
    enterprise.uscc_accepted_by = by if reason else None
    return record_create(by=by, instance=enterprise, m2m={"chains": list(chains)})


def enterprise_update(
    *,
    by,
    enterprise: Enterprise,
    chains: Iterable | None = None,
    accept_reason: str = "",
    **fields: Any,
) -> Enterprise:
    stored = Enterprise.objects.get(pk=enterprise.pk)
    if "uscc" in fields:
        number, reason = _checked_uscc(
            by=by, raw=fields.pop("uscc"), accept_reason=accept_reason, current=stored
        )
        if reason != stored.uscc_accepted_reason:
            enterprise.uscc_accepted_by = by if reason else None
        enterprise.uscc, enterprise.uscc_accepted_reason = number, reason
    for name, value in fields.items():
        setattr(enterprise, name, value)
    m2m: dict[str, Iterable[Any]] | None = {"chains": list(chains)} if chains is not None else None
    return record_update(by=by, instance=enterprise, m2m=m2m, organisation=enterprise)


def institution_create(*, by, uscc: str | None = None, **fields: Any) -> Institution:
    institution = Institution(kind=OrganisationKind.INSTITUTION, **fields)
    institution.uscc = _institution_uscc(uscc)
    return record_create(by=by, instance=institution)


def institution_update(*, by, institution: Institution, **fields: Any) -> Institution:
    if "uscc" in fields:
        institution.uscc = _institution_uscc(fields.pop("uscc"))
    for name, value in fields.items():
        setattr(institution, name, value)
    return record_update(by=by, instance=institution, organisation=institution)


def _institution_uscc(raw: str | None) -> str | None:
    if not raw or not raw.strip():
        return None
    try:
        result = check_uscc(raw)
    except ValidationError as error:
        raise ValidationError({"uscc": error.messages}) from error
    if not result.checksum_ok:
        raise ValidationError({"uscc": _("The check character does not match (GB 32100).")})
    return result.number


# Reference data: districts, industry clusters and chains, occupations --------------------------
def reference_create(*, by, model: type[R], **fields: Any) -> R:
    """A new row of reference data: only the model's own rules, one audit event. Many-to-many
    values (an occupation's chains) are set in the same transaction."""
    _require_city(by)
    m2m = _pop_many_to_many(model, fields)
    return record_create(by=by, instance=model(**fields), m2m=m2m)


def reference_update(*, by, instance: R, **fields: Any) -> R:
    """Changes a row of reference data; no event when nothing changed."""
    _require_city(by)
    m2m = _pop_many_to_many(type(instance), fields)
    for name, value in fields.items():
        setattr(instance, name, value)
    return record_update(by=by, instance=instance, m2m=m2m)


def _require_city(by) -> None:
    # `by=None` is a system action (a command, the demo data).
    if by is not None and not scope_for(by).city:
        raise PermissionDenied(_("Only the city bureau changes reference data."))


def _pop_many_to_many(model: type[models.Model], fields: dict[str, Any]) -> dict[str, list]:
    names = [f.name for f in model._meta.many_to_many if f.name in fields]
    return {name: list(fields.pop(name)) for name in names}


# Many people at once (a roster import) --------------------------------------------------------
# What a new person's record holds: checked in memory (the relations and the unique ID
# number are the caller's set-based lookups, not a query per person).
BUILT_FIELDS = ("id_number", "gender", "birth_date", *PERSON_FIELDS)


def person_build(
    *,
    organisation: Organisation | None,
    name: str,
    id_number: str | ResidentId,
    checks: FieldChecks | None = None,
    **fields: Any,
) -> Person:
    """The person `person_create` would register, unsaved and checked in memory: the same
    normalisation and field checks, raising the same `ValidationError`. `id_number` may be
    the `ResidentId` parse_resident_id already read from it (an import reads each number
    once). Whether it is registered already is the caller's set-based lookup; `checks` is
    the caller's `FieldChecks` for many people at once."""
    # By id: the object would cost a descriptor check per person, and nothing reads it.
    person = _person_maker()(
        name=name.strip(), registered_by_id=organisation.pk if organisation else None
    )
    if isinstance(id_number, ResidentId):
        person.id_number = id_number.number
        person.gender, person.birth_date = id_number.gender, id_number.birth_date
    else:
        fields["id_number"] = id_number
    _apply_person_fields(person, fields)
    (checks or FieldChecks(Person, BUILT_FIELDS)).check(person)
    return person


@functools.cache
def _person_maker() -> Maker:
    return Maker(Person)


def people_create_bulk(
    *, by, people: list[Person], organisation: Organisation | None
) -> list[Person]:
    """Registers people built by `person_build` in one bulk insert, with one audit event per
    person, as `person_create` writes one at a time."""
    return create_audited(by=by, objects=people, key="id_number", organisation=organisation)
