"""An enterprise's name, USCC and district are the bureau's facts (its district says who
reviews its filings): only the city administrator or the reviewer of its district changes
them. The enterprise asks for a change with a reason; granting applies it in the same
transaction, through the same service, with its audit event."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from xuetu.accounts.choices import OrganisationKind, Role
from xuetu.accounts.models import Organisation
from xuetu.core.models import AuditEvent, ConsentRequest, ConsentStatus, Notice
from xuetu.registry.models import Enterprise
from xuetu.registry.services import enterprise_update
from xuetu.testing import confirmed, make_user, valid_uscc

pytestmark = pytest.mark.django_db

NEW_USCC = valid_uscc("91500105MA5U7CCC3")


def api_url(enterprise: Enterprise) -> str:
    return f"/api/v1/enterprises/{enterprise.pk}/"


def page(enterprise: Enterprise, action: str = "") -> str:
    return f"/registry/enterprises/{enterprise.pk}/{action}"


def stored(enterprise: Enterprise) -> Enterprise:
    return Enterprise.objects.get(pk=enterprise.pk)


def events(enterprise: Enterprise, action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type="registry.enterprise", object_id=str(enterprise.pk), action=action
        )
    )


def jiulongpo_reviewer(world):
    bureau = Organisation.objects.create(
        kind=OrganisationKind.DISTRICT_BUREAU, name="九龙坡区人社局", district=world.jiulongpo
    )
    return make_user("jiulongpo", bureau, Role.DISTRICT_REVIEWER)


# The enterprise cannot rewrite them ----------------------------------------------------------
def test_an_enterprise_cannot_move_itself_to_another_district_through_the_api(world):
    response = world.api("enterprise").patch(
        api_url(world.enterprise), {"district": world.jiulongpo.pk}, format="json"
    )
    assert response.status_code == 400
    assert "district" in response.json()
    assert stored(world.enterprise).district == world.jiangbei
    assert events(world.enterprise, "enterprise.update") == []


@pytest.mark.parametrize(("field", "value"), [("name", "另一家公司"), ("uscc", NEW_USCC)])
def test_an_enterprise_cannot_rewrite_its_name_or_uscc_through_the_api(world, field, value):
    before = getattr(world.enterprise, field)
    response = world.api("enterprise").patch(
        api_url(world.enterprise), {field: value, "address": "江北区"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == [field]
    enterprise = stored(world.enterprise)
    assert getattr(enterprise, field) == before and enterprise.address == ""


def test_an_enterprise_edits_its_other_fields_with_its_facts_carried_back_unchanged(world):
    enterprise = world.enterprise
    body = {"name": enterprise.name, "uscc": enterprise.uscc, "district": world.jiangbei.pk}
    response = world.api("enterprise").put(
        api_url(enterprise), {**body, "size": "large"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert stored(enterprise).size == "large"


def test_the_edit_page_shows_the_facts_as_text_and_a_forged_field_changes_nothing(world):
    client = world.client("enterprise")
    response = client.get(page(world.enterprise, "edit/"))
    body = response.content.decode()
    assert response.status_code == 200
    for name in ("name", "uscc", "district", "accept_reason"):
        assert f'name="{name}"' not in body
    assert world.enterprise.uscc in body and 'data-testid="request-change"' in body
    forged = {"name": "改名", "uscc": NEW_USCC, "district": world.jiulongpo.pk, "size": "large"}
    assert client.post(page(world.enterprise, "edit/"), forged).status_code == 302
    enterprise = stored(world.enterprise)
    assert (enterprise.name, enterprise.uscc, enterprise.district) == (
        world.enterprise.name,
        world.enterprise.uscc,
        world.jiangbei,
    )
    assert enterprise.size == "large"


# The bureau changes them -------------------------------------------------------------------
def test_the_city_administrator_moves_an_enterprise_with_one_event_and_tells_who_must_know(world):
    response = world.api("bureau").patch(
        api_url(world.enterprise), {"district": world.jiulongpo.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert stored(world.enterprise).district == world.jiulongpo
    [event] = events(world.enterprise, "enterprise.update")
    assert event.actor == world.users["bureau"]
    assert event.before == {"district_id": world.jiangbei.pk}
    notice = Notice.objects.get(recipient=world.users["enterprise"])
    assert notice.kind == "enterprise.facts_changed" and world.enterprise.name in notice.text


def test_the_reviewer_of_the_district_may_change_the_facts_and_another_district_may_not(world):
    enterprise_update(by=world.users["district"], enterprise=world.enterprise, name="长安汽车股份")
    assert stored(world.enterprise).name == "长安汽车股份"
    with pytest.raises(ValidationError) as refused:
        enterprise_update(by=world.users["district"], enterprise=world.enterprise2, name="别名")
    assert list(refused.value.message_dict) == ["name"]
    assert stored(world.enterprise2).name == "西南铝业"


# The enterprise asks; the bureau decides -------------------------------------------------------
def ask(world, **change) -> Any:  # the test client's response, with its context
    data = {
        "name": world.enterprise.name,
        "uscc": world.enterprise.uscc,
        "district": world.jiangbei.pk,
        "reason": "营业执照已变更",
        **change,
    }
    return world.client("enterprise").post(page(world.enterprise, "request-change/"), data)


def pending(world) -> ConsentRequest:
    return ConsentRequest.objects.get(status=ConsentStatus.PENDING)


def test_the_enterprise_asks_for_a_new_name_and_the_deciders_are_told(world):
    response = ask(world, name="长安汽车股份有限公司")
    assert response.status_code == 302
    request = pending(world)
    assert request.payload == {"name": "长安汽车股份有限公司"}
    told = set(Notice.objects.filter(kind="consent.requested").values_list("recipient", flat=True))
    assert told == {world.users["bureau"].pk, world.users["district"].pk}
    detail = world.client("enterprise").get(page(world.enterprise)).content.decode()
    assert 'data-testid="change-pending"' in detail
    assert stored(world.enterprise).name == "长安汽车"


def test_the_district_reviewer_grants_and_the_change_is_applied_with_its_event(world):
    ask(world, name="长安汽车股份有限公司")
    reviewer = world.client("district")
    shown = reviewer.get(page(world.enterprise, "change-request/"))
    assert shown.status_code == 200 and "长安汽车股份有限公司" in shown.content.decode()
    response = reviewer.post(
        page(world.enterprise, "grant-change/"), confirmed({"comment": "核对无误"})
    )
    assert response.status_code == 302
    assert stored(world.enterprise).name == "长安汽车股份有限公司"
    [event] = events(world.enterprise, "enterprise.change_facts")
    assert event.actor == world.users["district"]
    request = ConsentRequest.objects.get()
    assert request.status == ConsentStatus.GRANTED and request.decided_by == world.users["district"]
    assert Notice.objects.filter(recipient=world.users["enterprise"], kind="consent.granted")


def test_a_granted_move_hands_the_enterprise_to_the_new_districts_reviewer(world):
    other = jiulongpo_reviewer(world)
    ask(world, district=world.jiulongpo.pk)
    world.client("district").post(
        page(world.enterprise, "grant-change/"), confirmed({"comment": ""})
    )
    assert stored(world.enterprise).district == world.jiulongpo
    assert not Enterprise.objects.for_user(world.users["district"]).filter(pk=world.enterprise.pk)
    assert Notice.objects.filter(recipient=other, kind="enterprise.facts_changed").exists()


def test_a_refusal_needs_a_reason_and_changes_nothing(world):
    ask(world, uscc=NEW_USCC)
    reviewer = world.client("district")
    response = reviewer.post(page(world.enterprise, "refuse-change/"), confirmed({"comment": ""}))
    assert response.status_code == 200 and response.context["failed_form"].errors["comment"]
    assert pending(world).payload == {"uscc": NEW_USCC}
    response = reviewer.post(
        page(world.enterprise, "refuse-change/"), confirmed({"comment": "证照不符"})
    )
    assert response.status_code == 302
    assert ConsentRequest.objects.get().status == ConsentStatus.REFUSED
    assert stored(world.enterprise).uscc == world.enterprise.uscc


def test_the_enterprise_cannot_grant_its_own_request(world):
    ask(world, name="自己批准")
    client = world.client("enterprise")
    assert client.get(page(world.enterprise, "grant-change/")).status_code == 403
    assert client.post(page(world.enterprise, "grant-change/"), confirmed()).status_code == 403
    assert pending(world) and stored(world.enterprise).name == "长安汽车"


def test_a_reviewer_of_another_district_and_another_enterprise_never_see_the_request(world):
    ask(world, name="不该看到")
    world.users["jiulongpo"] = jiulongpo_reviewer(world)
    for username in ("jiulongpo", "enterprise2"):
        client = world.client(username)
        for action in ("change-request/", "grant-change/", "refuse-change/", "request-change/"):
            assert client.get(page(world.enterprise, action)).status_code == 404
            assert client.post(page(world.enterprise, action)).status_code in (404, 405)
    assert pending(world)


def test_a_grant_that_cannot_be_applied_leaves_the_request_pending_and_nothing_changed(world):
    # Between asking and granting, the code turned out to be another enterprise's.
    ask(world, name="新名字", uscc=NEW_USCC)
    Enterprise.objects.filter(pk=world.enterprise2.pk).update(uscc=NEW_USCC)
    response = world.client("district").post(page(world.enterprise, "grant-change/"), confirmed({}))
    assert response.status_code == 200
    assert response.context["failed_form"].non_field_errors()
    assert pending(world)
    assert stored(world.enterprise).name == "长安汽车"
    assert events(world.enterprise, "enterprise.change_facts") == []


def test_a_request_needs_a_reason_and_a_change_and_waits_for_the_one_before(world):
    response = ask(world, reason="")
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    response = ask(world)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    ask(world, name="第一次")
    response = ask(world, name="第二次")
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert pending(world).payload == {"name": "第一次"}


def test_the_enterprise_withdraws_its_request(world):
    ask(world, name="算了")
    client = world.client("enterprise")
    assert client.post(page(world.enterprise, "withdraw-change/"), confirmed()).status_code == 302
    assert ConsentRequest.objects.get().status == ConsentStatus.WITHDRAWN
    assert (
        world.client("district")
        .post(page(world.enterprise, "withdraw-change/"), confirmed())
        .status_code
        == 403
    )
