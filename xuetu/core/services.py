"""The two writes every registry shares: create and edit, each in one transaction with one
audit event. Domain services call these after their own rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models, transaction

from xuetu.core.audit import audit_record, changed, snapshot

M = TypeVar("M", bound=models.Model)


def record_create(
    *,
    by,
    instance: M,
    m2m: dict[str, Iterable[Any]] | None = None,
    organisation=None,
    action: str | None = None,
) -> M:
    with transaction.atomic():
        instance.full_clean()
        instance.save()
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
        audit_record(
            by=by,
            action=action or f"{instance._meta.model_name}.create",
            obj=instance,
            after=snapshot(instance),
            organisation=organisation,
        )
    return instance


def record_update(
    *,
    by,
    instance: M,
    m2m: dict[str, Iterable[Any]] | None = None,
    organisation=None,
    action: str | None = None,
) -> M:
    """Saves the new values already set on `instance`; the old ones are read from the database
    under a row lock. Writes nothing, and no event, when nothing changed."""
    model = type(instance)
    with transaction.atomic():
        stored = model._default_manager.select_for_update().get(pk=instance.pk)
        before = snapshot(stored)
        instance.full_clean()
        new_values = snapshot(instance, [f.name for f in model._meta.concrete_fields])
        for name, values in (m2m or {}).items():
            new_values[name] = sorted(v.pk if isinstance(v, models.Model) else v for v in values)
        old, new = changed(before, new_values)
        if not new:
            return instance
        fields = [k for k in new if k not in (m2m or {})]
        if fields:
            instance.save(update_fields=[_field_name(model, k) for k in fields])
        for name, values in (m2m or {}).items():
            if name in new:
                getattr(instance, name).set(values)
        audit_record(
            by=by,
            action=action or f"{model._meta.model_name}.update",
            obj=instance,
            before=old,
            after=new,
            organisation=organisation,
        )
    return instance


def _field_name(model: type[models.Model], attname: str) -> str:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field.name
    return attname


def notices_mark_read(*, by, ids: list[int]) -> int:
    """Marks the user's shown notices read. A read mark is the reader's bookkeeping, not a
    change to the record, so it writes no audit event."""
    from django.utils import timezone

    from xuetu.core.models import Notice

    if not ids:
        return 0
    unread = Notice.objects.for_user(by).filter(pk__in=ids, read_at__isnull=True)
    return unread.update(read_at=timezone.now())
