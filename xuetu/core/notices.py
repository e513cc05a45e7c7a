"""Notices to people, each in the reader's own language.

A notice is stored per recipient as a message id (`kind`) and its parameters; its text is
made when it is read, in the reader's language. Each app declares its messages in a module
`notices.py` with `NOTICES = {"cohort.submitted": _("Class %(code)s was submitted."), …}`;
core finds them (as the admin finds `admin.py`) and never names an app.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

# A notice kept from before notices had message ids: its text is its one parameter.
PLAIN = "plain"

_messages: dict[str, str | Promise] = {
    PLAIN: "%(text)s",
    # core's own: requests for consent (core.consent).
    "consent.requested": _("%(org)s asks: %(what)s"),
    "consent.granted": _("Your request was granted: %(what)s"),
    "consent.refused": _("Your request was refused: %(what)s (%(comment)s)"),
}
_discovered = False


class _Params(dict):
    """A missing parameter reads as nothing rather than breaking the whole notice."""

    def __missing__(self, key: str) -> str:
        return ""


def register_notices(messages: Mapping[str, str | Promise]) -> None:
    """Adds an app's notice messages; one id names one message, in every app."""
    for kind, message in messages.items():
        if kind in _messages and _messages[kind] is not message:
            raise ValueError(f"notice kind {kind!r} is declared twice")
        _messages[kind] = message


def message_for(kind: str) -> str | Promise | None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("notices", register_to=None)
    return _messages.get(kind)


def notice_text(kind: str, params: Mapping[str, Any]) -> str:
    message = message_for(kind)
    if message is None:
        return str(params.get("text", kind))
    try:
        return str(message) % _Params(params)
    except (TypeError, ValueError):
        return str(message)


def notify(
    *,
    kind: str,
    recipients: Iterable[Any],
    url: str,
    params: Mapping[str, Any] | None = None,
    organisation: Any = None,
) -> int:
    """One notice to each distinct recipient (a user, or a pair of user and the organisation
    it reaches them as); returns how many were written."""
    from xuetu.core.audit import json_value
    from xuetu.core.models import Notice

    if message_for(kind) is None:
        raise ValueError(f"unknown notice kind {kind!r}")
    values = {k: json_value(v) for k, v in (params or {}).items()}
    rows: dict[int, Notice] = {}
    for entry in recipients:
        user, org = entry if isinstance(entry, tuple) else (entry, organisation)
        if user.pk not in rows:
            rows[user.pk] = Notice(
                recipient=user, organisation=org, kind=kind, params=values, url=url
            )
    Notice.objects.bulk_create(rows.values())
    return len(rows)
