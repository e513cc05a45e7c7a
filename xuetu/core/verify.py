"""Public verification of numbered documents, without signing in.

Each kind of document (appointment letters now, certificates next) registers a `Verifiable`
in its app's `verify.py`; core finds those modules (as the admin finds `admin.py`) and serves
one pair of public pages for them all.

Each kind says which secret it asks for (`Verifiable.secret`):

- `CODE` (appointment letters): anyone holding a number learns whether such a document exists
  and its status (valid, not yet in force, expired, revoked). Who holds it is shown only with
  the document's secret verification code, which its QR code carries; so walking through
  numbers reveals statuses, never people.
- `HOLDER_NAME` (certificates, issue 9 item 7): a number alone says nothing. With the number
  and the holder's full name (compared whole, after normalisation) the masked holder and the
  certificate's particulars are shown; a wrong name answers exactly as a wrong number does.

Requests are counted per client address (`RATE_LIMIT` in `RATE_WINDOW` seconds, then 429, which
is logged); a verification itself is not audited: nothing about the visitor is written.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import secrets
import unicodedata
from collections.abc import Callable, Mapping, Sequence
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

from xuetu.core.limits import count_in_window
from xuetu.core.middleware import client_ip

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
STATUS_TONES = {VALID: "success", REVOKED: "danger", EXPIRED: "secondary"}
NUMBER_MAX = 64
CODE_MAX = 64
NAME_MAX = 60

# The secret a kind of document asks for before it says whose it is.
CODE = "code"
HOLDER_NAME = "holder_name"

RATE_LIMIT = 30  # verification requests per client address in the window
RATE_WINDOW = 10 * 60
TOO_MANY = 429
logger = logging.getLogger(__name__)


NOT_FOUND_NAMED = _("No document matches this number and name.")
NOT_FOUND_NAMED_HINT = _(
    "Check the number and enter the holder's full name exactly as printed on the document."
)


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
    # Kinds whose statuses are not the letters' (valid, expired…): their labels and colours.
    status_labels: dict[str, Text] = field(default_factory=dict)
    status_tones: dict[str, str] = field(default_factory=dict)
    # Kinds verified by the holder's name: what the result page calls them.
    not_found_named: Text = NOT_FOUND_NAMED
    not_found_named_hint: Text = NOT_FOUND_NAMED_HINT


@dataclass(frozen=True)
class Found:
    """One document as the public pages see it; `details` are shown only with its secret (the
    code, for a kind verified by code; a kind verified by name is found only with the name)."""

    number: str
    status: str
    code: str
    details: Callable[[], Sequence[tuple[Text, str]]] = field(repr=False)
    # The JSON answer's fields besides "found" and "status" (shown under the same condition).
    data: Callable[[], dict[str, object]] | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Verifiable:
    """A kind of document. `secret` CODE: `find(number)` finds it by number alone and its
    details wait for the code. `secret` HOLDER_NAME: `find_held(number, name)` finds it only
    when its holder's name matches (`names_match`), and `looks_like(number)` tells the form,
    from the number's layout alone, that the name is needed."""

    kind: str
    wording: Wording
    find: Callable[[str], Found | None] | None = None
    secret: str = CODE
    find_held: Callable[[str, str], Found | None] | None = None
    looks_like: Callable[[str], bool] | None = None

    def __post_init__(self) -> None:
        needs = "find" if self.secret == CODE else "find_held"
        if getattr(self, needs) is None:
            raise ValueError(
                f"verifiable kind {self.kind!r} with secret {self.secret!r} needs {needs}"
            )


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
    form_title=_("Verify a certificate or appointment letter"),
    intro=_(
        "Check that a vocational certificate or a mentor's appointment letter is recorded on "
        "this platform, and its status."
    ),
    title=_("Document verification"),
    number_label=_("Certificate or letter number"),
    not_found=_("No document has this number."),
    not_found_hint=_("Check the number printed on the document and try again."),
    statuses={},
    code_hint=_("Enter the verification code from the document to see whose it is."),
    wrong_code=_("The verification code does not match this document."),
    again=_("Verify another document"),
    tip=_(
        "A certificate is verified with its number and the holder's full name; an appointment "
        "letter with its number (and its verification code to see the holder). Scanning a "
        "letter's QR code opens its verification page directly."
    ),
)


def site_wording() -> Wording:
    kinds = verifiables()
    return kinds[0].wording if len(kinds) == 1 else GENERIC


def find_document(number: str, name: str = "") -> tuple[Verifiable, Found] | None:
    """The document with `number`: of a kind verified by code, by its number alone; of a kind
    verified by name, only if `name` is its holder's."""
    # Deliberately not `for_user`: the public sees every document's status by its number.
    if not number or len(number) > NUMBER_MAX:
        return None
    for verifiable in verifiables():
        if verifiable.secret == CODE and verifiable.find is not None:
            found = verifiable.find(number)
        elif name and verifiable.find_held is not None:
            found = verifiable.find_held(number, name)
        else:
            continue
        if found is not None:
            return verifiable, found
    return None


def needs_name(number: str) -> bool:
    """Whether the number, by its layout alone (never by a look-up), is a kind verified by name."""
    return any(
        v.secret == HOLDER_NAME and v.looks_like is not None and v.looks_like(number)
        for v in verifiables()
    )


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


# The separator in transcribed names (阿卜杜拉·买买提) as keyboards type it.
_NAME_DOTS = str.maketrans(dict.fromkeys("\u00b7\u2022\u2027\u2219\u22c5\u30fb\uff65.", "\u00b7"))


def normalise_name(raw: str) -> str:
    """A full name as typed: NFKC (full-width letters to ASCII), no spaces at all, one kind of
    middle dot, case folded (for names in Latin letters)."""
    return "".join(normalise(raw).translate(_NAME_DOTS).split()).casefold()


def names_match(typed: str, holder: str) -> bool:
    """The whole name, never a part of it; compared in constant time."""
    typed, holder = normalise_name(typed), normalise_name(holder)
    return bool(typed) and secrets.compare_digest(typed.encode(), holder.encode())


def mask_name(name: str) -> str:
    """王建松 → 王*松, 李四 → 李*: enough to match a document in hand, not to identify anyone."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def code_matches(found: Found, code: str) -> bool:
    return bool(code) and secrets.compare_digest(code.encode(), found.code.encode())


def verify_url(number: str, code: str = "", name: str = "") -> str:
    url = reverse("public:verify_number", args=[number])
    query = {key: value for key, value in (("name", name), ("code", code)) if value}
    return f"{url}?{urlencode(query)}" if query else url


def _optional(label: Text, max_length: int, help_text: Text) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )


class VerifyForm(forms.Form):
    number = forms.CharField(
        max_length=NUMBER_MAX,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    name = _optional(
        _("Holder's full name"),
        NAME_MAX,
        _("For a certificate: the holder's full name as printed on it."),
    )
    code = _optional(
        _("Verification code"),
        CODE_MAX,
        _("Optional. With the code from the QR code, the holder is shown."),
    )

    def __init__(self, *args, wording: Wording, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["number"].label = wording.number_label
        if not any(v.secret == HOLDER_NAME for v in verifiables()):
            del self.fields["name"]

    def clean_number(self) -> str:
        return normalise_number(self.cleaned_data["number"])

    def clean_name(self) -> str:
        return normalise(self.cleaned_data["name"])

    def clean_code(self) -> str:
        return normalise(self.cleaned_data["code"])

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("number") and not data.get("name") and needs_name(data["number"]):
            self.add_error("name", _("Enter the holder's full name as printed on the certificate."))
        return data


def _count(request: HttpRequest) -> int:
    return count_in_window(f"verify-requests:{client_ip(request) or 'unknown'}", RATE_WINDOW)


def _too_many(request: HttpRequest) -> HttpResponse:
    message = _(
        "Too many verification requests from your address. Try again in %(minutes)d minutes."
    ) % {"minutes": RATE_WINDOW // 60}
    if _wants_json(request):
        return _json({"found": False, "detail": str(message)}, status=TOO_MANY)
    context = {"wording": site_wording(), "message": message}
    return render(request, "public/verify_limited.html", context, status=TOO_MANY)


def rate_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """At most RATE_LIMIT requests per client address in RATE_WINDOW seconds, then 429."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        count = _count(request)
        if count > RATE_LIMIT:
            logger.warning(
                "verification refused (429): %s requests from %s within %s seconds",
                count,
                client_ip(request) or "an unknown address",
                RATE_WINDOW,
            )
            return _too_many(request)
        return view(request, *args, **kwargs)

    return wrapped


def _wants_json(request: HttpRequest) -> bool:
    return request.GET.get("format") == "json"


def _json(data: Mapping[str, object], *, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, status=status, content_type="application/json")


NOT_FOUND_JSON = {"found": False}


class _AtTheForm:
    """The request as the page template sees it, but at the form's address: a page that may
    not repeat the number or the name it was asked does not repeat them in its links either."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request
        self.path = reverse("public:verify")

    def get_full_path(self) -> str:
        return self.path

    def __getattr__(self, name: str) -> object:
        return getattr(self._request, name)


@login_not_required
@never_cache
@require_safe
@rate_limited
def verify(request: HttpRequest) -> HttpResponse:
    """The form; a known number goes on to its result page, an unknown one is said so here."""
    wording = site_wording()
    data = request.GET if "number" in request.GET else None
    form = VerifyForm(data, wording=wording)
    not_found = False
    named = False
    if form.is_valid():
        name = form.cleaned_data.get("name", "")
        hit = find_document(form.cleaned_data["number"], name)
        if hit is not None:
            verifiable, found = hit
            if verifiable.secret == HOLDER_NAME:
                return redirect(verify_url(found.number, name=name))
            return redirect(verify_url(found.number, form.cleaned_data["code"]))
        not_found = True
        named = bool(name)
    context = {"form": form, "not_found": not_found, "named": named, "wording": wording}
    return render(request, "public/verify.html", context)


@login_not_required
@never_cache
@require_safe
@rate_limited
def verify_number(request: HttpRequest, number: str) -> HttpResponse:
    number = normalise_number(number)
    name = normalise(request.GET.get("name", ""))[:NAME_MAX]
    hit = find_document(number, name)
    if hit is None:
        if _wants_json(request):
            return _json(NOT_FOUND_JSON, status=404)
        wording = site_wording()
        if name:
            # Asked with a name: the answer must not depend on which of the two was wrong, so
            # it repeats neither (a wrong name and a wrong number are byte for byte alike).
            form = VerifyForm(wording=wording)
            context = {
                "form": form,
                "not_found": True,
                "named": True,
                "wording": wording,
                "request": _AtTheForm(request),  # the language switch returns to the form
            }
        else:
            form = VerifyForm(initial={"number": number}, wording=wording)
            context = {"form": form, "not_found": True, "number": number, "wording": wording}
        return render(request, "public/verify.html", context, status=404)
    verifiable, found = hit
    if verifiable.secret == HOLDER_NAME:
        code, show = "", True  # the name was the secret
    else:
        code = normalise(request.GET.get("code", ""))[:CODE_MAX]
        show = code_matches(found, code)
    wording = verifiable.wording
    if _wants_json(request):
        fields = found.data() if show and found.data is not None else {}
        return _json({"found": True, "status": found.status, **fields})
    labels = {**STATUS_LABELS, **wording.status_labels}
    context = {
        "document": found,
        "wording": wording,
        "status": found.status,
        "status_label": labels[found.status],
        "status_tone": {**STATUS_TONES, **wording.status_tones}.get(found.status, "info"),
        "status_text": wording.statuses.get(found.status, ""),
        "show_details": show,
        "asks_code": verifiable.secret == CODE,
        "details": found.details() if show else [],
        "wrong_code": bool(code) and not show,
        "form": VerifyForm(initial={"number": found.number}, wording=wording),
    }
    return render(request, "public/verify_result.html", context)
