"""Mentors, teachers and their appointment letters (聘书)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import Organisation, User
from xuetu.core.access import CHANGE
from xuetu.core.audit import audit_record
from xuetu.core.services import apply_changes, create_numbered, lock, record_create, record_update
from xuetu.programmes import documents, rules
from xuetu.programmes.choices import MentorKind
from xuetu.programmes.models import Appointment, Cohort, Mentor, verification_code
from xuetu.programmes.services.common import current_policy, require_manager, require_party
from xuetu.registry.models import Occupation, Person

MENTOR_FIELDS = (
    "occupation",
    "certificate_level",
    "certificate_number",
    "recognised",
    "recognition_reason",
    "recognition_approved_by",
    "years_experience",
    "capacity",
    "is_active",
)


def mentor_create(
    *,
    by: User | None,
    organisation: Organisation,
    person: Person,
    kind: str | None = None,
    occupation: Occupation | None = None,
    certificate_level: int | None = None,
    certificate_number: str = "",
    recognised: bool = False,
    recognition_reason: str = "",
    recognition_approved_by: str = "",
    years_experience: int = 0,
    capacity: int | None = None,
) -> Mentor:
    require_manager(by, organisation.pk)
    natural = (
        MentorKind.INSTITUTION if organisation.kind == "institution" else MentorKind.ENTERPRISE
    )
    mentor = Mentor(
        organisation=organisation,
        person=person,
        kind=kind or natural,
        occupation=occupation,
        certificate_level=certificate_level,
        certificate_number=certificate_number.strip(),
        recognised=recognised,
        recognition_reason=recognition_reason.strip(),
        recognition_approved_by=recognition_approved_by.strip(),
        years_experience=years_experience,
        capacity=capacity,
    )
    _check_mentor(mentor)
    return record_create(by=by, instance=mentor, organisation=organisation)


def mentor_update(*, by: User | None, mentor: Mentor, **fields: Any) -> Mentor:
    require_party(by, CHANGE, mentor)
    with transaction.atomic():
        lock(mentor)
        capacity_before = mentor.capacity
        apply_changes(mentor, fields, editable=MENTOR_FIELDS)
        # A capacity recorded before the policy's limit was checked here stays until it is
        # edited: deactivating such a mentor is not refused over it.
        _check_mentor(mentor, capacity_set=mentor.capacity != capacity_before)
        return record_update(by=by, instance=mentor, organisation=mentor.organisation)


def _check_mentor(mentor: Mentor, *, capacity_set: bool = True) -> None:
    """An enterprise appoints mentors and an institution teachers; a recognition without a
    reason and an approver is not a recognition (the audit found "rented teachers"); a
    capacity above the policy's ratio is refused, not cut to it. A mentor who does not
    qualify may be recorded (someone to be mentor once certified): the pickers leave them out
    and assigning them is refused (`rules.mentor_problems`)."""
    errors: dict[str, Any] = {}
    if capacity_set:
        policy = current_policy(timezone.localdate())
        for problem in rules.capacity_setting_problems(mentor.kind, mentor.capacity, policy):
            errors["capacity"] = problem.message
    is_institution = mentor.organisation.kind == "institution"
    if (mentor.kind == MentorKind.INSTITUTION) != is_institution:
        errors["kind"] = _("Enterprises appoint mentors; institutions appoint teachers.")
    if mentor.recognised and not mentor.recognition_reason:
        errors["recognition_reason"] = _("Give the reason for the recognition.")
    if mentor.recognised and not mentor.recognition_approved_by:
        errors["recognition_approved_by"] = _("Say who approved the recognition.")
    if errors:
        raise ValidationError(errors)


def appointment_issue(
    *,
    by: User | None,
    mentor: Mentor,
    cohort: Cohort | None = None,
    term_start: dt.date,
    term_end: dt.date,
    issued_on: dt.date | None = None,
    with_pdf: bool = True,
) -> Appointment:
    """A numbered letter (PS-<year>-<id>); its PDF too once the documents module is there."""
    require_party(by, CHANGE, mentor)
    if cohort is not None and mentor.organisation_id not in (
        cohort.enterprise_id,
        cohort.institution_id,
    ):
        raise ValidationError({"cohort": _("The mentor's organisation does not run this class.")})
    if term_end <= term_start:
        raise ValidationError({"term_end": _("The term must end after it starts.")})
    issued_on = issued_on or timezone.localdate()
    letter = Appointment(
        mentor=mentor, cohort=cohort, term_start=term_start, term_end=term_end, issued_on=issued_on
    )
    with transaction.atomic():
        create_numbered(
            by=by,
            instance=letter,
            prefix="PS",
            year=issued_on.year,
            organisation=mentor.organisation,
        )
        if with_pdf:
            appointment_store_pdf(appointment=letter, by=by)
    return letter


def appointment_store_pdf(*, appointment: Appointment, by: User | None = None) -> Appointment:
    """Renders the letter and keeps it on the appointment, replacing an earlier copy."""
    content = documents.appointment_pdf(appointment)
    with transaction.atomic():
        old = appointment.pdf.name or None
        if appointment.pdf:
            appointment.pdf.delete(save=False)
        appointment.pdf.save(f"{appointment.number}.pdf", ContentFile(content), save=False)
        appointment.save(update_fields=["pdf"])
        audit_record(
            by=by,
            action="appointment.render_pdf",
            obj=appointment,
            before={"pdf": old},
            after={"pdf": appointment.pdf.name},
            organisation=appointment.mentor.organisation,
        )
    return appointment


def recode_logged_letters(
    appointment_model: type[models.Model] = Appointment,
    event_model: type[models.Model] | None = None,
    *,
    by: User | None = None,
) -> int:
    """New verification codes for the letters whose code the audit log holds (from before
    the log kept codes out); their old codes stop working and their stored PDFs, which
    carry the old code, are dropped (a letter's PDF is then made with the new code). The
    log itself is never edited: each letter gets one more event saying its code was
    replaced. Takes the models so that a migration can run it on its historical ones;
    returns how many letters were re-coded."""
    from xuetu.core.models import AuditEvent

    events = event_model or AuditEvent
    label = "programmes.appointment"
    logged: set[str] = set()
    rows = events._base_manager.filter(object_type=label).values_list("before", "after")
    for sides in rows.iterator(chunk_size=1000):
        for side in sides:
            if isinstance(side, dict) and isinstance(side.get("code"), str):
                logged.add(side["code"])
    codes = sorted(logged)
    recoded = 0
    actor = by.pk if by is not None and by.is_authenticated else None
    for start in range(0, len(codes), 500):
        with transaction.atomic():
            letters = list(
                appointment_model._base_manager.select_for_update().filter(
                    code__in=codes[start : start + 500]
                )
            )
            for letter in letters:
                letter.code = verification_code()  # type: ignore[attr-defined]
                if letter.pdf:  # type: ignore[attr-defined]
                    letter.pdf.delete(save=False)  # type: ignore[attr-defined]
                letter.pdf = ""  # type: ignore[attr-defined]
                letter.save(update_fields=["code", "pdf"])
            events._base_manager.bulk_create(
                events(
                    actor_id=actor,
                    action="appointment.recode",
                    object_type=label,
                    object_id=str(letter.pk),
                    object_repr=str(letter.number)[:200],  # type: ignore[attr-defined]
                )
                for letter in letters
            )
            recoded += len(letters)
    return recoded
