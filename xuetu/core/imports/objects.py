"""New objects of a model built and checked in memory, many at a time: what an import
does for every row before one bulk insert stores them all."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterable, Iterator
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init


class Maker:
    """New objects of one model without the cost of `Model.__init__` by keyword: each
    field's default for what is not given, relations by id (`cohort_id=`), or by object
    (`cohort=`) for the many-to-one relations named in `cached`: that sets the id and keeps
    the object cached, as assigning it would. With nobody listening to the model's init
    signals the object is filled as unpickling fills it (`__new__`, then its `__dict__`);
    otherwise it is built by position, as objects read from the database are. For 20,000
    objects, a third of the time keywords take."""

    def __init__(self, model: type[models.Model], *, cached: Iterable[str] = ()) -> None:
        fields = model._meta.concrete_fields
        self.model = model
        self.attnames = [f.attname for f in fields]
        self.template = {f.attname: None if f.primary_key else f.get_default() for f in fields}
        self.fresh = [f for f in fields if f.has_default() and callable(f.default)]
        by_name = {f.name: f for f in fields if isinstance(f, models.ForeignKey) and f.many_to_one}
        self.related = {name: _Relation(by_name[name]) for name in cached}
        self.known = self.template.keys() | self.related.keys()
        listened = pre_init.has_listeners(model) or post_init.has_listeners(model)
        self.plain = not listened

    def __call__(self, **values: Any) -> Any:
        if not self.known >= values.keys():
            unknown = ", ".join(sorted(values.keys() - self.known))
            raise TypeError(f"{self.model.__name__} has no field {unknown}")
        cached = {name: values.pop(name) for name in self.related.keys() & values.keys()}
        row = self.template | {f.attname: f.get_default() for f in self.fresh} | values
        for name, related in cached.items():
            row[self.related[name].attname] = self.related[name].id_of(related)
        if not self.plain:
            obj = self.model(*(row[name] for name in self.attnames))
        else:
            obj = self.model.__new__(self.model)
            obj._state = ModelState()
            obj.__dict__.update(row)
        if cached:
            obj._state.fields_cache.update(cached)
        return obj


class _Relation:
    """What assigning a related object sets: its id under the field's attname."""

    def __init__(self, field: models.ForeignKey) -> None:
        self.name, self.attname = field.name, field.attname
        # Resolved once the apps are ready: a class, not the "app.Model" string.
        related = cast(type[models.Model], field.related_model)
        self.model: type[models.Model] = related._meta.concrete_model or related
        self.target = field.target_field.attname

    def id_of(self, related: Any) -> Any:
        if related is None:
            return None
        if not isinstance(related, self.model):  # as the descriptor refuses it
            raise ValueError(f"{self.name} must be a {self.model.__name__}, not {related!r}")
        return getattr(related, self.target)


class FieldChecks:
    """`full_clean()` of the given fields of many new objects of one model, without its
    queries (whether related rows exist and whether values are unique are the caller's
    set-based lookups): each field's own checks, then the model's `clean()`, raising the
    same `ValidationError`. A field's checks depend only on its value, so a value seen
    before is not checked again (20,000 rows share a few categories and dates)."""

    MEMO_PER_FIELD = 1000  # past this many distinct values a field's values are not kept

    def __init__(self, model: type[models.Model], fields: Iterable[str]) -> None:
        names = set(fields)
        self.fields = [f for f in model._meta.concrete_fields if f.name in names]
        self.memo: dict[str, dict[tuple[type, Any], Any]] = {f.attname: {} for f in self.fields}

    def check(self, instance: models.Model) -> None:
        errors: dict[str, Any] = {}
        values = vars(instance)  # a new object holds every field's value by attname
        for field in self.fields:
            attname = field.attname
            raw = values[attname] if attname in values else getattr(instance, attname)
            if field.blank and raw in field.empty_values:
                continue
            try:
                clean = self._clean(field, raw, instance)
            except ValidationError as error:
                errors[field.name] = error.error_list
                continue
            if clean is not raw:
                setattr(instance, attname, clean)
        try:
            instance.clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def _clean(self, field: models.Field, raw: Any, instance: models.Model) -> Any:
        if field.is_relation:
            return field.clean(raw, instance)
        memo = self.memo[field.attname]
        try:
            found = memo.get((type(raw), raw))
        except TypeError:  # an unhashable value is checked every time
            return field.clean(raw, instance)
        if found is None:
            found = self._outcome(field, raw, instance)
            if len(memo) < self.MEMO_PER_FIELD:
                memo[(type(raw), raw)] = found
        if type(found) is tuple:
            return found[0]
        raise found

    @staticmethod
    def _outcome(field: models.Field, raw: Any, instance: models.Model) -> Any:
        try:
            return (field.clean(raw, instance),)
        except ValidationError as error:
            return error


class _CollectorPause:
    """Pauses counted across threads: the collector stays off until the last pause ends,
    and comes back on only if it was on when the first began."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0
        self.was_enabled = False

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self.lock:
            if self.count == 0:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.count += 1
        try:
            yield
        finally:
            with self.lock:
                self.count -= 1
                if self.count == 0 and self.was_enabled:
                    gc.enable()


_PAUSE = _CollectorPause()


def collector_paused() -> contextlib.AbstractContextManager[None]:
    """Python's cyclic garbage collector paused for a block that makes many objects which
    all stay alive (an import's rows, people, enrollments, audit rows). Each collection of
    the oldest generation walks every live object, and the allocations of a 20,000-row
    import start several of them: a third of its Python time, with no garbage to find.
    Reference counting still frees everything as usual; only cycles wait for the collector
    to resume. Pauses nest, across threads too."""
    return _PAUSE()
