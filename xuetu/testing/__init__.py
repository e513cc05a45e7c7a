"""Test helpers shared by every app: a small world of named personas, and the tenancy check
that repeats a request as another organisation and expects 404.

Outside the layers: the helpers may import any app, and only tests may import them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from xuetu.accounts.choices import OrganisationKind, Role
from xuetu.accounts.models import District, Membership, Organisation, User
from xuetu.core.identifiers import make_resident_id
from xuetu.registry.models import Enterprise, Institution, Person

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    """Two districts, the city bureau, a district bureau, two enterprises in different
    districts, an institution, and one user per role."""

    jiangbei: District
    jiulongpo: District
    city: Organisation
    district_bureau: Organisation
    enterprise: Enterprise
    enterprise2: Enterprise
    institution: Institution
    users: dict[str, User] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)

    def client(self, username: str) -> Client:
        client = Client()
        client.force_login(self.users[username])
        return client

    def api(self, username: str) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=self.users[username])
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client


def make_user(username: str, organisation: Organisation | None, role: str | None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    if organisation is not None and role is not None:
        add_role(user, organisation, role)
    return user


def add_role(user: User, organisation: Organisation, role: str) -> Membership:
    """Gives a persona one more role, in this or another organisation."""
    return Membership.objects.create(user=user, organisation=organisation, role=role)


def make_person(name: str, organisation, *, seq: int, gender: str = "M", **extra: Any) -> Person:
    number = make_resident_id("500105", dt.date(1995, 5, 17), seq, gender=gender)
    return Person.objects.create(
        name=name,
        id_number=number,
        gender=gender,
        birth_date=dt.date(1995, 5, 17),
        registered_by=organisation,
        **extra,
    )


def valid_uscc(body: str) -> str:
    from stdnum.cn import uscc

    return body + uscc.calc_check_digit(body)


def build_world() -> World:
    jiangbei = District.objects.create(code="500105", name="江北区", name_en="Jiangbei District")
    jiulongpo = District.objects.create(
        code="500107", name="九龙坡区", name_en="Jiulongpo District"
    )
    city = Organisation.objects.create(kind=OrganisationKind.CITY_BUREAU, name="重庆市人社局")
    bureau = Organisation.objects.create(
        kind=OrganisationKind.DISTRICT_BUREAU, name="江北区人社局", district=jiangbei
    )
    enterprise = Enterprise.objects.create(
        kind=OrganisationKind.ENTERPRISE,
        name="长安汽车",
        uscc=valid_uscc("91500105MA5U7AAA1"),
        district=jiangbei,
    )
    enterprise2 = Enterprise.objects.create(
        kind=OrganisationKind.ENTERPRISE,
        name="西南铝业",
        uscc=valid_uscc("91500107MA5U7BBB2"),
        district=jiulongpo,
    )
    institution = Institution.objects.create(
        kind=OrganisationKind.INSTITUTION,
        name="重庆五一技师学院",
        district=jiulongpo,
        institution_type="technician_college",
    )
    world = World(jiangbei, jiulongpo, city, bureau, enterprise, enterprise2, institution)
    world.users = {
        "bureau": make_user("bureau", city, Role.CITY_ADMIN),
        "district": make_user("district", bureau, Role.DISTRICT_REVIEWER),
        "enterprise": make_user("enterprise", enterprise, Role.ENTERPRISE_MANAGER),
        "enterprise2": make_user("enterprise2", enterprise2, Role.ENTERPRISE_MANAGER),
        "school": make_user("school", institution, Role.INSTITUTION_MANAGER),
        "mentor": make_user("mentor", enterprise, Role.MENTOR),
        "apprentice": make_user("apprentice", enterprise, Role.APPRENTICE),
        "nobody": make_user("nobody", None, None),
    }
    world.people = {
        "worker": make_person("张三", enterprise, seq=11),
        "worker2": make_person("李四", enterprise2, seq=12),
        "apprentice": make_person(
            "舒晓超", enterprise, seq=13, gender="F", user=world.users["apprentice"]
        ),
    }
    return world


def assert_hidden_from(
    client: Client | APIClient, url: str, *, method: str = "get", data: Any = None
) -> None:
    """Another organisation's object must be a 404, whatever the method: never a leak."""
    send = getattr(client, method)
    response = send(url, data) if data is not None else send(url)
    assert response.status_code == 404, f"{method.upper()} {url} answered {response.status_code}"


class TenancyCheckMixin:
    """Repeat a request as another organisation's user and expect 404."""

    world: World

    def assert_other_organisation_gets_404(
        self, url: str, *, as_user: str = "enterprise2", method: str = "get", data: Any = None
    ) -> None:
        client = self.world.api(as_user) if url.startswith("/api/") else self.world.client(as_user)
        assert_hidden_from(client, url, method=method, data=data)


def confirmed(data: dict[str, Any] | None = None) -> dict[str, Any]:
    """A page action's form data with its confirmation: the POST that performs the action
    (without it, the page only asks for confirmation)."""
    from xuetu.core.views import CONFIRMED

    return {**(data or {}), CONFIRMED: "1"}
