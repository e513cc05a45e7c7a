"""Public verification of appointment letters (聘书), without signing in.

Policy: anyone holding a letter number learns whether such a letter exists and its status
(valid, not yet in force, expired, revoked). The holder's (partly masked) name, organisation,
kind and term are shown only with the letter's secret verification code, which the letter's
QR code carries; so walking through numbers reveals statuses, never who holds the letters.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from typing import cast
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from xuetu.programmes.models import Appointment

VALID = "valid"
NOT_YET = "not_yet"
EXPIRED = "expired"
REVOKED = "revoked"

NUMBER_MAX = cast(int, Appointment._meta.get_field("number").max_length)
CODE_MAX = Appointment._meta.get_field("code").max_length


class VerifyForm(forms.Form):
    number = forms.CharField(
        label=_("Letter number"),
        max_length=NUMBER_MAX,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    code = forms.CharField(
        label=_("Verification code"),
        max_length=CODE_MAX,
        required=False,
        help_text=_("Optional. With the code from the letter's QR code, the holder is shown."),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )

    def clean_number(self) -> str:
        return normalise(self.cleaned_data["number"])

    def clean_code(self) -> str:
        return normalise(self.cleaned_data["code"])


def normalise(raw: str) -> str:
    # Full-width characters and stray spaces come from phone keyboards and copied text.
    return unicodedata.normalize("NFKC", raw).strip()


def mask_name(name: str) -> str:
    """王建松 → 王*松, 李四 → 李*: enough to match a letter in hand, not to identify anyone."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def appointment_status(appointment: Appointment, today: dt.date) -> str:
    if appointment.revoked_at is not None:
        return REVOKED
    if appointment.term_end < today:
        return EXPIRED
    if appointment.term_start > today:
        return NOT_YET
    return VALID


def code_matches(appointment: Appointment, code: str) -> bool:
    return bool(code) and secrets.compare_digest(code.encode(), appointment.code.encode())


def find_appointment(number: str) -> Appointment | None:
    # Deliberately not `for_user`: the public sees every letter's status by its number.
    if not number or len(number) > NUMBER_MAX:
        return None
    return (
        Appointment.objects.select_related("mentor__person", "mentor__organisation")
        .filter(number=number)
        .first()
    )


def result_url(number: str, code: str) -> str:
    url = reverse("public:verify_number", args=[number])
    return f"{url}?{urlencode({'code': code})}" if code else url


@login_not_required
@never_cache
@require_safe
def verify(request: HttpRequest) -> HttpResponse:
    """The form; a known number goes on to its result page, an unknown one is said so here."""
    form = VerifyForm(request.GET if "number" in request.GET else None)
    not_found = False
    if form.is_valid():
        appointment = find_appointment(form.cleaned_data["number"])
        if appointment is not None:
            return redirect(result_url(appointment.number, form.cleaned_data["code"]))
        not_found = True
    return render(request, "public/verify.html", {"form": form, "not_found": not_found})


@login_not_required
@never_cache
@require_safe
def verify_number(request: HttpRequest, number: str) -> HttpResponse:
    number = normalise(number)
    appointment = find_appointment(number)
    if appointment is None:
        form = VerifyForm(initial={"number": number})
        context = {"form": form, "not_found": True, "number": number}
        return render(request, "public/verify.html", context, status=404)
    code = normalise(request.GET.get("code", ""))[:CODE_MAX]
    show = code_matches(appointment, code)
    context = {
        "appointment": appointment,
        "status": appointment_status(appointment, timezone.localdate()),
        "show_details": show,
        "wrong_code": bool(code) and not show,
        "masked_name": mask_name(appointment.mentor.person.name) if show else "",
        "form": VerifyForm(initial={"number": appointment.number}),
    }
    return render(request, "public/verify_result.html", context)
