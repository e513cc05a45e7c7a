"""Appointment letters (聘书) as a publicly verifiable document."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.core.verify import (
    EXPIRED,
    NOT_YET,
    REVOKED,
    VALID,
    Found,
    Text,
    Verifiable,
    Wording,
    mask_name,
    register_verifiable,
    term_status,
)
from xuetu.programmes.models import Appointment

WORDING = Wording(
    form_title=_("Verify an appointment letter"),
    intro=_(
        "Check that an apprenticeship mentor's appointment letter was issued through "
        "this platform and is still in force."
    ),
    title=_("Appointment letter verification"),
    number_label=_("Letter number"),
    not_found=_("No appointment letter has this number."),
    not_found_hint=_(
        "Check the number printed on the letter and try again. A letter whose number is not "
        "found here was not issued through this platform."
    ),
    statuses={
        VALID: _("This letter was issued through the platform and is in force today."),
        REVOKED: _(
            "This letter was issued through the platform but has been revoked. It is no "
            "longer valid."
        ),
        EXPIRED: _("This letter was issued through the platform; its term has ended."),
        NOT_YET: _("This letter was issued through the platform; its term has not begun yet."),
    },
    code_hint=_(
        "To see who holds this letter, scan its QR code or enter the verification code from it."
    ),
    wrong_code=_(
        "The verification code does not match this letter, so the holder is not shown. If you "
        "scanned the QR code printed on a letter and see this message, the letter may not be "
        "genuine."
    ),
    again=_("Verify another letter"),
    tip=_(
        "Tip: scanning the QR code on the letter opens its verification page directly, with "
        "the code filled in."
    ),
)


def appointment_status(appointment: Appointment, today) -> str:
    return term_status(
        revoked=appointment.revoked_at is not None,
        start=appointment.term_start,
        end=appointment.term_end,
        today=today,
    )


def _details(appointment: Appointment) -> list[tuple[Text, str]]:
    rows: list[tuple[Text, str]] = [
        (_("Holder"), mask_name(appointment.mentor.person.name)),
        (_("Organisation"), appointment.mentor.organisation.name),
        (_("Appointed as"), str(appointment.mentor.get_kind_display())),
        (_("Term"), f"{appointment.term_start:%Y-%m-%d} – {appointment.term_end:%Y-%m-%d}"),
        (_("Issued on"), f"{appointment.issued_on:%Y-%m-%d}"),
    ]
    if appointment.revoked_at:
        rows.append((_("Revoked on"), f"{timezone.localtime(appointment.revoked_at):%Y-%m-%d}"))
    return rows


def find_appointment(number: str) -> Found | None:
    appointment = (
        Appointment.objects.select_related("mentor__person", "mentor__organisation")
        .filter(number=number)
        .first()
    )
    if appointment is None:
        return None
    return Found(
        number=appointment.number,
        status=appointment_status(appointment, timezone.localdate()),
        code=appointment.code,
        details=lambda: _details(appointment),
    )


register_verifiable(Verifiable(kind="appointment", wording=WORDING, find=find_appointment))
