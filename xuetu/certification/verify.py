"""Certificates as a publicly verifiable document (issue 9, item 7): found by their number and
their holder's full name, never by the number alone."""

from __future__ import annotations

import functools

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xuetu.certification.choices import ReviewStatus
from xuetu.certification.models import Certificate
from xuetu.certification.numbers import QUALIFICATION, SKILL_LEVEL
from xuetu.core.verify import (
    HOLDER_NAME,
    Found,
    Text,
    Verifiable,
    Wording,
    mask_name,
    names_match,
    register_verifiable,
)

_S = ReviewStatus
WORDING = Wording(
    form_title=_("Verify a certificate"),
    intro=_(
        "Check that a vocational certificate is recorded on this platform, with its holder's "
        "full name."
    ),
    title=_("Certificate verification"),
    number_label=_("Certificate number"),
    not_found=_("No certificate matches this number and name."),
    not_found_hint=_(
        "Check the number and enter the holder's full name exactly as printed on the certificate."
    ),
    statuses={
        _S.ACCEPTED: _("This certificate is recorded on the platform."),
        _S.VERIFIED: _(
            "This certificate is recorded on the platform and the bureau has verified it."
        ),
        _S.PENDING_REVIEW: _(
            "This certificate is recorded on the platform; the bureau has not yet checked its "
            "number."
        ),
        _S.REJECTED: _(
            "The bureau has rejected this certificate: it is not recognised as genuine."
        ),
    },
    code_hint="",
    wrong_code="",
    again=_("Verify another certificate"),
    tip=_("Enter the number and the holder's full name exactly as printed on the certificate."),
    # Said to the public: what the review status means for someone holding the certificate.
    status_labels={
        _S.ACCEPTED: pgettext_lazy("certificate verification", "Recorded"),
        _S.VERIFIED: pgettext_lazy("certificate verification", "Verified by the bureau"),
        _S.PENDING_REVIEW: pgettext_lazy("certificate verification", "Awaiting the bureau's check"),
        _S.REJECTED: pgettext_lazy("certificate verification", "Rejected by the bureau"),
    },
    status_tones={
        _S.ACCEPTED: "success",
        _S.VERIFIED: "success",
        _S.PENDING_REVIEW: "warning",
        _S.REJECTED: "danger",
    },
    not_found_named=_("No certificate matches this number and name."),
    not_found_named_hint=_(
        "Check the number and enter the holder's full name exactly as printed on the certificate."
    ),
)


def _level(certificate: Certificate) -> str:
    return str(certificate.get_level_display()) if certificate.level else "—"


def _details(certificate: Certificate) -> list[tuple[Text, str]]:
    return [
        (pgettext_lazy("certificate", "Holder"), mask_name(certificate.holder.name)),
        (pgettext_lazy("certificate", "Kind"), str(certificate.get_kind_display())),
        (_("Occupation"), certificate.subject),
        (_("Level"), _level(certificate)),
        (_("Issuer"), certificate.issuer),
        (pgettext_lazy("certificate", "Issued on"), f"{certificate.issued_on:%Y-%m-%d}"),
    ]


def _data(certificate: Certificate) -> dict[str, object]:
    return {
        "holder": mask_name(certificate.holder.name),
        "kind": certificate.kind,
        "occupation": certificate.subject,
        "level": certificate.level,
        "issuer": certificate.issuer,
        "issued_on": certificate.issued_on.isoformat(),
    }


def find_certificate(number: str, name: str) -> Found | None:
    # Numbers are unique per kind: two kinds may share one, so each is held against the name.
    candidates = Certificate.objects.select_related("holder", "occupation").filter(number=number)
    for certificate in candidates:
        if names_match(name, certificate.holder.name):
            return Found(
                number=certificate.number,
                status=certificate.review_status,
                code="",
                details=functools.partial(_details, certificate),
                data=functools.partial(_data, certificate),
            )
    return None


def looks_like_certificate(number: str) -> bool:
    """A number in a published certificate layout (the form then asks for the holder's name)."""
    return bool(SKILL_LEVEL.fullmatch(number) or QUALIFICATION.fullmatch(number))


register_verifiable(
    Verifiable(
        kind="certificate",
        wording=WORDING,
        secret=HOLDER_NAME,
        find_held=find_certificate,
        looks_like=looks_like_certificate,
    )
)
