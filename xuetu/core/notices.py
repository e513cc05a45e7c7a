"""Notices to people, each in the reader's own language.

A notice is stored per recipient as a message id (`kind`) and its parameters; its text is
made when it is read, in the reader's language. Each app declares its messages in a module
`notices.py` with `NOTICES = {"cohort.submitted": _("Class %(code)s was submitted."), …}`;
core finds them (as the admin finds `admin.py`) and never names an app.

Job messages, import summaries and row errors are stored the same way (`freeze` turns a lazy
message into `{"id": …, "params": {…}}`, `message_text` renders it in the language active when
it is read). An id is a registered message id or, for a message nobody registered (a cell
cleaner's), its gettext msgid; a parameter that is itself translatable (a status label, a
column header) is stored as a message too, or as its text per language, and translated when
read. Plain text stored before all this reads as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from django.conf import settings
from django.utils.functional import Promise, lazy
from django.utils.module_loading import autodiscover_modules
from django.utils.text import format_lazy
from django.utils.translation import get_language, gettext, pgettext
from django.utils.translation import gettext_lazy as _

from xuetu.core.problems import say

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
    values = _Params({k: message_text(v) for k, v in params.items()})
    try:
        return str(message) % values
    except (TypeError, ValueError):
        return str(message)


def _lazy_parts(promise: Any) -> tuple[Any, tuple[Any, ...], dict[str, Any]]:
    """The function a lazy text defers, and its arguments (what pickling it keeps)."""
    function, args, kwargs = promise.__reduce__()[1][:3]
    return function, args, kwargs


# The functions behind the lazy messages the project makes, to recognise them when freezing.
# (`gettext_lazy` and `pgettext_lazy` defer `gettext` and `pgettext` themselves.)
_GETTEXT, _PGETTEXT = gettext, pgettext
_SAY = _lazy_parts(say(""))[0]
_FORMAT = _lazy_parts(format_lazy("{}", ""))[0]


def freeze(message: Any) -> Any:
    """A message as JSON that can be rendered later in any language: a lazy message becomes
    `{"id": …, "params": {…}}` (its parameters frozen too), plain values stay as they are."""
    if isinstance(message, Promise):
        return _freeze_promise(message)
    if isinstance(message, list | tuple):
        return [freeze(item) for item in message]
    if isinstance(message, dict):
        return {"params": {k: freeze(v) for k, v in message.items()}} if message else {}
    from xuetu.core.audit import json_value

    return json_value(message)


def _freeze_promise(message: Promise) -> Any:
    function, args, kwargs = _lazy_parts(message)
    if function is _GETTEXT and not kwargs:
        return {"id": str(args[0])}
    if function is _PGETTEXT and not kwargs:
        return {"id": str(args[1]), "context": str(args[0])}
    if function is _SAY:
        inner = freeze(args[0])
        if isinstance(inner, dict) and "id" in inner and "params" not in inner:
            return inner | {"params": {k: freeze(v) for k, v in args[1].items()}}
    if function is _pick_language:
        return {"lang": dict(args[0])}
    if function is _FORMAT:
        return {"format": freeze(args[0]), "args": [freeze(a) for a in args[1:]]}
    return str(message)  # a kind of lazy text we cannot take apart: said now


def _pick_language(texts: Mapping[str, str]) -> str:
    language = (get_language() or settings.LANGUAGE_CODE).lower()
    for code, text in texts.items():
        if language == code.lower() or language.split("-")[0] == code.lower().split("-")[0]:
            return str(text)
    return str(texts.get(settings.LANGUAGE_CODE) or next(iter(texts.values()), ""))


_in_languages = lazy(_pick_language, str)


def in_languages(texts: Mapping[str, str]) -> Promise:
    """A text the caller gives in each language (a column's name: its header in Chinese, its
    key in English): it reads in the language active when shown, and is stored whole."""
    return cast(Promise, _in_languages(dict(texts)))


def message_text(stored: Any) -> str:
    """A stored message in the language active now; plain text (older rows) as it is."""
    if isinstance(stored, list):
        return ", ".join(message_text(item) for item in stored)
    if not isinstance(stored, dict):
        return "" if stored is None else str(stored)
    if "lang" in stored:
        return _pick_language(stored["lang"])
    if "format" in stored:
        return message_text(stored["format"]).format(*(message_text(a) for a in stored["args"]))
    params = _Params({k: message_text(v) for k, v in (stored.get("params") or {}).items()})
    if "id" not in stored:
        return ", ".join(params.values())
    template = _template(str(stored["id"]), stored.get("context"))
    if not stored.get("params"):
        return template
    try:
        return template % params
    except (TypeError, ValueError, KeyError):
        return template


def _template(message_id: str, context: str | None) -> str:
    registered = message_for(message_id)
    if registered is not None:
        return str(registered)
    return pgettext(context, message_id) if context else gettext(message_id)


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
    # A translatable parameter (a label) is kept as its message, to be read in the reader's
    # language; the others as JSON values.
    values = {
        k: freeze(v) if isinstance(v, Promise) else json_value(v) for k, v in (params or {}).items()
    }
    rows: dict[int, Notice] = {}
    for entry in recipients:
        user, org = entry if isinstance(entry, tuple) else (entry, organisation)
        if user.pk not in rows:
            rows[user.pk] = Notice(
                recipient=user, organisation=org, kind=kind, params=values, url=url
            )
    Notice.objects.bulk_create(rows.values())
    return len(rows)


def notify_organisations(organisations: Iterable[Any], kind: str, about: Any, **params: Any) -> int:
    """A notice about `about` (an object with a page) to the people who act for each
    organisation (core.access.acting_roles: its managers, or a bureau's reviewers), never to
    every member: a mentor does not read another apprentice's filing. One query for them all."""
    from django.contrib.auth import get_user_model

    from xuetu.core.access import acting_roles

    by_pk = {o.pk: o for o in organisations if o is not None}
    # The membership model is accounts' (a layer above): reached through the user model.
    membership: Any = get_user_model()._meta.get_field("memberships").related_model
    rows: Any = (
        membership._default_manager.filter(
            organisation_id__in=by_pk, role__in=acting_roles(), user__is_active=True
        )
        .select_related("user")
        .order_by("user_id")
    )
    recipients = [(m.user, by_pk[m.organisation_id]) for m in rows]
    return notify(kind=kind, recipients=recipients, url=about.get_absolute_url(), params=params)
