"""Public verification of numbered documents, without signing in.

Each kind of document (appointment letters now, certificates next) registers a `Verifiable`
in its app's `verify.py`; core finds those modules (as the admin finds `admin.py`) and serves
one pair of public pages for them all.

Policy: anyone holding a number learns whether such a document exists and its status (valid,
not yet in force, expired, revoked). Who holds it is shown only with the document's secret
verification code, which its QR code carries; so walking through numbers reveals statuses,
never people.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    Text = str | StrPromise
else:
    Text = str

VALID = "valid"
NOT_YET = "not_yet"
EXPIRED = "expired"
REVOKED = "revoked"
STATUS_LABELS = {
    VALID: _("Valid"),
    NOT_YET: _("Not yet in force"),
    EXPIRED: _("Expired"),
    REVOKED: _("Revoked"),
}
NUMBER_MAX = 64
CODE_MAX = 64


@dataclass(frozen=True)
class Wording:
    """What the public pages say about one kind of document."""

    form_title: Text
    intro: Text
    title: Text
    number_label: Text
    not_found: Text
    not_found_hint: Text
    statuses: dict[str, Text]
    code_hint: Text
    wrong_code: Text
    again: Text
    tip: Text


@dataclass(frozen=True)
class Found:
    """One document as the public pages see it; `details` are shown only with its code."""

    number: str
    status: str
    code: str
    details: Callable[[], Sequence[tuple[Text, str]]] = field(repr=False)


@dataclass(frozen=True)
class Verifiable:
    kind: str
    wording: Wording
    find: Callable[[str], Found | None]


_kinds: dict[str, Verifiable] = {}
_discovered = False


def register_verifiable(verifiable: Verifiable) -> None:
    if _kinds.get(verifiable.kind, verifiable) is not verifiable:
        raise ValueError(f"verifiable kind {verifiable.kind!r} is registered twice")
    _kinds[verifiable.kind] = verifiable


def verifiables() -> list[Verifiable]:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("verify", register_to=None)
    return list(_kinds.values())


GENERIC = Wording(
    form_title=_("Verify a document"),
    intro=_("Check that a document was issued through this platform and is still in force."),
    title=_("Document verification"),
    number_label=_("Document number"),
    not_found=_("No document has this number."),
    not_found_hint=_("Check the number printed on the document and try again."),
    statuses={},
    code_hint=_("Enter the verification code from the document to see whose it is."),
    wrong_code=_("The verification code does not match this document."),
    again=_("Verify another document"),
    tip=_("Tip: scanning the QR code on the document opens its verification page directly."),
)


def site_wording() -> Wording:
    kinds = verifiables()
    return kinds[0].wording if len(kinds) == 1 else GENERIC


def find_document(number: str) -> tuple[Verifiable, Found] | None:
    # Deliberately not `for_user`: the public sees every document's status by its number.
    if not number or len(number) > NUMBER_MAX:
        return None
    for verifiable in verifiables():
        found = verifiable.find(number)
        if found is not None:
            return verifiable, found
    return None


def term_status(*, revoked: bool, start: dt.date, end: dt.date | None, today: dt.date) -> str:
    """The status of a document in force from `start` to `end` (inclusive) unless revoked."""
    if revoked:
        return REVOKED
    if end is not None and end < today:
        return EXPIRED
    if start > today:
        return NOT_YET
    return VALID


# Dashes a keyboard or a word processor puts where the number has a hyphen; NFKC keeps them.
_DASHES = str.maketrans(
    dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\ufe63", "-")
)


def normalise(raw: str) -> str:
    # Full-width characters and stray spaces come from phone keyboards and copied text.
    return unicodedata.normalize("NFKC", raw).strip()


def normalise_number(raw: str) -> str:
    """`ｐｓ－２０２６－０００００７ ` and `ps-2026- 000007` → `PS-2026-000007`: document numbers
    are upper case and have no spaces, so a number as typed or copied still finds its document."""
    return "".join(normalise(raw).translate(_DASHES).split()).upper()


def mask_name(name: str) -> str:
    """王建松 → 王*松, 李四 → 李*: enough to match a document in hand, not to identify anyone."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def code_matches(found: Found, code: str) -> bool:
    return bool(code) and secrets.compare_digest(code.encode(), found.code.encode())


def verify_url(number: str, code: str = "") -> str:
    url = reverse("public:verify_number", args=[number])
    return f"{url}?{urlencode({'code': code})}" if code else url


class VerifyForm(forms.Form):
    number = forms.CharField(
        max_length=NUMBER_MAX,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    code = forms.CharField(
        label=_("Verification code"),
        max_length=CODE_MAX,
        required=False,
        help_text=_("Optional. With the code from the QR code, the holder is shown."),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )

    def __init__(self, *args, wording: Wording, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["number"].label = wording.number_label

    def clean_number(self) -> str:
        return normalise_number(self.cleaned_data["number"])

    def clean_code(self) -> str:
        return normalise(self.cleaned_data["code"])


@login_not_required
@never_cache
@require_safe
def verify(request: HttpRequest) -> HttpResponse:
    """The form; a known number goes on to its result page, an unknown one is said so here."""
    wording = site_wording()
    data = request.GET if "number" in request.GET else None
    form = VerifyForm(data, wording=wording)
    not_found = False
    if form.is_valid():
        hit = find_document(form.cleaned_data["number"])
        if hit is not None:
            return redirect(verify_url(hit[1].number, form.cleaned_data["code"]))
        not_found = True
    context = {"form": form, "not_found": not_found, "wording": wording}
    return render(request, "public/verify.html", context)


@login_not_required
@never_cache
@require_safe
def verify_number(request: HttpRequest, number: str) -> HttpResponse:
    number = normalise_number(number)
    hit = find_document(number)
    if hit is None:
        wording = site_wording()
        form = VerifyForm(initial={"number": number}, wording=wording)
        context = {"form": form, "not_found": True, "number": number, "wording": wording}
        return render(request, "public/verify.html", context, status=404)
    verifiable, found = hit
    code = normalise(request.GET.get("code", ""))[:CODE_MAX]
    show = code_matches(found, code)
    context = {
        "document": found,
        "wording": verifiable.wording,
        "status": found.status,
        "status_label": STATUS_LABELS[found.status],
        "status_text": verifiable.wording.statuses.get(found.status, ""),
        "show_details": show,
        "details": found.details() if show else [],
        "wrong_code": bool(code) and not show,
        "form": VerifyForm(initial={"number": found.number}, wording=verifiable.wording),
    }
    return render(request, "public/verify_result.html", context)
