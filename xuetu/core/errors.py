"""The pages a request gets when it is refused or fails, in the reader's language.

403 and 404 come from requests we understood, so they get the site's navigation; a 403 says
why when the refusal gave a reason (`PermissionDenied(_("Only the city bureau …"))`). A 404
never repeats its exception's text: that names the model, and another organisation's object
must look like nothing at all. 400 and 500 are drawn without the request (it, or the code
behind it, is what went wrong), from a page that needs no context processor.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _bare("400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", {"reason": refusal_reason(exception)}, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _bare("500.html", 500)


def refusal_reason(exception: Exception) -> str:
    """The refusal's own message, rendered now so a lazy one speaks the reader's language."""
    args = getattr(exception, "args", ())
    return str(args[0]) if args and args[0] else ""


def _bare(template_name: str, status: int) -> HttpResponse:
    return HttpResponse(loader.get_template(template_name).render(), status=status)
