"""Chongqing's districts as they are in 2026: on 2025-11-06 江北区 (500105) and 渝北区 (500112)
were abolished and 两江新区 (500157) created. Districts are effective-dated; new enterprises go
only to a district in force; the city bureau moves the enterprises of an abolished district to
a successor, audited; old codes stay valid for ID numbers."""

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from xuetu.accounts.models import Membership
from xuetu.core.identifiers import make_resident_id, parse_resident_id
from xuetu.core.models import AuditEvent, Notice
from xuetu.registry.models import District, Enterprise
from xuetu.registry.services import (
    district_move_enterprises,
    district_require_in_force,
    enterprise_create,
)
from xuetu.testing import valid_uscc

ABOLISHED = dt.date(2025, 11, 5)  # the last day in force
CREATED = dt.date(2025, 11, 6)


@pytest.fixture
def liangjiang(world) -> District:
    """The world's 江北区 abolished after 2025-11-05, 两江新区 taking it over."""
    new = District.objects.create(
        code="500157", name="两江新区", name_en="Liangjiang New Area", valid_from=CREATED
    )
    world.jiangbei.valid_to = ABOLISHED
    world.jiangbei.save(update_fields=["valid_to"])
    world.jiangbei.successors.set([new])
    return new


def new_enterprise(district: District) -> dict:
    return {
        "name": "重庆新注册机械有限公司",
        "uscc": valid_uscc("91500000MA5UNEW01"),
        "district": district.pk,
        "size": "small",
    }


@pytest.mark.django_db
def test_a_new_enterprise_cannot_be_registered_in_jiangbei(world, liangjiang):
    response = world.client("bureau").post(
        "/registry/enterprises/new/", new_enterprise(world.jiangbei)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["district"]
    assert "两江新区" in errors[0] and "江北区" in errors[0]
    assert not Enterprise.objects.filter(name="重庆新注册机械有限公司").exists()


@pytest.mark.django_db
def test_a_new_enterprise_is_registered_in_liangjiang(world, liangjiang):
    response = world.client("bureau").post("/registry/enterprises/new/", new_enterprise(liangjiang))
    assert response.status_code == 302
    assert Enterprise.objects.get(name="重庆新注册机械有限公司").district == liangjiang


@pytest.mark.django_db
def test_the_enterprise_page_offers_only_districts_in_force(world, liangjiang):
    form = world.client("bureau").get("/registry/enterprises/new/").context["form"]
    offered = {str(value) for value, _ in form.fields["district"].widget.choices if value}
    assert str(liangjiang.pk) in offered and str(world.jiangbei.pk) not in offered


@pytest.mark.django_db
def test_an_enterprise_still_in_jiangbei_can_be_edited_without_moving(world, liangjiang):
    data = {
        "name": world.enterprise.name,
        "uscc": world.enterprise.uscc,
        "district": world.jiangbei.pk,
        "size": "large",
    }
    url = f"/registry/enterprises/{world.enterprise.pk}/edit/"
    assert world.client("bureau").post(url, data).status_code == 302
    world.enterprise.refresh_from_db()
    assert world.enterprise.size == "large" and world.enterprise.district == world.jiangbei


@pytest.mark.django_db
def test_the_api_refuses_jiangbei_for_a_new_enterprise_in_english(world, liangjiang):
    with translation.override("en"):
        response = world.api("bureau").post(
            "/api/v1/enterprises/",
            new_enterprise(world.jiangbei),
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400, response.content
    assert "Liangjiang New Area" in response.json()["district"][0]
    assert not Enterprise.objects.filter(name="重庆新注册机械有限公司").exists()


@pytest.mark.django_db
def test_the_service_refuses_an_abolished_district_and_one_not_yet_in_force(world, liangjiang):
    with pytest.raises(ValidationError) as error:
        enterprise_create(by=None, **{**new_enterprise(world.jiangbei), "district": world.jiangbei})
    assert "district" in error.value.message_dict
    with pytest.raises(ValidationError) as early:
        district_require_in_force(liangjiang, on=dt.date(2025, 11, 5))
    assert "district" in early.value.message_dict
    district_require_in_force(world.jiangbei, on=dt.date(2025, 11, 5))
    district_require_in_force(liangjiang, on=CREATED)


@pytest.mark.django_db
def test_moving_the_enterprises_of_an_abolished_district_is_audited(world, liangjiang):
    moved = district_move_enterprises(
        by=world.users["bureau"], source=world.jiangbei, target=liangjiang
    )
    assert [e.pk for e in moved] == [world.enterprise.pk]
    world.enterprise.refresh_from_db()
    assert world.enterprise.district == liangjiang
    event = AuditEvent.objects.get(action="enterprise.district_moved")
    assert event.actor == world.users["bureau"] and event.object_id == str(world.enterprise.pk)
    summary = AuditEvent.objects.get(action="district.enterprises_moved")
    assert summary.after == {"to": "500157", "enterprises": [world.enterprise.pk]}
    told = Notice.objects.filter(
        kind="enterprise.facts_changed", recipient=world.users["enterprise"]
    )
    assert told.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["district", "enterprise", "nobody"])
def test_only_a_city_administrator_moves_enterprises(world, liangjiang, who):
    with pytest.raises(PermissionDenied):
        district_move_enterprises(by=world.users[who], source=world.jiangbei, target=liangjiang)
    world.enterprise.refresh_from_db()
    assert world.enterprise.district == world.jiangbei
    assert not AuditEvent.objects.filter(action="enterprise.district_moved").exists()


@pytest.mark.django_db
def test_enterprises_move_only_from_an_abolished_district_to_its_successor(world, liangjiang):
    bureau = world.users["bureau"]
    with pytest.raises(ValidationError) as still:
        district_move_enterprises(by=bureau, source=world.jiulongpo, target=liangjiang)
    assert "source" in still.value.message_dict
    with pytest.raises(ValidationError) as other:
        district_move_enterprises(by=bureau, source=world.jiangbei, target=world.jiulongpo)
    assert "target" in other.value.message_dict
    with pytest.raises(ValidationError) as elsewhere:
        district_move_enterprises(
            by=bureau, source=world.jiangbei, target=liangjiang, enterprises=[world.enterprise2]
        )
    assert "enterprises" in elsewhere.value.message_dict
    assert set(Enterprise.objects.values_list("district_id", flat=True)) == {
        world.jiangbei.pk,
        world.jiulongpo.pk,
    }


@pytest.mark.django_db
def test_the_move_command_moves_and_refuses_with_a_message(world, liangjiang):
    out = io.StringIO()
    call_command(
        "move_enterprises", "--from", "500105", "--to", "500157", "--user", "bureau", stdout=out
    )
    world.enterprise.refresh_from_db()
    assert world.enterprise.district == liangjiang
    with pytest.raises(CommandError, match="500999"):
        call_command("move_enterprises", "--from", "500999", "--to", "500157", "--user", "bureau")
    with translation.override("en"), pytest.raises(CommandError, match="city administrator"):
        call_command("move_enterprises", "--from", "500105", "--to", "500157", "--user", "district")


@pytest.mark.django_db
def test_an_id_number_from_500105_still_validates(world, liangjiang):
    number = make_resident_id("500105", dt.date(2006, 3, 1), 12, gender="F")
    resident = parse_resident_id(number)
    assert resident.number == number and resident.birth_date == dt.date(2006, 3, 1)
    assert not District.objects.get(code="500105").in_force_on(dt.date(2026, 1, 1))
    older = make_resident_id("500112", dt.date(1990, 1, 1), 3, gender="M")
    assert parse_resident_id(older).gender == "M"


@pytest.mark.django_db
def test_load_reference_loads_the_2025_reorganisation_as_data():
    call_command("load_reference", stdout=io.StringIO())
    jiangbei, yubei = District.objects.get(code="500105"), District.objects.get(code="500112")
    liangjiang = District.objects.get(code="500157")
    assert jiangbei.valid_to == yubei.valid_to == ABOLISHED and liangjiang.valid_from == CREATED
    assert list(jiangbei.successors.values_list("code", flat=True)) == ["500157"]
    assert set(yubei.successors.values_list("code", flat=True)) == {"500157", "500109"}
    in_force = set(District.objects.in_force(CREATED).values_list("code", flat=True))
    assert "500157" in in_force and not {"500105", "500112"} & in_force
    before = AuditEvent.objects.count()
    call_command("load_reference", stdout=io.StringIO())
    assert AuditEvent.objects.count() == before  # loading again changes nothing


@pytest.mark.django_db
def test_load_reference_refuses_an_unknown_successor_and_stores_nothing(tmp_path):
    from xuetu.registry.management.commands.load_reference import DEFAULT_DIR

    for name in ("industry.json", "occupations.json"):
        (tmp_path / name).write_text((DEFAULT_DIR / name).read_text(encoding="utf-8"))
    rows = [
        {"code": "500105", "name": "江北区", "valid_to": "2025-11-05", "successors": ["509999"]}
    ]
    (tmp_path / "districts.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="509999"):
        call_command("load_reference", "--dir", str(tmp_path), stdout=io.StringIO())
    assert not District.objects.exists()
    rows[0] |= {"successors": [], "valid_to": "2025-13-05"}
    (tmp_path / "districts.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="2025-13-05"):
        call_command("load_reference", "--dir", str(tmp_path), stdout=io.StringIO())
    assert not District.objects.exists()


@pytest.mark.django_db
def test_the_demo_enterprises_of_jiangbei_sit_in_liangjiang():
    call_command("seed_demo", stdout=io.StringIO())
    from xuetu.registry.demo import demo_organisations

    found = demo_organisations()
    liangjiang = District.objects.get(code="500157")
    for key in ("changan", "changan-nev", "haier", "gangcheng", "yuzhi-soft", "yubei-med"):
        assert found[key].district_id == liangjiang.pk, key
    assert found["district"].district_id == liangjiang.pk
    abolished = Enterprise.objects.filter(district__code__in=["500105", "500112"])
    assert not abolished.exists()
    reviewers = Membership.objects.filter(organisation=found["district"])
    assert list(reviewers.values_list("user__username", flat=True)) == ["district"]
