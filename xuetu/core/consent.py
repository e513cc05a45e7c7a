"""Request and consent: one party asks, another decides, and granting applies what was
asked, in one transaction with its audit events.

Each app declares its kinds in a module `consents.py` (found as the admin finds `admin.py`):
what the request is about, who may decide, and what granting does (a service of that app).
A pending request is one per subject and kind; whoever asked cannot decide.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from xuetu.core.audit import json_value
from xuetu.core.models import ConsentRequest, ConsentStatus
from xuetu.core.notices import notify
from xuetu.core.problems import Problem, Refused
from xuetu.core.services import actor, record_create
from xuetu.core.transitions import Flow, transition

S = ConsentStatus
CONSENT_FLOW = Flow(
    ConsentStatus,
    {S.PENDING: frozenset({S.GRANTED, S.REFUSED, S.WITHDRAWN})},
)


@dataclass(frozen=True)
class ConsentKind:
    """One kind of request: its label, the model it is about, who decides, and what granting
    does (`grant(subject, payload, by)`, a service of the app that owns the subject)."""

    kind: str
    label: str | Promise
    model: str  # "app_label.ModelName"
    deciders: Callable[[Any], Iterable[Any]]
    may_decide: Callable[[Any, Any], bool]
    grant: Callable[[Any, Mapping[str, Any], Any], None]


_kinds: dict[str, ConsentKind] = {}
_discovered = False


def register_consent(kind: ConsentKind) -> None:
    if _kinds.get(kind.kind, kind) is not kind:
        raise ValueError(f"consent kind {kind.kind!r} is registered twice")
    _kinds[kind.kind] = kind


def kind_of(name: str) -> ConsentKind:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("consents", register_to=None)
    try:
        return _kinds[name]
    except KeyError:
        raise ValueError(f"unknown consent kind {name!r}") from None


def subject_of(request: ConsentRequest) -> models.Model:
    model = apps.get_model(kind_of(request.kind).model)
    return model._default_manager.get(pk=request.object_id)


def pending_for(kind: str, about: models.Model) -> ConsentRequest | None:
    return ConsentRequest.objects.filter(
        kind=kind, object_type=about._meta.label_lower, object_id=str(about.pk), status=S.PENDING
    ).first()


ALREADY_ASKED = Problem(
    "already_requested", _("A request about this is already awaiting a decision."), "kind"
)


def consent_request(
    *,
    kind: str,
    about: models.Model,
    by: Any,
    organisation: Any,
    reason: str,
    payload: Mapping[str, Any] | None = None,
) -> ConsentRequest:
    """Asks for consent; the deciders are told."""
    declared = kind_of(kind)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you ask.")})
    request = ConsentRequest(
        kind=kind,
        object_type=about._meta.label_lower,
        object_id=str(about.pk),
        organisation=organisation,
        requested_by=actor(by),
        reason=reason.strip(),
        payload={k: json_value(v) for k, v in (payload or {}).items()},
    )
    if pending_for(kind, about) is not None:
        raise Refused([ALREADY_ASKED])
    try:
        with transaction.atomic():
            record_create(by=by, instance=request, organisation=organisation)
            what = {"org": organisation.name, "what": declared.label}  # a label: kept as its id
            notify(
                kind="consent.requested",
                recipients=declared.deciders(about),
                url=request.get_absolute_url(),
                params=what,
            )
    except IntegrityError:  # two requests at once: the database keeps one
        raise Refused([ALREADY_ASKED]) from None
    return request


def _decide(request: ConsentRequest, *, by: Any, to: str, comment: str) -> ConsentRequest:
    declared = kind_of(request.kind)
    subject = subject_of(request)
    if by is not None and not declared.may_decide(by, subject):
        raise PermissionDenied(_("You may not decide this request."))
    if by is not None and request.requested_by_id == by.pk:
        raise PermissionDenied(_("Whoever asked cannot decide their own request."))
    values = {"decided_by": actor(by), "decided_at": timezone.now(), "decision_comment": comment}
    with transaction.atomic():
        transition(
            request,
            to=to,
            flow=CONSENT_FLOW,
            by=by,
            action=to,
            values=values,
            organisation=request.organisation,
        )
        if to == S.GRANTED:
            declared.grant(subject, request.payload, by)
        if request.requested_by is not None:
            params = {"what": declared.label, "comment": comment}
            notify(
                kind=f"consent.{to}",
                recipients=[request.requested_by],
                url=request.get_absolute_url(),
                params=params,
                organisation=request.organisation,
            )
    return request


def consent_grant(*, request: ConsentRequest, by: Any, comment: str = "") -> ConsentRequest:
    """Allows what was asked and applies it."""
    return _decide(request, by=by, to=S.GRANTED, comment=comment.strip())


def consent_refuse(*, request: ConsentRequest, by: Any, comment: str) -> ConsentRequest:
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the request is refused.")})
    return _decide(request, by=by, to=S.REFUSED, comment=comment.strip())


def consent_withdraw(*, request: ConsentRequest, by: Any) -> ConsentRequest:
    """The asking organisation takes its request back."""
    if (
        by is not None
        and not ConsentRequest.objects.manageable_by(by).filter(pk=request.pk).exists()
    ):
        raise PermissionDenied(_("Only the organisation that asked can withdraw the request."))
    return transition(
        request,
        to=S.WITHDRAWN,
        flow=CONSENT_FLOW,
        by=by,
        action="withdraw",
        organisation=request.organisation,
    )
