"""Writes to the registries. Views, API, imports and commands all call these."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.choices import OrganisationKind, Role
from xuetu.accounts.models import Membership, Organisation
from xuetu.core.access import can, scope_for
from xuetu.core.audit import audit_many, audit_record
from xuetu.core.consent import consent_grant, consent_refuse, consent_request, consent_withdraw
from xuetu.core.consent import pending_for as pending_consent
from xuetu.core.identifiers import ResidentId, check_uscc, parse_resident_id, validate_mobile
from xuetu.core.imports.bulk import create_audited
from xuetu.core.imports.objects import FieldChecks, Maker
from xuetu.core.limits import count_in_window
from xuetu.core.models import ConsentRequest
from xuetu.core.notices import notify
from xuetu.core.problems import Problem, Refused
from xuetu.core.services import actor, record_create, record_update
from xuetu.registry.access import FACTS
from xuetu.registry.models import District, Enterprise, Institution, Person

R = TypeVar("R", bound=models.Model)

PERSON_FIELDS = ("name", "phone", "education", "is_full_time_student", "is_pensioner")


@dataclass(frozen=True)
class Registration:
    """What registering an ID number came to: a new person, or one already registered (by
    anyone) whose name matched, linked as they are: nothing the caller typed is written to
    another organisation's record."""

    person: Person
    linked: bool


def person_register(
    *, by, organisation: Organisation | None, name: str, id_number: str, **fields: Any
) -> Registration:
    """A new person, or the registered one with this ID number when the name matches; a
    name that does not match is refused without saying whose number it is."""
    try:
        number = parse_resident_id(id_number).number
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from error
    known = person_lookup(by=by, organisation=organisation, id_number=number, name=name)
    if known is not None:
        audit_record(by=by, action="person.link", obj=known, organisation=organisation)
        return Registration(known, linked=True)
    person = Person(name=name.strip(), registered_by=organisation)
    _apply_person_fields(person, {"id_number": number, **fields})
    return Registration(record_create(by=by, instance=person, organisation=organisation), False)


def person_create(
    *, by, organisation: Organisation | None, name: str, id_number: str, **fields: Any
) -> Person:
    return person_register(
        by=by, organisation=organisation, name=name, id_number=id_number, **fields
    ).person


def person_update(*, by, person: Person, **fields: Any) -> Person:
    if "id_number" in fields:
        _refuse_a_taken_number(by, person, fields["id_number"])
    _apply_person_fields(person, fields)
    return record_update(by=by, instance=person, organisation=person.registered_by)


def _refuse_a_taken_number(by, person: Person, raw: str) -> None:
    """Another person's number is refused as a mismatch (counted and audited): the answer
    must not tell whose number it is, nor, beyond the limit, whether it is anyone's."""
    try:
        number = parse_resident_id(raw).number
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from error
    if number == person.id_number:
        return
    _refuse_if_locked(by, "id_number")
    if Person.objects.filter(id_number=number).exclude(pk=person.pk).exists():
        _mismatch(by, person.registered_by, where="person_update", field="id_number")


# Looking people up by ID number and name -------------------------------------------------------
# Each name that does not match a registered ID number tells the asker that the number is
# registered; a user gets a few of those an hour (typing mistakes), then no more answers.
MISMATCH_LIMIT = 10
MISMATCH_WINDOW = 3600  # seconds
NAME_MISMATCH = _("The name and ID number do not match.")
TOO_MANY_MISMATCHES = _(
    "Too many names did not match their ID numbers. You can look people up by ID number "
    "again within the hour."
)


def person_lookup(
    *,
    by,
    organisation: Organisation | None,
    id_number: str,
    name: str,
    name_field: str = "id_number",
) -> Person | None:
    """The person registered with `id_number` (already normalised) if `name` is theirs; None
    if nobody is. A name that does not match is refused (`name_field` says where), counted
    and audited; past the limit every lookup is refused for the rest of the hour. Call it
    outside a transaction that the refusal rolls back, or the mismatch's event is lost."""
    _refuse_if_locked(by, name_field)
    person = Person.objects.filter(id_number=id_number).first()
    if person is None:
        return None
    if not same_name(person.name, name):
        _mismatch(by, organisation, where="person_lookup", field=name_field)
    return person


def same_name(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split())


def identity_locked(by) -> bool:
    """Whether `by` has used up the hour's mismatches (a system action never does)."""
    return actor(by) is not None and (cache.get(_mismatch_key(by)) or 0) >= MISMATCH_LIMIT


def identity_spend(by) -> bool:
    """Counts one mismatch of `by`; says whether it was within the limit (its answer may be
    given) or beyond it (the lookup is refused as if locked)."""
    if actor(by) is None:
        return True
    return count_in_window(_mismatch_key(by), MISMATCH_WINDOW) <= MISMATCH_LIMIT


def identity_mismatches_audit(
    *, by, organisation: Organisation | None, count: int, where: str
) -> int:
    """One audit event per mismatch, about the actor: never the person the number is
    registered to, whose name the log would otherwise show to the asking organisation."""
    if actor(by) is None or count <= 0:
        return 0
    changes = [(by.pk, None, {"where": where}) for _ in range(count)]
    return audit_many(
        by=by,
        action="person.id_mismatch",
        model=get_user_model(),
        changes=changes,
        organisation=organisation,
    )


def _mismatch_key(by) -> str:
    # The sign-up time too: a test database gives a new user an old user's id.
    return f"xuetu:id-mismatch:{by.pk}:{by.date_joined.timestamp():.6f}"


def _refuse_if_locked(by, field: str) -> None:
    if identity_locked(by):
        raise ValidationError({field: TOO_MANY_MISMATCHES})


def _mismatch(by, organisation: Organisation | None, *, where: str, field: str) -> None:
    within = identity_spend(by)
    identity_mismatches_audit(by=by, organisation=organisation, count=1, where=where)
    raise ValidationError({field: NAME_MISMATCH if within else TOO_MANY_MISMATCHES})


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
    district_require_in_force(fields.get("district"))
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
    action: str | None = None,
    **fields: Any,
) -> Enterprise:
    """Edits an enterprise. Its name, USCC and district are facts the bureau relies on (its
    district says who reviews its filings): only the city bureau or the reviewer of its
    district changes them, and a change by anyone else is refused naming the field."""
    stored = Enterprise.objects.get(pk=enterprise.pk)
    facts = changed_facts(stored, fields)
    if facts and not may_change_facts(by, stored):
        raise ValidationError({name: BUREAU_ONLY for name in facts})
    if "district" in facts:
        district_require_in_force(fields["district"])
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
    with transaction.atomic():
        record_update(by=by, instance=enterprise, m2m=m2m, organisation=enterprise, action=action)
        if facts:
            _tell_about_facts(by, enterprise, stored, facts)
    return enterprise


# The facts the bureau relies on: name, USCC, district ------------------------------------------
BUREAU_FACTS = ("name", "uscc", "district")
BUREAU_ONLY = _(
    "Only the city bureau or the reviewer of the enterprise's district changes this; "
    "ask them for the change."
)
FACTS_KIND = "registry.enterprise_facts"


def may_change_facts(by, enterprise: Enterprise) -> bool:
    """The city administrator, or a district reviewer of the enterprise's current district
    (`by=None`: a system action, a command or the demo data)."""
    return by is None or can(by, FACTS, enterprise)


def changed_facts(stored: Enterprise, fields: Mapping[str, Any]) -> list[str]:
    """Which of the bureau's facts `fields` would change (a USCC as it normalises)."""
    found = []
    if "name" in fields and str(fields["name"] or "").strip() != stored.name:
        found.append("name")
    if "uscc" in fields and _normal_uscc(fields["uscc"]) != stored.uscc:
        found.append("uscc")
    if "district" in fields and _pk(fields["district"]) != stored.district_id:
        found.append("district")
    return found


def _normal_uscc(raw: Any) -> str:
    try:
        return check_uscc(str(raw or "")).number
    except ValidationError:
        return str(raw)


def _pk(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def enterprise_change_facts(*, by, enterprise: Enterprise, **facts: Any) -> Enterprise:
    """Only the bureau's facts (what a granted request changes), one audit event."""
    unknown = set(facts) - set(BUREAU_FACTS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    return enterprise_update(
        by=by, enterprise=enterprise, action="enterprise.change_facts", **facts
    )


def _tell_about_facts(by, enterprise: Enterprise, stored: Enterprise, facts: list[str]) -> None:
    """The enterprise's managers learn what the bureau changed; a new district's reviewers
    learn that its filings are theirs now."""
    managers = Membership.objects.filter(organisation=enterprise, role=Role.ENTERPRISE_MANAGER)
    if (who := actor(by)) is not None:
        managers = managers.exclude(user_id=who.pk)  # they know what they changed
    recipients: list[tuple[Any, Organisation]] = [
        (m.user, enterprise) for m in managers.select_related("user")
    ]
    if "district" in facts:
        recipients += reviewers_of(enterprise.district_id)
    notify(
        kind="enterprise.facts_changed",
        recipients=recipients,
        url=enterprise.get_absolute_url(),
        params={"enterprise": enterprise.name},
    )


def reviewers_of(district_id: int | None) -> list[tuple[Any, Organisation]]:
    """The district reviewers of a district, each with their district bureau."""
    if district_id is None:
        return []
    memberships = Membership.objects.filter(
        role=Role.DISTRICT_REVIEWER,
        organisation__is_active=True,
        organisation__district_id=district_id,
    ).select_related("user", "organisation")
    return [(m.user, m.organisation) for m in memberships]


def fact_deciders(enterprise: Enterprise) -> list[tuple[Any, Organisation]]:
    """Who decides a request to change the enterprise's facts: every city administrator and
    the reviewers of its current district."""
    city = Membership.objects.filter(
        role=Role.CITY_ADMIN, organisation__is_active=True
    ).select_related("user", "organisation")
    return [(m.user, m.organisation) for m in city] + reviewers_of(enterprise.district_id)


def enterprise_request_facts(
    *,
    by,
    enterprise: Enterprise,
    reason: str,
    name: str | None = None,
    uscc: str | None = None,
    district: District | None = None,
) -> ConsentRequest:
    """The enterprise asks the bureau to change its name, USCC or district; the deciders are
    told, and granting applies it (`enterprise_grant_facts`)."""
    if by is not None and enterprise.pk not in scope_for(by).managed_org_ids:
        raise PermissionDenied(_("Only the enterprise's managers ask for this."))
    given: dict[str, Any] = {"name": name, "uscc": uscc, "district": district}
    asked = {k: v for k, v in given.items() if v is not None and v != ""}
    changes = {k: asked[k] for k in changed_facts(enterprise, asked)}
    if "district" in changes:
        district_require_in_force(changes["district"])
    if "uscc" in changes:
        changes["uscc"] = _requested_uscc(str(changes["uscc"]))
    if "name" in changes:
        changes["name"] = str(changes["name"]).strip()
    if not changes:
        raise ValidationError(_("Ask for at least one change: a new name, USCC or district."))
    return consent_request(
        kind=FACTS_KIND,
        about=enterprise,
        by=by,
        organisation=enterprise,
        reason=reason,
        payload=changes,
    )


def _requested_uscc(raw: str) -> str:
    try:
        result = check_uscc(raw)
    except ValidationError as error:
        raise ValidationError({"uscc": error.messages}) from error
    if not result.checksum_ok:
        message = _(
            "The check character does not match (GB 32100). The city bureau can accept "
            "such a code; contact it."
        )
        raise ValidationError({"uscc": message})
    return result.number


def enterprise_grant_facts(enterprise: Enterprise, payload: Mapping[str, Any], by) -> None:
    """What granting a request does (core.consent calls it in the decision's transaction)."""
    facts = dict(payload)
    if "district" in facts:
        facts["district"] = District.objects.filter(pk=facts["district"]).first()
        if facts["district"] is None:
            raise ValidationError({"district": _("The district asked for no longer exists.")})
    enterprise_change_facts(by=by, enterprise=enterprise, **facts)


NOTHING_PENDING = Problem(
    "nothing_pending", _("No request to change this enterprise awaits a decision."), None
)


def pending_facts_request(enterprise: Enterprise) -> ConsentRequest | None:
    return pending_consent(FACTS_KIND, enterprise)


def _pending(enterprise: Enterprise) -> ConsentRequest:
    request = pending_facts_request(enterprise)
    if request is None:
        raise Refused([NOTHING_PENDING])
    return request


def enterprise_facts_grant(*, by, enterprise: Enterprise, comment: str = "") -> ConsentRequest:
    return consent_grant(request=_pending(enterprise), by=by, comment=comment)


def enterprise_facts_refuse(*, by, enterprise: Enterprise, comment: str) -> ConsentRequest:
    return consent_refuse(request=_pending(enterprise), by=by, comment=comment)


def enterprise_facts_withdraw(*, by, enterprise: Enterprise) -> ConsentRequest:
    return consent_withdraw(request=_pending(enterprise), by=by)


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


# Districts in force, and the move of an abolished district's enterprises ----------------------
def district_require_in_force(district: Any, *, on: datetime.date | None = None) -> None:
    """A new enterprise (or one moving) goes only to a district in force on `on` (today);
    an abolished one is refused naming its successors."""
    if district is None or district == "":
        return  # a missing district is the field's own error
    found: District | None = district if isinstance(district, District) else None
    if found is None:
        found = District.objects.filter(pk=district).first()
    day = on or timezone.localdate()
    if found is None or found.in_force_on(day):
        return
    raise ValidationError({"district": district_not_in_force(found, day)})


def district_not_in_force(district: District, on: datetime.date) -> str:
    if district.valid_from is not None and on < district.valid_from:
        return _("%(district)s is in force only from %(date)s.") % {
            "district": district,
            "date": date_format(district.valid_from),
        }
    comma = "、" if (get_language() or "").startswith("zh") else ", "
    successors = comma.join(str(d) for d in district.successors.all())
    last_day = date_format(district.valid_to or on)  # not in force and begun: it has ended
    params = {"district": district, "date": last_day, "to": successors}
    if successors:
        return (
            _(
                "%(district)s was abolished after %(date)s; choose the district that took it "
                "over: %(to)s."
            )
            % params
        )
    return _("%(district)s was abolished after %(date)s.") % params


def district_move_enterprises(
    *,
    by,
    source: District,
    target: District,
    enterprises: Iterable[Enterprise] | None = None,
    on: datetime.date | None = None,
) -> list[Enterprise]:
    """The city bureau moves the enterprises of an abolished district (all, or those given)
    to one of its successors: each move is the enterprise's audited change of district (its
    managers and the new district's reviewers are told), and one event on the old district
    records the whole move."""
    if by is None or not scope_for(by).city:
        raise PermissionDenied(_("Only a city administrator moves enterprises between districts."))
    _require_move(source, target, on or timezone.localdate())
    chosen = Enterprise.objects.filter(district=source).order_by("pk")
    if enterprises is not None:
        wanted = {e.pk for e in enterprises}
        chosen = chosen.filter(pk__in=wanted)
        if len(chosen) != len(wanted):
            raise ValidationError(
                {
                    "enterprises": _("Some of these enterprises are not in %(district)s.")
                    % {"district": source}
                }
            )
    with transaction.atomic():
        moved = [
            enterprise_update(
                by=by, enterprise=e, district=target, action="enterprise.district_moved"
            )
            for e in chosen.select_for_update()
        ]
        audit_record(
            by=by,
            action="district.enterprises_moved",
            obj=source,
            after={"to": target.code, "enterprises": [e.pk for e in moved]},
        )
    return moved


def _require_move(source: District, target: District, on: datetime.date) -> None:
    if source.valid_to is None or source.in_force_on(on):
        raise ValidationError(
            {
                "source": _("%(district)s is still in force: its enterprises stay where they are.")
                % {"district": source}
            }
        )
    if not source.successors.filter(pk=target.pk).exists():
        raise ValidationError(
            {
                "target": _("%(target)s did not take over %(district)s.")
                % {"target": target, "district": source}
            }
        )
    if not target.in_force_on(on):
        raise ValidationError({"target": district_not_in_force(target, on)})


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
