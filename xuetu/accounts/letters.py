"""Activation letters: one A4 page per person with their user name, code, expiry and a QR
code to the activation page with the code filled in. Printed when the code is issued, since
the code exists in clear only then."""

from __future__ import annotations

from django.utils import translation

from xuetu.accounts.models import Organisation
from xuetu.accounts.services.activation import Issued, activation_path
from xuetu.core.pdf import absolute_url, qr_svg, render_pdf


def letters_pdf(issued: list[Issued], *, organisation: Organisation) -> bytes:
    """One page per person; the instructions in Chinese, and in English too when the
    printer's language is English."""
    pages = []
    for one in issued:
        url = absolute_url(activation_path(one.code))
        pages.append(
            {
                "name": one.user.first_name or one.user.username,
                "username": one.user.username,
                "code": one.code,
                "expires": one.expires_at,
                "url": url,
                "page_url": absolute_url(activation_path("").split("?")[0]),
                "qr": qr_svg(url, scale=3),
            }
        )
    english = (translation.get_language() or "").startswith("en")
    context = {"pages": pages, "organisation": organisation, "english": english}
    return render_pdf("pdf/activation.html", context)
