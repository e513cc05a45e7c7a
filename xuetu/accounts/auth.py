"""The signed-in user of a request, as the type checker can see it."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from xuetu.accounts.models import User


def signed_in(request: HttpRequest) -> User:
    """The request's user. Pages (the login middleware) and the API (its permission class)
    let only signed-in users this far; `request.user` is typed as possibly anonymous."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
