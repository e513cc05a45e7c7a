"""Sign-in throttling: five failed sign-ins for one user name from one address lock that pair
(and only that pair) for 30 minutes, on the sign-in page and the admin's, with a message in
the reader's language; the city administrator lifts a lock."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from xuetu.core.models import AuditEvent
from xuetu.testing import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/?next=/admin/"
HOME = "203.0.113.7"
ELSEWHERE = "198.51.100.9"


def sign_in(username: str, password: str, *, ip: str = HOME, url: str = LOGIN, **extra):
    client = Client(REMOTE_ADDR=ip, **extra)
    return client.post(url, {"username": username, "password": password})


def fail(username: str, times: int, **where) -> None:
    """Wrong passwords: the form's error until the fifth, which already answers the lock."""
    for _ in range(times):
        assert sign_in(username, "wrong-password", **where).status_code in (200, 429)


def signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def test_the_right_password_is_refused_after_five_failures_from_that_address(world):
    fail("bureau", 5)
    response = sign_in("bureau", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in response.client.session


def test_four_failures_do_not_lock_and_the_fifth_answers_the_lock(world):
    for _ in range(4):
        assert sign_in("bureau", "wrong-password").status_code == 200
    assert signed_in(sign_in("bureau", PASSWORD))
    for _ in range(4):
        assert sign_in("bureau", "wrong-password").status_code == 200
    assert sign_in("bureau", "wrong-password").status_code == 429


def test_the_locked_sign_in_page_says_why_in_chinese(world):
    fail("bureau", 5)
    page = sign_in("bureau", PASSWORD).content.decode()
    assert 'data-testid="locked-out"' in page
    assert "登录失败次数过多" in page and "30" in page
    assert 'name="username"' in page  # the sign-in page itself, not a bare text


def test_the_locked_sign_in_page_says_why_in_english_for_an_english_reader(world):
    fail("bureau", 5)
    client = Client(REMOTE_ADDR=HOME)
    client.cookies["django_language"] = "en"
    page = client.post(LOGIN, {"username": "bureau", "password": PASSWORD}).content.decode()
    assert "Too many failed sign-ins" in page and "30 minutes" in page


def test_the_same_user_from_another_address_is_not_locked(world):
    """Nobody can lock the administrator out from elsewhere."""
    fail("bureau", 20)
    assert signed_in(sign_in("bureau", PASSWORD, ip=ELSEWHERE))


def test_another_user_from_the_locked_address_is_not_locked(world):
    fail("bureau", 5)
    assert signed_in(sign_in("district", PASSWORD))


def test_the_admin_sign_in_is_locked_too(world):
    operator = world.users["nobody"]
    operator.is_staff = operator.is_superuser = True
    operator.save()
    fail("nobody", 5, url=ADMIN_LOGIN)
    response = sign_in("nobody", PASSWORD, url=ADMIN_LOGIN)
    assert response.status_code == 429
    assert "_auth_user_id" not in response.client.session


def test_failures_on_the_admin_and_the_site_count_together(world):
    fail("bureau", 3, url=ADMIN_LOGIN)
    fail("bureau", 2)
    assert sign_in("bureau", PASSWORD).status_code == 429


def test_the_lock_lifts_after_thirty_minutes(world):
    fail("bureau", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=29))
    assert sign_in("bureau", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=31))
    assert signed_in(sign_in("bureau", PASSWORD))


def test_the_city_administrator_sees_the_locked_pair_and_lifts_the_lock(world):
    fail("district", 5)
    admin = world.client("bureau")
    page = admin.get("/accounts/lockouts/").content.decode()
    assert "district" in page and HOME in page and 'data-testid="release"' in page
    response = admin.post("/accounts/lockouts/", {"username": "district", "ip_address": HOME})
    assert response.status_code == 302
    assert signed_in(sign_in("district", PASSWORD))
    event = AuditEvent.objects.get(action="accessattempt.release")
    assert event.actor == world.users["bureau"]
    assert event.before == {"username": "district", "ip_address": HOME}


@pytest.mark.parametrize("username", ["district", "enterprise", "mentor", "apprentice"])
def test_nobody_but_the_city_administrator_lifts_a_lock(world, username):
    fail("bureau", 5)
    client = world.client(username)
    assert client.get("/accounts/lockouts/").status_code == 403
    response = client.post("/accounts/lockouts/", {"username": "bureau", "ip_address": HOME})
    assert response.status_code == 403
    assert sign_in("bureau", PASSWORD).status_code == 429


@pytest.mark.parametrize(
    "data",
    [{}, {"username": "bureau"}, {"username": "bureau", "ip_address": "not-an-address"}],
)
def test_a_malformed_release_is_refused_with_a_message_and_lifts_nothing(world, data):
    fail("bureau", 5)
    response = world.client("bureau").post("/accounts/lockouts/", data)
    assert response.status_code == 400
    assert 'data-testid="form-errors"' in response.content.decode()
    assert sign_in("bureau", PASSWORD).status_code == 429


def test_releasing_a_pair_without_failures_says_so(world):
    response = world.client("bureau").post(
        "/accounts/lockouts/", {"username": "bureau", "ip_address": HOME}, follow=True
    )
    assert "没有失败的登录" in response.content.decode()
