"""Who a request comes from: the signed-in user as the type checker can see it, and API
tokens that expire and die with the password."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from xuetu.accounts.models import User
from xuetu.accounts.tokens import token_has_expired, tokens_revoke_on_password_change


def signed_in(request: HttpRequest) -> User:
    """The request's user. Pages (the login middleware) and the API (its permission class)
    let only signed-in users this far; `request.user` is typed as possibly anonymous."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a token `settings.API_TOKEN_DAYS` days after it
    was issued (401, in the client's language)."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if token_has_expired(token):
            raise AuthenticationFailed(
                _("This API token has expired. Issue a new one on the API token page.")
            )
        return user, token


class RevokeTokensOnPasswordChange:
    """Listed in AUTH_PASSWORD_VALIDATORS, not to check passwords but because Django tells
    every validator when a user's password has been set (`password_changed`), whether on the
    password page, in the admin or with `manage.py changepassword`: the user's API token is
    revoked then, so a leaked token dies with the old password."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if isinstance(user, User) and user.pk is not None:
            tokens_revoke_on_password_change(user=user)

    def get_help_text(self) -> str:
        return _("Changing your password also revokes your API token.")
