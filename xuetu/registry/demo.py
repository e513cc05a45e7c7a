"""The Chongqing demo's reference data, organisations, fictional people and demo users.
Idempotent: seeding again changes nothing that is already there. `manage.py seed_demo` calls
`seed()` after the apps below and before the apps above."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from django.core.management import call_command

from xuetu.accounts.choices import OrganisationKind, Role
from xuetu.accounts.models import District, Membership, Organisation, User
from xuetu.core.identifiers import parse_resident_id
from xuetu.registry.models import Enterprise, IndustryChain, Institution, Person

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "xuetu-demo"
CITY_BUREAU = "重庆市人力资源和社会保障局"
# The demo district reviewer sits in 两江新区, which took over 江北区 and 渝北区 on 2025-11-06.
DISTRICT_BUREAU = "重庆两江新区人力资源和社会保障局"
DISTRICT_CODE = "500157"

# username, full name, organisation key, role, person name (for mentor/apprentice)
DEMO_USERS: list[tuple[str, str, str, str, str | None]] = [
    ("bureau", "市人社局管理员", "city", Role.CITY_ADMIN, None),
    ("district", "两江新区审核员", "district", Role.DISTRICT_REVIEWER, None),
    ("enterprise", "长安汽车人事专员", "changan", Role.ENTERPRISE_MANAGER, None),
    ("enterprise2", "西南铝业人事专员", "swa", Role.ENTERPRISE_MANAGER, None),
    ("school", "五一技师学院教务员", "wuyi", Role.INSTITUTION_MANAGER, None),
    ("mentor", "王劲松", "changan", Role.MENTOR, "王劲松"),
    ("apprentice", "舒晓超", "changan", Role.APPRENTICE, "舒晓超"),
]


def seed(out: TextIO) -> None:
    """Reference data (its counts go to `out`), organisations, people and the demo users."""
    call_command("load_reference", stdout=out)
    organisations = seed_organisations()
    seed_users(organisations, seed_people(organisations))


def demo_organisations() -> dict[str, Organisation]:
    """The demo organisations by their key in organisations.json (and `city`, `district`),
    as an app above needs them to seed its own demo data."""
    data = read("organisations.json")
    keys = {row["uscc"]: row["key"] for row in data["enterprises"] + data["institutions"]}
    found: dict[str, Organisation] = {
        keys[e.uscc]: e for e in Enterprise.objects.filter(uscc__in=keys)
    }
    found |= {keys[i.uscc]: i for i in Institution.objects.filter(uscc__in=keys)}
    for key, kind, name in (
        ("city", OrganisationKind.CITY_BUREAU, CITY_BUREAU),
        ("district", OrganisationKind.DISTRICT_BUREAU, DISTRICT_BUREAU),
    ):
        bureau = Organisation.objects.filter(kind=kind, name=name).first()
        if bureau is not None:
            found[key] = bureau
    return found


def demo_people() -> dict[str, Person]:
    """The demo people by name (names are unique in people.json)."""
    numbers = [parse_resident_id(row["id_number"]).number for row in read("people.json")]
    return {person.name: person for person in Person.objects.filter(id_number__in=numbers)}


def read(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def seed_organisations() -> dict[str, Organisation]:
    districts = dict(District.objects.values_list("code", "pk"))
    chains = dict(IndustryChain.objects.values_list("code", "pk"))
    data = read("organisations.json")
    found: dict[str, Organisation] = {}
    found["city"], _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.CITY_BUREAU, name=CITY_BUREAU
    )
    found["district"], _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.DISTRICT_BUREAU,
        name=DISTRICT_BUREAU,
        defaults={"district_id": districts[DISTRICT_CODE]},
    )
    for row in data["enterprises"]:
        found[row["key"]] = seed_enterprise(row, districts, chains)
    for row in data["institutions"]:
        found[row["key"]] = seed_institution(row, districts)
    return found


def seed_enterprise(row: dict, districts: dict, chains: dict) -> Enterprise:
    enterprise, created = Enterprise.objects.get_or_create(
        uscc=row["uscc"],
        defaults={
            "kind": OrganisationKind.ENTERPRISE,
            "name": row["name"],
            "district_id": districts[row["district"]],
            "size": row.get("size", "medium"),
            "skilled_worker_share": row.get("skilled_worker_share"),
            "address": row.get("address", ""),
            "contact_name": row.get("contact_name", ""),
            "contact_phone": row.get("contact_phone", ""),
        },
    )
    if created:
        enterprise.chains.set([chains[c] for c in row.get("chains", []) if c in chains])
    return enterprise


def seed_institution(row: dict, districts: dict) -> Institution:
    institution, _ = Institution.objects.get_or_create(
        uscc=row["uscc"],
        defaults={
            "kind": OrganisationKind.INSTITUTION,
            "name": row["name"],
            "district_id": districts[row["district"]],
            "institution_type": row["institution_type"],
            "address": row.get("address", ""),
            "contact_name": row.get("contact_name", ""),
            "contact_phone": row.get("contact_phone", ""),
        },
    )
    return institution


def seed_people(organisations: dict[str, Organisation]) -> dict[str, Person]:
    people: dict[str, Person] = {}
    for row in read("people.json"):
        resident = parse_resident_id(row["id_number"])
        person, _ = Person.objects.get_or_create(
            id_number=resident.number,
            defaults={
                "name": row["name"],
                "gender": resident.gender,
                "birth_date": resident.birth_date,
                "phone": row.get("phone", ""),
                "education": row.get("education", ""),
                "registered_by": organisations.get(row.get("employer")),
            },
        )
        people[person.name] = person
    return people


def seed_users(organisations: dict[str, Organisation], people: dict[str, Person]) -> None:
    for username, full_name, org_key, role, person_name in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": full_name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(user=user, organisation=organisations[org_key], role=role)
        if person_name and person_name in people and people[person_name].user_id is None:
            person = people[person_name]
            person.user = user
            person.save(update_fields=["user"])


def logins() -> str:
    """The demo logins, for the operator who just seeded them."""
    organisations = demo_organisations()
    lines = [f"Demo logins (password: {DEMO_PASSWORD})"]
    for username, _, org_key, role, _ in DEMO_USERS:
        lines.append(f"  {username:<12} {Role(role).label!s:<24} {organisations[org_key].name}")
    return "\n".join(lines)
