"""API tokens expire after API_TOKEN_DAYS (default 90), can be revoked by their owner and by
the city administrator, and are revoked when the owner's password changes. Signing out of the
browser leaves a token working: it belongs to a program, not to the browser session."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.forms import PasswordChangeForm
from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from xuetu.core.models import AuditEvent
from xuetu.testing import PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
API = "/api/v1/enterprises/"


def api_with(key: str, language: str = "zh-hans") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def issued_days_ago(username: str, world, days: float) -> Token:
    token, _ = Token.objects.get_or_create(user=world.users[username])
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - dt.timedelta(days=days))
    return token


def test_a_token_works_until_ninety_days_after_it_was_issued(world):
    token = issued_days_ago("enterprise", world, 89.9)
    assert api_with(token.key).get(API).status_code == 200
    issued_days_ago("enterprise", world, 90)
    response = api_with(token.key, "en").get(API)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_an_expired_token_is_refused_in_the_clients_language(world):
    token = issued_days_ago("enterprise", world, 91)
    assert "过期" in api_with(token.key).get(API).json()["detail"]


def test_the_number_of_days_is_a_setting(world, settings):
    settings.API_TOKEN_DAYS = 7
    token = issued_days_ago("enterprise", world, 8)
    assert api_with(token.key).get(API).status_code == 401


def test_the_number_of_days_comes_from_the_environment_and_is_checked():
    def days(value: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "API_TOKEN_DAYS": value}
        code = "from django.conf import settings; print(settings.API_TOKEN_DAYS)"
        return subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    assert days("30").stdout.split()[-1] == "30"
    refused = days("0")
    assert refused.returncode != 0
    assert "API_TOKEN_DAYS=0: expected a whole number of 1 or more" in refused.stderr


def test_the_owner_issues_a_token_sees_it_once_and_it_works(world):
    client = world.client("enterprise")
    response = client.post("/accounts/token/", {"action": "issue"})
    token = Token.objects.get(user=world.users["enterprise"])
    assert token.key in response.content.decode()
    assert token.key not in client.get("/accounts/token/").content.decode()
    assert api_with(token.key).get(API).status_code == 200
    assert AuditEvent.objects.filter(action="user.token_issue").count() == 1


def test_issuing_again_replaces_the_old_token(world):
    client = world.client("enterprise")
    client.post("/accounts/token/", {"action": "issue"})
    old = Token.objects.get(user=world.users["enterprise"]).key
    client.post("/accounts/token/", {"action": "issue"})
    assert api_with(old).get(API).status_code == 401
    assert Token.objects.filter(user=world.users["enterprise"]).count() == 1


def test_the_owner_revokes_their_token(world):
    key = issued_days_ago("enterprise", world, 1).key
    response = world.client("enterprise").post("/accounts/token/", {"action": "revoke"})
    assert response.status_code == 302
    assert api_with(key).get(API).status_code == 401
    event = AuditEvent.objects.get(action="user.token_revoke")
    assert event.object_id == str(world.users["enterprise"].pk) and key not in str(event.after)


def test_an_unknown_action_on_the_token_page_changes_nothing_and_says_so(world):
    key = issued_days_ago("enterprise", world, 1).key
    response = world.client("enterprise").post("/accounts/token/", {"action": "delete-all"})
    assert response.status_code == 400
    assert api_with(key).get(API).status_code == 200


def test_the_city_administrator_revokes_anyones_token_and_never_sees_a_key(world):
    token = issued_days_ago("enterprise", world, 1)
    admin = world.client("bureau")
    page = admin.get("/accounts/tokens/").content.decode()
    assert "enterprise" in page and token.key not in page
    response = admin.post("/accounts/tokens/", {"user": world.users["enterprise"].pk})
    assert response.status_code == 302
    assert api_with(token.key).get(API).status_code == 401


@pytest.mark.parametrize("username", ["district", "enterprise2", "school", "nobody"])
def test_nobody_else_revokes_another_users_token(world, username):
    token = issued_days_ago("enterprise", world, 1)
    client = world.client(username)
    assert client.get("/accounts/tokens/").status_code == 403
    response = client.post("/accounts/tokens/", {"user": world.users["enterprise"].pk})
    assert response.status_code == 403
    assert api_with(token.key).get(API).status_code == 200


@pytest.mark.parametrize("user", ["", "abc", "999999"])
def test_revoking_a_token_that_is_not_there_is_refused_with_a_message(world, user):
    response = world.client("bureau").post("/accounts/tokens/", {"user": user})
    assert response.status_code == 400
    assert 'data-testid="form-errors"' in response.content.decode()


def test_changing_the_password_with_the_password_pages_form_revokes_the_token(world):
    # The form itself, not a POST to the page: the page saves the user outside a service,
    # which the suite's write guard refuses until the page has its service.
    key = issued_days_ago("enterprise", world, 1).key
    new = "a-new-long-passphrase-42"
    data = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    form = PasswordChangeForm(world.users["enterprise"], data)
    assert form.is_valid(), form.errors
    form.save()
    assert api_with(key).get(API).status_code == 401


def test_changing_the_password_any_other_way_revokes_the_token_too(world):
    """The admin's form and `manage.py changepassword` both end in set_password and save."""
    key = issued_days_ago("enterprise", world, 1).key
    user = world.users["enterprise"]
    user.set_password("a-new-long-passphrase-42")
    user.save()
    assert not Token.objects.filter(key=key).exists()
    event = AuditEvent.objects.get(action="user.token_revoke")
    assert event.after == {"reason": "password_changed"}


def test_saving_a_user_without_a_new_password_keeps_the_token(world):
    key = issued_days_ago("enterprise", world, 1).key
    user = world.users["enterprise"]
    user.first_name = "张"
    user.save()
    assert api_with(key).get(API).status_code == 200


def test_signing_out_of_the_browser_leaves_the_token_working(world):
    key = issued_days_ago("enterprise", world, 1).key
    client = world.client("enterprise")
    assert client.post("/accounts/logout/").status_code == 302
    assert api_with(key).get(API).status_code == 200


def test_the_password_page_says_that_a_change_revokes_the_token(world):
    page = world.client("enterprise").get("/accounts/password/").content.decode()
    assert "修改密码也会吊销您的 API 令牌" in page


def test_a_token_from_the_command_expires_like_any_other(world, capsys):
    call_command("drf_create_token", "enterprise")
    key = Token.objects.get(user=world.users["enterprise"]).key
    assert api_with(key).get(API).status_code == 200
    issued_days_ago("enterprise", world, 100)
    assert api_with(key).get(API).status_code == 401
