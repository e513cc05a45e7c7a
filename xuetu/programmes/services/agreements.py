"""Cooperation agreements (校企合作协议): one side drafts, the other confirms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import Organisation, User
from xuetu.core.access import CHANGE, scope_for
from xuetu.core.audit import audit_record, json_value
from xuetu.core.problems import Problem, Refused
from xuetu.core.services import apply_changes, create_numbered, lock, record_create, record_update
from xuetu.programmes.access import CONFIRM
from xuetu.programmes.choices import AgreementSide, TrainingMode
from xuetu.programmes.models import CooperationAgreement
from xuetu.programmes.services.common import notify, require_manager, require_party
from xuetu.programmes.services.numbers import keep_number
from xuetu.registry.models import Enterprise, Institution

AGREEMENT_FIELDS = ("valid_from", "valid_to", "training_mode", "fee_per_apprentice", "duties")


def _side_of(by: User | None, agreement: CooperationAgreement, default: str | None) -> str:
    """Which side `by` acts for: the side they manage (the enterprise if both)."""
    if by is not None:
        managed = scope_for(by).managed_org_ids
        if agreement.enterprise_id in managed:
            return AgreementSide.ENTERPRISE
        if agreement.institution_id in managed:
            return AgreementSide.INSTITUTION
    return default or AgreementSide.ENTERPRISE


def _confirm_only(agreement: CooperationAgreement, side: str) -> None:
    """The drafter agrees to what they drafted; the other side must confirm it."""
    now = timezone.now()
    agreement.drafted_by = side
    agreement.enterprise_confirmed_at = now if side == AgreementSide.ENTERPRISE else None
    agreement.institution_confirmed_at = now if side == AgreementSide.INSTITUTION else None


def _other_side(agreement: CooperationAgreement, side: str) -> Organisation:
    return agreement.institution if side == AgreementSide.ENTERPRISE else agreement.enterprise


def agreement_create(
    *,
    by: User | None,
    enterprise: Enterprise,
    institution: Institution,
    valid_from: dt.date,
    valid_to: dt.date,
    number: str = "",
    training_mode: str = TrainingMode.ALTERNATION,
    fee_per_apprentice: Decimal = Decimal("0"),
    duties: str = "",
    scan: Any = None,
    drafted_by: str | None = None,
) -> CooperationAgreement:
    require_manager(by, enterprise.pk, institution.pk)
    agreement = CooperationAgreement(
        enterprise=enterprise,
        institution=institution,
        valid_from=valid_from,
        valid_to=valid_to,
        training_mode=training_mode,
        fee_per_apprentice=fee_per_apprentice,
        duties=duties,
    )
    if scan:
        agreement.scan = scan
    side = _side_of(by, agreement, drafted_by)
    _confirm_only(agreement, side)
    _check_agreement(agreement)
    with transaction.atomic():
        if number.strip():
            agreement.number = number.strip()
            record_create(by=by, instance=agreement, organisation=enterprise)
        else:
            create_numbered(
                by=by,
                instance=agreement,
                prefix="XY",
                year=valid_from.year,
                organisation=enterprise,
            )
        _notify_agreement(agreement, side, "agreement.awaits_confirmation")
    return agreement


def _check_agreement(agreement: CooperationAgreement) -> None:
    if agreement.valid_to <= agreement.valid_from:
        raise ValidationError({"valid_to": _("The agreement must end after it starts.")})


def _notify_agreement(agreement: CooperationAgreement, side: str, kind: str) -> None:
    notify([_other_side(agreement, side)], kind, agreement, number=agreement.number)


def agreement_update(
    *, by: User | None, agreement: CooperationAgreement, **fields: Any
) -> CooperationAgreement:
    """Any change clears both confirmations; the editor's side agrees to its own edit, so
    only the other side needs to confirm again."""
    require_party(by, CHANGE, agreement)
    with transaction.atomic():
        lock(agreement)
        keep_number(agreement, fields, "number")
        if not apply_changes(agreement, fields, editable={*AGREEMENT_FIELDS, "scan"}):
            return agreement
        side = _side_of(by, agreement, agreement.drafted_by)
        _confirm_only(agreement, side)
        _check_agreement(agreement)
        record_update(by=by, instance=agreement, organisation=agreement.enterprise)
        _notify_agreement(agreement, side, "agreement.changed")
    return agreement


def agreement_confirm(*, by: User | None, agreement: CooperationAgreement) -> CooperationAgreement:
    """The side that did not draft confirms; a second confirmation changes nothing."""
    other = (
        AgreementSide.INSTITUTION
        if agreement.drafted_by == AgreementSide.ENTERPRISE
        else AgreementSide.ENTERPRISE
    )
    field = f"{other}_confirmed_at"
    require_party(by, CONFIRM, agreement)
    now = timezone.now()
    with transaction.atomic():
        rows = CooperationAgreement.objects.filter(
            pk=agreement.pk, drafted_by=agreement.drafted_by, **{f"{field}__isnull": True}
        ).update(**{field: now})
        if rows != 1:
            raise Refused(
                [Problem("already_confirmed", _("The agreement is already confirmed."), None)]
            )
        setattr(agreement, field, now)
        audit_record(
            by=by,
            action="cooperationagreement.confirm",
            obj=agreement,
            before={field: None},
            after={field: json_value(now)},
            organisation=agreement.enterprise,
        )
        _notify_agreement(agreement, other, "agreement.confirmed")
    return agreement
