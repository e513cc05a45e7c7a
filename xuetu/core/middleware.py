from collections.abc import Callable

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse

from xuetu.core.audit import request_ip


class RequestContextMiddleware:
    """Makes the client's address available to services writing audit events."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            request_ip.reset(token)


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: a forwarded header is client-controlled unless a proxy is configured.
    return request.META.get("REMOTE_ADDR") or None


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a signed-in user, except views marked `login_not_required`.

    The API authenticates by token as well and answers 401/403 itself, never a redirect.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
