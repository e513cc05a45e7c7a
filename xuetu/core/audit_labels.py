"""The audit log in words: labels for actions and fields, objects as links, related ids as
names and people by their full names, in the reader's language.

An event's action is `<model name>.<verb>` (`cohort.approve`). It reads as the app declares it
in its module `audit_labels.py` (`ACTIONS = {"enrollment.change_mentor": _("Mentor changed")}`,
found as the admin finds `admin.py`), else as the object's verbose name and the verb from the
table below (`Class approved`), else as its code. Fields read as their model's verbose names;
a key that is no field reads as an app declares it (`FIELDS`) or as itself. Core names no app.

A page of events is described in a fixed number of queries: one per model whose objects or
related rows the page names, never one per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

# The verbs every app's services and the transitions share.
VERBS: dict[str, str | Promise] = {
    "create": gettext_lazy("created"),
    "update": gettext_lazy("changed"),
    "save": gettext_lazy("saved"),
    "delete": gettext_lazy("deleted"),
    "submit": gettext_lazy("submitted"),
    "approve": gettext_lazy("approved"),
    "return": gettext_lazy("returned"),
    "reject": gettext_lazy("rejected"),
    "withdraw": gettext_lazy("withdrawn"),
    "start": gettext_lazy("started"),
    "complete": gettext_lazy("completed"),
    "close": gettext_lazy("closed"),
    "reopen": gettext_lazy("reopened"),
    "confirm": gettext_lazy("confirmed"),
    "grant": gettext_lazy("granted"),
    "refuse": gettext_lazy("refused"),
    "run": gettext_lazy("run"),
    "finish": gettext_lazy("finished"),
    "fail": gettext_lazy("failed"),
}

ActorNames = Callable[[Iterable[int]], Mapping[int, str]]

_actions: dict[str, str | Promise] = {}
_fields: dict[str, str | Promise] = {}
_link_related: dict[str, tuple[str, ...]] = {}
_actor_names: list[ActorNames] = []
_discovered = False


def register_audit_labels(
    *,
    actions: Mapping[str, str | Promise] | None = None,
    fields: Mapping[str, str | Promise] | None = None,
    link_related: Mapping[str, Iterable[str]] | None = None,
    actor_names: ActorNames | None = None,
) -> None:
    """An app's labels: `actions` by action code, `fields` for keys that are no model field,
    `link_related` the relations an object's link needs (by `app_label.model`), and
    `actor_names` a function giving the names of users (by id) in one query."""
    for code, label in (actions or {}).items():
        if code in _actions and _actions[code] is not label:
            raise ValueError(f"audit action {code!r} is labelled twice")
        _actions[code] = label
    _fields.update(fields or {})
    for label, related in (link_related or {}).items():
        _link_related[label] = tuple(related)
    if actor_names is not None and actor_names not in _actor_names:
        _actor_names.append(actor_names)


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("audit_labels", register_to=None)


def model_for(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_label(object_type: str) -> str:
    model = model_for(object_type)
    return capfirst(str(model._meta.verbose_name)) if model else object_type


def action_label(action: str, object_type: str = "") -> str:
    _discover()
    if action in _actions:
        return str(_actions[action])
    verb = action.rsplit(".", 1)[-1]
    model = model_for(object_type)
    if verb in VERBS and model is not None:
        return _("%(object)s %(verb)s") % {
            "object": capfirst(str(model._meta.verbose_name)),
            "verb": VERBS[verb],
        }
    return action


def object_types_with_events() -> list[tuple[str, str]]:
    """(object type, its label) for each kind of object the log has events about."""
    from xuetu.core.models import AuditEvent

    types = AuditEvent.objects.order_by().values_list("object_type", flat=True).distinct()
    return sorted(((t, type_label(t)) for t in types), key=lambda pair: pair[1])


def _field_by_key(model: type[models.Model] | None, key: str) -> models.Field | None:
    if model is None:
        return None
    for f in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        if key in (f.name, f.attname):
            return f
    return None


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    """One event as a reader sees it."""

    event: Any
    actor: str
    action: str
    type_label: str
    object_text: str
    object_url: str
    changes: list[Change] = field(default_factory=list)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def _keys(model: type[models.Model], values: Iterable[Any]) -> set[Any]:
    """The values that are valid primary keys of `model`; an odd old id is left out."""
    keys = set()
    for value in values:
        try:
            keys.add(model._meta.pk.to_python(value))
        except Exception:
            continue
    return keys


class _Names:
    """The rows a page mentions, fetched once per model."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self.found: dict[type[models.Model], dict[Any, models.Model]] = defaultdict(dict)

    def want(self, model: type[models.Model], values: Any) -> None:
        for value in values if isinstance(values, list) else [values]:
            if not _blank(value) and not isinstance(value, dict | list):
                self.wanted[model].add(value)

    def fetch(self, related: Mapping[str, Iterable[str]] | None = None) -> None:
        for model, values in self.wanted.items():
            keys = _keys(model, values) - set(self.found[model])
            if keys:
                queryset = model._base_manager.all()
                if related and model._meta.label_lower in related:
                    queryset = queryset.select_related(*related[model._meta.label_lower])
                self.found[model].update(queryset.in_bulk(keys))
        self.wanted.clear()

    def get(self, model: type[models.Model], value: Any) -> models.Model | None:
        keys = _keys(model, [value])
        return self.found[model].get(keys.pop()) if keys else None

    def name(self, model: type[models.Model], value: Any) -> str:
        obj = self.get(model, value)
        return str(obj) if obj is not None else f"#{value}"


def _separator() -> str:
    """Between the items of a list, in the reader's language (", " or "、")."""
    return pgettext("list separator", ", ")


def _display(value: Any, f: models.Field | None, names: _Names) -> str:
    if _blank(value):
        return "—"
    if f is not None and f.is_relation and f.related_model is not None:
        related = f.related_model
        if isinstance(value, list):
            return _separator().join(names.name(related, v) for v in value)  # type: ignore[arg-type]
        return names.name(related, value)  # type: ignore[arg-type]
    if f is not None and f.choices:
        shown = dict(f.flatchoices).get(value)
        if shown is not None:
            return str(shown)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict | list):
        return (
            "; ".join(f"{k}: {v}" for k, v in value.items())
            if isinstance(value, dict)
            else (_separator().join(str(v) for v in value))
        )
    return str(localize(value))


def _field_label(model: type[models.Model] | None, key: str) -> str:
    f = _field_by_key(model, key)
    if f is not None:
        return capfirst(str(f.verbose_name))
    return capfirst(str(_fields.get(key, key)))


def _actor_names_for(events: list[Any]) -> dict[int, str]:
    ids = {e.actor_id for e in events if e.actor_id is not None}
    names: dict[int, str] = {}
    for provider in _actor_names:
        if ids:
            for pk, name in provider(ids).items():
                names.setdefault(pk, name)
    return names


def describe(events: Iterable[Any]) -> list[Entry]:
    """Entries for `events` (with their actors selected): a fixed number of queries."""
    _discover()
    events = list(events)
    names, objects = _Names(), _Names()
    for e in events:
        model = model_for(e.object_type)
        if model is None:
            continue
        objects.want(model, e.object_id)
        for side in (e.before, e.after):
            for key, value in (side or {}).items() if isinstance(side, dict) else []:
                f = _field_by_key(model, key)
                if f is not None and f.is_relation and f.related_model is not None:
                    names.want(f.related_model, value)  # type: ignore[arg-type]
    # The events' own objects, with what their links need; related rows already among
    # them are not fetched again.
    objects.fetch(_link_related)
    for model, found in objects.found.items():
        names.found[model].update(found)
    names.fetch(_link_related)
    people = _actor_names_for(events)
    entries = []
    for e in events:
        model = model_for(e.object_type)
        obj = objects.get(model, e.object_id) if model is not None else None
        entry = Entry(
            event=e,
            actor=_person(e.actor, people),
            action=action_label(e.action, e.object_type),
            type_label=type_label(e.object_type),
            object_text=str(obj) if obj is not None else e.object_repr,
            object_url=_url(obj),
        )
        before = e.before if isinstance(e.before, dict) else {}
        after = e.after if isinstance(e.after, dict) else {}
        for key in [*before, *(k for k in after if k not in before)]:
            f = _field_by_key(model, key)
            entry.changes.append(
                Change(
                    label=_field_label(model, key),
                    before=_display(before.get(key), f, names) if key in before else "",
                    after=_display(after.get(key), f, names) if key in after else "",
                )
            )
        entries.append(entry)
    return entries


def _url(obj: models.Model | None) -> str:
    if obj is None or not hasattr(obj, "get_absolute_url"):
        return ""
    try:
        return obj.get_absolute_url()
    except Exception:
        return ""


def _person(user: Any, people: Mapping[int, str]) -> str:
    if user is None:
        return "—"
    return people.get(user.pk) or user.get_full_name() or user.get_username()
