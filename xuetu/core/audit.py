"""Audit events: written by services in the same transaction as the change they record."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterable
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.db import models

request_ip: ContextVar[str | None] = ContextVar("request_ip", default=None)


def json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str | float):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(json_value(v) for v in value)
    if hasattr(value, "name"):  # files
        return value.name or None
    return str(value)


# Never copied into the log: a password hash is a secret even when hashed.
SECRET_FIELDS = frozenset({"password"})


def secret_fields(model: type[models.Model] | models.Model) -> frozenset[str]:
    """The fields a model declares secret (`audit_secret_fields = ("code",)`), by name and
    by column: they never reach the log, not even as set or not."""
    names: set[str] = set()
    for name in getattr(model, "audit_secret_fields", ()):
        names.add(name)
        with contextlib.suppress(Exception):  # a key that is no field is still dropped
            names.add(model._meta.get_field(name).attname)  # type: ignore[union-attr]
    return frozenset(names)


def without_secrets(model: type[models.Model] | models.Model, values: dict | None) -> dict | None:
    """`values` without the model's secret fields (a caller's own before/after too)."""
    hidden = secret_fields(model)
    if values is None or not hidden or not isinstance(values, dict):
        return values
    return {k: v for k, v in values.items() if k not in hidden}


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of `obj` (and many-to-many ids once it is saved); a secret
    is recorded only as set or not."""
    data: dict[str, Any] = {}
    hidden = secret_fields(obj)
    for field in obj._meta.concrete_fields:
        if field.primary_key or (fields and field.name not in fields) or field.name in hidden:
            continue
        value = getattr(obj, field.attname)
        if field.attname in SECRET_FIELDS:
            data[field.attname] = "set" if value else ""
            continue
        data[field.attname] = json_value(value)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            if not fields or field.name in fields:
                data[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return data


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the keys whose values differ, as a (before, after) pair."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def audit_record(
    *,
    by,
    action: str,
    obj: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    organisation=None,
):
    from xuetu.core.models import AuditEvent

    return AuditEvent.objects.create(
        actor=by if by is not None and by.is_authenticated else None,
        organisation=organisation,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=without_secrets(obj, before),
        after=without_secrets(obj, after),
        ip=request_ip.get(),
    )


def audit_many(
    *,
    by,
    action: str,
    model: type[models.Model],
    changes: Iterable[tuple[Any, dict | None, dict | None]],
    organisation=None,
) -> int:
    """One event per changed row, written in one query: `changes` holds (pk, before, after)
    for rows of `model` changed together (a whole roster starting training, say)."""
    from xuetu.core.models import AuditEvent

    who = by if by is not None and by.is_authenticated else None
    ip = request_ip.get()
    events = [
        AuditEvent(
            actor=who,
            organisation=organisation,
            action=action,
            object_type=model._meta.label_lower,
            object_id=str(pk),
            object_repr=f"{model._meta.verbose_name} {pk}"[:200],
            before=without_secrets(model, before),
            after=without_secrets(model, after),
            ip=ip,
        )
        for pk, before, after in changes
    ]
    AuditEvent.objects.bulk_create(events)
    return len(events)
