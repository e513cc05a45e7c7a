"""Every write goes through a service: while the suite runs, each row written to one of our
tables is traced to the module that asked for it, and a write from anywhere but a service, a
migration, the demo data or a test fails the test that made it.

This is a run-time check rather than a text search because a text search cannot tell a model's
`save()` from a workbook's, and misses writes that Django makes on a view's behalf (a
`ModelForm.save()`, a generic view's `form_valid`).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from django.db import models
from django.db.models.query import QuerySet

OUR_APPS = frozenset(
    {"core", "accounts", "registry", "programmes", "certification", "training", "subsidies"}
)
ALLOWED = [
    re.compile(pattern)
    for pattern in (
        r"^xuetu\.\w+\.services(\.\w+)*$",
        # core's kit: the writes every app's services share.
        r"^xuetu\.core\.(services|transitions|audit|notices|jobs|consent)$",
        r"^xuetu\.core\.imports(\.\w+)*$",
        r"\.migrations\.",
        r"^xuetu\.(\w+\.)?demo$",
        r"\.tests(\.\w+)*$",
        r"^xuetu\.testing(\.\w+)*$",
        r"^(conftest|bench)(\.\w+)*$",
        # The operator's admin writes its own audit events (accounts.admin.AuditedAdminMixin).
        r"^xuetu\.\w+\.admin$",
    )
]
# Frames that only pass a write on (a model's own save override): the caller decides.
TRANSPARENT = re.compile(r"^xuetu\.(\w+\.)*models(\.\w+)*$|^xuetu\.testing\.write_guard$")
# Django's own bookkeeping on our user model at sign-in.
EXEMPT_FIELDS = frozenset({"last_login"})


class WriteOutsideService(AssertionError):
    pass


def writer(frame: FrameType | None) -> str | None:
    """The innermost of our modules on the stack, skipping those that only pass writes on."""
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if (module.startswith("xuetu") or module.split(".")[0] in ("conftest", "bench")) and (
            not TRANSPARENT.match(module)
        ):
            return module
        frame = frame.f_back
    return None


def check(model: type[models.Model] | None, what: str) -> None:
    if model is None or model._meta.app_label not in OUR_APPS:
        return
    module = writer(sys._getframe(2))
    if module is None or any(p.search(module) for p in ALLOWED):
        return
    raise WriteOutsideService(
        f"{what} of {model._meta.label} from {module}: writes belong in a service "
        "(<app>/services), which validates them and records the audit event"
    )


def _wrap(original: Callable[..., Any], what: str, model_of: Callable[..., Any]) -> Callable:
    def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
        model = model_of(self, kwargs)
        if model is not None:
            check(model, what)
        return original(self, *args, **kwargs)

    guarded.__wrapped__ = original  # type: ignore[attr-defined]
    return guarded


def _saved_model(instance: models.Model, kwargs: dict[str, Any]) -> type[models.Model] | None:
    fields = kwargs.get("update_fields")
    if fields is not None and set(fields) <= EXEMPT_FIELDS:
        return None
    return type(instance)


def _queryset_model(queryset: QuerySet, kwargs: dict[str, Any]) -> type[models.Model] | None:
    if set(kwargs) and set(kwargs) <= EXEMPT_FIELDS:
        return None
    return queryset.model


PATCHES: list[tuple[type, str, str, Callable[..., Any]]] = [
    (models.Model, "save_base", "save", _saved_model),
    (models.Model, "delete", "delete", lambda obj, _kw: type(obj)),
    (QuerySet, "update", "update", _queryset_model),
    (QuerySet, "delete", "delete", lambda qs, _kw: qs.model),
    (QuerySet, "bulk_create", "bulk_create", lambda qs, _kw: qs.model),
    (QuerySet, "bulk_update", "bulk_update", lambda qs, _kw: qs.model),
]


def install() -> None:
    """Wraps the ORM's write methods once for the whole test session."""
    for owner, name, what, model_of in PATCHES:
        original = getattr(owner, name)
        if not hasattr(original, "__wrapped__"):
            setattr(owner, name, _wrap(original, what, model_of))
