"""Status changes: an allowed-transition table per model and the one way to apply it.

A model's `Flow` (its statuses and which may follow which) lives next to its status choices;
`transition()` checks the flow, applies the change with a conditional `UPDATE … WHERE status =
<the status the caller saw>` that must change exactly one row, and writes the audit event in
the same transaction. A double click or two reviewers at once apply a transition once; the
loser is refused with `changed_meanwhile` (HTTP 409).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xuetu.core.audit import audit_many, audit_record, json_value
from xuetu.core.problems import CONFLICT, Problem, Refused, refuse_if, say

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Flow:
    """Which status may follow which, for one model (pure: no database)."""

    statuses: type[models.TextChoices]
    allowed: Mapping[str, frozenset[str]]

    def __post_init__(self) -> None:
        known = set(self.statuses.values)
        for old, targets in self.allowed.items():
            unknown = ({old} | set(targets)) - known
            if unknown:
                raise ValueError(f"unknown statuses in a flow: {sorted(unknown)}")

    def allows(self, old: str, new: str) -> bool:
        return new in self.allowed.get(old, frozenset())

    def label(self, value: str) -> str | Promise:
        return self.statuses(value).label if value in self.statuses.values else value

    def not_now(self, old: str) -> Problem:
        """The refusal of any action that the status `old` does not allow."""
        message = say(
            _("This cannot be done while the status is %(status)s."), status=self.label(old)
        )
        return Problem("transition_not_allowed", message, "status")

    def problems(self, old: str, new: str) -> list[Problem]:
        return [] if self.allows(old, new) else [self.not_now(old)]

    def ends(self) -> frozenset[str]:
        """The statuses nothing follows."""
        return frozenset(s for s in self.statuses.values if not self.allowed.get(s))


def transition(
    obj: M,
    *,
    to: str,
    flow: Flow,
    by,
    action: str,
    values: dict[str, Any] | None = None,
    organisation=None,
    field: str = "status",
    clean: bool = False,
) -> M:
    """Moves `obj` from the status it was read with to `to`, with `values` set in the same
    UPDATE; refused unless the flow allows it and the row still has that status."""
    model = type(obj)
    old = getattr(obj, field)
    refuse_if(flow.problems(old, to))
    changes = {**(values or {}), field: to}
    before = {name: json_value(getattr(obj, name)) for name in changes}
    if _has_field(model, "updated_at"):
        changes["updated_at"] = timezone.now()
    with transaction.atomic():
        for name, value in changes.items():
            setattr(obj, name, value)
        if clean:
            obj.full_clean(validate_unique=False, validate_constraints=False)
        rows = model._default_manager.filter(pk=obj.pk, **{field: old}).update(**changes)
        if rows != 1:
            raise Refused([CONFLICT])
        audit_record(
            by=by,
            action=f"{model._meta.model_name}.{action}",
            obj=obj,
            before=before,
            after={name: json_value(getattr(obj, name)) for name in before},
            organisation=organisation,
        )
    return obj


def transition_all(
    model: type[models.Model],
    *,
    pks: list[Any],
    old: str,
    to: str,
    flow: Flow,
    by,
    action: str,
    organisation=None,
    field: str = "status",
) -> int:
    """Moves every row `pks` of `model` from `old` to `to` in one UPDATE, with one audit event
    per row; refused as a whole if any of them has moved meanwhile."""
    refuse_if(flow.problems(old, to))
    changes: dict[str, Any] = {field: to}
    if _has_field(model, "updated_at"):
        changes["updated_at"] = timezone.now()
    with transaction.atomic():
        rows = model._default_manager.filter(pk__in=pks, **{field: old}).update(**changes)
        if rows != len(set(pks)):
            raise Refused([CONFLICT])
        audit_many(
            by=by,
            action=f"{model._meta.model_name}.{action}",
            model=model,
            changes=[(pk, {field: old}, {field: to}) for pk in pks],
            organisation=organisation,
        )
    return rows


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)
