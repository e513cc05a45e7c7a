"""What the API sends is what /api/schema/ says, for every role: a client generated from the
schema by a standard OpenAPI generator reads every answer without choking on a blank choice,
a null it did not expect or a field that one role does not get."""

from typing import Any, cast

import pytest
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from xuetu.core.views import visible_to
from xuetu.tests.test_api_fuzz import (
    ROLES,
    _keep_the_test_connection,  # noqa: F401 (autouse)
    an_object_of,
    schema,
)

CHECKS: list[CheckFunction] = [
    not_a_server_error,
    content_type_conformance,
    response_schema_conformance,
]
READS = schema.include(method="GET")


@pytest.fixture
def programme(world):
    """A class with an apprentice on it, and a second apprentice who withdrew: blank and set
    reasons, mentors and none, people each role sees in full, masked or not at all."""
    from xuetu.certification.tests.factories import make_certificate
    from xuetu.programmes import services
    from xuetu.programmes.tests.factories import (
        build_programme,
        make_enrollment,
        make_person,
        supporting_objects,
    )
    from xuetu.registry.models import IndustryChain, IndustryCluster
    from xuetu.training.tests.factories import owned_training_objects

    programme = build_programme(world)
    supporting_objects(programme)  # a request and a document, for their API routes
    make_certificate(world, programme)  # accepted: no review reason
    make_certificate(world, programme, number="CQ-2019-0042", kind="qualification")  # queued
    owned_training_objects(programme)  # a plan with its modules, one without a responsible
    from xuetu.subsidies.tests.factories_subrules import make_policy

    make_policy()  # the city's subsidy policy with its standards
    from xuetu.subsidies.tests.factories_api import subsidy_objects

    subsidy_objects(world)  # claims (advance paid, settlement approved), lines, refund, ledger
    cluster = IndustryCluster.objects.create(code="auto", name="汽车集群", name_en="Automotive")
    IndustryChain.objects.create(code="ev", name="新能源汽车", name_en="EVs", cluster=cluster)
    leaver = make_enrollment(
        world,
        programme.cohort,
        person=make_person("刘洋", organisation=world.enterprise),
        enterprise_mentor=None,
        institution_mentor=None,
    )
    services.enrollment_withdraw(
        by=world.users["enterprise"],
        enrollment=leaver,
        on=programme.cohort.planned_start,
        reason="left",
        note="",
    )
    return programme


def token_of(world, role: str) -> str:
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=world.users[role])[0].key


def read_operations() -> list[Any]:
    results = list(READS.get_all_operations())
    assert all(isinstance(result, Ok) for result in results), results  # the schema reads
    return [cast(Ok, result).ok() for result in results]


def path_for(operation: Any, user: Any) -> dict[str, int]:
    """The id of an object the user may see, when there is one (else any: a 404 is an
    answer the schema describes too)."""
    if "{id}" not in operation.path:
        return {}
    some = an_object_of(operation.path)
    visible = visible_to(type(some), user).order_by("pk").first()
    return {"id": (visible or some).pk}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_answers_that_match_the_schema(programme, role):
    headers = {"Authorization": f"Token {token_of(programme.world, role)}"}
    answered, failures = [], []
    for operation in read_operations():
        case = operation.Case(path_parameters=path_for(operation, programme.world.users[role]))
        try:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            answered.append((operation.path, response))
        except FailureGroup as failure:  # every operation's failures at once, not the first
            failures.append(f"{operation.path}: {failure}")
    assert not failures, "\n".join(failures)
    assert len(answered) >= 22
    assert sum(response.status_code == 200 for _, response in answered) >= 12, answered


@pytest.fixture
def document(client) -> dict[str, Any]:
    return client.get("/api/schema/?format=json").json()


@pytest.mark.django_db
def test_a_generated_client_gets_operation_ids_without_the_version(document):
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert "enrollments_list" in ids and "people_retrieve" in ids
    assert not [i for i in ids if i.startswith("v1")]


@pytest.mark.django_db
def test_an_unset_withdrawal_reason_is_a_declared_blank_choice(document):
    reason = document["components"]["schemas"]["Enrollment"]["properties"]["withdrawal_reason"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in reason["oneOf"]
    assert document["components"]["schemas"]["BlankEnum"]["enum"] == [""]


@pytest.mark.django_db
def test_a_person_answer_may_lack_what_the_reader_may_not_see(document):
    schemas = document["components"]["schemas"]
    answer, request = schemas["Person"], schemas["PersonRequest"]
    assert not {"gender", "birth_date"} & set(answer["required"])
    assert {"$ref": "#/components/schemas/NullEnum"} in answer["properties"]["education"]["oneOf"]
    # What a request may send is unchanged: no null education.
    assert "NullEnum" not in str(request["properties"]["education"])


@pytest.mark.django_db
def test_every_route_declares_its_error_answers(document):
    people = document["paths"]["/api/v1/people/{id}/"]
    assert {"401", "404"} <= set(people["get"]["responses"])
    assert {"400", "401", "403", "404"} <= set(people["patch"]["responses"])
    assert "409" in document["paths"]["/api/v1/enrollments/{id}/withdraw/"]["post"]["responses"]
