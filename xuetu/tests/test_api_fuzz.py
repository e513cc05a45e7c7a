"""Schemathesis generates requests from our own OpenAPI schema and sends them to the app in
process. Whatever it sends — odd strings, wrong types, huge numbers, missing fields — the API
answers with a 4xx and a body the schema describes, never a server error."""

from collections.abc import Iterator
from typing import Any, cast

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, settings
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from xuetu.core.parsers import MAX_DEPTH
from xuetu.wsgi import application

DATE_ERROR_ZH = "请输入 1900-01-01 至 2100-12-31 之间的日期。"

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@schemathesis.check
def content_type_conformance_on_routes(ctx: Any, response: Any, case: Any) -> bool | None:
    """The declared content type, on every path an API route answers. A path no route matches
    (an id that is not a number) gets Django's own 404 page, which the schema cannot
    describe."""
    if response.status_code == 404:
        try:
            resolve(case.formatted_path)
        except Resolver404:
            return None
    return content_type_conformance(ctx, response, case)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calling the WSGI app directly fires request_started/finished, which would close the
    test's database connection mid-transaction; Django's own test client stops that too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(world):
    from rest_framework.authtoken.models import Token

    return Token.objects.create(user=world.users["bureau"]).key


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_never_answers_with_a_server_error(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[not_a_server_error, content_type_conformance_on_routes],
    )


# Every write operation of the schema, field by field ----------------------------------------------
DEEP = "[" * 5000 + "]" * 5000


def write_operations(api) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(method, path with ids filled in, the JSON body's properties) of every operation that
    takes a JSON body."""
    document = api.get("/api/schema/?format=json").json()
    components = document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if method not in ("post", "put", "patch") or body is None:
                continue
            reference = body["schema"]["$ref"].rsplit("/", 1)[-1]
            yield method, path.replace("{id}", str(an_object_of(path).pk)), components[reference]


def an_object_of(path: str) -> Any:
    from xuetu.urls import router

    prefix = path.split("/")[3]
    viewset = next(v for p, v, _ in router.registry if p == prefix)
    model = cast(Any, viewset).model  # every viewset of ours declares its model
    return model.objects.order_by("pk").first()


@pytest.fixture
def writer(world):
    """The city administrator, with one object of every kind the API writes to."""
    from xuetu.certification.tests.factories import make_certificate
    from xuetu.programmes.tests.factories import build_programme
    from xuetu.training.tests.factories import owned_training_objects

    programme = build_programme(world)
    make_certificate(world, programme)
    owned_training_objects(programme)
    from xuetu.subsidies.tests.factories_api import subsidy_objects

    subsidy_objects(world)  # a claim, a line, a refund, a budget and a ledger entry
    return world.api("bureau")


def text_fields(component: dict[str, Any]) -> list[str]:
    return [
        name
        for name, field in component["properties"].items()
        if field.get("type") == "string" and "format" not in field and "enum" not in field
    ]


def date_fields(component: dict[str, Any]) -> list[str]:
    return [n for n, f in component["properties"].items() if f.get("format") == "date"]


@pytest.mark.django_db
def test_every_write_refuses_a_body_nested_past_the_limit_with_a_400(writer):
    checked = []
    for method, path, _component in write_operations(writer):
        response = getattr(writer, method)(path, DEEP, content_type="application/json")
        assert response.status_code == 400, f"{method.upper()} {path}: {response.status_code}"
        assert "32" in response.json()["detail"], path
        checked.append(path)
    assert len(checked) >= 20


@pytest.mark.django_db
def test_a_body_nested_to_the_limit_is_read_as_usual(writer):
    nested: Any = "x"
    for _ in range(MAX_DEPTH - 1):
        nested = [nested]
    response = writer.post("/api/v1/people/", {"name": nested}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["name", "id_number"]  # the fields, not the nesting


@pytest.mark.django_db
def test_every_text_field_of_every_write_refuses_a_control_character(writer):
    checked = []
    for method, path, component in write_operations(writer):
        for name in text_fields(component):
            response = getattr(writer, method)(path, {name: "甲\x0b乙"}, format="json")
            assert response.status_code == 400, f"{method.upper()} {path} {name}"
            assert name in response.json(), f"{method.upper()} {path} {name}: {response.json()}"
            checked.append((path, name))
    assert len(checked) >= 40


@pytest.mark.django_db
def test_every_date_field_of_every_write_refuses_a_date_past_2100(writer):
    checked = []
    for method, path, component in write_operations(writer):
        for name in date_fields(component):
            response = getattr(writer, method)(
                path, {name: "9999-12-01"}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
            )
            assert response.status_code == 400, f"{method.upper()} {path} {name}"
            assert response.json().get(name) == [DATE_ERROR_ZH], f"{path} {name}"
            checked.append((path, name))
    assert len(checked) >= 15


# Every read as every role, against the schema -------------------------------------------------
# The city administrator, a district reviewer, an enterprise manager, an institution manager,
# a mentor and an apprentice (the personas of xuetu.testing.build_world).
ROLES = ["bureau", "district", "enterprise", "school", "mentor", "apprentice"]


@pytest.fixture
def reader(world, request):
    """A token of the role, with a class, its people and mentors to find."""
    from rest_framework.authtoken.models import Token

    from xuetu.programmes.tests.factories import build_programme

    build_programme(world)
    return Token.objects.get_or_create(user=world.users[request.param])[0].key


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ROLES, indirect=True)
@schema.include(method="GET").parametrize()
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_role_gets_reads_that_match_the_schema_whatever_it_asks(case, reader):
    checks: list[CheckFunction] = [not_a_server_error, content_type_conformance_on_routes]
    # A request the schema allows gets an answer the schema describes; one it does not allow
    # (an id that is not a number: no route, Django's own 404 page) gets no server error.
    if not (case.meta and case.meta.generation.mode.is_negative):
        checks += [response_schema_conformance, status_code_conformance]
    case.call_and_validate(headers={"Authorization": f"Token {reader}"}, checks=checks)
