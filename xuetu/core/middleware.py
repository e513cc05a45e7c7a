import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.translation import check_for_language

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
    """The address the audit log records and sign-in throttling counts by. Behind our own TLS
    proxy (BEHIND_TLS_PROXY) that is the last X-Forwarded-For entry, the one the proxy added;
    earlier entries are the client's to forge, and without a proxy the header is ignored
    altogether. Anything that is not an IP address counts as none (the columns store only
    addresses)."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = ip_or_none(forwarded.split(",")[-1])
        if last:
            return last
    return ip_or_none(request.META.get("REMOTE_ADDR", ""))


def ip_or_none(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


class PermissionsPolicyMiddleware:
    """Sends `settings.PERMISSIONS_POLICY` ({feature: [allowed origins]}; an empty list turns
    the feature off, "self" allows this site) as the Permissions-Policy header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


def permissions_policy(features: dict[str, list[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` → `camera=(), fullscreen=(self)`."""
    allowed = {
        feature: " ".join(o if o in ("self", "*") else f'"{o}"' for o in origins)
        for feature, origins in features.items()
    }
    return ", ".join(f"{feature}=({origins})" for feature, origins in allowed.items())


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a signed-in user, except views marked `login_not_required`.

    The API authenticates by token as well and answers 401/403 itself, never a redirect.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Pages are in Chinese unless the user chose another language (the language cookie set
    by the switch); a browser's Accept-Language does not override the city's default. The API
    follows Accept-Language, as API clients expect."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen and check_for_language(chosen) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
