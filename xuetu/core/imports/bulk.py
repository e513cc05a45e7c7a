"""Set-based reads and writes for imports: lookups in slices the database accepts, and bulk
creation that still writes one audit event per created object (as `record_create` does one
at a time), in the caller's transaction."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone

from xuetu.core.audit import json_value, request_ip

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)

INSERT_BATCH = 2000  # rows built and inserted at a time, so 40,000 never sit in memory
PLAIN = (str, int, bool, type(None))  # what json_value() gives back unchanged
NUMBERS = (int, bool, type(None))  # what a number field or an id stores as it is


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
    *,
    by: Any,
    objects: Sequence[M],
    key: str,
    within: dict[str, Any] | None = None,
    organisation: Any = None,
    action: str | None = None,
) -> list[M]:
    """Inserts `objects` (`insert_objects`, ids read back by `key` among the rows `within`
    selects) and records one `AuditEvent` per object, with the action, object and
    after-values `record_create` writes. The objects must be valid already (checked in
    memory by the caller's rules)."""
    created = insert_objects(objects, key=key, within=within)
    audit_created(by=by, objects=created, organisation=organisation, action=action)
    return created


def insert_objects(
    objects: Sequence[M], *, key: str, within: dict[str, Any] | None = None
) -> list[M]:
    """Inserts new objects with the values `bulk_create` would store (each prepared by its
    field, auto_now fields set on the objects, saved related objects' ids taken over; no
    signals, no save()). On PostgreSQL the table's sequence hands out their ids first, in
    one query, and COPY stores them; elsewhere executemany stores them and their ids are
    read back in one query by `key`, an attname unique among the new rows `within` selects.
    bulk_create compiles its SQL value by value, which for 20,000 rows costs several times
    the insert."""
    if not objects:
        return []
    model = type(objects[0])
    db = connections[DEFAULT_DB_ALIAS]
    postgres = db.vendor == "postgresql"
    fields = [f for f in model._meta.concrete_fields if postgres or not f.primary_key]
    _stamp_and_relate(objects, fields)
    last = _take_ids(db, model, objects) if postgres else _last_id(model)
    prepare = [(f.attname, _preparer(f, db)) for f in fields]
    _write(db, model, fields, (_object_values(vars(obj), prepare) for obj in objects))
    if not postgres:
        _read_back_ids(model, objects, key, (within or {}) | {"pk__gt": last})
    for obj in objects:
        obj._state.adding, obj._state.db = False, db.alias
    return list(objects)


def _object_values(values: dict[str, Any], prepare: list[tuple[str, Callable]]) -> list:
    # A new object holds every field's value in its __dict__, by attname.
    return [prep(values[name]) for name, prep in prepare]


def _take_ids(db: Any, model: type[models.Model], objects: Sequence[models.Model]) -> int:
    sql = "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)"
    with db.cursor() as cursor:
        cursor.execute(sql, [model._meta.db_table, model._meta.pk.column, len(objects)])
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk
    return ids[0] - 1


def _last_id(model: type[models.Model]) -> int:
    return model._default_manager.aggregate(last=models.Max("pk"))["last"] or 0


def _stamp_and_relate(objects: Sequence[models.Model], fields: list[models.Field]) -> None:
    """What `pre_save()` and `_prepare_related_fields_for_save()` do before an insert: the
    auto_now stamps, and the id of each cached related object saved since it was assigned
    (written under the attname directly, which keeps the cached object as assigning it
    again would; setting the attname through its descriptor would drop it)."""
    now = timezone.now()
    stamps = {
        f.attname: now if isinstance(f, models.DateTimeField) else now.date()
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    relations = [
        (f.attname, f.cache_name, f.target_field.attname, f.name, f.one_to_one)  # type: ignore[attr-defined]
        for f in fields
        if f.many_to_one or f.one_to_one
    ]
    for obj in objects:
        values = vars(obj)
        values.update(stamps)
        if not relations:
            continue
        cache = obj._state.fields_cache
        for attname, cache_name, target, name, one_to_one in relations:
            if values.get(attname) is None and cache.get(cache_name) is not None:
                related = cache[cache_name]
                if related.pk is None:
                    raise ValueError(f"{name} of {obj!r} is not saved yet")
                if one_to_one:  # the descriptor also caches the reverse side
                    setattr(obj, name, related)
                else:
                    values[attname] = getattr(related, target)


def _read_back_ids(
    model: type[models.Model], objects: Sequence[models.Model], key: str, within: dict[str, Any]
) -> None:
    """The new rows are those past the highest id before the insert (ids only grow), told
    apart by `key`; a row someone else added meanwhile has a key of its own."""
    by_key = {getattr(obj, key): obj for obj in objects}
    if len(by_key) != len(objects):
        raise ValueError(f"{key} does not tell the new {model._meta.label} rows apart")
    for value, pk in model._default_manager.filter(**within).values_list(key, "pk"):
        obj = by_key.get(value)
        if obj is not None:
            obj.pk = pk
    if any(obj.pk is None for obj in objects):
        raise RuntimeError(f"inserted {model._meta.label} rows were not found by {key}")


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
    fields, base, place = _row_plan(AuditEvent, same)
    at_id, at_repr, (at_after, to_json) = (
        place["object_id"][0],
        place["object_repr"][0],
        place["after"],
    )
    after = _AfterValues(type(objects[0]))

    def row(obj: models.Model) -> list:
        # Text for the two text columns as their preparer would pass it; JSON as its text.
        values = base.copy()
        values[at_id], values[at_repr] = str(obj.pk), str(obj)[:200]
        values[at_after] = to_json(after.of(obj))
        return values

    _write(connections[DEFAULT_DB_ALIAS], AuditEvent, fields, map(row, objects))


def insert_rows(
    model: type[models.Model],
    rows: Iterable[dict[str, Any]],
    *,
    same: dict[str, Any] | None = None,
) -> int:
    """Inserts rows whose ids nobody needs back (audit events, history), each value prepared
    by its field as the ORM would: by PostgreSQL's COPY, elsewhere by one prepared INSERT
    run over each batch (`executemany`). A row gives values by attname; a field it
    lacks takes `same[attname]`, else now() for an auto_now field, else its default. Like
    `bulk_create`, it sends no signals and calls no `save()`. The rows are taken from
    `rows` while COPY runs, so making one must not ask the database anything."""
    fields, base, place = _row_plan(model, same or {})
    db = connections[DEFAULT_DB_ALIAS]
    return _write(db, model, fields, (_row_values(base, place, row) for row in rows))


def _row_plan(
    model: type[models.Model], same: dict[str, Any]
) -> tuple[list[models.Field], list, dict[str, tuple[int, Callable]]]:
    """The columns of a row of `model` (all but its id), each one's value when a row does
    not give it, and where each attname goes with its preparer."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    db = connections[DEFAULT_DB_ALIAS]
    base = [f.get_db_prep_save(_fallback(f, same), db) for f in fields]
    return fields, base, {f.attname: (i, _preparer(f, db)) for i, f in enumerate(fields)}


def _row_values(base: list, place: dict[str, tuple[int, Callable]], row: dict) -> list:
    values = base.copy()
    for name, value in row.items():
        index, prepare = place[name]
        values[index] = prepare(value)
    return values


def _write(
    db: Any, model: type[models.Model], fields: list[models.Field], values: Iterable[list]
) -> int:
    """The rows, as they are built: one COPY on PostgreSQL, so the server stores a row while
    the next ones are made (it only has the rest to finish at the end); elsewhere one
    prepared INSERT run over each batch."""
    ops = db.ops
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    count = 0
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            with (
                db.wrap_database_errors,  # IntegrityError as Django raises it elsewhere
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in values:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        for batch in batched(values, INSERT_BATCH):
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _preparer(field: models.Field, db: Any) -> Callable[[Any], Any]:
    """The field's own preparation of a value for the database (`get_db_prep_save`), with
    the short ways for what needs none: text for a text field, a number or an id as it is,
    JSON as its text; other values (dates, times) prepared once per distinct value."""
    prepare = field.get_db_prep_save
    if isinstance(field, models.JSONField):
        # As text, which both COPY and executemany take (PostgreSQL reads it as jsonb).
        return lambda value: None if value is None else json.dumps(value, cls=field.encoder)
    if isinstance(field, models.CharField | models.TextField):
        return lambda value: value if type(value) is str else prepare(value, db)
    if isinstance(field, models.BooleanField | models.IntegerField | models.ForeignKey):
        return lambda value: value if type(value) in NUMBERS else prepare(value, db)
    return _remembering(lambda value: prepare(value, db))


def _remembering(prepare: Callable[[Any], Any], size: int = 1000) -> Callable[[Any], Any]:
    memo: dict[tuple[type, Any], Any] = {}

    def prepared(value: Any) -> Any:
        key = (type(value), value)
        try:
            return memo[key]
        except KeyError:
            found = prepare(value)
        except TypeError:  # unhashable
            return prepare(value)
        if len(memo) < size:
            memo[key] = found
        return found

    return prepared


def _fallback(field: models.Field, same: dict[str, Any]) -> Any:
    if field.attname in same:
        return same[field.attname]
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now() if isinstance(field, models.DateTimeField) else dt.date.today()
    return field.get_default()


def created_values(obj: models.Model) -> dict[str, Any]:
    """`core.audit.snapshot()` of an object just created, without asking the database for
    its many-to-many values (a new object has none)."""
    return _AfterValues(type(obj)).of(obj)


class _AfterValues:
    """`created_values` for many objects of one model. The text of a date or a time stamp
    is kept for the next object (thousands of new objects share a few dates and one time
    stamp), keyed by what its text shows: equal datetimes with another offset, or another
    fold, are kept apart. Other values are converted every time (equal Decimals such as
    1.0 and 1.00 have texts of their own)."""

    SIZE = 1000  # distinct values kept

    def __init__(self, model: type[models.Model]) -> None:
        self.concrete, self.many = _snapshot_fields(model)
        self.seen: dict[tuple, str] = {}

    def of(self, obj: models.Model) -> dict[str, Any]:
        data, values = {}, vars(obj)
        for name in self.concrete:
            value = values[name] if name in values else getattr(obj, name)
            kind = type(value)
            if kind in PLAIN:
                data[name] = value
            elif kind is dt.date or kind is dt.datetime:
                data[name] = self._text(value)
            else:
                data[name] = json_value(value)
        data.update({name: [] for name in self.many})
        return data

    def _text(self, value: dt.date) -> str:
        key = (value, getattr(value, "tzinfo", None), getattr(value, "fold", 0))
        found = self.seen.get(key)
        if found is None:
            found = value.isoformat()  # what json_value() gives a date or a datetime
            if len(self.seen) < self.SIZE:
                self.seen[key] = found
        return found


@functools.cache
def _snapshot_fields(model: type[models.Model]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    meta = model._meta
    concrete = tuple(f.attname for f in meta.concrete_fields if not f.primary_key)
    return concrete, tuple(f.name for f in meta.many_to_many)
