"""Accounts for mentors and apprentices (issue 8 item 22): a manager opens them, the person
activates with a one-time code, and the account closes when they leave."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from xuetu.accounts.choices import Role
from xuetu.accounts.models import ActivationCode, User
from xuetu.accounts.services.activation import account_activate, code_hash, normalise
from xuetu.core.models import AuditEvent
from xuetu.core.problems import Refused
from xuetu.programmes import services
from xuetu.programmes.choices import CohortStatus
from xuetu.programmes.services import people_accounts as service
from xuetu.programmes.tests.factories import (
    build_programme,
    make_enrollment,
    make_mentor,
    make_person,
)
from xuetu.programmes.tests.test_documents import pdf_text

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-unusual-password-42"


@pytest.fixture
def programme(world):
    return build_programme(world, status=CohortStatus.IN_TRAINING)


@pytest.fixture
def newcomer(programme):
    person = make_person("周小川", organisation=programme.world.enterprise)
    make_enrollment(
        programme.world,
        programme.cohort,
        person=person,
        enterprise_mentor=programme.mentor,
        institution_mentor=programme.teacher,
    )
    return person


def create(programme, person, who="enterprise", organisation=None):
    issued = service.person_account_create(
        by=programme.world.users[who],
        person=person,
        organisation=organisation or programme.world.enterprise,
    )
    assert issued is not None
    return issued


def test_a_manager_opens_an_account_for_an_apprentice_with_a_code(programme, newcomer):
    issued = create(programme, newcomer)
    newcomer.refresh_from_db()
    assert newcomer.user == issued.user
    assert (
        issued.user.username == f"xt{newcomer.pk:06d}"
        and newcomer.id_number not in issued.user.username
    )
    assert not issued.user.has_usable_password()
    assert issued.user.memberships.get().role == Role.APPRENTICE
    assert len(normalise(issued.code)) == 16 and not set(issued.code) & set("01OI")


def test_the_code_is_stored_only_as_a_hash_and_never_audited(programme, newcomer):
    issued = create(programme, newcomer)
    stored = ActivationCode.objects.get(user=issued.user)
    assert (
        stored.code_hash == code_hash(issued.code)
        and normalise(issued.code) not in stored.code_hash
    )
    for event in AuditEvent.objects.all():
        assert normalise(issued.code) not in str(event.before) + str(event.after)
        assert issued.code not in str(event.before) + str(event.after)


def test_another_organisations_manager_and_members_are_refused(programme, newcomer):
    for who in ("enterprise2", "mentor", "apprentice", "school"):
        with pytest.raises(PermissionDenied):
            create(programme, newcomer, who)
    assert User.objects.filter(person=newcomer).count() == 0


def test_a_person_of_another_organisation_is_refused(programme, world):
    stranger = make_person("陌生人", organisation=world.enterprise2)
    with pytest.raises(Refused) as refused:
        create(programme, stranger)
    assert refused.value.problems[0].code == "account_not_your_person"


def test_a_second_account_is_refused(programme, newcomer):
    create(programme, newcomer)
    with pytest.raises(Refused) as refused:
        create(programme, newcomer)
    assert refused.value.problems[0].code == "account_exists"


def test_the_code_works_once_in_any_case_and_spacing(programme, newcomer):
    issued = create(programme, newcomer)
    typed = " " + issued.code.lower().replace("-", " ") + " "
    user = account_activate(code=typed, password=PASSWORD)
    assert user.check_password(PASSWORD)
    with pytest.raises(Refused) as refused:
        account_activate(code=issued.code, password=PASSWORD)
    assert refused.value.problems[0].code == "activation_code_used"


def test_an_expired_or_replaced_code_is_refused(programme, newcomer):
    issued = create(programme, newcomer)
    later = timezone.now() + dt.timedelta(days=15)
    with pytest.raises(Refused) as refused:
        account_activate(code=issued.code, password=PASSWORD, now=later)
    assert refused.value.problems[0].code == "activation_code_expired"
    newcomer.refresh_from_db()
    again = service.person_code_reissue(
        by=programme.world.users["enterprise"],
        person=newcomer,
        organisation=programme.world.enterprise,
    )
    with pytest.raises(Refused):
        account_activate(code=issued.code, password=PASSWORD)
    assert account_activate(code=again.code, password=PASSWORD) == issued.user
    assert ActivationCode.objects.filter(user=issued.user).count() == 2


def test_a_class_gets_accounts_for_those_without_one_in_bounded_queries(programme, world):
    cohort = programme.cohort
    pair = {"enterprise_mentor": programme.mentor, "institution_mentor": programme.teacher}
    for i in range(3):
        make_enrollment(
            world, cohort, person=make_person(f"学徒{i}", organisation=world.enterprise), **pair
        )
    by = world.users["enterprise"]
    with CaptureQueriesContext(connection) as few:
        issued = service.cohort_accounts_create(by=by, cohort=cohort)
    assert len(issued) == 3  # the apprentice persona already has an account
    for i in range(200):
        make_enrollment(
            world, cohort, person=make_person(f"新人{i}", organisation=world.enterprise), **pair
        )
    with CaptureQueriesContext(connection) as many:
        issued = service.cohort_accounts_create(by=by, cohort=cohort)
    assert len(issued) == 200
    # A fixed number of statements, not one per person: SQLite alone splits a bulk insert
    # into batches under its limit of bound variables, hence the small margin.
    assert len(many) <= len(few) + 6
    assert service.cohort_accounts_create(by=by, cohort=cohort) == []


def test_a_withdrawn_apprentice_loses_the_account(programme, newcomer):
    issued = create(programme, newcomer)
    account_activate(code=issued.code, password=PASSWORD)
    enrollment = newcomer.enrollments.get()
    services.enrollment_withdraw(
        by=programme.world.users["enterprise"],
        enrollment=enrollment,
        on=dt.date(2026, 5, 10),
        reason="left",
    )
    user = User.objects.get(pk=issued.user.pk)
    assert not user.is_active and not user.memberships.exists()
    assert AuditEvent.objects.filter(action="user.account_close", object_id=str(user.pk)).exists()
    signing_in = Client().post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert signing_in.status_code == 200  # the form again, not a redirect into the site


def test_the_activation_page_fills_the_code_and_signs_in(programme, newcomer):
    issued = create(programme, newcomer)
    client = Client()
    page = client.get(reverse("activate") + f"?code={issued.code}")
    assert page.status_code == 200 and issued.code in page.content.decode()
    answer = client.post(
        reverse("activate"), {"code": issued.code, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert answer.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_the_activation_page_stops_guessing(programme):
    cache.clear()
    client = Client()
    wrong = {"code": "AAAA-BBBB-CCCC-DDDD", "password1": PASSWORD, "password2": PASSWORD}
    for _ in range(10):
        assert client.post(reverse("activate"), wrong).status_code == 400
    assert client.post(reverse("activate"), wrong).status_code == 429
    cache.clear()


def test_the_accounts_page_and_letters(programme, newcomer, world, tmp_path):
    url = reverse("programmes:account_list", args=[world.enterprise.pk])
    assert world.client("enterprise").get(url).status_code == 200
    assert world.client("enterprise2").get(url).status_code == 404
    assert world.client("mentor").get(url).status_code == 403
    assert Client().get(url).status_code == 302
    create = {"person": newcomer.pk, "action": "create"}
    assert world.client("enterprise2").post(url, create).status_code == 404
    assert world.client("mentor").post(url, create).status_code == 403
    answer = world.client("enterprise").post(url, create)
    assert answer["Content-Type"] == "application/pdf"
    text = pdf_text(answer.content, tmp_path)
    user = User.objects.get(person=newcomer)
    assert "周小川" in text and user.username in text and "账号激活通知书" in text
    assert world.enterprise.name in text
    code = ActivationCode.objects.get(user=user)
    printed = next(w for w in text.split() if len(w) == 19 and w.count("-") == 3)
    assert code.code_hash == code_hash(printed)


def test_an_institution_manager_opens_a_teachers_account(programme, world):
    teacher = programme.teacher.person
    teacher.user = None
    teacher.save(update_fields=["user"])
    issued = create(programme, teacher, "school", world.institution)
    assert issued.user.memberships.get().organisation_id == world.institution.pk
    assert issued.user.memberships.get().role == Role.MENTOR


def test_an_institution_manager_cannot_open_a_classs_apprentice_accounts(programme, world):
    with pytest.raises(PermissionDenied):
        service.cohort_accounts_create(by=world.users["school"], cohort=programme.cohort)


def test_a_mentor_who_ends_loses_the_account(programme, world):
    person = make_person("李师傅", organisation=world.enterprise, birth_date=dt.date(1980, 1, 2))
    mentor = make_mentor(world, person=person)
    issued = create(programme, person)
    services.mentor_update(by=world.users["enterprise"], mentor=mentor, is_active=False)
    assert not User.objects.get(pk=issued.user.pk).is_active


def test_a_manager_closes_an_account_and_its_api_token_stops(programme, newcomer, world):
    issued = create(programme, newcomer)
    user = account_activate(code=issued.code, password=PASSWORD)
    token = Token.objects.create(user=user)
    url = reverse("programmes:account_list", args=[world.enterprise.pk])
    answer = world.client("enterprise").post(url, {"person": newcomer.pk, "action": "deactivate"})
    assert answer.status_code == 302
    assert not User.objects.get(pk=user.pk).is_active
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/").status_code == 401
    event = AuditEvent.objects.get(action="user.account_close", object_id=str(user.pk))
    assert event.actor == world.users["enterprise"] and (event.after or {})["deactivated"] is True


def test_the_activation_page_speaks_both_languages(programme, newcomer):
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Activate your account" in english.get(reverse("activate")).content.decode()
    assert "激活账号" in Client().get(reverse("activate")).content.decode()


def test_the_password_page_saves_through_the_service_with_an_audit_event(world):
    client = world.client("mentor")
    answer = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": PASSWORD,
            "new_password2": PASSWORD,
        },
    )
    assert answer.status_code == 302
    assert User.objects.get(pk=world.users["mentor"].pk).check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="user.password_change").count() == 1


def test_a_person_with_an_account_elsewhere_gets_the_role_added(programme, world):
    person = make_person("跨单位", organisation=world.enterprise, birth_date=dt.date(1981, 3, 4))
    make_mentor(world, person=person)
    teacher = make_mentor(world, person=person, organisation=world.institution)
    assert teacher.organisation_id == world.institution.pk
    first = create(programme, person)
    account_activate(code=first.code, password=PASSWORD)
    person.refresh_from_db()
    again = service.person_account_create(
        by=world.users["school"], person=person, organisation=world.institution
    )
    assert again is None  # already activated: no new code, the role is added
    assert set(first.user.memberships.values_list("organisation_id", flat=True)) == {
        world.enterprise.pk,
        world.institution.pk,
    }
