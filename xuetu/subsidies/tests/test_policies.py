"""Subsidy policies: the version in force for a district or the city, money as Decimal only,
a version in use never edited, read by everyone through the API, changed by the bureau."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from xuetu.core.problems import Refused
from xuetu.programmes.models import ProgrammePolicy
from xuetu.subsidies import demo, selectors
from xuetu.subsidies.models import SubsidyPolicy, SubsidyStandard
from xuetu.subsidies.rules import CHONGQING_STANDARDS
from xuetu.subsidies.services import policy_create, policy_update
from xuetu.subsidies.tests.factories_subrules import make_policy

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_district_version_overrides_the_citys_from_its_date(world):
    city = make_policy()
    newer_city = make_policy(effective_from=D(2023, 1, 1), name="2023")
    district = make_policy(effective_from=D(2022, 1, 1), district=world.jiangbei, name="江北")
    assert selectors.policy_for(None, D(2019, 12, 31)) is None
    assert selectors.policy_for(None, D(2020, 1, 1)) == city
    assert selectors.policy_for(None, D(2024, 1, 1)) == newer_city
    assert selectors.policy_for(world.jiangbei.pk, D(2021, 6, 1)) == city
    assert selectors.policy_for(world.jiangbei.pk, D(2022, 1, 1)) == district
    assert selectors.policy_for(world.jiangbei.pk, D(2024, 1, 1)) == district
    assert selectors.policy_for(world.jiulongpo.pk, D(2024, 1, 1)) == newer_city


def test_the_policy_facts_read_the_programme_policy_for_the_non_money_rules():
    policy = make_policy()
    programme = ProgrammePolicy(name="p", effective_from=D(2020, 1, 1), min_contract_months=18)
    facts = selectors.policy_facts(policy, programme)
    assert facts.min_contract_months == 18 and facts.min_age == programme.min_age
    assert facts.standard("skill_level", 3) == Decimal("6000.00")
    assert facts.standard("special_ability", None) == Decimal("4000.00")
    assert facts.standard("skill_level", 5) == Decimal("0.00")
    assert facts.version == "重庆市企业新型学徒制培训补贴 (2020-01-01)"


def test_a_float_never_reaches_a_money_field():
    policy = make_policy()
    standard = SubsidyStandard(policy=policy, kind="training", level=None, amount_per_year=4000.0)
    with pytest.raises(ValidationError):
        standard.full_clean()
    with pytest.raises(TypeError), transaction.atomic():
        SubsidyStandard.objects.create(
            policy=policy, kind="skill_level", level=2, amount_per_year=1.5
        )
    with pytest.raises(ValidationError):
        make_policy(effective_from=D(2031, 1, 1), standards=[("skill_level", 3, 6000.0)])
    assert all(isinstance(s.amount_per_year, Decimal) for s in SubsidyStandard.objects.all())


def test_a_version_in_use_is_never_edited(world):
    today = timezone.localdate()
    in_use = make_policy(effective_from=today)
    with pytest.raises(Refused) as refused:
        policy_update(by=world.users["bureau"], subsidypolicy=in_use, max_years=3)
    assert [p.code for p in refused.value.problems] == ["policy_in_use"]
    in_use.refresh_from_db()
    assert in_use.max_years == 2


def test_a_future_version_may_change_until_it_takes_effect(world):
    bureau = world.users["bureau"]
    future = timezone.localdate() + dt.timedelta(days=30)
    policy = policy_create(
        by=bureau, standards=CHONGQING_STANDARDS, name="2030", effective_from=future
    )
    policy_update(
        by=bureau,
        subsidypolicy=policy,
        standards=[("skill_level", 3, Decimal("6500.00"))],
        advance_ratio=Decimal("0.40"),
    )
    policy.refresh_from_db()
    assert policy.advance_ratio == Decimal("0.40")
    assert list(policy.standards.values_list("amount_per_year", flat=True)) == [Decimal("6500.00")]
    with pytest.raises(Refused) as refused:
        policy_create(
            by=bureau,
            standards=[],
            name="past",
            effective_from=timezone.localdate() - dt.timedelta(1),
        )
    assert [p.code for p in refused.value.problems] == ["policy_backdated"]


def test_only_the_city_bureau_changes_policies(world):
    future = timezone.localdate() + dt.timedelta(days=30)
    for persona in ("district", "enterprise", "school", "apprentice"):
        with pytest.raises(PermissionDenied):
            policy_create(by=world.users[persona], standards=[], name="x", effective_from=future)


def test_a_standard_names_a_level_exactly_for_the_levelled_kinds(world):
    future = timezone.localdate() + dt.timedelta(days=30)
    for rows in (
        [("skill_level", None, Decimal("1.00"))],
        [("training", 3, Decimal("1.00"))],
        [("training", None, Decimal("1.00")), ("training", None, Decimal("2.00"))],
    ):
        with pytest.raises(Refused):
            policy_create(by=world.users["bureau"], standards=rows, name="x", effective_from=future)


def test_the_demo_seeds_the_chongqing_policy_once():
    demo.seed()
    demo.seed()
    policy = SubsidyPolicy.objects.get()
    assert policy.effective_from == D(2020, 1, 1) and policy.district is None
    assert policy.advance_ratio == Decimal("0.50") and policy.max_years == 2
    assert policy.standards.count() == len(CHONGQING_STANDARDS)


# The API ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["apprentice", "enterprise", "district", "bureau"])
def test_every_signed_in_user_reads_the_policies_with_amounts_as_decimal_strings(world, persona):
    policy = make_policy()
    api = world.api(persona)
    body = api.get("/api/v1/policies/").json()
    rows = body.get("results", body)
    assert [row["id"] for row in rows] == [policy.pk]
    detail = api.get(f"/api/v1/policies/{policy.pk}/").json()
    assert detail["advance_ratio"] == "0.50"
    senior = next(s for s in detail["standards"] if s["kind"] == "skill_level" and s["level"] == 3)
    assert senior["amount_per_year"] == "6000.00"
    assert all(isinstance(s["amount_per_year"], str) for s in detail["standards"])


def test_the_policies_api_is_read_only_and_closed_to_anonymous_users(world, client):
    policy = make_policy()
    api = world.api("bureau")
    assert api.post("/api/v1/policies/", {"name": "x"}, format="json").status_code == 405
    assert (
        api.patch(f"/api/v1/policies/{policy.pk}/", {"name": "x"}, format="json").status_code == 405
    )
    assert client.get("/api/v1/policies/").status_code in (401, 403)
    assert api.get("/api/v1/policies/99999999999999999999/").status_code == 404


def test_the_policies_list_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    api = world.api("enterprise")
    make_policy()
    api.get("/api/v1/policies/")  # warm the session and the scope
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/policies/").status_code == 200
    for year in range(2021, 2031):
        make_policy(effective_from=D(year, 1, 1), name=str(year))
    make_policy(effective_from=D(2022, 1, 1), district=world.jiangbei, name="江北")
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/policies/")
    assert len(response.json().get("results", response.json())) == 12


def test_the_admin_shows_a_version_in_use_read_only(world):
    from xuetu.accounts.models import User

    policy = make_policy()
    staff = User.objects.create_superuser("operator", password="x-operator-9")
    client = world.client("bureau")
    client.force_login(staff)
    page = client.get(f"/admin/subsidies/subsidypolicy/{policy.pk}/change/")
    assert page.status_code == 200
    assert "不能再修改" in page.content.decode()  # the site speaks Chinese by default
    response = client.post(f"/admin/subsidies/subsidypolicy/{policy.pk}/change/", {"name": "x"})
    assert response.status_code == 403
    policy.refresh_from_db()
    assert policy.name != "x"
