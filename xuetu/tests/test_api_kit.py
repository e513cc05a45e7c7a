"""The API kit as a new app uses it: a viewset declares its model, serializer, services and
one line per action, and every error has one shape. A valid action is 200 with the object and
one audit event; a refusal is 409 with `detail` and every problem; a service's
PermissionDenied is 403; another organisation's id is 404 with the same body as an id that does
not exist; a service's ValidationError is 400 naming the field.

The viewset below uses the class (cohort) model and services written the way a new app would
write them, on routes of this module's own."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import include, path
from rest_framework import serializers
from rest_framework.routers import SimpleRouter

from xuetu.core.access import scope_for
from xuetu.core.api import ScopedViewSet, transition_action
from xuetu.core.models import AuditEvent
from xuetu.core.problems import Problem, refuse_if
from xuetu.core.transitions import transition
from xuetu.programmes.choices import COHORT_FLOW, CohortStatus
from xuetu.programmes.models import Cohort
from xuetu.programmes.tests.factories import make_cohort
from xuetu.urls import urlpatterns as project_urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def kit_approve(*, by, cohort: Cohort, note: str = "") -> Cohort:
    if not (scope_for(by).city or scope_for(by).district_ids):
        raise PermissionDenied("Only a reviewer approves.")
    if note == "bad":
        raise ValidationError({"note": "A bad note."})
    refuse_if([Problem("kit_said_no", "The note says no.", "note")] if note == "no" else [])
    return transition(
        cohort, to=CohortStatus.APPROVED, flow=COHORT_FLOW, by=by, action="kit_approve"
    )


def kit_update(*, by, cohort: Cohort, **fields: object) -> Cohort:
    return cohort


class KitCohortSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cohort
        fields = ["id", "code", "name", "status"]
        read_only_fields = ["code", "status"]


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, default="")


class KitCohortViewSet(ScopedViewSet):
    model = Cohort
    serializer_class = KitCohortSerializer
    update_service = kit_update
    approve = transition_action(
        kit_approve, NoteSerializer, summary="Approve (kit)", access="review"
    )


router = SimpleRouter()
router.register("kit-cohorts", KitCohortViewSet, basename="kit-cohort")
urlpatterns = [path("kit-api/", include(router.urls)), *project_urls]


@pytest.fixture
def cohort(world) -> Cohort:
    return make_cohort(world, status=CohortStatus.SUBMITTED)


def approve_url(cohort: Cohort) -> str:
    return f"/kit-api/kit-cohorts/{cohort.pk}/approve/"


def events(cohort: Cohort) -> list[str]:
    rows = AuditEvent.objects.filter(object_type="programmes.cohort", object_id=str(cohort.pk))
    return list(rows.values_list("action", flat=True))


def test_the_api_answers_through_the_kits_exception_handler():
    assert settings.REST_FRAMEWORK["EXCEPTION_HANDLER"] == "xuetu.core.api.exception_handler"


def test_a_valid_action_is_200_with_the_object_and_one_audit_event(world, cohort):
    response = world.api("district").post(approve_url(cohort), {"note": "fine"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": cohort.pk,
        "code": cohort.code,
        "name": cohort.name,
        "status": CohortStatus.APPROVED,
    }
    assert events(cohort) == ["cohort.kit_approve"]


def test_a_refused_action_is_409_with_every_problem(world, cohort):
    response = world.api("district").post(approve_url(cohort), {"note": "no"}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["detail"] and body["problems"] == [
        {"code": "kit_said_no", "message": "The note says no.", "field": "note"}
    ]
    assert events(cohort) == []


def test_an_action_the_service_forbids_is_403(world, cohort):
    for username in ("enterprise", "school"):
        response = world.api(username).post(approve_url(cohort), {}, format="json")
        assert response.status_code == 403, username
        assert set(response.json()) == {"detail"}
    assert events(cohort) == []


def test_another_organisations_id_is_404_with_the_body_of_a_missing_one(world, cohort):
    client = world.api("enterprise2")
    hidden = client.post(approve_url(cohort), {"note": "bad"}, format="json")
    missing = client.post(f"/kit-api/kit-cohorts/{cohort.pk + 1000}/approve/", {}, format="json")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    for method in ("get", "patch", "put"):
        response = getattr(client, method)(f"/kit-api/kit-cohorts/{cohort.pk}/", {}, format="json")
        assert response.status_code == 404, method
        assert response.json() == missing.json()
    assert events(cohort) == []


def test_a_services_validation_error_is_400_naming_the_field(world, cohort):
    response = world.api("district").post(approve_url(cohort), {"note": "bad"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"note": ["A bad note."]}


def test_a_change_to_an_object_the_user_only_sees_is_403(world, cohort):
    url = f"/kit-api/kit-cohorts/{cohort.pk}/"
    assert world.api("district").get(url).status_code == 200
    assert world.api("district").patch(url, {"name": "x"}, format="json").status_code == 403
    assert world.api("enterprise").patch(url, {"name": "x"}, format="json").status_code == 200


def test_the_schema_describes_the_action_with_its_body_and_its_409():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator(patterns=urlpatterns[:1]).get_schema(request=None, public=True)
    post = schema["paths"]["/kit-api/kit-cohorts/{id}/approve/"]["post"]
    assert {"200", "409"} <= set(post["responses"])
    assert post["summary"] == "Approve (kit)"
    assert "requestBody" in post
