from typing import Any

from django import template

from xuetu.core.access import CHANGE, can

register = template.Library()


@register.filter
def manages(user: Any, organisation: Any) -> bool:
    """Whether `user` may change `organisation` (its managers and the city bureau)."""
    return bool(user.is_authenticated and can(user, CHANGE, organisation))
