"""Who may draft in programmes (the pages' machinery is core's: `xuetu.core.views`)."""

from __future__ import annotations

from xuetu.core.access import scope_for


def manages_an_enterprise(user) -> bool:
    """Agreements and classes are drafted by an enterprise (an institution cannot even list
    the enterprises it might pick) or by the city bureau."""
    scope = scope_for(user)
    return scope.city or scope.has_role("enterprise_manager")
