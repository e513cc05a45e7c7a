"""Who sees a full identifier (a resident ID number); everyone else sees it masked.

Generic identifier handling, so it sits in core: the holder is anything with a `user_id`
(the account the number belongs to), and the roles that see full numbers are a setting.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from xuetu.core.access import scope_for
from xuetu.core.identifiers import mask_id_number


def sees_full_ids(user: Any) -> bool:
    """Whether the user's roles see full ID numbers (the city bureau and the roles in
    XUETU_FULL_ID_ROLES), whoever holds them; only these may search or order by them."""
    scope = scope_for(user)
    full_roles = set(settings.XUETU_FULL_ID_ROLES)
    return scope.city or any(role in full_roles for _, role in scope.memberships)


def shows_full_id(user: Any, holder: Any) -> bool:
    """The roles that see full numbers, and the holder themself."""
    own = bool(holder.user_id) and holder.user_id == scope_for(user).user_id
    return own or sees_full_ids(user)


def id_number_for(user: Any, holder: Any) -> str:
    """The holder's ID number as `user` may see it."""
    number = holder.id_number
    return number if shows_full_id(user, holder) else mask_id_number(number)


def mask_phone(number: str) -> str:
    """`13800138000` → `138****8000`: enough to recognise, not to call."""
    if not number:
        return ""
    if len(number) < 8:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def is_bureau(user: Any) -> bool:
    """The city bureau or a district reviewer: whose reading of a full ID is audited."""
    scope = scope_for(user)
    return scope.city or bool(scope.district_ids)


def audit_id_views(user: Any, model: Any, holders: Any, where: str) -> None:
    """Every full ID number a bureau role is shown is audited: one event per holder, written
    in one query (a list page, an API list, a detail page, an export)."""
    from xuetu.core.audit import audit_many

    if not is_bureau(user):
        return
    shown = [h.pk for h in holders if shows_full_id(user, h) and h.user_id != user.pk]
    if shown:
        audit_many(
            by=user,
            action="person.id_viewed",
            model=model,
            changes=[(pk, None, {"where": where}) for pk in shown],
        )
