"""Who sees a full identifier (a resident ID number); everyone else sees it masked.

Generic identifier handling, so it sits in core: the holder is anything with a `user_id`
(the account the number belongs to), and the roles that see full numbers are a setting.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from xuetu.core.access import scope_for
from xuetu.core.identifiers import mask_id_number


def shows_full_id(user: Any, holder: Any) -> bool:
    """The city bureau, the holder themself and the roles in XUETU_FULL_ID_ROLES."""
    scope = scope_for(user)
    if scope.city or (holder.user_id and holder.user_id == scope.user_id):
        return True
    full_roles = set(settings.XUETU_FULL_ID_ROLES)
    return any(role in full_roles for _, role in scope.memberships)


def id_number_for(user: Any, holder: Any) -> str:
    """The holder's ID number as `user` may see it."""
    number = holder.id_number
    return number if shows_full_id(user, holder) else mask_id_number(number)
