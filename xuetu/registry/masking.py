"""Who sees a full resident ID number; everyone else sees it masked."""

from django.conf import settings

from xuetu.core.access import scope_for


def shows_full_id(user, person) -> bool:
    scope = scope_for(user)
    if scope.city or (person.user_id and person.user_id == scope.user_id):
        return True
    full_roles = set(settings.XUETU_FULL_ID_ROLES)
    return any(role in full_roles for _, role in scope.memberships)
