"""The page kit as a new app uses it: a detail page, an action and a form about one object are
declarations (a model, a service, a form, a message), and the kit answers the same way for
every app. A valid action redirects to the object's page with one audit event; a refusal
shows every problem on that page (409) and changes nothing; a service's PermissionDenied is a
403; another organisation's object is a 404; a GET asks for confirmation and writes nothing.

The declarations below use the class (cohort) model and a service written the way a new app
would write one, on routes of this module's own."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path

from xuetu.core.access import scope_for
from xuetu.core.models import AuditEvent
from xuetu.core.problems import Problem, refuse_if
from xuetu.core.transitions import transition
from xuetu.core.views import (
    ActionView,
    ObjectFormView,
    ScopedCreateView,
    ScopedDetailView,
    scoped_object,
    visible_to,
)
from xuetu.programmes.choices import COHORT_FLOW, CohortStatus
from xuetu.programmes.models import Cohort
from xuetu.programmes.tests.factories import make_cohort
from xuetu.testing import confirmed
from xuetu.urls import urlpatterns as project_urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


# A service as an app writes one: a role check (403), a rule (409), one transition. ----------
def kit_approve(*, by, cohort: Cohort, note: str = "") -> Cohort:
    if not (scope_for(by).city or scope_for(by).district_ids):
        raise PermissionDenied("Only a reviewer approves.")
    refuse_if([Problem("kit_said_no", "The note says no.", "note")] if note == "no" else [])
    return transition(
        cohort, to=CohortStatus.APPROVED, flow=COHORT_FLOW, by=by, action="kit_approve"
    )


def kit_note(*, by, cohort: Cohort, note: str) -> Cohort:
    if note == "bad":
        raise ValidationError({"note": "A bad note."})
    refuse_if([Problem("kit_said_no", "The note says no.", "note")] if note == "no" else [])
    return cohort


class NoteForm(forms.Form):
    note = forms.CharField(required=False)


class RequiredNoteForm(forms.Form):
    note = forms.CharField()


# A new app's detail page shows a refusal with core's partial.
KIT_PAGE = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<h1>{{ object }}</h1>'
    '{% if refused %}{% include "core/_problems.html" with problems=refused.problems %}'
    "{% endif %}{% endblock %}"
)


class KitDetail(ScopedDetailView):
    model = Cohort

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> TemplateResponse:
        return TemplateResponse(self.request, KIT_PAGE, context, **kwargs)


class KitApprove(ActionView, KitDetail):
    form_class: type[forms.BaseForm] | None  # as ActionView declares it (a subclass asks more)
    access = "review"  # the district reviewer's action in the class's access table
    service, form_class = kit_approve, NoteForm
    title, done = "Approve (kit)", "Approved (kit)."


class KitApproveWithNote(KitApprove):
    form_class = RequiredNoteForm


class KitNote(ObjectFormView):
    model = Cohort
    form_class = RequiredNoteForm
    service, title = kit_note, "Write a note (kit)"


class KitCreate(ScopedCreateView):
    model = Cohort
    form_class = forms.modelform_factory(Cohort, fields=["name"])
    service = kit_note


urlpatterns = [
    path("kit/cohorts/<int:pk>/", KitDetail.as_view(), name="cohort_detail"),
    path("kit/cohorts/<int:pk>/approve/", KitApprove.as_view()),
    path("kit/cohorts/<int:pk>/approve-with-note/", KitApproveWithNote.as_view()),
    path("kit/cohorts/<int:pk>/note/", KitNote.as_view()),
    path("kit/cohorts/new/", KitCreate.as_view()),
    *project_urls,
]


@pytest.fixture
def cohort(world) -> Cohort:
    return make_cohort(world, status=CohortStatus.SUBMITTED)


def page(cohort: Cohort, action: str = "") -> str:
    return f"/kit/cohorts/{cohort.pk}/" + (f"{action}/" if action else "")


def events(cohort: Cohort) -> list[str]:
    rows = AuditEvent.objects.filter(object_type="programmes.cohort", object_id=str(cohort.pk))
    return list(rows.values_list("action", flat=True))


def status_of(cohort: Cohort) -> str:
    return Cohort.objects.get(pk=cohort.pk).status


# Actions ----------------------------------------------------------------------------------
def test_an_unconfirmed_post_asks_with_the_generic_words_and_changes_nothing(world, cohort):
    response = world.client("district").post(page(cohort, "approve"), {"note": "fine"})
    assert response.status_code == 200
    assert response.templates[0].name == "core/confirm.html"
    assert str(cohort) in response.context["consequence"]
    assert response.context["told"] is None  # the kit's action does not say: nothing is shown
    body = response.content.decode()
    assert 'name="note" value="fine"' in body and 'name="confirmed" value="1"' in body
    assert 'data-testid="told"' not in body
    assert status_of(cohort) == CohortStatus.SUBMITTED and events(cohort) == []


def test_a_valid_action_goes_back_to_the_object_with_one_audit_event(world, cohort):
    client = world.client("district")
    response = client.post(page(cohort, "approve"), confirmed({"note": "fine"}))
    assert response.status_code == 302 and response["Location"] == cohort.get_absolute_url()
    assert status_of(cohort) == CohortStatus.APPROVED
    assert events(cohort) == ["cohort.kit_approve"]
    assert "Approved (kit)." in client.get(page(cohort)).content.decode()


def test_a_refused_action_shows_every_problem_on_the_objects_page_and_changes_nothing(
    world, cohort
):
    response = world.client("district").post(page(cohort, "approve"), confirmed({"note": "no"}))
    assert response.status_code == 409
    assert response.context["object"] == cohort
    assert [p.code for p in response.context["refused"].problems] == ["kit_said_no"]
    body = response.content.decode()
    assert 'data-testid="problems"' in body and 'data-code="kit_said_no"' in body
    assert status_of(cohort) == CohortStatus.SUBMITTED and events(cohort) == []


def test_an_action_the_status_does_not_allow_is_refused_with_the_reason(world):
    approved = make_cohort(world, status=CohortStatus.APPROVED)
    response = world.client("district").post(page(approved, "approve"), confirmed())
    assert response.status_code == 409
    assert response.context["refused"].codes == ["transition_not_allowed"]
    assert events(approved) == []


def test_an_action_the_service_forbids_is_403(world, cohort):
    for username in ("enterprise", "school"):
        assert world.client(username).post(page(cohort, "approve")).status_code == 403
    assert status_of(cohort) == CohortStatus.SUBMITTED and events(cohort) == []


def test_another_organisations_object_is_404_for_every_method(world, cohort):
    client = world.client("enterprise2")
    for action in ("approve", "note", ""):
        assert client.get(page(cohort, action)).status_code == 404, action
        assert client.post(page(cohort, action), {"note": "x"}).status_code in (404, 405), action
    missing = f"/kit/cohorts/{cohort.pk + 1000}/approve/"
    assert world.client("district").get(missing).status_code == 404


def test_a_form_error_comes_back_on_the_objects_page(world, cohort):
    response = world.client("district").post(page(cohort, "approve-with-note"), {})
    assert response.status_code == 200
    assert response.context["failed_form"].errors["note"]
    assert status_of(cohort) == CohortStatus.SUBMITTED and events(cohort) == []


def test_a_get_asks_for_confirmation_naming_the_action_and_writes_nothing(world, cohort):
    response = world.client("district").get(page(cohort, "approve"))
    assert response.status_code == 200
    assert response.templates[0].name == "core/confirm.html"
    body = response.content.decode()
    assert "Approve (kit)" in body and 'data-testid="do-action"' in body
    assert 'name="note"' in body  # the action's form, posted to the same address
    assert status_of(cohort) == CohortStatus.SUBMITTED and events(cohort) == []


# Forms about one object ----------------------------------------------------------------------
def test_a_service_form_puts_errors_and_refusals_on_the_form(world, cohort):
    client = world.client("enterprise")
    assert client.get(page(cohort, "note")).status_code == 200
    invalid = client.post(page(cohort, "note"), {"note": "bad"})
    assert invalid.status_code == 200 and invalid.context["form"].errors["note"] == ["A bad note."]
    refused = client.post(page(cohort, "note"), {"note": "no"})
    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors() == ["The note says no."]
    done = client.post(page(cohort, "note"), {"note": "fine"})
    assert done.status_code == 302 and done["Location"] == cohort.get_absolute_url()


def test_a_form_that_changes_an_object_is_403_to_who_only_sees_it(world, cohort):
    assert world.client("district").get(page(cohort)).status_code == 200
    assert world.client("district").get(page(cohort, "note")).status_code == 403
    assert world.client("district").post(page(cohort, "note"), {"note": "x"}).status_code == 403


def test_a_create_page_lets_in_only_who_may_create(world):
    assert world.client("bureau").get("/kit/cohorts/new/").status_code == 200
    assert world.client("enterprise").get("/kit/cohorts/new/").status_code == 403


# The lookup itself -----------------------------------------------------------------------------
def test_the_lookup_is_404_outside_the_scope_and_403_for_a_change_it_may_not_make(world, cohort):
    def lookup(username: str, **kwargs: Any) -> Cohort:
        user = world.users[username]
        return scoped_object(user, visible_to(Cohort, user), pk=cohort.pk, **kwargs)

    assert lookup("district") == cohort and lookup("enterprise", access="change") == cohort
    assert lookup("district", access="review") == cohort
    with pytest.raises(PermissionDenied):
        lookup("district", access="change")
    with pytest.raises(PermissionDenied):
        lookup("enterprise", access="review")
    for username in ("enterprise2", "nobody"):
        with pytest.raises(Http404):
            lookup(username)
