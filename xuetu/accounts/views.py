"""Pages for signing in safely: the sign-in lock, one's API token, and the city
administrator's lists of sign-in locks and of everyone's tokens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from rest_framework.authtoken.models import Token

from xuetu.accounts import lockouts, services, tokens
from xuetu.accounts.auth import signed_in
from xuetu.accounts.models import User
from xuetu.core.access import scope_for

LOCKED_OUT = 429  # Too Many Requests: what it is, and not a 403 "you may never"


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """What django-axes answers to a locked pair (AXES_LOCKOUT_CALLABLE): the sign-in page
    again, saying why and for how long, on the site's and the admin's sign-in alike."""
    message = _(
        "Too many failed sign-ins for this user name from your address: signing in with it "
        "from here is blocked for %(minutes)d minutes. Try again later, or ask the city "
        "administrator to lift the lock."
    ) % {"minutes": lockouts.lockout_minutes()}
    context = {"form": AuthenticationForm(request), "locked_out": message, "next": ""}
    # Rendered now: the axes middleware hands this on after the template responses' turn.
    return render(request, "accounts/login.html", context, status=LOCKED_OUT)


class CityFormPage(View):
    """A city administrator's list with one action per row, posted as a small form: a bad
    form re-renders the list with its errors (400), a good one is applied and the list shown
    again. Everyone else gets a 403."""

    template_name: str
    form_class: type[forms.Form]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not scope_for(request.user).city:
            raise PermissionDenied(_("Only the city administrator opens this page."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(request, self.form_class())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.page(request, form, status=400)
        self.apply(request, form.cleaned_data)
        return redirect(request.path)

    def page(self, request: HttpRequest, form: forms.Form, *, status: int = 200) -> HttpResponse:
        context = {"form": form, **self.rows()}
        return TemplateResponse(request, self.template_name, context, status=status)

    def apply(self, request: HttpRequest, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def rows(self) -> dict[str, Any]:
        raise NotImplementedError


class TokenPage(View):
    """One's own API token: when it expires, issue a new one (shown once), revoke it."""

    template_name = "accounts/token.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        user = signed_in(request)
        action = request.POST.get("action")
        if action == "issue":
            return self.page(request, new=tokens.token_issue(by=user))
        if action == "revoke":
            if tokens.token_revoke(by=user, user=user):
                messages.success(request, _("Your API token is revoked."))
            else:
                messages.info(request, _("You have no API token."))
            return redirect("accounts:token")
        messages.error(request, _("Choose to issue a new token or to revoke yours."))
        return self.page(request, status=400)

    def page(self, request: HttpRequest, *, new: Token | None = None, status: int = 200):
        token = new or Token.objects.filter(user=signed_in(request)).first()
        context = {"token": token and describe(token), "new_key": new.key if new else None}
        return TemplateResponse(request, self.template_name, context, status=status)


def describe(token: Token) -> dict[str, Any]:
    """What a page shows of a token: never its key."""
    return {
        "user": token.user,
        "created": token.created,
        "expires": tokens.token_expires_at(token),
        "expired": tokens.token_has_expired(token),
    }


class RevokeForm(forms.Form):
    user = forms.ModelChoiceField(
        label=gettext_lazy("user"),
        queryset=User.objects.filter(auth_token__isnull=False),
        error_messages={"invalid_choice": gettext_lazy("This user has no API token.")},
    )


class TokenList(CityFormPage):
    """The city administrator's list of everyone's tokens, to revoke any of them."""

    template_name = "accounts/token_list.html"
    form_class = RevokeForm

    def apply(self, request: HttpRequest, data: dict[str, Any]) -> None:
        tokens.token_revoke(by=signed_in(request), user=data["user"])
        messages.success(request, _("The API token of %(user)s is revoked.") % data)

    def rows(self) -> dict[str, Any]:
        rows = Token.objects.select_related("user").order_by("-created")[: lockouts.SHOWN]
        return {"tokens": [describe(t) for t in rows]}


class ReleaseForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("user name"), max_length=255)
    ip_address = forms.GenericIPAddressField(label=gettext_lazy("IP address"))


class LockoutList(CityFormPage):
    """The city administrator's list of sign-in locks, to lift one."""

    template_name = "accounts/lockout_list.html"
    form_class = ReleaseForm

    def apply(self, request: HttpRequest, data: dict[str, Any]) -> None:
        released = lockouts.lockout_release(
            by=signed_in(request), username=data["username"], ip_address=data["ip_address"]
        )
        if released:
            messages.success(
                request,
                _("%(username)s may sign in again from %(ip)s.")
                % {"username": data["username"], "ip": data["ip_address"]},
            )
        else:
            messages.info(request, _("That user name and address had no failed sign-ins."))

    def rows(self) -> dict[str, Any]:
        return {
            "pairs": lockouts.failed_pairs(),
            "limit": settings.AXES_FAILURE_LIMIT,
            "minutes": lockouts.lockout_minutes(),
        }


class PasswordChange(auth_views.PasswordChangeView):
    """Django's password page, saving through the service (with its audit event)."""

    template_name = "core/form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        user = signed_in(self.request)
        services.user_password_change(
            by=user, user=form.user, password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())
