"""The public activation page: a person types the code from their letter (or scans it), sets
their own password and is signed in. Failed codes are counted per address; past the limit the
page refuses for a while (429), so it cannot be used to guess codes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import login, password_validation
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from xuetu.accounts.services.activation import CODE_UNKNOWN, account_activate
from xuetu.core.limits import count_in_window
from xuetu.core.problems import Refused

FAILURE_LIMIT = 10  # wrong codes per address in the window
WINDOW_SECONDS = 15 * 60
TOO_MANY = 429


class ActivateForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("activation code"),
        max_length=40,
        help_text=gettext_lazy("As printed on your letter; any case, spaces may be left out."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}
        ),
    )
    password1 = forms.CharField(
        label=gettext_lazy("new password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=gettext_lazy("new password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


def _key(request: HttpRequest) -> str:
    return f"activation-failures:{request.META.get('REMOTE_ADDR', '')}"


class ActivatePage(View):
    template_name = "accounts/activate.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = ActivateForm(initial={"code": request.GET.get("code", "")})
        return self.page(request, form)

    def post(self, request: HttpRequest) -> HttpResponse:
        if cache.get(_key(request), 0) >= FAILURE_LIMIT:
            return self.page(request, ActivateForm(), status=TOO_MANY, blocked=True)
        form = ActivateForm(request.POST)
        if not form.is_valid():
            return self.page(request, form, status=400)
        data = form.cleaned_data
        try:
            user = account_activate(code=data["code"], password=data["password1"])
        except Refused as refused:
            if CODE_UNKNOWN in refused.problems:
                self.count_failure(request)
            for problem in refused.problems:
                form.add_error("code", str(problem.message))
            return self.page(request, form, status=400)
        except ValidationError as error:
            form.add_error("password1", error)
            return self.page(request, form, status=400)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(settings.LOGIN_REDIRECT_URL)

    def count_failure(self, request: HttpRequest) -> None:
        count_in_window(_key(request), WINDOW_SECONDS)

    def page(
        self, request: HttpRequest, form: ActivateForm, *, status: int = 200, blocked: bool = False
    ) -> HttpResponse:
        context = {"form": form, "blocked": blocked, "minutes": WINDOW_SECONDS // 60}
        return TemplateResponse(request, self.template_name, context, status=status)
