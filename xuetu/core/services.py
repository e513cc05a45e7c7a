"""The writes every app shares: create and edit (each in one transaction with one audit
event), the editable-field list of a model, numbered documents and row locks. Domain services
call these after their own rules."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xuetu.core.audit import audit_many, audit_record, changed, json_value, snapshot

M = TypeVar("M", bound=models.Model)


def actor(by: Any) -> Any:
    """The signed-in user behind a change, or None for a system action (command, demo)."""
    return by if by is not None and by.is_authenticated else None


def stored_text(message: str | Promise, limit: int = 300) -> str:
    """A message kept as data (a note) is written in the site's default language: its reader
    may be another organisation, whose language we do not know here."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)[:limit]


def lock(instance: models.Model) -> None:
    """Lock the row for this transaction and reload `instance` from it, so a stale copy
    never writes old values back."""
    type(instance)._default_manager.select_for_update().filter(pk=instance.pk).exists()
    instance.refresh_from_db()


def apply_changes(
    instance: models.Model, changes: Mapping[str, Any], *, editable: Iterable[str]
) -> bool:
    """Sets `changes` on `instance` (strings stripped) if every field is one the service lets
    its callers change; says whether anything differs from before."""
    unknown = set(changes) - set(editable)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    before = snapshot(instance, list(changes))
    for name, value in changes.items():
        setattr(instance, name, value.strip() if isinstance(value, str) else value)
    return snapshot(instance, list(changes)) != before


def create_numbered(
    *,
    by: Any,
    instance: M,
    prefix: str,
    year: int,
    field: str = "number",
    organisation: Any = None,
) -> M:
    """Insert, then number the row from its id (`PS-2026-000123`): unique without a counter
    table, and two concurrent inserts can never take the same number."""
    with transaction.atomic():
        setattr(instance, field, f"tmp-{uuid.uuid4().hex[:24]}")
        instance.full_clean()
        instance.save()
        setattr(instance, field, f"{prefix}-{year}-{instance.pk:06d}")
        instance.save(update_fields=[field])
        audit_record(
            by=by,
            action=f"{instance._meta.model_name}.create",
            obj=instance,
            after=snapshot(instance),
            organisation=organisation,
        )
    return instance


def record_create(
    *,
    by,
    instance: M,
    m2m: Mapping[str, Iterable[Any]] | None = None,
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


def record_delete(
    *, by, instance: models.Model, organisation=None, action: str | None = None
) -> None:
    """Deletes `instance`, its last values kept in the audit event."""
    with transaction.atomic():
        audit_record(
            by=by,
            action=action or f"{instance._meta.model_name}.delete",
            obj=instance,
            before=snapshot(instance),
            organisation=organisation,
        )
        instance.delete()


def record_update(
    *,
    by,
    instance: M,
    m2m: Mapping[str, Iterable[Any]] | None = None,
    organisation=None,
    action: str | None = None,
    reason: str | None = None,
) -> M:
    """Saves the new values already set on `instance`; the old ones are read from the database
    under a row lock. Writes nothing, and no event, when nothing changed. A `reason` given
    for the change is kept in the same event, beside the new values."""
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
            after={**new, "reason": reason} if reason else new,
            organisation=organisation,
        )
    return instance


def records_update(
    *,
    by: Any,
    queryset: models.QuerySet,
    values: Mapping[str, Any],
    action: str,
    organisation: Any = None,
) -> int:
    """Sets `values` on every row of `queryset` that differs, in one UPDATE, with one audit
    event per row changed (e.g. a roster following its class's new end date)."""
    model = queryset.model
    names = list(values)
    attnames = [model._meta.get_field(n).attname for n in names]
    with transaction.atomic():
        rows = list(queryset.select_for_update().values("pk", *attnames))
        new = {a: json_value(values[n]) for n, a in zip(names, attnames, strict=True)}
        changing = [r for r in rows if any(json_value(r[a]) != new[a] for a in attnames)]
        if not changing:
            return 0
        model._default_manager.filter(pk__in=[r["pk"] for r in changing]).update(**values)
        audit_many(
            by=by,
            action=action,
            model=model,
            changes=[(r["pk"], {a: json_value(r[a]) for a in attnames}, new) for r in changing],
            organisation=organisation,
        )
    return len(changing)


def record_put(
    *,
    by: Any,
    model: type[M],
    key: Mapping[str, Any],
    values: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]] | None = None,
    organisation: Any = None,
) -> tuple[M, bool]:
    """The row with `key`, created or brought up to `values` (reference data that is loaded
    again and again); an event only for what changed. Says whether it was created."""
    with transaction.atomic():
        instance = model._default_manager.select_for_update().filter(**key).first()
        if instance is None:
            created = model(**key, **values)
            return record_create(by=by, instance=created, m2m=m2m, organisation=organisation), True
        for name, value in values.items():
            setattr(instance, name, value)
        return record_update(by=by, instance=instance, m2m=m2m, organisation=organisation), False


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
