"""Every create and every edit, through the page or the API, writes exactly one audit event in
the same transaction; a refused write writes none."""

import datetime as dt

import pytest

from xuetu.core.identifiers import make_resident_id
from xuetu.core.models import AuditEvent
from xuetu.registry.models import District, Enterprise, Institution, Occupation, Person
from xuetu.testing import valid_uscc


def events(obj) -> int:
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).count()


@pytest.mark.django_db
def test_creating_and_editing_an_enterprise_on_the_page_writes_one_event_each(world):
    client = world.client("bureau")
    data = {
        "name": "重庆测试机械有限公司",
        "uscc": valid_uscc("91500105MA5UXY701"),
        "district": world.jiangbei.pk,
        "size": "small",
    }
    response = client.post("/registry/enterprises/new/", data)
    assert response.status_code == 302, response.context["form"].errors
    enterprise = Enterprise.objects.get(name=data["name"])
    assert events(enterprise) == 1
    event = AuditEvent.objects.get(object_id=str(enterprise.pk), action="enterprise.create")
    assert event.actor == world.users["bureau"]
    assert event.ip == "127.0.0.1"
    response = client.post(
        f"/registry/enterprises/{enterprise.pk}/edit/", {**data, "size": "large"}
    )
    assert response.status_code == 302
    assert events(enterprise) == 2
    update = AuditEvent.objects.get(object_id=str(enterprise.pk), action="enterprise.update")
    assert update.before == {"size": "small"} and update.after == {"size": "large"}


@pytest.mark.django_db
def test_an_enterprise_manager_edits_their_own_enterprise_but_not_another(world):
    client = world.client("enterprise")
    url = f"/registry/enterprises/{world.enterprise.pk}/edit/"
    data = {
        "name": world.enterprise.name,
        "uscc": world.enterprise.uscc,
        "district": world.jiangbei.pk,
        "size": "large",
        "address": "重庆市江北区建新东路260号",
    }
    assert client.post(url, data).status_code == 302
    assert events(world.enterprise) == 1
    other = f"/registry/enterprises/{world.enterprise2.pk}/edit/"
    assert client.post(other, data).status_code == 404
    # A mentor of the enterprise does not reach its registry record at all (minimum necessary).
    assert world.client("mentor").post(url, data).status_code == 404
    assert events(world.enterprise) == 1


@pytest.mark.django_db
def test_api_creates_and_edits_write_one_event_each(world):
    api = world.api("bureau")
    response = api.post(
        "/api/v1/institutions/",
        {
            "name": "重庆测试技工学校",
            "district": world.jiangbei.pk,
            "institution_type": "public_base",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    institution = Institution.objects.get(pk=response.json()["id"])
    assert events(institution) == 1
    response = api.patch(
        f"/api/v1/institutions/{institution.pk}/", {"address": "沙坪坝区"}, format="json"
    )
    assert response.status_code == 200
    assert events(institution) == 2


@pytest.mark.django_db
def test_person_edit_on_the_page_writes_one_event(world):
    person = world.people["worker"]
    response = world.client("enterprise").post(
        f"/registry/people/{person.pk}/edit/",
        {"name": "张三丰", "id_number": person.id_number, "phone": "13912345678"},
    )
    assert response.status_code == 302
    assert events(person) == 1
    person.refresh_from_db()
    assert person.name == "张三丰"


@pytest.mark.django_db
def test_reference_data_is_edited_by_the_city_bureau_only(world):
    occupation = Occupation.objects.create(code="6-18-02-04", name="焊工", levels="54321")
    url = f"/registry/occupations/{occupation.pk}/edit/"
    data = {"code": "6-18-02-04", "name": "焊工", "name_en": "Welder", "levels": "5432"}
    assert world.client("enterprise").post(url, data).status_code == 403
    assert world.client("bureau").post(url, data).status_code == 302
    occupation.refresh_from_db()
    assert occupation.levels == "5432" and events(occupation) == 1
    response = world.client("bureau").post(
        "/registry/districts/new/", {"code": "500106", "name": "沙坪坝区"}
    )
    assert response.status_code == 302
    assert events(District.objects.get(code="500106")) == 1


@pytest.mark.django_db
def test_a_refused_write_stores_nothing_and_writes_no_event(world):
    before = AuditEvent.objects.count()
    response = world.api("bureau").post(
        "/api/v1/enterprises/",
        {"name": "坏代码公司", "uscc": "91500105MA5UXYZ0IO", "district": world.jiangbei.pk},
        format="json",
    )
    assert response.status_code == 400 and "uscc" in response.json()
    bad = make_resident_id("500105", dt.date(1990, 1, 1), 5, gender="M")[:-1] + "Z"
    response = world.api("enterprise").post(
        "/api/v1/people/", {"name": "x", "id_number": bad}, format="json"
    )
    assert response.status_code == 400
    assert AuditEvent.objects.count() == before
    assert not Person.objects.filter(name="x").exists()


@pytest.mark.django_db
def test_a_failing_uscc_check_needs_a_city_administrators_reason(world):
    body = "91500105MA5UQQQ01"
    from stdnum.cn import uscc

    wrong = next(c for c in "0123456789" if c != uscc.calc_check_digit(body))
    data = {"name": "旧代码公司", "uscc": body + wrong, "district": world.jiangbei.pk}
    api = world.api("bureau")
    refused = api.post("/api/v1/enterprises/", data, format="json")
    assert refused.status_code == 400 and "uscc" in refused.json()
    accepted = api.post(
        "/api/v1/enterprises/", {**data, "accept_reason": "营业执照原件核对无误"}, format="json"
    )
    assert accepted.status_code == 201, accepted.json()
    enterprise = Enterprise.objects.get(pk=accepted.json()["id"])
    assert enterprise.uscc_accepted_reason == "营业执照原件核对无误"
    assert enterprise.uscc_accepted_by == world.users["bureau"]
