"""An operator creates the bureaus and their first members from the terminal, audited."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from xuetu.accounts.models import District, Membership, Organisation
from xuetu.core.models import AuditEvent


@pytest.mark.django_db
def test_an_operator_creates_a_district_bureau_and_its_reviewer():
    District.objects.create(code="500106", name="沙坪坝区")
    out = io.StringIO()
    call_command(
        "create_organisation", "district_bureau", "沙坪坝区人社局", district="500106", stdout=out
    )
    bureau = Organisation.objects.get(name="沙坪坝区人社局")
    assert bureau.district is not None
    assert bureau.district.code == "500106"
    call_command(
        "create_member",
        "zhang",
        "沙坪坝区人社局",
        "district_reviewer",
        password="pw-1234-xyz",
        stdout=out,
    )
    membership = Membership.objects.get(user__username="zhang")
    assert membership.organisation == bureau and membership.user.check_password("pw-1234-xyz")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"organisation.create", "membership.create"} <= actions


@pytest.mark.django_db
def test_a_district_bureau_without_its_district_and_a_role_it_cannot_hold_are_refused():
    with pytest.raises(CommandError):
        call_command("create_organisation", "district_bureau", "无区县人社局")
    call_command("create_organisation", "city_bureau", "重庆市人社局", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("create_member", "li", "重庆市人社局", "mentor", password="pw-1234-xyz")
    assert not Organisation.objects.filter(name="无区县人社局").exists()
    assert not Membership.objects.exists()
    assert not AuditEvent.objects.filter(action="membership.create").exists()
