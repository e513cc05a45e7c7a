import pytest
from django.apps import apps

from xuetu.core.access import ScopedQuerySet, access_table, scope_for
from xuetu.core.models import AppendOnlyError, AuditEvent
from xuetu.registry.models import Enterprise, Person

# Models that are not tenant data: who may sign in and in which role.
NOT_TENANT_DATA = {"accounts.user", "accounts.membership"}


def test_every_xuetu_model_is_scoped_or_declared_otherwise():
    for model in apps.get_models():
        if not model.__module__.startswith("xuetu."):
            continue
        label = model._meta.label_lower
        if label in NOT_TENANT_DATA:
            continue
        queryset = model._default_manager.all()
        assert isinstance(queryset, ScopedQuerySet), (
            f"{label} has no for_user(): give it a ScopedQuerySet"
        )
        assert queryset.shared or access_table(model) is not None, (
            f"{label} has no access table: say who reaches it in its app's access.py"
        )


@pytest.mark.django_db
def test_a_manager_sees_only_their_own_enterprise(world):
    visible = set(Enterprise.objects.for_user(world.users["enterprise"]))
    assert visible == {world.enterprise}


@pytest.mark.django_db
def test_a_district_reviewer_sees_the_enterprises_of_their_district(world):
    visible = set(Enterprise.objects.for_user(world.users["district"]))
    assert visible == {world.enterprise}


@pytest.mark.django_db
def test_the_city_bureau_sees_everything(world):
    assert Enterprise.objects.for_user(world.users["bureau"]).count() == 2
    assert scope_for(world.users["bureau"]).city


@pytest.mark.django_db
def test_a_user_without_membership_sees_nothing(world):
    assert not Enterprise.objects.for_user(world.users["nobody"]).exists()
    assert not Person.objects.for_user(world.users["nobody"]).exists()


@pytest.mark.django_db
def test_an_apprentice_sees_their_own_person_record(world):
    visible = Person.objects.for_user(world.users["apprentice"])
    assert world.people["apprentice"] in visible


@pytest.mark.django_db
def test_audit_events_cannot_be_changed_or_deleted(world):
    event = AuditEvent.objects.create(action="x.test", object_type="x", object_id="1")
    event.action = "x.changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "x.test"


@pytest.mark.django_db
def test_the_audit_log_records_the_proxys_client_address_only_behind_our_proxy(rf, settings):
    from xuetu.core.middleware import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3", REMOTE_ADDR="127.0.0.1")
    settings.BEHIND_TLS_PROXY = False
    assert client_ip(request) == "127.0.0.1"
    settings.BEHIND_TLS_PROXY = True
    assert client_ip(request) == "10.1.2.3"
