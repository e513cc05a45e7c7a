"""Set-based reads and writes for imports: lookups in slices the database accepts, and bulk
creation that still writes one audit event per created object (as `record_create` does one
at a time), in the caller's transaction."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import connection, models
from django.utils import timezone

from xuetu.core.audit import json_value, request_ip

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)

INSERT_BATCH = 2000  # rows built and inserted at a time, so 40,000 never sit in memory


def in_slices(values: Iterable[T]) -> Iterator[list[T]]:
    """`values` in slices small enough for one `IN (…)` list on this database (SQLite
    accepts 999 parameters a statement; PostgreSQL takes them all at once)."""
    items = list(values)
    size = connection.features.max_query_params or len(items) or 1
    for start in range(0, len(items), size):
        yield items[start : start + size]


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def create_audited(
    *, by: Any, objects: Sequence[M], organisation: Any = None, action: str | None = None
) -> list[M]:
    """Inserts `objects` with `bulk_create` and records one `AuditEvent` per object, with the
    same action, object and after-values `record_create` would write for each. The objects
    must be valid already (checked in memory by the caller's rules)."""
    if not objects:
        return []
    model = type(objects[0])
    created = model._default_manager.bulk_create(objects)
    if any(obj.pk is None for obj in created):  # every backend we run returns the ids
        raise RuntimeError(f"{model._meta.label} bulk_create returned no primary keys")
    audit_created(by=by, objects=created, organisation=organisation, action=action)
    return created


def audit_created(
    *, by: Any, objects: Sequence[models.Model], organisation: Any = None, action: str | None = None
) -> None:
    """One `AuditEvent` per object (all of one model), as `audit_record` writes it."""
    from xuetu.core.models import AuditEvent

    if not objects:
        return
    meta = objects[0]._meta
    same = {
        "actor_id": by.pk if by is not None and by.is_authenticated else None,
        "organisation_id": organisation.pk if organisation is not None else None,
        "action": action or f"{meta.model_name}.create",
        "object_type": meta.label_lower,
        "before": None,
        "ip": request_ip.get(),
    }
    rows = (
        {"object_id": str(obj.pk), "object_repr": str(obj)[:200], "after": created_values(obj)}
        for obj in objects
    )
    insert_rows(AuditEvent, rows, same=same)


def insert_rows(
    model: type[models.Model],
    rows: Iterable[dict[str, Any]],
    *,
    same: dict[str, Any] | None = None,
) -> int:
    """Inserts rows whose ids nobody needs back (audit events, history) with one prepared
    INSERT run over a batch of rows at a time (`executemany`), each value prepared by its
    field as the ORM would. A row gives values by attname; a field it lacks takes
    `same[attname]`, else now() for an auto_now field, else its default. Like
    `bulk_create`, it sends no signals and calls no `save()`."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    fallback = {f.attname: _prepared(f, _fallback(f, same or {})) for f in fields}
    ops = connection.ops
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({marks})"
    count = 0
    with connection.cursor() as cursor:
        for batch in batched(rows, INSERT_BATCH):
            params = [_params(fields, row, fallback) for row in batch]
            cursor.executemany(sql, params)
            count += len(params)
    return count


def _params(fields: list[models.Field], row: dict[str, Any], fallback: dict[str, Any]) -> list:
    return [
        _prepared(f, row[f.attname]) if f.attname in row else fallback[f.attname] for f in fields
    ]


def _fallback(field: models.Field, same: dict[str, Any]) -> Any:
    if field.attname in same:
        return same[field.attname]
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now() if isinstance(field, models.DateTimeField) else dt.date.today()
    return field.get_default()


def _prepared(field: models.Field, value: Any) -> Any:
    return field.get_db_prep_save(value, connection)


PLAIN = (str, int, bool, type(None))  # what json_value() gives back unchanged


def created_values(obj: models.Model) -> dict[str, Any]:
    """`core.audit.snapshot()` of an object just created, without asking the database for
    its many-to-many values (a new object has none)."""
    concrete, many = _snapshot_fields(type(obj))
    data = {}
    for name in concrete:
        value = getattr(obj, name)
        data[name] = value if type(value) in PLAIN else json_value(value)
    data.update({name: [] for name in many})
    return data


@functools.cache
def _snapshot_fields(model: type[models.Model]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    meta = model._meta
    concrete = tuple(f.attname for f in meta.concrete_fields if not f.primary_key)
    return concrete, tuple(f.name for f in meta.many_to_many)


def clean_in_memory(instance: models.Model, fields: Iterable[str]) -> None:
    """`full_clean()` of the given fields, without its queries: whether related rows exist
    and whether values are unique are the caller's set-based lookups. Raises the same
    `ValidationError`."""
    instance.full_clean(
        exclude=_other_fields(type(instance), frozenset(fields)),
        validate_unique=False,
        validate_constraints=False,
    )


@functools.cache
def _other_fields(model: type[models.Model], fields: frozenset[str]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.name not in fields]
